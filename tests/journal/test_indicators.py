"""The experiment's indicators computed from hand-made data, and what the pages state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from journal import indicators, services
from journal.models import Kind, Reading, Source
from tasks.models import Status
from tests.journal.conftest import at
from tests.journal.factories import EntryFactory, IndicatorFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

# A Wednesday: the last whole week is Monday 3 to Sunday 9 November 2025.
TODAY = dt.date(2025, 11, 12)
LAST = dt.date(2025, 11, 3)
BEFORE = dt.date(2025, 10, 27)


def test_the_last_whole_week_is_the_one_before_this():
    assert indicators.last_whole_week(TODAY) == LAST
    assert indicators.last_whole_week(dt.date(2025, 11, 10)) == LAST  # a Monday
    assert indicators.last_whole_week(dt.date(2025, 11, 16)) == LAST  # a Sunday


def test_meetings_and_meeting_hours_per_week_from_meeting_entries(methodologist, department):
    for day, minutes in [
        (LAST, 30),
        (LAST + dt.timedelta(days=2), 90),
        (LAST + dt.timedelta(days=6), 60),
    ]:
        EntryFactory(
            author=methodologist,
            kind=Kind.MEETING,
            occurred_at=at(day, 11),
            duration_minutes=minutes,
        )
    EntryFactory(
        author=methodologist, kind=Kind.MEETING, occurred_at=at(BEFORE, 10), duration_minutes=45
    )
    # Not counted: another kind, a withdrawn meeting, the current week.
    EntryFactory(author=methodologist, kind=Kind.NOTE, occurred_at=at(LAST, 12))
    EntryFactory(
        author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST, 13), duration_minutes=600,
        withdrawn_at=at(LAST, 14), withdrawal_reason="дубль",
    )  # fmt: skip
    EntryFactory(
        author=methodologist, kind=Kind.MEETING, occurred_at=at(TODAY, 9), duration_minutes=60
    )
    meetings = IndicatorFactory(source=Source.MEETINGS)
    hours = IndicatorFactory(source=Source.MEETING_HOURS)
    first = LAST - dt.timedelta(weeks=2)
    assert indicators.weekly_values(meetings, first, LAST) == {
        first: Decimal("0.00"), BEFORE: Decimal("1.00"), LAST: Decimal("3.00")
    }  # fmt: skip
    assert indicators.weekly_values(hours, BEFORE, LAST) == {
        BEFORE: Decimal("0.75"), LAST: Decimal("3.00")
    }  # fmt: skip


def test_a_meeting_late_on_sunday_counts_in_its_local_week(methodologist):
    EntryFactory(
        author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST + dt.timedelta(days=6), 23, 30)
    )
    meetings = IndicatorFactory(source=Source.MEETINGS)
    assert indicators.weekly_values(meetings, LAST, LAST) == {LAST: Decimal("1.00")}


def test_meetings_of_one_directorate(methodologist, department, other_department):
    ours = EntryFactory(author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST))
    ours.departments.add(department)
    theirs = EntryFactory(author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST))
    theirs.departments.add(other_department)
    indicator = IndicatorFactory(source=Source.MEETINGS, department=department)
    assert indicators.weekly_values(indicator, LAST, LAST) == {LAST: Decimal("1.00")}


def done(head, specialist, *, submitted, accepted, deadline, **fields):
    return TaskFactory(
        author=head, responsible=specialist, status=Status.DONE, submitted_at=submitted,
        done_at=accepted, deadline=deadline, **fields,
    )  # fmt: skip


def test_approval_time_is_the_average_from_submission_to_acceptance(head, specialist):
    monday = at(LAST, 9)
    done(
        head,
        specialist,
        submitted=monday,
        accepted=monday + dt.timedelta(hours=2),
        deadline=at(LAST, 18),
    )
    done(
        head,
        specialist,
        submitted=monday,
        accepted=monday + dt.timedelta(hours=10),
        deadline=at(LAST, 18),
    )
    # Not counted: a task one set for oneself (accepted at once), an open one, last week's.
    done(specialist, specialist, submitted=monday, accepted=monday, deadline=at(LAST, 18))
    TaskFactory(
        author=head, responsible=specialist, status=Status.AWAITING_ACCEPTANCE, submitted_at=monday
    )
    done(
        head, specialist, submitted=at(BEFORE, 9), accepted=at(BEFORE, 13), deadline=at(BEFORE, 18)
    )
    indicator = IndicatorFactory(source=Source.APPROVAL_HOURS)
    assert indicators.weekly_values(indicator, BEFORE, LAST) == {
        BEFORE: Decimal("4.00"), LAST: Decimal("6.00")
    }  # fmt: skip


def test_share_done_on_time(head, specialist):
    deadline = at(LAST + dt.timedelta(days=2), 18, 30)
    for hours_late in (-5, -1, 0, 20):
        accepted = deadline + dt.timedelta(hours=hours_late)
        done(head, specialist, submitted=accepted, accepted=accepted, deadline=deadline)
    TaskFactory(author=head, responsible=specialist, status=Status.CANCELLED, deadline=deadline)
    indicator = IndicatorFactory(source=Source.ON_TIME, lower_is_better=False)
    assert indicators.weekly_values(indicator, LAST, LAST) == {LAST: Decimal("75.00")}
    # A week with no accepted tasks has no share at all, not 0 %.
    assert indicators.weekly_values(indicator, BEFORE, BEFORE) == {}


def test_compute_writes_computed_readings_and_leaves_hand_entered_ones(
    methodologist, head, specialist
):
    EntryFactory(author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST))
    EntryFactory(author=methodologist, kind=Kind.MEETING, occurred_at=at(BEFORE))
    indicator = IndicatorFactory(source=Source.MEETINGS)
    Reading.objects.create(indicator=indicator, date=BEFORE, value=Decimal("7"), note="бумага")
    assert indicators.compute_indicator(indicator=indicator, weeks=2, today=TODAY) == 1
    readings = dict(indicator.readings.values_list("date", "value"))
    assert readings == {BEFORE: Decimal("7.00"), LAST: Decimal("1.00")}
    # Again: nothing changed, nothing written; a new meeting changes the computed week only.
    assert indicators.compute_indicator(indicator=indicator, weeks=2, today=TODAY) == 0
    EntryFactory(author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST, 16))
    assert indicators.compute_indicator(indicator=indicator, weeks=2, today=TODAY) == 1
    assert indicator.readings.get(date=LAST).value == Decimal("2.00")
    assert indicator.readings.get(date=LAST).history.count() == 2


def test_a_manual_indicator_is_not_computed():
    assert indicators.compute_indicator(indicator=IndicatorFactory(), today=TODAY) == 0


def test_change_against_the_baseline_and_whether_it_is_better():
    meetings = IndicatorFactory(baseline_value=Decimal("10"), lower_is_better=True)
    assert meetings.change_percent(Decimal("8")) == Decimal("-20")
    assert meetings.is_improvement(Decimal("8")) is True
    assert meetings.is_improvement(Decimal("12")) is False
    on_time = IndicatorFactory(baseline_value=Decimal("80"), lower_is_better=False)
    assert on_time.change_percent(Decimal("88")) == Decimal("10")
    assert on_time.is_improvement(Decimal("88")) is True


def test_a_hand_reading_is_recorded_and_replaced_for_the_same_date(methodologist, deputy):
    indicator = IndicatorFactory()
    services.record_reading(indicator=indicator, actor=methodologist, date=LAST, value=Decimal("9"))
    services.record_reading(
        indicator=indicator, actor=methodologist, date=LAST, value=Decimal("8.5")
    )
    assert list(indicator.readings.values_list("value", flat=True)) == [Decimal("8.50")]
    with pytest.raises(PermissionDenied):
        services.record_reading(indicator=indicator, actor=deputy, date=LAST, value=Decimal("1"))
    with pytest.raises(ValidationError):
        services.record_reading(
            indicator=indicator, actor=methodologist, date=timezone.localdate() + dt.timedelta(days=3),
            value=Decimal("1"),
        )  # fmt: skip


def test_the_command_and_the_weekly_job_recompute_every_computed_indicator(methodologist):
    import io

    from django.core.management import CommandError, call_command

    from journal import jobs

    EntryFactory(author=methodologist, kind=Kind.MEETING, occurred_at=at(LAST))
    meetings = IndicatorFactory(source=Source.MEETINGS)
    manual = IndicatorFactory()
    out = io.StringIO()
    call_command("compute_indicators", "--date", TODAY.isoformat(), "--weeks", "3", stdout=out)
    assert "3 indicator reading(s) written" in out.getvalue()
    assert dict(meetings.readings.values_list("date", "value"))[LAST] == Decimal("1.00")
    assert not manual.readings.exists()
    with pytest.raises(CommandError):
        call_command("compute_indicators", "--date", "2025-02-30")
    with pytest.raises(CommandError):
        call_command("compute_indicators", "--weeks", "0")
    # The job runs the same service for the weeks before today: twelve weeks without meetings.
    assert jobs.compute_indicators.apply().get() == 12
