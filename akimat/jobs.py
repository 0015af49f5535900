"""Celery jobs of the organisation. Thin: each calls one service."""

from __future__ import annotations

import datetime as dt

from celery import chord, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from akimat import once, scoring
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


# Lost connections and deadlocks are worth another try; bad input (ScoringError) is not.
RETRY_ON = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=600,
)
def compute_scores(  # type: ignore[no-untyped-def]
    self, day: str | None = None, force: bool = False, queue: str | None = None
) -> int:
    """The nightly run: the day that ended (or `day`), one job per directorate in parallel, then
    the directorates' roll-up when every chunk is done. Returns the number of chunks sent."""
    target = dt.date.fromisoformat(day) if day else scoring.yesterday()
    chunks = scoring.validate(target, None)
    # The chunks go to `queue` when given (a dedicated queue of workers), else the default one.
    options = {"queue": queue} if queue else {}
    header = [compute_scores_chunk.s(target.isoformat(), c, force).set(**options) for c in chunks]
    chord(header)(roll_up_scores.si(target.isoformat(), chunks).set(**options))
    return len(chunks)


@shared_task(
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=600,
    ignore_result=False,
)
def compute_scores_chunk(day: str, chunk: int, force: bool = False) -> str:
    """One directorate's people for one day; the run's status (skipped when another holds it)."""
    runs = scoring.compute_scores(
        day=dt.date.fromisoformat(day), departments=[chunk], force=force, roll_up=False
    )
    return runs[0].status


@shared_task(autoretry_for=RETRY_ON, retry_backoff=True, max_retries=5, time_limit=600)
def roll_up_scores(day: str, chunks: list[int]) -> int:
    """The directorates' snapshots of `day` from their people's, after all the chunks."""
    return scoring.roll_up_departments(
        day=dt.date.fromisoformat(day), departments=chunks, now=timezone.now()
    )
