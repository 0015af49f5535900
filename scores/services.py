"""Use cases of the scores: disputing a day's score, and the head's answer (who may read and
answer a dispute is in scores/selectors.py); each is notified through tasks' bell. The nightly computation is scores/scoring.py.

A dispute needs that day's snapshot (nobody disputes a score that was never computed), a
comment in plain words (no markup) of reasonable length, and at most one open dispute per day.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat import cleaning
from akimat.models import User
from scores.models import PersonSnapshot, ScoreDispute
from scores.selectors import answerers, may_answer
from tasks.models import Notification
from tasks.services import notify_people

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
    dispute._change_reason = gettext_noop("score disputed")
    try:
        with transaction.atomic():
            dispute.save()
    except IntegrityError:
        # The same dispute sent twice at once: the constraint kept the first one.
        raise waiting from None
    notify_people(
        recipients=answerers(dispute),
        kind=Notification.Kind.DISPUTED,
        actor=person,
        text=text,
        link=f"{reverse('score-disputes')}#dispute-{dispute.pk}",
    )
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
    dispute._change_reason = gettext_noop("dispute answered")
    dispute.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    notify_people(
        recipients=[person],
        kind=Notification.Kind.DISPUTE_ANSWERED,
        actor=actor,
        text=text,
        link=f"{reverse('score')}?date={dispute.date:%Y-%m-%d}#score-disputes",
    )
    return dispute
