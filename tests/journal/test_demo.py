"""The demo logbook of `seed_demo`: two weeks of every kind, three indicators, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from journal.models import Entry, EntryVersion, Indicator, Kind, Reading, Source
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_two_weeks_of_entries_of_every_kind(demo_summary):
    summary = demo_summary
    assert "logbook: " in summary
    entries = Entry.objects.current().filter(author__username="methodologist")
    kinds = dict(entries.values_list("kind").annotate(n=Count("pk")))
    assert set(kinds) == set(Kind.values)
    days = {timezone.localtime(e).date() for e in entries.values_list("occurred_at", flat=True)}
    today = timezone.localdate()
    assert min(days) <= today - dt.timedelta(days=13) and max(days) <= today
    assert not entries.filter(occurred_at__gt=timezone.now()).exists()
    meetings = entries.filter(kind=Kind.MEETING)
    assert not meetings.filter(duration_minutes__isnull=True).exists()
    assert meetings.filter(participants__isnull=False).exists()
    assert (
        entries.filter(tasks__isnull=False).exists()
        and entries.filter(shared_with__isnull=False).exists()
    )
    assert entries.filter(body__contains="жиналыс").exists()  # Kazakh entries too
    assert EntryVersion.objects.count() == 1  # one entry corrected after the grace period
    assert Entry.objects.filter(withdrawn_at__isnull=False).count() == 1
    assert "<script" not in "".join(entries.values_list("body_html", flat=True))


def test_three_indicators_with_baseline_readings_and_tagged_entries(demo_summary):
    indicators = list(Indicator.objects.order_by("position"))
    assert [i.source for i in indicators] == [
        Source.MEETINGS,
        Source.APPROVAL_HOURS,
        Source.ON_TIME,
    ]
    for indicator in indicators:
        assert indicator.baseline_value > 0 and indicator.baseline_start < indicator.baseline_end
        assert indicator.readings.count() >= 2
        assert Entry.objects.filter(tags=indicator.tag).exists()
    meetings = indicators[0]
    computed = meetings.readings.filter(is_computed=True).order_by("date")
    # Two whole weeks of two meetings a working day, from the logbook itself.
    assert [r.value for r in computed][-1] >= 8
    assert meetings.readings.filter(is_computed=False).count() == 7  # the paper register


def test_seed_demo_twice_changes_nothing_in_the_logbook(demo_summary):
    counts = (
        Entry.objects.count(),
        EntryVersion.objects.count(),
        Indicator.objects.count(),
        Reading.objects.count(),
    )
    second = seed()
    assert "logbook: 0 entries, 0 indicators" in second
    assert (
        Entry.objects.count(),
        EntryVersion.objects.count(),
        Indicator.objects.count(),
        Reading.objects.count(),
    ) == counts
