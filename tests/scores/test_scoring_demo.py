"""`seed_demo` back-fills the nightly scores for the cycle so far, so no chart starts empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from akimat.models import User
from scores import scoring
from scores.models import DepartmentSnapshot, PersonSnapshot
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_seed_demo_back_fills_a_snapshot_for_every_person_and_day_of_the_cycle_so_far():
    scoring.ensure_default_policy()
    summary = seed()
    end = scoring.yesterday()
    start = scoring.period_start(end)
    days = {start + dt.timedelta(days=n) for n in range((end - start).days + 1)}
    people = User.objects.filter(is_active=True, department__isnull=False).count()
    per_day = dict(PersonSnapshot.objects.order_by().values_list("date").annotate(n=Count("id")))
    assert per_day == dict.fromkeys(days, people)
    directorates = dict(
        DepartmentSnapshot.objects.order_by().values_list("date").annotate(n=Count("id"))
    )
    assert directorates == dict.fromkeys(days, 5)
    assert "scores:" in summary
    # The article's head of agriculture, behind on about twenty tasks the deputy set.
    head = DepartmentSnapshot.objects.get(date=end, department__slug="agriculture")
    assert head.head_overdue >= 15
    # Seeding again leaves the past alone.
    before = PersonSnapshot.objects.filter(date=end).values_list("computed_at", flat=True)
    stamps = sorted(before)
    seed()
    after = PersonSnapshot.objects.filter(date=end).values_list("computed_at", flat=True)
    assert sorted(after) == stamps
