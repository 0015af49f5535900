"""Celery jobs of the reception. Thin: each calls one service; each has a twin command."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reception import services


@shared_task(time_limit=300)
def close_reception_day() -> tuple[int, int]:
    """End today's reception: who still waits has left, the desks left open are closed."""
    return services.close_reception_day(day=timezone.localdate())
