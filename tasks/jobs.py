"""Celery jobs of tasks. Thin: each calls one service; each has a twin management command."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tasks import digest, instant, services


# At most once (acks_late off): a worker lost mid-run must not mail everyone a second copy.
@shared_task(time_limit=900, acks_late=False)
def send_morning_digest() -> int:
    """Mail each person today's digest; the service sends nothing on a day off."""
    return digest.send_morning_digest(today=timezone.localdate())


@shared_task(time_limit=300)
def create_recurring_occurrences() -> int:
    """Set the occurrences of recurring tasks due within the next five working days."""
    return services.create_recurring_occurrences(today=timezone.localdate())


# At most once (acks_late off), and each line is claimed before it is mailed (tasks.instant).
@shared_task(time_limit=120, acks_late=False)
def email_notifications(ids: list[int]) -> int:
    """Mail the notifications whose recipients asked for this kind at once."""
    return instant.email_notifications(ids=ids)
