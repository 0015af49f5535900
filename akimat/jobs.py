"""Celery jobs of the organisation. Thin: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from akimat import once
from akimat.calendar import fill_working_calendar as fill_year


@shared_task(time_limit=120)
def fill_working_calendar(year: int | None = None) -> int:
    """Rebuild the working calendar for `year`, or for this year and the next (the nightly run)."""
    years = [year] if year else [timezone.localdate().year, timezone.localdate().year + 1]
    return sum(fill_year(year=y) for y in years)


@shared_task(time_limit=600)
def forget_spent_tokens() -> int:
    """Nightly: delete the double-submit tokens (akimat.once) older than two days."""
    return once.forget_spent_tokens()
