"""Celery jobs of the reception. Thin: each calls one service; each has a twin command."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from akimat.chain import describe, raise_alarm
from reception import integrity, services


@shared_task(time_limit=300)
def close_reception_day() -> tuple[int, int]:
    """End today's reception: who still waits has left, the desks left open are closed."""
    return services.close_reception_day(day=timezone.localdate())


@shared_task(time_limit=1800)
def verify_contact_log() -> bool:
    """Nightly: walk the contact log's hash chain; a break is logged and mailed to the admins."""
    report = integrity.verify_contact_log()
    if report.broken is not None:
        raise_alarm("The contact log's hash chain is broken", [describe(report, "Contact log")])
    return report.broken is None
