"""Typed factory_boy factories for plans.

Like the task factories, these write rows directly, so tests can build history the services
would only make over weeks: past occurrences, tasks done on time or late.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from plans.models import WEEKS, Cycle, Goal, Occurrence, Plan, Tactic
from tasks.models import Source, Status
from tests.factories import DepartmentFactory, UserFactory
from tests.tasks.factories import TaskFactory


def monday(weeks_from_now: int = 0) -> dt.date:
    """The Monday of this week, moved by whole weeks."""
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_from_now)


class CycleFactory(factory.django.DjangoModelFactory[Cycle]):
    class Meta:
        model = Cycle

    department = factory.SubFactory(DepartmentFactory)
    start = factory.LazyFunction(lambda: monday(-3))
    status = Cycle.Status.ACTIVE
    created_by = factory.SubFactory(UserFactory)


class PlanFactory(factory.django.DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    cycle = factory.SubFactory(CycleFactory)
    kind = Plan.Kind.INDIVIDUAL
    owner = factory.SubFactory(
        UserFactory,
        department=factory.SelfAttribute("..cycle.department"),
        roles=["specialist"],
    )
    status = Plan.Status.APPROVED
    created_by = factory.SelfAttribute("owner")


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Цель {n}")
    weight = 100
    unit = "рабочих дней"
    start_value = Decimal(40)
    target_value = Decimal(20)


class TacticFactory(factory.django.DjangoModelFactory[Tactic]):
    class Meta:
        model = Tactic

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Еженедельное действие {n}")
    responsible = factory.LazyAttribute(lambda t: t.goal.plan.owner)
    weekday = 4
    weeks = factory.LazyFunction(lambda: list(range(1, WEEKS + 1)))


def occurrence(
    tactic: Tactic,
    week: int,
    *,
    status: str = Status.NEW,
    handed_in: dt.datetime | None = None,
    done_at: dt.datetime | None = None,
    due: dt.datetime | None = None,
) -> Occurrence:
    """An occurrence of `tactic` in `week` with its task: due on the Friday of that week at
    18:30 unless `due` says otherwise; done, submitted or cancelled as asked."""
    cycle = tactic.goal.plan.cycle
    if due is None:
        friday = cycle.week_bounds(week)[0] + dt.timedelta(days=4)
        due = timezone.make_aware(dt.datetime.combine(friday, dt.time(18, 30)))
    task = TaskFactory(
        title=tactic.title,
        author=tactic.goal.plan.approved_by or tactic.goal.plan.created_by,
        responsible=tactic.responsible,
        deadline=due,
        source=Source.PLAN,
        status=status,
        submitted_at=handed_in,
        done_at=done_at or (handed_in if status == Status.DONE else None),
    )
    return Occurrence.objects.create(tactic=tactic, week=week, due=due, task=task)


def early_in(cycle: Cycle, week: int) -> dt.datetime:
    """Tuesday 10:00 of a cycle week: a moment well before a Friday deadline."""
    tuesday = cycle.week_bounds(week)[0] + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tuesday, dt.time(10)))
