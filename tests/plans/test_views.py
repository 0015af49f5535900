"""The plans pages over HTTP: who sees what, bad input, htmx fragments, fixed query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from plans import services
from plans.models import Cycle, Goal, LagReading, Occurrence, Plan, Review, Tactic
from tasks.models import Status, Task
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.plans.conftest import draft_with_goal
from tests.plans.factories import (
    CycleFactory,
    GoalFactory,
    PlanFactory,
    TacticFactory,
    early_in,
    monday,
    occurrence,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def toast(response) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(response["HX-Trigger"])["notify"]


@pytest.fixture
def approved(head, specialist, planning_cycle):
    plan, goal, tactic = draft_with_goal(planning_cycle, specialist)
    services.submit_plan(plan=plan, actor=specialist)
    services.approve_plan(plan=plan, actor=head)
    return plan


# --- the plans home and who may come in ----------------------------------------------------------


def test_the_receptionist_has_no_plans(client, receptionist):
    client.force_login(receptionist)
    assert client.get(reverse("plans:index")).status_code == 403


def test_a_specialist_without_a_cycle_is_told_the_head_opens_one(client, specialist):
    client.force_login(specialist)
    response = client.get(reverse("plans:index"))
    assert response.status_code == 200
    assert "руководитель" in response.text
    assert 'href="/plans/cycles/new/"' not in response.text


def test_a_specialist_drafts_their_plan_from_the_home_in_two_clicks(
    client, specialist, planning_cycle
):
    client.force_login(specialist)
    home = client.get(reverse("plans:index"))
    assert "Составить мой план" in home.text
    assert "Начнётся в понедельник" in home.text  # the week badge before the start
    response = client.post(reverse("plans:plan-create", args=[planning_cycle.pk]))
    plan = Plan.objects.get(owner=specialist)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    # A second click does not make a second plan: it opens the first.
    again = client.post(reverse("plans:plan-create", args=[planning_cycle.pk]))
    assert again.url == plan.get_absolute_url()
    assert Plan.objects.count() == 1


def test_the_deputy_sees_every_directorate_side_by_side(client, deputy, approved, other_department):
    CycleFactory(department=other_department, start=monday(-6), created_by=deputy)
    client.force_login(deputy)
    response = client.get(reverse("plans:index"))
    rows = response.context["rollup"]
    assert [r.cycle.department for r in rows] == sorted(
        [approved.cycle.department, other_department], key=lambda d: d.name_ru
    )
    assert response.text.count('data-testid="rollup-row"') == 2
    assert "неделя 7 из 12" in response.text


def test_another_directorates_cycle_and_plan_answer_404(client, outsider, approved):
    client.force_login(outsider)
    assert client.get(approved.cycle.get_absolute_url()).status_code == 404
    assert client.get(approved.get_absolute_url()).status_code == 404
    assert client.post(reverse("plans:plan-create", args=[approved.cycle.pk])).status_code == 404
    goal = approved.goals.get()
    response = client.post(reverse("plans:reading-save", args=[goal.pk]), {"week": 1, "value": "1"})
    assert response.status_code == 404
    assert not LagReading.objects.exists()


def test_a_colleague_sees_the_directorate_plan_but_not_my_plan(client, colleague, head, approved):
    directorate = services.create_plan(cycle=approved.cycle, actor=head, owner=None)
    client.force_login(colleague)
    assert client.get(directorate.get_absolute_url()).status_code == 200
    assert client.get(approved.get_absolute_url()).status_code == 404


def test_the_methodologist_reads_but_changes_nothing(client, methodologist, approved):
    client.force_login(methodologist)
    page = client.get(approved.get_absolute_url())
    assert page.status_code == 200
    assert "Добавить цель" not in page.text
    goal = approved.goals.get()
    assert client.get(reverse("plans:goal-edit", args=[approved.pk, goal.pk])).status_code == 403
    response = client.post(reverse("plans:plan-approve", args=[approved.pk]), headers=HX)
    assert toast(response)["level"] == "danger"


# --- opening a cycle -----------------------------------------------------------------------------


def test_opening_a_cycle_on_a_thursday_says_so_in_russian(client, head, department):
    client.force_login(head)
    thursday = monday(1) + dt.timedelta(days=3)
    response = client.post(
        reverse("plans:cycle-create"), {"department": department.pk, "start": thursday}
    )
    assert response.status_code == 200
    assert "Цикл начинается в понедельник" in response.text
    assert not Cycle.objects.exists()


def test_a_head_opens_a_cycle_only_for_their_directorate(
    client, head, department, other_department
):
    client.force_login(head)
    response = client.post(
        reverse("plans:cycle-create"), {"department": other_department.pk, "start": monday(1)}
    )
    assert response.status_code == 200 and not Cycle.objects.exists()
    response = client.post(
        reverse("plans:cycle-create"), {"department": department.pk, "start": monday(1)}
    )
    cycle = Cycle.objects.get()
    assert response.url == cycle.get_absolute_url()


def test_a_specialist_cannot_open_a_cycle(client, specialist):
    client.force_login(specialist)
    assert client.get(reverse("plans:cycle-create")).status_code == 403


def test_a_second_active_cycle_is_refused_with_a_message(client, head, active_cycle):
    later = services.open_cycle(
        department=active_cycle.department,
        start=active_cycle.end + dt.timedelta(days=1),
        actor=head,
    )
    client.force_login(head)
    response = client.post(reverse("plans:cycle-activate", args=[later.pk]), follow=True)
    assert "уже идёт" in response.text
    later.refresh_from_db()
    assert later.status == Cycle.Status.PLANNING


# --- the plan page and its forms -----------------------------------------------------------------


def test_the_plan_page_and_its_fragment(client, specialist, approved):
    client.force_login(specialist)
    page = client.get(approved.get_absolute_url())
    assert "<html" in page.text and "Доля исполнения за неделю" in page.text
    assert page.text.count('data-testid="tactic-row"') == 1
    fragment = client.get(approved.get_absolute_url(), headers=HX)
    assert fragment.text.lstrip().startswith('<div id="plan-scorecard">')
    assert "<html" not in fragment.text


def test_a_goal_with_the_target_equal_to_the_start_is_refused(client, specialist, planning_cycle):
    plan = services.create_plan(cycle=planning_cycle, actor=specialist, owner=specialist)
    client.force_login(specialist)
    data = {
        "title": "Сократить срок", "why": "", "unit": "дней",
        "start_value": "20", "target_value": "20", "weight": "100",
    }  # fmt: skip
    response = client.post(reverse("plans:goal-create", args=[plan.pk]), data)
    assert response.status_code == 200
    assert "Цель должна отличаться от начального значения" in response.text
    assert not Goal.objects.exists()


def test_html_and_megabytes_in_a_goal_are_handled(client, specialist, planning_cycle):
    plan = services.create_plan(cycle=planning_cycle, actor=specialist, owner=specialist)
    client.force_login(specialist)
    data = {
        "title": "x" * 300, "why": "w" * 1_000_000, "unit": "дней",
        "start_value": "40", "target_value": "20", "weight": "100",
    }  # fmt: skip
    response = client.post(reverse("plans:goal-create", args=[plan.pk]), data)
    assert response.status_code == 200 and not Goal.objects.exists()
    data.update(title="<script>alert(1)</script> Сроки", why="")
    client.post(reverse("plans:goal-create", args=[plan.pk]), data)
    page = client.get(plan.get_absolute_url())
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Сроки" in page.text


def test_a_tactic_for_one_week_needs_the_week(client, specialist, planning_cycle):
    _plan, goal, _tactic = draft_with_goal(planning_cycle, specialist)
    client.force_login(specialist)
    url = reverse("plans:tactic-create", args=[goal.pk])
    base = {"title": "Выезд", "responsible": specialist.pk, "weekday": "2"}
    response = client.post(url, {**base, "schedule": "once"})
    assert "Выберите неделю" in response.text
    client.post(url, {**base, "schedule": "chosen", "weeks": ["3", "5", "7"]})
    assert goal.tactics.get(title="Выезд").weeks == [3, 5, 7]


def test_submit_and_approve_through_htmx(client, head, specialist, planning_cycle):
    plan, _goal, _tactic = draft_with_goal(planning_cycle, specialist)
    client.force_login(specialist)
    response = client.post(reverse("plans:plan-submit", args=[plan.pk]), headers=HX)
    assert toast(response) == {"text": "План отправлен на утверждение.", "level": "success"}
    assert response.text.lstrip().startswith('<div id="plan-scorecard">')
    client.force_login(head)
    response = client.post(reverse("plans:plan-approve", args=[plan.pk]), headers=HX)
    assert toast(response)["text"] == "План утверждён: поставлено 12 задач."
    again = client.post(reverse("plans:plan-approve", args=[plan.pk]), headers=HX)
    assert toast(again) == {"text": "Этот план уже утверждён.", "level": "danger"}
    assert Task.objects.count() == 12


def test_a_reading_that_is_not_a_number_changes_nothing(client, specialist, active_cycle, head):
    plan, goal, _tactic = draft_with_goal(active_cycle, specialist, actor=head)
    client.force_login(specialist)
    url = reverse("plans:reading-save", args=[goal.pk])
    response = client.post(url, {"week": "4", "value": "сорок"}, headers=HX)
    assert toast(response)["level"] == "danger"
    response = client.post(url, {"week": "9", "value": "30"}, headers=HX)
    assert "уже началась" in toast(response)["text"]
    assert not LagReading.objects.exists()
    client.post(url, {"week": "4", "value": "30"}, headers=HX)
    assert LagReading.objects.get().value == Decimal(30)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_reading_takes_a_decimal_comma_and_the_page_shows_one(
    client, specialist, active_cycle, head, language
):
    specialist.language = language
    specialist.save(update_fields=["language"])
    plan, goal, _tactic = draft_with_goal(active_cycle, specialist, actor=head)
    goal.start_value = Decimal("12345.5")
    goal.save(update_fields=["start_value"])
    client.force_login(specialist)
    response = client.post(
        reverse("plans:reading-save", args=[goal.pk]), {"week": "4", "value": "7,5"}, headers=HX
    )
    assert toast(response)["level"] == "success"
    assert LagReading.objects.get().value == Decimal("7.5")
    page = client.get(plan.get_absolute_url()).text
    assert "7,50 рабочих дней" in page
    assert "12\xa0345,50 → 20 рабочих дней" in page  # grouped with a non-breaking space


def test_the_task_page_shows_the_goal_it_serves(client, specialist, approved):
    task = Task.objects.filter(plan_occurrence__isnull=False).first()
    client.force_login(specialist)
    response = client.get(task.get_absolute_url())
    assert 'data-testid="task-goal">Сократить срок рассмотрения обращений<' in response.text
    assert approved.get_absolute_url() in response.text


def test_a_review_is_written_and_read(client, specialist, head, active_cycle):
    plan, _goal, _tactic = draft_with_goal(active_cycle, specialist, actor=head)
    client.force_login(specialist)
    url = reverse("plans:review-edit", args=[plan.pk, "weekly", 3])
    response = client.post(url, {"worked": "Разобрали все обращения", "meeting_notes": "Планёрка"})
    assert response.status_code == 302
    assert Review.objects.get().worked == "Разобрали все обращения"
    assert client.get(reverse("plans:review-edit", args=[plan.pk, "final", 6])).status_code == 404
    empty = client.post(reverse("plans:review-edit", args=[plan.pk, "weekly", 2]), {})
    assert "Напишите хотя бы одну строку" in empty.text


def test_closing_a_cycle_offers_its_unfinished_tactics(client, head, specialist, department):
    cycle = CycleFactory(
        department=department, start=monday(-13), status=Cycle.Status.REVIEW, created_by=head
    )
    plan = PlanFactory(cycle=cycle, owner=specialist, approved_by=head)
    tactic = TacticFactory(goal=GoalFactory(plan=plan), title="Обзвон заявителей")
    occurrence(tactic, 1, status=Status.IN_PROGRESS)
    client.force_login(head)
    page = client.get(reverse("plans:cycle-close", args=[cycle.pk]))
    assert "Обзвон заявителей" in page.text
    response = client.post(reverse("plans:cycle-close", args=[cycle.pk]), {"tactics": [tactic.pk]})
    following = Cycle.objects.get(previous=cycle)
    assert response.url == following.get_absolute_url()
    assert Tactic.objects.filter(carried_from=tactic, goal__plan__cycle=following).exists()


# --- query counts at one size and ten times that ------------------------------------------------


def _fill_cycle(cycle, people: int, head) -> None:  # type: ignore[no-untyped-def]
    """`people` approved individual plans of the cycle, each with a goal, two tactics, a
    reading and past weeks done."""
    for _ in range(people):
        person = UserFactory(department=cycle.department, roles=["specialist"])
        plan = PlanFactory(cycle=cycle, owner=person, approved_by=head)
        goal = GoalFactory(plan=plan)
        LagReading.objects.create(goal=goal, week=1, value=Decimal(35), entered_by=person)
        for _t in range(2):
            tactic = TacticFactory(goal=goal, responsible=person)
            for week in (1, 2, 3):
                occurrence(tactic, week, status=Status.DONE, handed_in=early_in(cycle, week))


def _due_total(overview) -> int:  # type: ignore[no-untyped-def]
    return sum(s.due for s in overview.scores)


def test_the_cycle_page_runs_the_same_queries_at_ten_times_the_plans(
    client, head, active_cycle, django_assert_num_queries
):
    # session, user, roles, cycle, plans, goals, latest readings, score aggregate, people of the
    # directorate, other cycles, bell
    client.force_login(head)
    _fill_cycle(active_cycle, 2, head)
    with django_assert_num_queries(11):
        small = client.get(active_cycle.get_absolute_url())
    _fill_cycle(active_cycle, 18, head)
    with django_assert_num_queries(11):
        large = client.get(active_cycle.get_absolute_url())
    assert len(small.context["overview"].plans) == 2 and len(large.context["overview"].plans) == 20
    assert _due_total(large.context["overview"]) == 10 * _due_total(small.context["overview"])


def test_the_plan_page_runs_the_same_queries_at_ten_times_the_tactics(
    client, head, specialist, active_cycle, django_assert_num_queries
):
    # session, user, roles, plan, goals, tactics, readings, occurrences with tasks, score
    # aggregate, reviews, bell
    plan = PlanFactory(cycle=active_cycle, owner=specialist, approved_by=head)
    goals = [GoalFactory(plan=plan, weight=w) for w in (40, 30, 30)]

    def add_tactics(count: int) -> None:
        for n in range(count):
            tactic = TacticFactory(goal=goals[n % 3], responsible=specialist)
            for week in (1, 2, 3):
                occurrence(tactic, week, status=Status.DONE, handed_in=early_in(active_cycle, week))

    client.force_login(specialist)
    add_tactics(1)
    with django_assert_num_queries(11):
        small = client.get(plan.get_absolute_url())
    add_tactics(9)
    with django_assert_num_queries(11):
        large = client.get(plan.get_absolute_url())
    assert large.text.count('data-testid="tactic-row"') == 10 * small.text.count(
        'data-testid="tactic-row"'
    )
    small_done = sum(s.on_time for s in small.context["card"].scores)
    assert sum(s.on_time for s in large.context["card"].scores) == 10 * small_done


def test_the_deputys_rollup_runs_the_same_queries_at_ten_times_the_directorates(
    client, deputy, django_assert_num_queries
):
    # session, user, roles, current cycles, awaiting approval, plans, goals, latest readings,
    # score aggregate, bell
    def add_directorates(count: int) -> None:
        for _ in range(count):
            department = DepartmentFactory()
            head = head_of(department)
            cycle = CycleFactory(department=department, start=monday(-3), created_by=head)
            directorate = PlanFactory(cycle=cycle, kind="directorate", owner=None, created_by=head)
            goal = GoalFactory(plan=directorate)
            LagReading.objects.create(goal=goal, week=2, value=Decimal(30), entered_by=head)
            tactic = TacticFactory(goal=goal, responsible=head)
            occurrence(tactic, 1, status=Status.DONE, handed_in=early_in(cycle, 1))

    client.force_login(deputy)
    add_directorates(2)
    with django_assert_num_queries(10):
        small = client.get(reverse("plans:index"))
    add_directorates(18)
    with django_assert_num_queries(10):
        large = client.get(reverse("plans:index"))
    assert len(small.context["rollup"]) == 2 and len(large.context["rollup"]) == 20
    assert Occurrence.objects.count() == 20
