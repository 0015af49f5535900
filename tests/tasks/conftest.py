"""Fixtures the task tests share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tasks import services


def in_days(days: float) -> dt.datetime:
    """An aware moment `days` from now (negative: in the past)."""
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def task(head, specialist):
    """A task the head set for the specialist, due in three days."""
    return services.create_task(
        author=head,
        title="Ответ на письмо ТОО «Береке»",
        responsible=specialist,
        deadline=in_days(3),
    )
