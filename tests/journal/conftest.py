"""Fixtures the logbook tests share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from akimat.calendar import ensure_calendar


def ago(**delta: float) -> dt.datetime:
    """An aware moment that long before now."""
    return timezone.now() - dt.timedelta(**delta)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def calendar_days(db):
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=400), end=today + dt.timedelta(days=60))
