"""The reception's demo data: a catalogue, a live morning, cases with tasks, idempotence."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count

from akimat.identifiers import is_valid_bin, is_valid_iin
from reception.models import (
    Case,
    ContactLog,
    Desk,
    Organisation,
    Service,
    Shift,
    Visit,
    Visitor,
    VisitStatus,
)
from tasks.models import Source, Task
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_the_demo_has_a_catalogue_a_live_queue_and_follow_up_cases():
    # The live morning is seeded as of the moment of seeding: on a weekday at 11:00 someone is
    # being served (just after midnight on a Sunday nobody is, and rightly so).
    with time_machine.travel(dt.datetime(2026, 12, 2, 11, 0, tzinfo=ZoneInfo("Asia/Almaty"))):
        summary = seed()
    assert "reception: 9 services" in summary
    assert set(Service.objects.values_list("department__slug", flat=True)) == {
        "entrepreneurship", "land", "architecture", "construction", "agriculture",
    }  # fmt: skip
    assert all(s.documents.exists() for s in Service.objects.all())
    assert Desk.objects.count() == 8
    today = Visit.objects.filter(day=Visit.objects.order_by("-day").values("day")[:1])
    assert today.filter(status=VisitStatus.WAITING).count() >= 3
    assert today.filter(status=VisitStatus.IN_SERVICE).exists()
    assert Shift.objects.filter(closed_at__isnull=True).count() == 5
    assert all(is_valid_iin(v.iin) for v in Visitor.objects.all())
    assert all(is_valid_bin(o.bin) for o in Organisation.objects.all())
    assert ContactLog.objects.count() == Visit.objects.filter(status=VisitStatus.DONE).count()
    cases = Case.objects.select_related("task")
    assert cases.filter(state=Case.State.OPEN).exists()
    assert cases.filter(state=Case.State.CLOSED).exists()
    assert all(c.task.source == Source.RECEPTION for c in cases)
    # Tickets are gapless per day and prefix.
    for row in Visit.objects.values("day", "prefix").annotate(n=Count("pk")):
        numbers = sorted(
            Visit.objects.filter(day=row["day"], prefix=row["prefix"]).values_list(
                "number", flat=True
            )
        )
        assert numbers == list(range(1, row["n"] + 1))


def test_the_demo_cases_keep_the_articles_figures(demo_summary):
    assert not Task.objects.filter(
        source=Source.RECEPTION,
        responsible__username__in=["head.agriculture", "specialist.agriculture"],
    ).exists()
    assert (
        Task.objects.filter(
            source=Source.RECEPTION, responsible__username="specialist.entrepreneurship"
        ).exists()
        or Task.objects.filter(
            source=Source.RECEPTION, responsible__username="specialist.land"
        ).exists()
    )


def test_seeding_twice_adds_nothing(demo_summary):
    counts = (Visit.objects.count(), Case.objects.count(), ContactLog.objects.count())
    assert "reception: 0 services, 0 visits, 0 follow-up cases created" in seed()
    assert (Visit.objects.count(), Case.objects.count(), ContactLog.objects.count()) == counts
