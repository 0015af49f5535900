"""Instant e-mail: a notification whose kind its recipient set to "instant" is mailed at once.

Each line is mailed at most once however often the job runs (a retry, a duplicate message): the
job that sets `emailed_at` with an UPDATE … WHERE emailed_at IS NULL is the one that sends it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef
from django.utils import timezone

from tasks.digest import compose, send_each
from tasks.models import Channel, Notification, NotificationPreference


def email_notifications(*, ids: Sequence[int], base_url: str | None = None) -> int:
    """Mail each of these notifications whose recipient (active, with an address) wants its kind
    at once, in the recipient's language; never twice. A line whose mail fails is given back to
    the morning digest. Return the count sent."""
    base_url = (base_url or settings.PORTAL_URL).rstrip("/")
    wanted = (
        Notification.objects.filter(
            pk__in=ids, emailed_at__isnull=True, recipient__is_active=True, read_at__isnull=True
        )
        .exclude(recipient__email="")
        .filter(
            Exists(
                NotificationPreference.objects.filter(
                    user=OuterRef("recipient"), kind=OuterRef("kind"), channel=Channel.INSTANT
                )
            )
        )
        .select_related("recipient", "actor", "task")
        .order_by("pk")
    )
    sent = 0
    for notification in wanted:
        if not claim(notification.pk):
            continue
        if send_each([_message(notification, base_url=base_url)]):
            sent += 1
        else:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    return sent


def claim(pk: int) -> bool:
    """Whether this job is the one to mail the line. Of two jobs at once, PostgreSQL lets one
    UPDATE match; the other waits for its commit, finds `emailed_at` set, and matches nothing."""
    return bool(
        Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    )


def _message(notification: Notification, *, base_url: str) -> EmailMultiAlternatives:
    """The mail in the recipient's language."""
    user = notification.recipient
    language = user.own_language
    path = notification.task.get_absolute_url() if notification.task else notification.link
    context = {
        "user": user,
        "notification": notification,
        "language": language,
        "base_url": base_url,
        "url": f"{base_url}{path}" if path else "",
    }
    return compose("notification", to=user.email, language=language, context=context)
