"""Fixtures the plan tests share: the working calendar, a cycle in its fourth week, a draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from akimat.calendar import ensure_calendar
from plans import services
from plans.models import Cycle
from tests.plans.factories import monday


@pytest.fixture(autouse=True)
def _calendar(db):
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=400), end=today + dt.timedelta(days=400))


@pytest.fixture
def planning_cycle(head, department):
    """A cycle of the agriculture directorate opened by its head, starting next Monday."""
    return services.open_cycle(department=department, start=monday(1), actor=head)


@pytest.fixture
def active_cycle(head, department):
    """An active cycle that began three weeks ago: this is its week 4."""
    cycle = Cycle.objects.create(
        department=department, start=monday(-3), status=Cycle.Status.ACTIVE, created_by=head
    )
    return cycle


def draft_with_goal(
    cycle, owner, *, actor=None, weeks=None, weekday=4, title="Ответ на обращения за 3 дня"
):
    """An individual draft of `owner` with one goal (40 → 20 working days) and one tactic,
    written by `actor` (the owner by default)."""
    actor = actor or owner
    plan = services.create_plan(cycle=cycle, actor=actor, owner=owner)
    goal = services.add_goal(
        plan=plan,
        actor=actor,
        title="Сократить срок рассмотрения обращений",
        why="Предприниматели ждут ответа слишком долго",
        weight=100,
        unit="рабочих дней",
        start_value=Decimal(40),
        target_value=Decimal(20),
    )
    tactic = services.add_tactic(
        goal=goal,
        actor=actor,
        title=title,
        responsible=owner,
        weekday=weekday,
        weeks=weeks or list(range(1, 13)),
    )
    return plan, goal, tactic
