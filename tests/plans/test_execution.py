"""The weekly execution score, the goals' progress and the roll-up, on hand-built weeks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plans import execution, services
from plans.models import Cycle, LagReading, Occurrence
from tasks import services as task_services
from tasks.models import DeadlineChange, Status
from tests.plans.conftest import draft_with_goal
from tests.plans.factories import CycleFactory, GoalFactory, PlanFactory, TacticFactory, occurrence

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
START = dt.date(2027, 3, 1)  # a Monday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ALMATY)


def friday(week: int) -> dt.date:
    return START + dt.timedelta(weeks=week - 1, days=4)


@pytest.fixture
def goal(department, specialist, head):
    cycle = CycleFactory(department=department, start=START, created_by=head)
    plan = PlanFactory(cycle=cycle, owner=specialist, approved_by=head)
    return GoalFactory(plan=plan)


def occ(goal, week, **kwargs):  # type: ignore[no-untyped-def]
    """A tactic-task of its own tactic (one live occurrence per tactic and week)."""
    return occurrence(TacticFactory(goal=goal), week, **kwargs)


def test_on_time_late_not_done_and_cancelled(goal):
    due = at(friday(1), 18, 30)
    occ(goal, 1, status=Status.DONE, handed_in=due - dt.timedelta(hours=2))
    occ(goal, 1, status=Status.DONE, handed_in=due + dt.timedelta(hours=1))
    occ(goal, 1, status=Status.IN_PROGRESS)
    occ(goal, 1, status=Status.CANCELLED)
    card = execution.plan_scorecard(goal.plan, now=at(START + dt.timedelta(weeks=2), 9))
    week1 = card.scores[0]
    # Cancelled does not count: one on time out of three.
    assert (week1.on_time, week1.due, week1.percent, week1.level) == (1, 3, 33, "poor")
    assert not week1.so_far


def test_a_week_with_nothing_due_has_no_score(goal):
    occ(goal, 1, status=Status.DONE, handed_in=at(friday(1), 12))
    card = execution.plan_scorecard(goal.plan, now=at(friday(3), 20))
    assert card.scores[0].percent == 100
    assert card.scores[1].percent is None and card.scores[1].level == "none"
    assert card.average_score == 100  # the empty week is neither 0 nor 100


def test_a_slow_acceptance_does_not_spoil_the_week_but_a_moved_deadline_does_not_save_it(
    goal, head
):
    due = at(friday(2), 18, 30)
    # Handed in on Friday, accepted on Monday: on time.
    occ(
        goal,
        2,
        status=Status.DONE,
        handed_in=due - dt.timedelta(hours=3),
        done_at=due + dt.timedelta(days=3),
    )
    # Deadline moved to the next Wednesday, done before the new deadline: still late.
    moved = occ(goal, 2, status=Status.DONE, handed_in=due + dt.timedelta(days=4))
    new_deadline = due + dt.timedelta(days=5)
    DeadlineChange.objects.create(
        task=moved.task, old_deadline=due, new_deadline=new_deadline, reason="Ждём ответа ГЦВП",
        requested_by=moved.task.responsible, state=DeadlineChange.State.APPROVED,
    )  # fmt: skip
    moved.task.deadline = new_deadline
    moved.task.save()
    card = execution.plan_scorecard(goal.plan, now=at(friday(4), 9))
    assert (card.scores[1].on_time, card.scores[1].due, card.scores[1].percent) == (1, 2, 50)


def test_during_the_week_the_score_counts_what_is_due_so_far(goal):
    wednesday = at(START + dt.timedelta(weeks=3, days=2), 12)  # week 4
    monday_due = at(START + dt.timedelta(weeks=3), 18, 30)
    occ(goal, 4, due=monday_due, status=Status.NEW)  # Monday's, missed
    occ(goal, 4, status=Status.NEW)  # due on Friday: not counted yet
    early = occ(goal, 4, status=Status.DONE, handed_in=wednesday - dt.timedelta(hours=1))
    card = execution.plan_scorecard(goal.plan, now=wednesday)
    week4 = card.scores[3]
    assert (week4.on_time, week4.due, week4.percent, week4.so_far) == (1, 2, 50, True)
    assert card.this_week is week4
    cells = {c.task_id: c.state for row in card.goals[0].tactics for c in row.cells if c.task_id}
    assert cells[early.task_id] == "on_time"
    assert sorted(cells.values()) == ["missed", "on_time", "open"]


def test_finishing_a_task_moves_the_score(head, specialist, department):
    cycle = None
    with time_machine.travel(at(dt.date(2027, 2, 22), 9)):
        cycle = services.open_cycle(department=department, start=START, actor=head)
        plan, _goal, tactic = draft_with_goal(cycle, specialist, weekday=4)
        services.submit_plan(plan=plan, actor=specialist)
        services.approve_plan(plan=plan, actor=head)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.ACTIVE)
    task = Occurrence.objects.get(tactic=tactic, week=1).task
    with time_machine.travel(at(START + dt.timedelta(days=1), 10)):
        assert execution.plan_scorecard(plan).this_week.percent is None
        task_services.submit_task(task=task, actor=specialist, result="Все ответы отправлены")
        assert execution.plan_scorecard(plan).this_week.percent is None  # awaiting acceptance
        task_services.accept_task(task=task, actor=head)
        assert execution.plan_scorecard(plan).this_week.percent == 100


def test_a_week_with_a_holiday_counts_the_working_day_before_it(head, specialist, department):
    """Week 10 of a cycle from 1 March 2027: Friday 7 May is a holiday, so a Friday tactic is
    due on Thursday 6 May; handing in on the holiday is late."""
    with time_machine.travel(at(dt.date(2027, 2, 22), 9)):
        cycle = services.open_cycle(department=department, start=START, actor=head)
        plan, _goal, tactic = draft_with_goal(cycle, specialist, weekday=4)
        services.add_tactic(
            goal=tactic.goal, actor=specialist, title="Сводка по субсидиям",
            responsible=specialist, weekday=4, weeks=[10],
        )  # fmt: skip
        services.submit_plan(plan=plan, actor=specialist)
        services.approve_plan(plan=plan, actor=head)
    first, second = Occurrence.objects.filter(week=10).select_related("task").order_by("pk")
    assert first.due == at(dt.date(2027, 5, 6), 18, 30)
    with time_machine.travel(at(dt.date(2027, 5, 6), 17)):
        task_services.submit_task(task=first.task, actor=specialist, result="Готово")
    with time_machine.travel(at(dt.date(2027, 5, 7), 11)):
        task_services.submit_task(task=second.task, actor=specialist, result="Готово")
    with time_machine.travel(at(dt.date(2027, 5, 10), 9)):
        for occ in (first, second):
            task_services.accept_task(task=occ.task, actor=head)
        week10 = execution.plan_scorecard(plan).scores[9]
    assert (week10.on_time, week10.due, week10.percent) == (1, 2, 50)


def test_the_grid_and_the_score_agree(goal):
    """The scorecard's ticks are drawn in Python, the score is counted in SQL: the same rule."""
    now = at(friday(5), 20)
    for week in range(1, 6):
        due = at(friday(week), 18, 30)
        occ(goal, week, status=Status.DONE, handed_in=due - dt.timedelta(hours=week % 2 * 30))
        occ(goal, week, status=Status.NEW if week % 2 else Status.CANCELLED)
    card = execution.plan_scorecard(goal.plan, now=now)
    grid = {w: [0, 0] for w in range(1, 6)}
    for row in card.goals[0].tactics:
        for cell in row.cells:
            if cell.state in {"on_time", "late", "missed"} and cell.week <= 5:
                grid[cell.week][1] += 1
                grid[cell.week][0] += cell.state == "on_time"
    assert grid == {s.week: [s.on_time, s.due] for s in card.scores[:5]}


