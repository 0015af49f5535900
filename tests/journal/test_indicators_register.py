"""The experiment's meeting indicators read the meeting register from the week it starts being
used and the logbook's meeting entries before it (never both for one week); what an internal
meeting is; a directorate's indicator; the days from a protocol's sign-off to its decisions'
acceptance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from journal import indicators
from journal.models import Kind, Source
from meetings import services
from meetings.models import Amendment
from meetings.models import Kind as MeetingKind
from tasks import services as task_services
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.journal.conftest import at
from tests.journal.factories import EntryFactory, IndicatorFactory
from tests.meetings.factories import MeetingFactory, decision, signed_protocol

pytestmark = pytest.mark.django_db

# Mondays of three weeks running: the logbook alone, the register's first week, the one after.
EARLY = dt.date(2025, 10, 20)
START = dt.date(2025, 10, 27)
LAST = dt.date(2025, 11, 3)


def entry(author, day, minutes=60, department=None):
    made = EntryFactory(
        author=author, kind=Kind.MEETING, occurred_at=at(day, 10), duration_minutes=minutes
    )
    if department is not None:
        made.departments.add(department)
    return made


def meeting(day, minutes=60, kind=MeetingKind.INTERNAL, chair=None, hour=11):
    fields = {"chair": chair} if chair is not None else {}
    return MeetingFactory(kind=kind, starts_at=at(day, hour), duration_minutes=minutes, **fields)


def test_the_logbook_before_the_register_and_the_register_from_its_first_week(methodologist):
    entry(methodologist, EARLY, 30)
    entry(methodologist, EARLY + dt.timedelta(days=1), 90)
    # The register's first meeting is on Wednesday of START: that whole week reads the register,
    # so the entry written the same week (the same meeting, or another) is not counted.
    entry(methodologist, START, 120)
    meeting(START + dt.timedelta(days=2), 45)
    meeting(LAST, 60)
    meeting(LAST + dt.timedelta(days=4), 90)
    entry(methodologist, LAST, 600)  # the logbook keeps its own entries; the indicator ignores them
    meetings = IndicatorFactory(source=Source.MEETINGS)
    hours = IndicatorFactory(source=Source.MEETING_HOURS)
    assert indicators.register_start(meetings) == START
    assert indicators.weekly_values(meetings, EARLY, LAST) == {
        EARLY: Decimal("2.00"), START: Decimal("1.00"), LAST: Decimal("2.00")
    }  # fmt: skip
    assert indicators.weekly_values(hours, EARLY, LAST) == {
        EARLY: Decimal("2.00"), START: Decimal("0.75"), LAST: Decimal("2.50")
    }  # fmt: skip


def test_without_a_register_the_logbook_is_read_as_before(methodologist):
    entry(methodologist, LAST, 30)
    meeting(LAST, kind=MeetingKind.STANDUP)
    indicator = IndicatorFactory(source=Source.MEETINGS)
    assert indicators.register_start(indicator) is None
    assert indicators.weekly_values(indicator, START, LAST) == {
        START: Decimal("0.00"), LAST: Decimal("1.00")
    }  # fmt: skip


def test_stand_ups_visits_receptions_and_briefings_are_not_internal_meetings(methodologist):
    for kind in (
        MeetingKind.STANDUP,
        MeetingKind.DISTRICT_VISIT,
        MeetingKind.RECEPTION,
        MeetingKind.BRIEFING,
    ):
        meeting(START, 30, kind=kind)
    entry(methodologist, START, 30)  # the register has not started: these are no internal meetings
    meeting(LAST, 60, kind=MeetingKind.COLLEGIAL)
    meeting(LAST, 30, kind=MeetingKind.SELECTOR)
    meetings = IndicatorFactory(source=Source.MEETINGS)
    hours = IndicatorFactory(source=Source.MEETING_HOURS)
    assert indicators.register_start(meetings) == LAST
    assert indicators.weekly_values(meetings, START, LAST) == {
        START: Decimal("1.00"), LAST: Decimal("2.00")
    }  # fmt: skip
    assert indicators.weekly_values(hours, LAST, LAST) == {LAST: Decimal("1.50")}


def test_a_directorates_indicator_counts_its_own_from_its_own_start(methodologist):
    ours, theirs = DepartmentFactory(), DepartmentFactory()
    our_head, their_head = head_of(ours), head_of(theirs)
    entry(methodologist, START, department=ours)
    entry(methodologist, START, department=theirs)
    entry(methodologist, LAST, department=theirs)
    meeting(LAST, chair=our_head)
    meeting(LAST, chair=our_head, hour=15)
    meeting(LAST, chair=UserFactory(roles=["specialist"], department=DepartmentFactory()))
    our_indicator = IndicatorFactory(source=Source.MEETINGS, department=ours)
    their_indicator = IndicatorFactory(source=Source.MEETINGS, department=theirs)
    assert their_head.department == theirs
    # Ours: the logbook before its first registered meeting, its own meetings from then on.
    assert indicators.weekly_values(our_indicator, START, LAST) == {
        START: Decimal("1.00"), LAST: Decimal("2.00")
    }  # fmt: skip
    # Theirs: no meeting of theirs in the register yet, so the logbook throughout.
    assert indicators.register_start(their_indicator) is None
    assert indicators.weekly_values(their_indicator, START, LAST) == {
        START: Decimal("1.00"), LAST: Decimal("1.00")
    }  # fmt: skip


def _accept_at(task, moment):
    with time_machine.travel(moment, tick=False):
        task_services.submit_task(task=task, actor=task.responsible, result="Сделано.")
        task_services.accept_task(task=task, actor=task.author)


def test_protocol_days_average_the_decisions_accepted_in_the_week_to_one_decimal():
    ours, theirs = DepartmentFactory(), DepartmentFactory()
    chair, other_chair = head_of(ours), head_of(theirs)
    worker = UserFactory(department=ours, roles=["specialist"])
    with time_machine.travel(at(START, 9), tick=False):  # Monday 9:00
        protocol = signed_protocol(
            MeetingFactory(chair=chair),
            decision("Первое", worker, days=10),
            decision("Второе", worker, days=10),
            decision("Отменённое", worker, days=10),
            decision("Позже", worker, days=20),
        )
        foreign = signed_protocol(MeetingFactory(chair=other_chair), decision("Их", worker))
    tasks = {d.position: d.task for d in protocol.decisions.select_related("task")}
    _accept_at(tasks[1], at(LAST, 9))  # 7 days
    _accept_at(tasks[2], at(LAST + dt.timedelta(days=1), 17))  # 8 days 8 hours
    _accept_at(tasks[3], at(LAST, 10))
    # The third decision is cancelled by an amendment after its task was done: it leaves the
    # average.
    with time_machine.travel(at(LAST, 11), tick=False):
        services.amend(
            protocol=protocol,
            actor=chair,
            change=Amendment.Change.CANCEL,
            reason="Не требуется.",
            decision=protocol.decisions.get(position=3),
        )
    _accept_at(foreign.decisions.get().task, at(LAST, 12))  # another directorate's: 7.1 days
    whole = IndicatorFactory(source=Source.PROTOCOL_DAYS)
    own = IndicatorFactory(source=Source.PROTOCOL_DAYS, department=ours)
    # (7 + 8.333 + 7.125) / 3 = 7.486 → 7.5; ours alone (7 + 8.333) / 2 = 7.667 → 7.7.
    assert indicators.weekly_values(whole, START, LAST) == {LAST: Decimal("7.5")}
    assert indicators.weekly_values(own, START, LAST) == {LAST: Decimal("7.7")}
