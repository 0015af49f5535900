"""Disputes of a day's score: the person disputes, the head of their directorate answers.

A dispute needs that day's snapshot (nobody disputes a score that was never computed), a
comment in plain words (no markup) of reasonable length, and at most one open dispute per day.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat import cleaning
from akimat.models import PersonSnapshot, Role, ScoreDispute, User

COMMENT_MAX_LENGTH = 2000
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]")


def clean_text(raw: str) -> str:
    """Plain text of 1 … COMMENT_MAX_LENGTH characters; markup is refused, not stripped."""
    if cleaning.NUL in (raw or ""):
        raise ValidationError(cleaning.NUL_MESSAGE)
    text = cleaning.clean_text(raw or "")
    if not text:
        raise ValidationError(_("Write a few words: the text cannot be empty."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The text is too long: at most %(limit)d characters, this one has %(length)d.")
            % {"limit": COMMENT_MAX_LENGTH, "length": len(text)}
        )
    if _MARKUP.search(text):
        raise ValidationError(_("Plain text only, please: HTML tags are not accepted."))
    return text


def disputes_for(user: User) -> QuerySet[ScoreDispute]:
    """The disputes a person may read: the watchers all, a head their directorates' people's,
    everyone their own."""
    found = ScoreDispute.objects.select_related("person", "answered_by")
    if user.sees_every_directorate():
        return found
    if user.has_role(Role.HEAD):
        return found.filter(Q(person__department__head=user) | Q(person=user))
    return found.filter(person=user)


def may_answer(user: User, dispute: ScoreDispute) -> bool:
    """The head of the person's directorate answers (a head's own dispute goes to the deputy)."""
    person = dispute.person
    if person.department_id and person.department.head_id == user.pk and person.pk != user.pk:
        return True
    return (
        user.has_role(Role.DEPUTY)
        and person.pk != user.pk
        and (person.department_id is None or person.department.head_id == person.pk)
    )


@transaction.atomic
def open_dispute(*, person: User, date: dt.date, comment: str) -> ScoreDispute:
    """Dispute one's own score of a day that has a snapshot, with a plain-text comment."""
    text = clean_text(comment)
    if date > timezone.localdate():
        raise ValidationError(_("That day has not come yet: there is no score to dispute."))
    if not PersonSnapshot.objects.filter(person=person, date=date).exists():
        raise ValidationError(
            _("There is no score for %(date)s: only a computed day's score can be disputed.")
            % {"date": f"{date:%d.%m.%Y}"}
        )
    waiting = ValidationError(
        _("Your dispute of %(date)s is already waiting for an answer.")
        % {"date": f"{date:%d.%m.%Y}"}
    )
    if ScoreDispute.objects.filter(
        person=person, date=date, status=ScoreDispute.Status.OPEN
    ).exists():
        raise waiting
    dispute = ScoreDispute(person=person, date=date, comment=text)
    dispute._change_reason = gettext_noop("score disputed")  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            dispute.save()
    except IntegrityError:
        # The same dispute sent twice at once: the constraint kept the first one.
        raise waiting from None
    return dispute


@transaction.atomic
def answer_dispute(*, dispute: ScoreDispute, actor: User, answer: str) -> ScoreDispute:
    """The head answers an open dispute once; the answer is kept with its author and time."""
    text = clean_text(answer)
    person = dispute.person
    dispute = ScoreDispute.objects.select_for_update().get(pk=dispute.pk)
    dispute.person = person
    if not may_answer(actor, dispute):
        raise ValidationError(_("Only the head of the person's directorate answers this dispute."))
    if dispute.status != ScoreDispute.Status.OPEN:
        raise ValidationError(_("This dispute has already been answered."))
    dispute.answer = text
    dispute.answered_by = actor
    dispute.answered_at = timezone.now()
    dispute.status = ScoreDispute.Status.ANSWERED
    dispute._change_reason = gettext_noop("dispute answered")  # type: ignore[attr-defined]
    dispute.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    return dispute
