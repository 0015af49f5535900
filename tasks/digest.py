"""The morning digest: one e-mail per person, in their language, with what the day asks of them.

Set-based: the whole organisation's data comes in a fixed number of queries (the calendar, then
open tasks due by today, results awaiting acceptance and recent unread notifications), is
grouped by person in Python, and each person's mail is rendered in their own language.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from typing import TypeGuard

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from akimat.calendar import ensure_calendar
from akimat.models import CalendarDay, User
from tasks.models import (
    IN_WORK_STATUSES,
    Channel,
    Notification,
    NotificationPreference,
    Status,
    Task,
    overdue_at,
)

logger = logging.getLogger(__name__)


@dataclass
class Digest:
    user: User
    due_today: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    awaiting: list[Task] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)


def send_morning_digest(*, today: dt.date, base_url: str | None = None) -> int:
    """Mail each active person with an address their tasks due today, overdue tasks, results
    awaiting their acceptance and unread notifications since the previous working day; send
    nothing to a person with none of these, and nothing at all on a day off. Return the count."""
    previous = _previous_working_day(today)
    if previous is None:
        return 0
    base_url = (base_url or settings.PORTAL_URL).rstrip("/")
    digests = _collect(today=today, since=_start_of(previous))
    messages = [_message(digest, today=today, base_url=base_url) for digest in digests.values()]
    return send_each(messages)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _previous_working_day(today: dt.date) -> dt.date | None:
    """The working day before `today`, or None when `today` is a day off (two queries)."""
    month_ago = today - dt.timedelta(days=31)
    ensure_calendar(start=month_ago, end=today)
    days = list(
        CalendarDay.objects.filter(is_working=True, date__gte=month_ago, date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)[:2]
    )
    if not days or days[0] != today:
        return None
    return days[1] if len(days) > 1 else month_ago


def _reachable(user: User | None) -> TypeGuard[User]:
    return user is not None and user.is_active and bool(user.email)


def _collect(*, today: dt.date, since: dt.datetime) -> dict[int, Digest]:
    """Everyone's digest, keyed by person id (three queries, however many people)."""
    digests: dict[int, Digest] = {}

    def digest_of(user: User) -> Digest:
        return digests.setdefault(user.pk, Digest(user=user))

    start_of_today, start_of_tomorrow = _start_of(today), _start_of(today + dt.timedelta(days=1))
    # Overdue as the day begins (tasks.models.overdue_at), or still in work and due today.
    due = (
        Task.objects.filter(
            overdue_at(start_of_today)
            | Q(status__in=IN_WORK_STATUSES, deadline__lt=start_of_tomorrow)
        )
        .filter(responsible__is_active=True)
        .exclude(responsible__email="")
        .select_related("responsible")
        .order_by("deadline", "pk")
    )
    for task in due:
        digest = digest_of(task.responsible)
        (digest.due_today if task.deadline >= start_of_today else digest.overdue).append(task)

    awaiting = (
        Task.objects.filter(status=Status.AWAITING_ACCEPTANCE)
        .select_related("author", "responsible", "department__head")
        .order_by("submitted_at", "pk")
    )
    for task in awaiting:
        head = task.department.head if task.department else None
        deciders = {user.pk: user for user in (task.author, head) if _reachable(user)}
        deciders.pop(task.responsible_id, None)  # nobody accepts their own result
        for user in deciders.values():
            digest_of(user).awaiting.append(task)

    # Lines already e-mailed one by one, and kinds the person wants no e-mail of, stay out.
    unread = (
        Notification.objects.filter(
            read_at__isnull=True,
            emailed_at__isnull=True,
            created_at__gte=since,
            created_at__lt=start_of_tomorrow,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .exclude(
            Exists(
                NotificationPreference.objects.filter(
                    user=OuterRef("recipient"), kind=OuterRef("kind"), channel=Channel.NONE
                )
            )
        )
        .select_related("recipient", "actor", "task")
    )
    for notification in unread:
        digest_of(notification.recipient).notifications.append(notification)
    return digests


def _message(digest: Digest, *, today: dt.date, base_url: str) -> EmailMultiAlternatives:
    """The person's mail, rendered in their language."""
    user = digest.user
    language = user.own_language
    context = {
        "user": user,
        "today": today,
        "language": language,
        "base_url": base_url,
        "due_today": digest.due_today,
        "overdue": digest.overdue,
        "awaiting": digest.awaiting,
        "notifications": digest.notifications,
    }
    return compose("digest", to=user.email, language=language, context=context)


def compose(name: str, *, to: str, language: str, context: dict) -> EmailMultiAlternatives:
    """A robot's mail from `tasks/emails/<name>_subject.txt`, `_body.txt` and `_body.html`,
    rendered in `language` (the digest and the instant e-mails)."""
    with translation.override(language):
        subject = render_to_string(f"tasks/emails/{name}_subject.txt", context)
        body = render_to_string(f"tasks/emails/{name}_body.txt", context)
        html = render_to_string(f"tasks/emails/{name}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[to],
        # RFC 3834: tells auto-responders not to answer a robot.
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_each(messages: list[EmailMultiAlternatives]) -> int:
    """Send over one connection; one refused address does not stop everyone else's mail."""
    if not messages:
        return 0
    sent = 0
    with get_connection() as connection:
        for message in messages:
            message.connection = connection
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError):
                logger.exception("The mail to %s was not sent", message.to[0])
    return sent
