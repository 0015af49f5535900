"""The meetings' demo data: the Zhambyl region's districts, a month of stand-ups and internal
meetings per directorate, the deputy's month, protocols with decisions in every state; the rows
agree with their history, and a second run writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from akimat import demo as akimat_demo
from akimat.calendar import add_working_days
from akimat.identifiers import is_valid_iin
from akimat.models import CalendarDay, Department
from meetings import demo
from meetings.models import (
    Amendment,
    Decision,
    District,
    FieldVisit,
    Kind,
    Meeting,
    Protocol,
    ProtocolCounter,
    ResidentReceived,
    not_held_by,
)
from reception import demo as reception_demo
from reception.models import VisitStatus
from tasks.models import (
    DeadlineChange,
    Source,
    Status,
    Task,
    done_on_time,
    handed_in_on_time,
    overdue_at,
)
from tasks.services import deadline_from
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
SECOND = dt.timedelta(seconds=1)


def seed_meetings() -> str:
    """What the meetings' demo needs (the people, the reception's catalogue), then the demo."""
    for module in (akimat_demo, reception_demo, demo):
        summary = module.seed(scale=1, progress=lambda items: items)
    return summary


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    return list(
        CalendarDay.objects.filter(date__range=(start, end), is_working=True)
        .order_by("date")
        .values_list("date", flat=True)
    )


def test_the_districts_are_the_zhambyl_regions_ten_in_russian_and_kazakh():
    seed_meetings()
    names = dict(District.objects.values_list("name_ru", "name_kk"))
    assert names == dict(demo.DISTRICTS)
    assert names["Байзакский район"] == "Бәйзақ ауданы"
    assert names["Кордайский район"] == "Қордай ауданы"
    assert all(kk.endswith("ауданы") for kk in names.values())
    assert District.history.count() == 10


def test_a_month_of_standups_and_internal_meetings_in_every_directorate():
    summary = seed_meetings()
    assert "meetings: 10 districts" in summary
    today = timezone.localdate()
    month = working_days(today - dt.timedelta(days=demo.REGISTER_DAYS), today)
    for department in Department.objects.filter(slug__in=demo.FIVE):
        members = set(
            department.members.exclude(pk=department.head_id).values_list("pk", flat=True)
        )
        standups = Meeting.objects.filter(department=department, kind=Kind.STANDUP)
        days = [timezone.localdate(m.starts_at) for m in standups]
        assert sorted(days) == month, department.slug
        for meeting in standups.prefetch_related("participants"):
            assert meeting.chair_id == department.head_id
            assert meeting.duration_minutes == 15
            assert {p.pk for p in meeting.participants.all()} == members
        internal = Meeting.objects.filter(department=department, kind=Kind.INTERNAL).annotate(
            items=Count("agenda"), reported=Count("agenda__reporter")
        )
        weeks = Counter(timezone.localdate(m.starts_at).isocalendar()[:2] for m in internal)
        past_weeks = {d.isocalendar()[:2] for d in month if d < today}
        assert set(weeks) == past_weeks, department.slug
        assert set(weeks.values()) <= {1, 2}
        for meeting in internal:
            assert meeting.chair_id == department.head_id
            assert 30 <= meeting.duration_minutes <= 90
            assert 2 <= meeting.items == meeting.reported <= 3
            assert timezone.localdate(meeting.starts_at) < today


def test_the_deputys_month_has_a_visit_held_last_week_one_ahead_and_a_reception_day_not_held():
    seed_meetings()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    visits = FieldVisit.objects.filter(deputy__username="deputy")

    held = visits.get(held_on__isnull=False)
    assert held.kind == FieldVisit.Kind.DISTRICT_VISIT
    assert monday - dt.timedelta(days=7) <= held.held_on < monday
    assert held.assessment and held.district.name_ru == "Байзакский район"
    collegial = held.meetings.get()
    assert collegial.kind == Kind.COLLEGIAL and collegial.chair == held.deputy
    heads = set(Department.objects.values_list("head_id", flat=True))
    assert heads <= set(collegial.participants.values_list("pk", flat=True))
    assert set(collegial.agenda.values_list("reporter_id", flat=True)) <= heads
    assert collegial.protocol.is_signed
    assert collegial.protocol.decisions.filter(task__isnull=False).count() >= 3
    residents = ResidentReceived.objects.filter(visit=held).select_related("reception_visit")
    assert residents.count() == 3
    records = [r.reception_visit for r in residents]
    consented = [r.visitor for r in records if r.visitor_id is not None]
    assert len(consented) == 2 and all(is_valid_iin(v.iin) and v.phone for v in consented)
    anonymous = next(r for r in records if r.visitor_id is None)
    assert anonymous.organisation_id is None and anonymous.purpose
    for record in records:
        assert record.day == held.held_on
        assert record.status == VisitStatus.DONE and record.official == held.deputy
        assert record.contacts.get().official == held.deputy
    sites = held.sites.all()
    assert len(sites) == 2 and all(site.found and site.name for site in sites)

    ahead = visits.get(kind=FieldVisit.Kind.DISTRICT_VISIT, held_on__isnull=True)
    assert ahead.planned_on > today and ahead.planned_on.month == today.month
    missed = visits.get(not_held_by(today))
    assert missed.kind == FieldVisit.Kind.RECEPTION_DAY
    assert missed.planned_on == add_working_days(today, -2)
    assert missed.is_late(today) and not ahead.is_late(today)


def test_protocols_have_decisions_in_every_state():
    seed_meetings()
    now = timezone.now()
    tasks = Task.objects.filter(protocol_decision__isnull=False)
    assert tasks.filter(status=Status.NEW).exists()
    assert tasks.filter(status=Status.IN_PROGRESS).exclude(overdue_at(now)).exists()
    assert tasks.filter(handed_in_on_time()).exists()
    assert tasks.filter(done_on_time()).exists()
    assert tasks.filter(status=Status.DONE).exclude(done_on_time()).exists()  # done late
    assert tasks.filter(overdue_at(now), status=Status.IN_PROGRESS).exists()
    assert not tasks.filter(responsible__username__in=demo.KEPT_OUT).exists()

    cancel = Amendment.objects.get(change=Amendment.Change.CANCEL)
    assert cancel.decision.cancelled and cancel.decision.task.status == Status.CANCELLED
    assert cancel.decision.task.cancel_reason == cancel.reason
    moved = Amendment.objects.get(change=Amendment.Change.DEADLINE)
    assert moved.decision.deadline == moved.new_deadline > timezone.localdate()
    assert moved.decision.task.deadline == deadline_from(moved.new_deadline)
    change = DeadlineChange.objects.get(task=moved.decision.task)
    assert change.new_deadline == moved.decision.task.deadline and change.reason == moved.reason
    assert sorted(Amendment.objects.values_list("number", flat=True)) == [1, 2]

    draft = Protocol.objects.get(status=Protocol.Status.DRAFT)
    assert draft.decisions.filter(deadline__isnull=True).exists()
    assert not draft.decisions.filter(task__isnull=False).exists()


def numbered_in_signing_order(signed) -> None:
    """Each year's numbers run 1, 2, 3 … in the order the protocols were signed."""
    for year in {p.year for p in signed}:
        numbers = list(
            signed.filter(year=year).order_by("signed_at").values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        assert ProtocolCounter.objects.get(year=year).last == len(numbers)


def test_the_signed_protocols_agree_with_their_history_and_the_services():
    seed_meetings()
    now = timezone.now()
    signed = Protocol.objects.filter(status=Protocol.Status.SIGNED).select_related("meeting")
    assert signed.count() >= 4
    numbered_in_signing_order(signed)
    for protocol in signed:
        meeting = protocol.meeting
        assert meeting.ends_at <= protocol.created_at <= protocol.signed_at <= now
        assert protocol.history.latest().history_change_reason == "signed off"
        assert protocol.history.latest().history_date >= protocol.signed_at
        for decision in protocol.decisions.select_related("task"):
            task = decision.task
            assert task is not None, decision
            assert task.source == Source.PROTOCOL and task.source_number == protocol.code
            assert task.source_date == timezone.localdate(meeting.starts_at)
            assert task.author_id == meeting.chair_id
            assert task.responsible_id == decision.responsible_id
            # At the sign-off (the service takes its moment a little before the task's).
            assert protocol.signed_at <= task.created_at < protocol.signed_at + SECOND
            assert deadline_from(decision.deadline) == task.deadline
            records = list(task.history.order_by("history_date", "history_id"))
            assert records[0].history_change_reason == "created"
            assert task.created_at <= records[0].history_date < task.created_at + SECOND
            assert records[-1].status == task.status and records[-1].history_date <= now
            moments = [task.created_at, task.started_at, task.submitted_at, task.done_at]
            known = [m for m in moments if m is not None]
            assert known == sorted(known), task
    for meeting in Meeting.objects.all():
        first = meeting.history.earliest()
        assert first.history_date == meeting.created_at <= meeting.starts_at
        assert first.history_user_id == meeting.chair_id
    # The "created" records carry the participants, as the meetings have them.
    history = Meeting.history.model._meta.get_field("historicalmeeting_participants").related_model
    assert history.objects.count() == Meeting.participants.through.objects.count()


def test_seed_demo_runs_twice_and_the_second_run_writes_nothing():
    assert "meetings: 10 districts" in seed()

    def counts() -> tuple[int, ...]:
        return (
            Meeting.objects.count(),
            Meeting.history.count(),
            Protocol.objects.count(),
            Decision.objects.count(),
            Task.objects.filter(source=Source.PROTOCOL).count(),
            FieldVisit.objects.count(),
            District.objects.count(),
            ResidentReceived.objects.count(),
            Amendment.objects.count(),
        )

    before = counts()
    assert "meetings: 0 districts, 0 meetings created" in seed()
    assert counts() == before


@pytest.mark.parametrize(
    "moment",
    [
        "2026-11-22 00:30",  # a Sunday just after midnight
        "2026-11-23 08:30",  # a Monday before the stand-up
        "2026-12-31 19:00",  # the month's last working day: no visit left to plan in it
        "2027-01-01 12:00",  # a public holiday
    ],
)
def test_the_demo_is_made_at_any_hour_of_any_day(moment):
    at = dt.datetime.fromisoformat(moment).replace(tzinfo=timezone.get_current_timezone())
    with time_machine.travel(at, tick=False):
        summary = seed_meetings()
        now = timezone.now()
        today = timezone.localdate()
        assert "5 protocols" in summary
        assert not Meeting.objects.filter(kind=Kind.INTERNAL, starts_at__gte=now).exists()
        assert FieldVisit.objects.filter(held_on__isnull=True, planned_on__gt=today).exists()
        assert FieldVisit.objects.filter(not_held_by(today)).count() == 1
        assert Task.objects.filter(protocol_decision__isnull=False, status=Status.DONE).count() == 3
        assert not Task.history.filter(history_date__gt=now).exists()
        assert not Meeting.history.filter(history_date__gt=now).exists()
        numbered_in_signing_order(Protocol.objects.filter(status=Protocol.Status.SIGNED))
