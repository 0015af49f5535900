"""Celery jobs of the organisation. Thin: each calls one service."""

from __future__ import annotations

from celery import Task, shared_task
from django.utils import timezone

from akimat import imports, once
from akimat.calendar import fill_working_calendar as fill_year
from akimat.staff import STAFF


@shared_task(time_limit=120)
def fill_working_calendar(year: int | None = None) -> int:
    """Rebuild the working calendar for `year`, or for this year and the next (the nightly run)."""
    years = [year] if year else [timezone.localdate().year, timezone.localdate().year + 1]
    return sum(fill_year(year=y) for y in years)


@shared_task(time_limit=600)
def forget_spent_tokens() -> int:
    """Nightly: delete the double-submit tokens (akimat.once) older than two days."""
    return once.forget_spent_tokens()


@shared_task(bind=True, time_limit=600)
def import_staff(self: Task, run_id: int) -> str:
    """Import a confirmed staff list, reporting the rows written."""
    return imports.execute(run_id, STAFF, progress=imports.job_progress(self)).state


@shared_task(time_limit=300)
def forget_stale_imports() -> int:
    """Nightly: delete the uploaded import files never confirmed within a day."""
    return imports.sweep_stale_uploads()
