"""Plans as files: one plan's scorecard, and the list of plans a person can see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Plan
from tasks.models import Status
from tests.downloads import file_name, lines
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.plans.factories import (
    CycleFactory,
    GoalFactory,
    PlanFactory,
    TacticFactory,
    early_in,
    occurrence,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

INDEX = reverse("plans:index")
WEEKS = [f"Неделя {n}" for n in range(1, 13)]


def _plan(cycle, owner, head, *, title="Сократить срок ответа"):
    """An approved plan of `owner`: one goal, one tactic done on time in weeks 1–3."""
    plan = PlanFactory(cycle=cycle, owner=owner, approved_by=head)
    goal = GoalFactory(plan=plan, title=title)
    tactic = TacticFactory(goal=goal, responsible=owner, title="Разбор обращений")
    for week in (1, 2, 3):
        occurrence(tactic, week, status=Status.DONE, handed_in=early_in(cycle, week))
    return plan


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_plans_export_is_its_scorecard(client, head, specialist, active_cycle, kind):
    plan = _plan(active_cycle, specialist, head, title="=1+1")
    client.force_login(specialist)
    response = client.get(plan.get_absolute_url(), {"export": kind})
    assert file_name(response) == (
        f"Индивидуальный план работы {specialist} {active_cycle.department.name_ru} "
        f"18.11.2026.{kind}"
    )
    table = lines(response)
    assert table[0] == ["Цель", "Действие", "Ответственный", *WEEKS, "Результат"]
    goal, tactic, scores = table[1], table[2], table[3]
    assert goal[0] == ("'=1+1" if kind == "csv" else "=1+1")  # never a formula
    assert goal[1].startswith("Измеритель результата: 40")
    assert tactic[1:3] == ["Разбор обращений", str(specialist)]
    assert tactic[3:6] == ["выполнено в срок"] * 3
    assert tactic[-1] == "3 из 3 в срок"
    assert scores[0] == "Доля исполнения по неделям, %"
    assert [str(value) for value in scores[3:6]] == ["100"] * 3
    assert len(table) == 4


def test_another_directorates_plan_is_not_exported(client, head, active_cycle, outsider):
    plan = _plan(active_cycle, UserFactory(department=active_cycle.department), head)
    client.force_login(outsider)
    assert client.get(plan.get_absolute_url(), {"export": "xlsx"}).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_plan_list_holds_the_plans_a_person_can_see(
    client, head, specialist, colleague, active_cycle, kind
):
    mine = _plan(active_cycle, specialist, head)
    _plan(active_cycle, colleague, head)
    directorate = PlanFactory(
        cycle=active_cycle, kind=Plan.Kind.DIRECTORATE, owner=None, created_by=head
    )
    other = DepartmentFactory()
    _plan(CycleFactory(department=other), UserFactory(department=other), head_of(other))
    client.force_login(specialist)
    response = client.get(INDEX, {"export": kind})
    assert file_name(response) == f"12-недельные планы 18.11.2026.{kind}"
    table = lines(response)
    assert table[0][:7] == [
        "Управление",
        "Начало цикла",
        "Цикл",
        "Неделя",
        "Вид плана",
        "Чей план",
        "Статус",
    ]
    whose = sorted(row[5] for row in table[1:])
    assert whose == sorted([str(mine), str(directorate)])
    line = next(row for row in table[1:] if row[5] == str(mine))
    assert str(line[3]) == "4"  # the cycle's week now
    assert ["" if value is None else str(value) for value in line[7:]] == ["1", "0", "", "100"]
    start = f"{active_cycle.start:%d.%m.%Y}"
    assert (line[1] if kind == "csv" else f"{line[1]:%d.%m.%Y}") == start


def test_the_plan_list_export_runs_the_same_queries_at_ten_times_the_plans(
    client, deputy, django_assert_num_queries
):
    # session, user, roles; the count, the plans, their goals, the latest readings, the score
    # aggregate
    def directorates(count):
        for _n in range(count):
            department = DepartmentFactory()
            head = head_of(department)
            cycle = CycleFactory(department=department, created_by=head)
            _plan(cycle, UserFactory(department=department), head)

    client.force_login(deputy)
    directorates(1)
    with django_assert_num_queries(8):
        small = client.get(INDEX, {"export": "xlsx"})
    directorates(9)
    with django_assert_num_queries(8):
        large = client.get(INDEX, {"export": "xlsx"})
    assert (len(lines(small)), len(lines(large))) == (2, 11)


def test_the_pages_link_their_exports(client, head, specialist, active_cycle):
    plan = _plan(active_cycle, specialist, head)
    client.force_login(specialist)
    page = client.get(plan.get_absolute_url()).text
    assert f'href="{plan.get_absolute_url()}?export=xlsx"' in page
    assert 'href="?export=csv"' in client.get(INDEX).text
