"""The nightly SQL repeats the figures' rules of tasks.models for speed; these property-based
tests generate tasks, submissions, returns, absences, hand-overs and moves between directorates
and prove that

- today's figures from the SQL (`scoring.person_figures`) equal the pages' ORM rules
  (`Task.objects.overdue`, `with_figures`, `handed_in_on_time`, `done_on_time`), and
- a snapshot of a past day computed again later, after tasks changed hands, were handed in,
  accepted, returned or cancelled and people changed directorates, is identical to the one the
  night wrote."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akimat.calendar import ensure_calendar, quarter_bounds
from scores import nightly_sql, scoring
from scores.models import DepartmentSnapshot, PersonSnapshot
from tasks import services
from tasks.models import (
    AGE_OLD_OVER,
    AGE_RECENT_MAX,
    OPEN_STATUSES,
    Absence,
    HandOver,
    Status,
    Task,
    done_on_time,
    handed_in_on_time,
)
from tests.factories import UserFactory, head_of
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
# Tuesday 24 November 2026, mid-afternoon in Almaty: the day D whose night is recomputed.
DAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 15, 0, tzinfo=ALMATY)
HOUR = dt.timedelta(hours=1)
PEOPLE = 4
# The same examples on every run (a deterministic suite), none kept between runs.
SETTINGS = settings(
    derandomize=True,
    database=None,
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Rollback(Exception):
    """Undo one generated example."""


@pytest.fixture
def people(department, other_department):
    ensure_calendar(start=dt.date(2023, 1, 1), end=dt.date(2026, 12, 31))
    scoring.ensure_default_policy()
    # People join long before the day (their history starts then), and the head among them.
    with time_machine.travel(dt.datetime(2026, 1, 12, 9, tzinfo=ALMATY), tick=False):
        staff = [head_of(department, username="head")] + [
            UserFactory(department=department, roles=["specialist"]) for _ in range(PEOPLE - 1)
        ]
    return staff


# A task, as offsets in hours from NOW: set `created` ago, due at `due` (negative: passed),
# and what happened to it since.
task_specs = st.fixed_dictionaries(
    {
        "person": st.integers(0, PEOPLE - 1),
        "author": st.integers(0, PEOPLE - 1),
        "created": st.integers(1, 24 * 60),
        "due": st.integers(-24 * 40, 24 * 10),
        "status": st.sampled_from(list(Status)),
        # when it was handed in, accepted, returned or cancelled: hours after being set
        "step": st.integers(0, 24 * 20),
        "decided": st.integers(0, 24 * 10),
    }
)
absence_specs = st.tuples(st.integers(0, PEOPLE - 1), st.integers(-40, 2), st.integers(0, 12))


def _make_task(people, spec) -> Task:
    created = NOW - spec["created"] * HOUR
    # every moment lies between the setting of the task and now
    step = min(created + spec["step"] * HOUR, NOW - 2 * HOUR)
    decided = min(step + spec["decided"] * HOUR, NOW - HOUR)
    status = spec["status"]
    fields = {
        "author": people[spec["author"]],
        "responsible": people[spec["person"]],
        "created_at": created,
        "deadline": NOW + spec["due"] * HOUR,
        "status": status,
        "done_at": None,
    }
    if status in (Status.AWAITING_ACCEPTANCE, Status.DONE, Status.RETURNED):
        fields["submitted_at"] = step
    if status == Status.DONE:
        fields["done_at"] = decided
    if status == Status.RETURNED:
        fields["returned_at"] = decided
    if status == Status.CANCELLED:
        fields["cancelled_at"] = step
    return TaskFactory(**fields)


def _make_absences(people, specs) -> None:
    for person, start, length in specs:
        first = DAY + dt.timedelta(days=start)
        Absence.objects.create(
            user=people[person], kind="leave", start=first, end=first + dt.timedelta(days=length)
        )


def _orm_figures(person) -> dict[str, int]:
    """The pages' rules, per person, live."""
    tasks = Task.objects.filter(responsible=person)
    overdue = list(
        tasks.with_figures().filter(is_overdue=True).values_list("overdue_days", flat=True)
    )
    period = dt.datetime.combine(quarter_bounds(DAY)[0], dt.time(), tzinfo=ALMATY)
    done = tasks.filter(status=Status.DONE, done_at__gte=period)
    return {
        "open": tasks.filter(status__in=OPEN_STATUSES).count(),
        "overdue": tasks.overdue().count(),
        "awaiting": tasks.filter(handed_in_on_time()).count(),
        "overdue_days": sum(overdue),
        "overdue_1_3": sum(days <= AGE_RECENT_MAX for days in overdue),
        "overdue_4_10": sum(AGE_RECENT_MAX < days <= AGE_OLD_OVER for days in overdue),
        "overdue_over_10": sum(days > AGE_OLD_OVER for days in overdue),
        "done_on_time": done.filter(done_on_time()).count(),
        "done_late": done.exclude(done_on_time()).count(),
    }


@SETTINGS
@given(tasks=st.lists(task_specs, max_size=14), absences=st.lists(absence_specs, max_size=3))
def test_todays_sql_figures_equal_the_pages_rules(people, tasks, absences):
    with time_machine.travel(NOW, tick=False):
        try:
            with transaction.atomic():
                for spec in tasks:
                    _make_task(people, spec)
                _make_absences(people, absences)
                sql = {row.person_id: row for row in scoring.person_figures(DAY, people=people)}
                for person in people:
                    expected = _orm_figures(person)
                    got = {name: getattr(sql[person.pk], name) for name in expected}
                    assert got == expected, person
                raise Rollback
        except Rollback:
            pass


