"""Plans' use cases: cycles, drafting, approval into real tasks, future-only changes, reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plans import services
from plans.models import Cycle, Goal, LagReading, Occurrence, Plan, Review, Tactic
from tasks import services as task_services
from tasks.models import Notification, Source, Status, Task
from tests.factories import UserFactory
from tests.plans.conftest import draft_with_goal
from tests.plans.factories import monday

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
# A cycle of spring 2027 and its Kazakh holidays: 8 March (Monday, week 2), 15 March (Monday,
# week 3), Nauryz 22–24 March (Monday to Wednesday, week 4), 3 and 7 May (Monday and Friday,
# week 10), 10 May (Monday, week 11).
SPRING = dt.date(2027, 3, 1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ALMATY)


def deadlines(plan: Plan) -> list[tuple[int, dt.datetime]]:
    return [
        (o.week, timezone.localtime(o.task.deadline))
        for o in Occurrence.objects.filter(tactic__goal__plan=plan).select_related("task")
    ]


def submitted(plan: Plan, head) -> Plan:  # type: ignore[no-untyped-def]
    return services.submit_plan(plan=plan, actor=plan.owner or head)


# --- cycles ------------------------------------------------------------------------------------


def test_a_cycle_starts_on_a_monday(head, department):
    thursday = monday(1) + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.open_cycle(department=department, start=thursday, actor=head)
    assert "понедельник" in str(error.value) or "Monday" in str(error.value)
    assert not Cycle.objects.exists()


def test_overlapping_cycles_are_refused_with_the_next_possible_start(head, planning_cycle):
    with pytest.raises(ValidationError) as error:
        services.open_cycle(department=planning_cycle.department, start=monday(5), actor=head)
    assert planning_cycle.end.strftime("%d.%m.%Y") in str(error.value)
    assert Cycle.objects.count() == 1
    later = services.open_cycle(
        department=planning_cycle.department,
        start=planning_cycle.end + dt.timedelta(days=1),
        actor=head,
    )
    assert later.status == Cycle.Status.PLANNING


def test_only_the_head_or_the_deputy_opens_a_cycle(specialist, outsider, deputy, department):
    for person in (specialist, outsider):
        with pytest.raises(PermissionDenied):
            services.open_cycle(department=department, start=monday(1), actor=person)
    assert services.open_cycle(department=department, start=monday(1), actor=deputy)


def test_one_active_cycle_per_directorate(head, active_cycle):
    later = services.open_cycle(
        department=active_cycle.department,
        start=active_cycle.end + dt.timedelta(days=1),
        actor=head,
    )
    with pytest.raises(ValidationError, match="подведению итогов"):
        services.activate_cycle(cycle=later, actor=head)
    later.refresh_from_db()
    assert later.status == Cycle.Status.PLANNING


def test_the_review_week_cannot_begin_before_the_twelve_weeks_are_over(head, active_cycle):
    with pytest.raises(ValidationError):
        services.start_review(cycle=active_cycle, actor=head)
    with time_machine.travel(at(active_cycle.review_start, 9)):
        services.start_review(cycle=active_cycle, actor=head)
    active_cycle.refresh_from_db()
    assert active_cycle.status == Cycle.Status.REVIEW


# --- drafting ----------------------------------------------------------------------------------


def test_a_specialist_drafts_their_own_plan_only_while_the_cycle_is_in_planning(
    specialist, planning_cycle, active_cycle
):
    plan = services.create_plan(cycle=planning_cycle, actor=specialist, owner=specialist)
    assert plan.status == Plan.Status.DRAFT and plan.kind == Plan.Kind.INDIVIDUAL
    with pytest.raises(PermissionDenied):
        services.create_plan(cycle=active_cycle, actor=specialist, owner=specialist)


def test_a_specialist_cannot_draft_for_a_colleague_or_the_directorate(
    specialist, colleague, planning_cycle
):
    with pytest.raises(PermissionDenied):
        services.create_plan(cycle=planning_cycle, actor=specialist, owner=colleague)
    with pytest.raises(PermissionDenied):
        services.create_plan(cycle=planning_cycle, actor=specialist, owner=None)
    assert not Plan.objects.exists()


def test_a_fourth_goal_is_refused(specialist, planning_cycle):
    plan = services.create_plan(cycle=planning_cycle, actor=specialist, owner=specialist)
    for n in range(3):
        services.add_goal(
            plan=plan, actor=specialist, title=f"Цель {n}", why="", weight=30, unit="шт.",
            start_value=Decimal(0), target_value=Decimal(10),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="трёх"):
        services.add_goal(
            plan=plan, actor=specialist, title="Четвёртая", why="", weight=10, unit="шт.",
            start_value=Decimal(0), target_value=Decimal(10),
        )  # fmt: skip
    assert plan.goals.count() == 3


def test_a_target_equal_to_the_start_is_refused(specialist, planning_cycle):
    plan = services.create_plan(cycle=planning_cycle, actor=specialist, owner=specialist)
    with pytest.raises(ValidationError) as error:
        services.add_goal(
            plan=plan, actor=specialist, title="Цель", why="", weight=100, unit="дней",
            start_value=Decimal(20), target_value=Decimal(20),
        )  # fmt: skip
    assert "target_value" in error.value.error_dict
    assert not Goal.objects.exists()


def test_weights_cannot_pass_100(specialist, planning_cycle):
    plan, _goal, _tactic = draft_with_goal(planning_cycle, specialist)
    with pytest.raises(ValidationError, match="110"):
        services.add_goal(
            plan=plan, actor=specialist, title="Вторая", why="", weight=10, unit="шт.",
            start_value=Decimal(0), target_value=Decimal(5),
        )  # fmt: skip
    assert plan.goals.count() == 1


def test_set_weights_refuses_a_total_other_than_100(specialist, planning_cycle):
    plan, goal, _tactic = draft_with_goal(planning_cycle, specialist)
    with pytest.raises(ValidationError, match="60"):
        services.set_weights(plan=plan, actor=specialist, weights={goal.pk: 60})
    goal.refresh_from_db()
    assert goal.weight == 100
    with pytest.raises(ValidationError):
        services.set_weights(plan=plan, actor=specialist, weights={goal.pk: 100, goal.pk + 1: 0})


def test_submitting_needs_weights_of_100_and_a_tactic_for_each_goal(specialist, planning_cycle):
    plan = services.create_plan(cycle=planning_cycle, actor=specialist, owner=specialist)
    with pytest.raises(ValidationError, match="цель|goal"):
        services.submit_plan(plan=plan, actor=specialist)
    goal = services.add_goal(
        plan=plan, actor=specialist, title="Цель", why="", weight=70, unit="шт.",
        start_value=Decimal(0), target_value=Decimal(10),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="70"):
        services.submit_plan(plan=plan, actor=specialist)
    services.set_weights(plan=plan, actor=specialist, weights={goal.pk: 100})
    with pytest.raises(ValidationError, match="Цель"):
        services.submit_plan(plan=plan, actor=specialist)
    services.add_tactic(
        goal=goal, actor=specialist, title="Действие", responsible=specialist, weekday=0, weeks=[1]
    )
    services.submit_plan(plan=plan, actor=specialist)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED


def test_a_tactic_outside_the_cycle_weeks_is_refused(specialist, planning_cycle):
    _plan, goal, _tactic = draft_with_goal(planning_cycle, specialist)
    for weeks in ([0], [13], [5, 14], []):
        with pytest.raises(ValidationError) as error:
            services.add_tactic(
                goal=goal, actor=specialist, title="Вне цикла", responsible=specialist,
                weekday=2, weeks=weeks,
            )  # fmt: skip
        assert "weeks" in error.value.error_dict
    assert goal.tactics.count() == 1


def test_an_individual_plans_tactics_are_its_owners(specialist, colleague, planning_cycle):
    _plan, goal, _tactic = draft_with_goal(planning_cycle, specialist)
    with pytest.raises(ValidationError):
        services.add_tactic(
            goal=goal, actor=specialist, title="Чужое", responsible=colleague, weekday=2, weeks=[2]
        )


# --- approval: tactics become tasks ------------------------------------------------------------


def spring_cycle(head, department) -> Cycle:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(dt.date(2027, 2, 22), 9)):
        return services.open_cycle(department=department, start=SPRING, actor=head)


def test_approval_sets_a_task_for_every_week_with_its_deadline(head, specialist, department):
    cycle = spring_cycle(head, department)
    with time_machine.travel(at(dt.date(2027, 2, 24), 10)):
        plan, _goal, friday = draft_with_goal(cycle, specialist, weekday=4)
        monday_tactic = services.add_tactic(
            goal=friday.goal, actor=specialist, title="Планёрка по обращениям",
            responsible=specialist, weekday=0, weeks=[2, 3, 4, 10, 11],
        )  # fmt: skip
        submitted(plan, head)
        made = services.approve_plan(plan=plan, actor=head)
    assert made == 17
    fridays = {
        o.week: timezone.localtime(o.task.deadline)
        for o in Occurrence.objects.filter(tactic=friday).select_related("task")
    }
    assert fridays[1] == at(dt.date(2027, 3, 5), 18, 30)
    assert fridays[9] == at(dt.date(2027, 4, 30), 18, 30)
    # Friday 7 May is Defender of the Fatherland Day: the working day before it, in that week.
    assert fridays[10] == at(dt.date(2027, 5, 6), 18, 30)
    assert len(fridays) == 12
    mondays = {
        o.week: timezone.localtime(o.task.deadline)
        for o in Occurrence.objects.filter(tactic=monday_tactic).select_related("task")
    }
    # A Monday holiday has no working day before it in the week: the first one after it.
    assert mondays == {
        2: at(dt.date(2027, 3, 9), 18, 30),
        3: at(dt.date(2027, 3, 16), 18, 30),
        4: at(dt.date(2027, 3, 25), 18, 30),  # Nauryz, Monday to Wednesday
        10: at(dt.date(2027, 5, 4), 18, 30),
        11: at(dt.date(2027, 5, 11), 18, 30),
    }


def test_approved_tasks_are_authored_by_the_approver_and_linked_to_the_tactic(
    head, specialist, planning_cycle
):
    plan, goal, tactic = draft_with_goal(planning_cycle, specialist)
    submitted(plan, head)
    services.approve_plan(plan=plan, actor=head)
    tasks = Task.objects.filter(plan_occurrence__tactic=tactic)
    assert tasks.count() == 12
    assert set(tasks.values_list("author", "responsible", "source", "status").distinct()) == {
        (head.pk, specialist.pk, Source.PLAN, Status.NEW)
    }
    assert set(tasks.values_list("description", flat=True)) == {goal.title}
    # One line under the bell for the whole plan, not twelve.
    notes = Notification.objects.filter(recipient=specialist)
    assert notes.count() == 1
    assert "+12" in notes.get().text
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (Plan.Status.APPROVED, head)


def test_approving_twice_is_refused_and_sets_no_duplicate_tasks(head, specialist, planning_cycle):
    plan, _goal, _tactic = draft_with_goal(planning_cycle, specialist)
    submitted(plan, head)
    services.approve_plan(plan=plan, actor=head)
    with pytest.raises(ValidationError, match="утвержд|approved"):
        services.approve_plan(plan=plan, actor=head)
    assert Task.objects.count() == 12
    assert Occurrence.objects.count() == 12


def test_approval_in_the_middle_of_a_cycle_starts_from_the_current_week(
    head, specialist, department
):
    cycle = spring_cycle(head, department)
    with time_machine.travel(at(dt.date(2027, 2, 24), 10)):
        plan, _goal, _tactic = draft_with_goal(cycle, specialist, weekday=1)  # Tuesdays
        submitted(plan, head)
    cycle.status = Cycle.Status.ACTIVE
    cycle.save()
    # Thursday of week 3: this week's Tuesday has passed, so its task is due on the week's last
    # working day; weeks 1 and 2 are gone.
    with time_machine.travel(at(dt.date(2027, 3, 18), 10)):
        assert services.approve_plan(plan=plan, actor=head) == 10
    assert deadlines(plan)[0] == (3, at(dt.date(2027, 3, 19), 18, 30))
    assert [w for w, _d in deadlines(plan)] == list(range(3, 13))


def test_a_task_is_never_born_overdue(head, specialist, department):
    cycle = spring_cycle(head, department)
    with time_machine.travel(at(dt.date(2027, 2, 24), 10)):
        plan, _goal, _tactic = draft_with_goal(cycle, specialist, weekday=1)
        submitted(plan, head)
    # Friday of week 3 after the end of the working day: nothing is left of week 3.
    with time_machine.travel(at(dt.date(2027, 3, 19), 19)):
        assert services.approve_plan(plan=plan, actor=head) == 9
        assert not Task.objects.filter(deadline__lte=timezone.now()).exists()
    assert [w for w, _d in deadlines(plan)] == list(range(4, 13))


def test_who_approves(head, specialist, deputy, colleague, planning_cycle):
    plan, _goal, _tactic = draft_with_goal(planning_cycle, specialist)
    submitted(plan, head)
    for person in (specialist, colleague):
        with pytest.raises(PermissionDenied):
            services.approve_plan(plan=plan, actor=person)
    directorate = services.create_plan(cycle=planning_cycle, actor=head, owner=None)
    assert not services.can_approve(head, directorate)
    assert services.can_approve(deputy, directorate)
    own = services.create_plan(cycle=planning_cycle, actor=head, owner=head)
    assert not services.can_approve(head, own)  # nobody approves their own plan
    assert services.can_approve(deputy, own)


def test_returning_a_plan_needs_a_reason_and_makes_it_a_draft_again(
    head, specialist, planning_cycle
):
    plan, _goal, _tactic = draft_with_goal(planning_cycle, specialist)
    submitted(plan, head)
    with pytest.raises(ValidationError):
        services.return_plan(plan=plan, actor=head, reason="  ")
    services.return_plan(plan=plan, actor=head, reason="Цель слишком общая")
    plan.refresh_from_db()
    assert (plan.status, plan.return_reason) == (Plan.Status.DRAFT, "Цель слишком общая")
    assert services.can_edit_plan(specialist, plan)


# --- changes after approval: only the future ---------------------------------------------------


def approved_spring_plan(head, specialist, department):  # type: ignore[no-untyped-def]
    cycle = spring_cycle(head, department)
    with time_machine.travel(at(dt.date(2027, 2, 24), 10)):
        plan, goal, tactic = draft_with_goal(cycle, specialist, weekday=4)
        submitted(plan, head)
        services.approve_plan(plan=plan, actor=head)
    cycle.status = Cycle.Status.ACTIVE
    cycle.save()
    return plan, goal, tactic


def test_changing_a_tactic_changes_only_the_weeks_after_the_current_one(
    head, specialist, department
):
    plan, _goal, tactic = approved_spring_plan(head, specialist, department)
    before = dict(deadlines(plan))
    with time_machine.travel(at(dt.date(2027, 3, 17), 11)):  # Wednesday of week 3
        services.update_tactic(
            tactic=tactic, actor=head, title="Ответ на обращения за 2 дня",
            responsible=specialist, weekday=2, weeks=list(range(1, 11)),
        )  # fmt: skip
    live = Occurrence.objects.live().filter(tactic=tactic).select_related("task")
    by_week = {o.week: o.task for o in live}
    # Weeks 1–3 keep their tasks exactly as they were.
    for week in (1, 2, 3):
        assert timezone.localtime(by_week[week].deadline) == before[week]
        assert by_week[week].title == "Ответ на обращения за 3 дня"
    # Weeks 4–10 have new tasks on Wednesdays (Nauryz week: Thursday, the first working day).
    assert timezone.localtime(by_week[4].deadline) == at(dt.date(2027, 3, 25), 18, 30)
    assert timezone.localtime(by_week[5].deadline) == at(dt.date(2027, 3, 31), 18, 30)
    assert all(by_week[w].title == "Ответ на обращения за 2 дня" for w in range(4, 11))
    # Weeks 11 and 12 were dropped: no live occurrence; their old tasks are cancelled.
    assert set(by_week) == set(range(1, 11))
    replaced = Occurrence.objects.filter(tactic=tactic, replaced_at__isnull=False)
    assert replaced.count() == 9  # weeks 4–12 of the old schedule
    assert set(replaced.values_list("task__status", flat=True)) == {Status.CANCELLED}
    # The tactic's history keeps what it was before the change.
    first, last = tactic.history.order_by("history_date")
    assert (first.weeks, first.weekday, last.weeks) == (list(range(1, 13)), 4, list(range(1, 11)))
    assert last.history_change_reason == "edited" and last.history_user == head


def test_a_started_future_task_is_left_alone(head, specialist, department):
    plan, _goal, tactic = approved_spring_plan(head, specialist, department)
    week6 = Occurrence.objects.get(tactic=tactic, week=6).task
    with time_machine.travel(at(dt.date(2027, 3, 17), 11)):
        task_services.start_task(task=week6, actor=specialist)
        services.update_tactic(
            tactic=tactic, actor=head, title="Новое название", responsible=specialist,
            weekday=4, weeks=list(range(1, 13)),
        )  # fmt: skip
    week6.refresh_from_db()
    assert week6.status == Status.IN_PROGRESS
    assert Occurrence.objects.live().get(tactic=tactic, week=6).task == week6
    assert Occurrence.objects.live().get(tactic=tactic, week=7).task.title == "Новое название"


def test_an_unchanged_tactic_keeps_its_tasks(head, specialist, department):
    plan, _goal, tactic = approved_spring_plan(head, specialist, department)
    ids = set(Task.objects.values_list("pk", flat=True))
    with time_machine.travel(at(dt.date(2027, 3, 17), 11)):
        services.update_tactic(
            tactic=tactic, actor=head, title=tactic.title, responsible=specialist,
            weekday=4, weeks=list(range(1, 13)),
        )  # fmt: skip
    assert set(Task.objects.values_list("pk", flat=True)) == ids
    assert not Task.objects.filter(status=Status.CANCELLED).exists()


def test_stopping_a_tactic_cancels_only_untouched_future_weeks(head, specialist, department):
    plan, _goal, tactic = approved_spring_plan(head, specialist, department)
    with time_machine.travel(at(dt.date(2027, 3, 17), 11)):
        services.remove_tactic(tactic=tactic, actor=head)
    tactic.refresh_from_db()
    assert not tactic.is_active
    statuses = dict(Occurrence.objects.filter(tactic=tactic).values_list("week", "task__status"))
    assert {w for w, s in statuses.items() if s == Status.NEW} == {1, 2, 3}
    assert {w for w, s in statuses.items() if s == Status.CANCELLED} == set(range(4, 13))


def test_the_owner_cannot_change_an_approved_plan(head, specialist, department):
    plan, goal, tactic = approved_spring_plan(head, specialist, department)
    with pytest.raises(PermissionDenied):
        services.update_tactic(
            tactic=tactic, actor=specialist, title="Меньше работы", responsible=specialist,
            weekday=4, weeks=[1],
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.remove_tactic(tactic=tactic, actor=specialist)
    assert Tactic.objects.get(pk=tactic.pk).weeks == list(range(1, 13))


def test_an_approved_goal_stays_and_its_weight_changes_only_with_the_others(
    head, specialist, department
):
    plan, goal, _tactic = approved_spring_plan(head, specialist, department)
    with pytest.raises(ValidationError):
        services.delete_goal(goal=goal, actor=head)
    with pytest.raises(ValidationError):
        services.update_goal(
            goal=goal, actor=head, title=goal.title, why="", weight=50, unit=goal.unit,
            start_value=goal.start_value, target_value=goal.target_value,
        )  # fmt: skip
    assert Goal.objects.get(pk=goal.pk).weight == 100


def test_a_tactic_added_after_approval_is_set_from_the_current_week(head, specialist, department):
    plan, goal, _tactic = approved_spring_plan(head, specialist, department)
    with time_machine.travel(at(dt.date(2027, 3, 30), 9)):  # Tuesday of week 5
        added = services.add_tactic(
            goal=goal, actor=head, title="Выезд на участок", responsible=specialist,
            weekday=3, weeks=[2, 5, 6],
        )  # fmt: skip
    assert sorted(added.occurrences.values_list("week", flat=True)) == [5, 6]


# --- lag readings and reviews ------------------------------------------------------------------


def test_a_reading_is_for_a_week_that_has_begun(head, specialist, department):
    plan, goal, _tactic = approved_spring_plan(head, specialist, department)
    with time_machine.travel(at(dt.date(2027, 3, 17), 11)):  # week 3
        with pytest.raises(ValidationError):
            services.record_reading(goal=goal, actor=specialist, week=4, value=Decimal(30))
        services.record_reading(goal=goal, actor=specialist, week=3, value=Decimal(35))
        services.record_reading(goal=goal, actor=specialist, week=3, value=Decimal(34))
    assert list(LagReading.objects.values_list("week", "value")) == [(3, Decimal(34))]
    outsider = UserFactory(roles=["specialist"])
    with pytest.raises(PermissionDenied):
        services.record_reading(goal=goal, actor=outsider, week=1, value=Decimal(1))


def test_the_mid_cycle_review_is_written_in_week_6_and_keeps_its_figures(
    head, specialist, department
):
    plan, goal, _tactic = approved_spring_plan(head, specialist, department)
    with time_machine.travel(at(dt.date(2027, 3, 31), 11)), pytest.raises(ValidationError):
        services.save_review(  # week 5 is too early
            plan=plan, actor=specialist, kind=Review.Kind.MIDCYCLE, week=6, lessons="Рано"
        )
    with time_machine.travel(at(dt.date(2027, 4, 6), 11)):  # week 6
        services.record_reading(goal=goal, actor=specialist, week=6, value=Decimal(30))
        review = services.save_review(
            plan=plan, actor=specialist, kind=Review.Kind.MIDCYCLE, week=6,
            worked="Еженедельный разбор", lessons="Держать ритм",
        )  # fmt: skip
    assert review.progress == [{"goal": goal.title, "progress": 50}]
    # Weeks 1–5 were all missed (nothing done), week 6 has nothing due yet.
    assert review.average_score == 0
    with pytest.raises(ValidationError):
        services.save_review(plan=plan, actor=specialist, kind=Review.Kind.FINAL, week=6)


def test_a_review_needs_some_text_and_a_week_that_has_begun(head, specialist, department):
    plan, _goal, _tactic = approved_spring_plan(head, specialist, department)
    with time_machine.travel(at(dt.date(2027, 3, 17), 11)):  # week 3
        with pytest.raises(ValidationError):
            services.save_review(plan=plan, actor=specialist, kind=Review.Kind.WEEKLY, week=3)
        with pytest.raises(ValidationError):
            services.save_review(
                plan=plan, actor=specialist, kind=Review.Kind.WEEKLY, week=4, worked="Заранее"
            )
        services.save_review(
            plan=plan, actor=specialist, kind=Review.Kind.WEEKLY, week=3, worked="Успели всё",
            meeting_notes="Планёрка в понедельник",
        )  # fmt: skip
    assert Review.objects.get().meeting_notes == "Планёрка в понедельник"


# --- closing and carrying over -----------------------------------------------------------------


def test_closing_carries_the_chosen_unfinished_tactics_into_the_next_cycle(
    head, specialist, department
):
    plan, goal, tactic = approved_spring_plan(head, specialist, department)
    cycle = plan.cycle
    done = Occurrence.objects.filter(tactic=tactic).order_by("week").first().task
    Task.objects.filter(pk=done.pk).update(status=Status.DONE, done_at=done.deadline)
    with time_machine.travel(at(dt.date(2027, 5, 26), 10)):  # week 13
        services.record_reading(goal=goal, actor=specialist, week=12, value=Decimal(28))
        services.start_review(cycle=cycle, actor=head)
        candidates = services.unfinished_tactics(cycle)
        assert [(t.pk, t.done, t.counted) for t in candidates] == [(tactic.pk, 1, 12)]
        following = services.close_cycle(cycle=cycle, actor=head, carry_over=candidates)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    assert following.start == dt.date(2027, 5, 31) and following.status == Cycle.Status.PLANNING
    new_plan = following.plans.get()
    assert (new_plan.owner, new_plan.status) == (specialist, Plan.Status.DRAFT)
    new_goal = new_plan.goals.get()
    # The new cycle starts where the old one ended: the last reading.
    assert (new_goal.start_value, new_goal.target_value, new_goal.carried_from) == (
        Decimal(28), Decimal(20), goal,
    )  # fmt: skip
    assert new_goal.tactics.get().carried_from == tactic


def test_only_unfinished_tactics_of_the_cycle_can_be_carried_over(head, specialist, department):
    plan, _goal, tactic = approved_spring_plan(head, specialist, department)
    with time_machine.travel(at(dt.date(2027, 5, 26), 10)):
        services.start_review(cycle=plan.cycle, actor=head)
        stranger = Tactic(pk=tactic.pk + 1000)
        with pytest.raises(ValidationError):
            services.close_cycle(cycle=plan.cycle, actor=head, carry_over=[stranger])
    plan.cycle.refresh_from_db()
    assert plan.cycle.status == Cycle.Status.REVIEW