def test_progress_is_linear_and_clamped_both_ways():
    down = GoalFactory.build(start_value=Decimal(40), target_value=Decimal(20))
    up = GoalFactory.build(start_value=Decimal(10), target_value=Decimal(60))
    assert down.progress(None) == 0
    assert down.progress(Decimal(30)) == 50
    assert down.progress(Decimal(45)) == 0
    assert down.progress(Decimal(15)) == 100
    assert up.progress(Decimal(35)) == 50
    assert up.progress(Decimal(70)) == 100


def test_a_directorate_rolls_up_as_the_weighted_average_of_its_goals(department, head):
    cycle = CycleFactory(department=department, start=START, created_by=head)
    plan = PlanFactory(cycle=cycle, kind="directorate", owner=None, created_by=head)
    land = GoalFactory(plan=plan, weight=70, start_value=Decimal(40), target_value=Decimal(20))
    staff = GoalFactory(plan=plan, weight=30, start_value=Decimal(0), target_value=Decimal(10))
    LagReading.objects.create(goal=land, week=1, value=Decimal(36), entered_by=head)
    LagReading.objects.create(goal=land, week=2, value=Decimal(30), entered_by=head)  # 50 %
    LagReading.objects.create(goal=staff, week=2, value=Decimal(10), entered_by=head)  # 100 %
    (row,) = execution.rollup([cycle], now=at(friday(3), 9))
    assert row.progress == 65  # 0.7 × 50 + 0.3 × 100
    card = execution.plan_scorecard(plan, now=at(friday(3), 9))
    assert card.progress == 65