def _rows(day: dt.date) -> list[tuple]:
    columns = [c for c in nightly_sql.PERSON_COLUMNS if c != "computed_at"]
    return list(PersonSnapshot.objects.filter(date=day).order_by("person_id").values_list(*columns))


# What can happen to a task after the night: (task index, change, hours after the night).
later_specs = st.lists(
    st.tuples(
        st.integers(0, 13),
        st.sampled_from(["hand_over", "submit", "accept", "return", "cancel", "move_person"]),
        st.integers(1, 60),
    ),
    max_size=8,
)


def _change_later(people, other_department, task: Task, change: str, when: dt.datetime) -> None:
    """One change after the night, saved as the services and the admin save (with history)."""
    with time_machine.travel(when, tick=False):
        task.refresh_from_db()
        if change == "hand_over":
            task.responsible = people[(people.index(task.responsible) + 1) % len(people)]
        elif change == "submit" and task.status in (
            Status.NEW,
            Status.IN_PROGRESS,
            Status.RETURNED,
        ):
            task.status, task.submitted_at = Status.AWAITING_ACCEPTANCE, when
        elif change == "accept" and task.status == Status.AWAITING_ACCEPTANCE:
            task.status, task.done_at = Status.DONE, when
        elif change == "return" and task.status == Status.AWAITING_ACCEPTANCE:
            task.status, task.returned_at = Status.RETURNED, when
        elif change == "cancel" and task.status in OPEN_STATUSES:
            task.status, task.cancelled_at = Status.CANCELLED, when
        elif change == "move_person":
            person = task.responsible
            person.department = other_department
            person.save()
            return
        task.save()


@SETTINGS
@given(
    tasks=st.lists(task_specs, min_size=1, max_size=14),
    absences=st.lists(absence_specs, max_size=2),
    later=later_specs,
)
def test_a_past_day_computed_again_after_changes_gives_what_the_night_wrote(
    people, other_department, tasks, absences, later
):
    try:
        with transaction.atomic():
            with time_machine.travel(NOW, tick=False):
                made = [_make_task(people, spec) for spec in tasks]
                _make_absences(people, absences)
            night = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(2), tzinfo=ALMATY)
            with time_machine.travel(night, tick=False):
                scoring.compute_scores(day=DAY)
            written = _rows(DAY)
            assert len(written) == len(people)
            for index, change, hours in later:
                task = made[index % len(made)]
                _change_later(people, other_department, task, change, night + hours * HOUR)
            with time_machine.travel(night + 4 * 24 * HOUR, tick=False):
                scoring.compute_scores(day=DAY, force=True)
            assert _rows(DAY) == written
            raise Rollback
    except Rollback:
        pass


def _department_rows(day: dt.date) -> list[tuple]:
    fields = [f.attname for f in DepartmentSnapshot._meta.fields if f.attname != "computed_at"]
    return list(
        DepartmentSnapshot.objects.filter(date=day).order_by("department_id").values_list(*fields)
    )


def test_a_hand_over_and_a_move_between_directorates_leave_the_past_day_as_the_night_wrote(
    people, other_department
):
    head, specialist, acting = people[0], people[1], people[2]
    with time_machine.travel(NOW, tick=False):
        overdue = TaskFactory(
            author=head, responsible=specialist, created_at=NOW - 40 * HOUR, deadline=NOW - HOUR
        )
        TaskFactory(author=head, responsible=specialist, deadline=NOW + 30 * HOUR)
        TaskFactory(
            author=head,
            responsible=specialist,
            deadline=NOW - HOUR,
            status=Status.AWAITING_ACCEPTANCE,
            submitted_at=NOW - 3 * HOUR,
        )
    night = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(2), tzinfo=ALMATY)
    with time_machine.travel(night, tick=False):
        scoring.compute_scores(day=DAY)
    people_rows, department_rows = _rows(DAY), _department_rows(DAY)
    mine = PersonSnapshot.objects.get(date=DAY, person=specialist)
    assert (mine.department_id, mine.open, mine.overdue, mine.awaiting) == (
        specialist.department_id,
        3,
        1,
        1,
    )

    # The next morning the specialist falls ill, the acting person takes the open tasks over,
    # and a week later the specialist moves to another directorate.
    with time_machine.travel(night + 7 * HOUR, tick=False):
        absence = Absence.objects.create(
            user=specialist,
            kind="sick",
            start=DAY + dt.timedelta(days=1),
            end=DAY + dt.timedelta(days=5),
            acting=acting,
        )
        # Every task in work moves; the result awaiting acceptance stays with its author.
        moved = services.hand_over_to_acting(absence=absence, actor=head, scope=HandOver.Scope.ALL)
        assert moved == 2
    with time_machine.travel(night + 7 * 24 * HOUR, tick=False):
        specialist.department = other_department
        specialist.save()
    overdue.refresh_from_db()
    assert overdue.responsible == acting

    with time_machine.travel(night + 8 * 24 * HOUR, tick=False):
        scoring.compute_scores(day=DAY, force=True)
    assert _rows(DAY) == people_rows
    assert _department_rows(DAY) == department_rows
