"""Celery jobs of the nightly scores. Thin: each calls one service.

The tasks keep the names they had when they lived in `akimat.jobs` (`name=`): the beat schedule
of a deployment (CELERY_BEAT_SCHEDULE, "akimat.jobs.compute_scores") and the chunks and roll-ups
already queued in the broker name them so, and a worker drops a message whose task name it does
not know. The names are identifiers, not import paths.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Task, chord, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from scores import scoring

# Lost connections and deadlocks are worth another try; bad input (ScoringError) is not.
RETRY_ON = (OperationalError, InterfaceError)


@shared_task(
    name="akimat.jobs.compute_scores",
    bind=True,
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=600,
)
def compute_scores(
    self: Task[..., int], day: str | None = None, force: bool = False, queue: str | None = None
) -> int:
    """The nightly run: the day that ended (or `day`), one job per directorate in parallel, then
    the directorates' roll-up when every chunk is done. Returns the number of chunks sent."""
    target = dt.date.fromisoformat(day) if day else scoring.yesterday()
    chunks = scoring.validate(target, None)
    # The chunks go to `queue` when given (a dedicated queue of workers), else the default one.
    options: dict[str, Any] = {"queue": queue} if queue else {}
    header = [compute_scores_chunk.s(target.isoformat(), c, force).set(**options) for c in chunks]
    chord(header)(roll_up_scores.si(target.isoformat(), chunks).set(**options))
    return len(chunks)


@shared_task(
    name="akimat.jobs.compute_scores_chunk",
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


@shared_task(
    name="akimat.jobs.roll_up_scores",
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    max_retries=5,
    time_limit=600,
)
def roll_up_scores(day: str, chunks: list[int]) -> int:
    """The directorates' snapshots of `day` from their people's, after all the chunks."""
    return scoring.roll_up_departments(
        day=dt.date.fromisoformat(day), departments=chunks, now=timezone.now()
    )
