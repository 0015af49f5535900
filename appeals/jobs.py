"""Celery jobs of the appeals. Thin: each calls one service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from appeals import figures

# Lost connections and deadlocks are worth another try; bad input (FiguresError) is not.
RETRY_ON = (OperationalError, InterfaceError)


@shared_task(
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=600,
)
def compute_appeal_figures(day: str | None = None) -> int:
    """The directorates' appeal figures of the day that ended (or `day`, YYYY-MM-DD); the
    snapshots written (0 when the day was written already)."""
    target = dt.date.fromisoformat(day) if day else figures.yesterday()
    return figures.record_day(target)
