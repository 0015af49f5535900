"""Two editors of one plan: the second, holding a stale version, is told and saves nothing
(akimat/versions.py). Each test draws the form, lets someone else save first, then sends the
stale form."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plans import services
from plans.models import Goal, LagReading, Review, Tactic
from tests.plans.conftest import draft_with_goal

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
CONFLICT = "Это только что изменил другой сотрудник"


def goal_data(goal: Goal, **changes) -> dict:
    data = {
        "version": goal.version,
        "title": goal.title,
        "why": goal.why,
        "unit": goal.unit,
        "start_value": str(goal.start_value),
        "target_value": str(goal.target_value),
        "weight": goal.weight,
    }
    return {**data, **changes}


@pytest.fixture
def draft(specialist, planning_cycle):
    return draft_with_goal(planning_cycle, specialist)


def test_the_goal_form_carries_its_version(client, specialist, draft):
    plan, goal, _tactic = draft
    client.force_login(specialist)
    page = client.get(reverse("plans:goal-edit", args=[plan.pk, goal.pk]))
    assert f'name="version" value="{goal.version}"' in page.text


def test_a_stale_goal_is_refused_and_the_form_shows_the_current_values(
    client, specialist, head, draft
):
    plan, goal, _tactic = draft
    url = reverse("plans:goal-edit", args=[plan.pk, goal.pk])
    stale = goal_data(goal, title="Сократить срок до 15 дней")
    client.force_login(head)
    first = client.post(url, goal_data(goal, title="Сократить срок до 10 дней"))
    assert first.status_code == 302

    client.force_login(specialist)
    second = client.post(url, stale)
    assert second.status_code == 200
    assert CONFLICT in second.text
    assert 'value="Сократить срок до 10 дней"' in second.text  # what is saved now
    goal.refresh_from_db()
    assert goal.title == "Сократить срок до 10 дней"
    assert goal.history.count() == 2  # added, edited once: the stale save left no trace


def test_a_stale_tactic_is_refused(client, specialist, head, draft):
    _plan, _goal, tactic = draft
    url = reverse("plans:tactic-edit", args=[tactic.pk])
    data = {
        "version": tactic.version,
        "responsible": specialist.pk,
        "weekday": 4,
        "schedule": "every",
    }
    client.force_login(head)
    assert client.post(url, {**data, "title": "Обзвон заявителей"}).status_code == 302
    client.force_login(specialist)
    second = client.post(url, {**data, "title": "Разбор обращений"})
    assert CONFLICT in second.text and 'value="Обзвон заявителей"' in second.text
    assert Tactic.objects.get().title == "Обзвон заявителей"


def test_stale_weights_are_refused(client, specialist, head, draft):
    plan, goal, _tactic = draft
    services.update_goal(
        goal=goal,
        actor=specialist,
        title=goal.title,
        why=goal.why,
        weight=99,
        unit=goal.unit,
        start_value=goal.start_value,
        target_value=goal.target_value,
    )
    other = services.add_goal(
        plan=plan,
        actor=specialist,
        title="Больше консультаций",
        why="",
        weight=1,
        unit="консультаций",
        start_value=Decimal(10),
        target_value=Decimal(30),
    )
    plan.refresh_from_db()
    url = reverse("plans:plan-weights", args=[plan.pk])
    client.force_login(head)
    first = client.post(
        url,
        {"version": plan.version, f"weight-{goal.pk}": 60, f"weight-{other.pk}": 40},
        headers=HX,
    )
    assert json.loads(first["HX-Trigger"])["notify"]["level"] == "success"
    client.force_login(specialist)
    stale = {"version": plan.version, f"weight-{goal.pk}": 70, f"weight-{other.pk}": 30}
    second = client.post(url, stale, headers=HX)
    toast = json.loads(second["HX-Trigger"])["notify"]
    assert toast["level"] == "warning" and CONFLICT in toast["text"]
    assert 'value="60"' in second.text  # the scorecard shows the weights saved now
    assert {g.pk: g.weight for g in Goal.objects.all()} == {goal.pk: 60, other.pk: 40}


def test_a_stale_reading_is_refused(client, specialist, head, active_cycle):
    _plan, goal, _tactic = draft_with_goal(active_cycle, specialist, actor=head)
    url = reverse("plans:reading-save", args=[goal.pk])
    client.force_login(head)
    client.post(url, {"version": goal.version, "week": "3", "value": "35"}, headers=HX)
    client.force_login(specialist)
    second = client.post(url, {"version": goal.version, "week": "3", "value": "38"}, headers=HX)
    toast = json.loads(second["HX-Trigger"])["notify"]
    assert toast["level"] == "warning" and CONFLICT in toast["text"]
    assert LagReading.objects.get().value == Decimal(35)


def test_a_review_written_meanwhile_is_not_overwritten(client, specialist, head, active_cycle):
    plan, _goal, _tactic = draft_with_goal(active_cycle, specialist, actor=head)
    url = reverse("plans:review-edit", args=[plan.pk, "weekly", 3])
    client.force_login(specialist)
    page = client.get(url)
    assert 'name="version" value="0"' in page.text  # drawn before anyone wrote it
    client.force_login(head)
    assert client.post(url, {"version": 0, "worked": "Разобрали всё"}).status_code == 302
    client.force_login(specialist)
    second = client.post(url, {"version": 0, "worked": "Почти всё"})
    assert CONFLICT in second.text and "Разобрали всё" in second.text
    assert Review.objects.get().worked == "Разобрали всё"


def test_the_remove_buttons_carry_the_versions(client, specialist, draft):
    plan, goal, tactic = draft
    client.force_login(specialist)
    page = client.get(plan.get_absolute_url()).text
    for url, version in (
        (reverse("plans:goal-delete", args=[goal.pk]), goal.version),
        (reverse("plans:tactic-remove", args=[tactic.pk]), tactic.version),
    ):
        form = re.search(rf'<form[^>]*action="{url}".*?</form>', page, re.S)
        assert form and f'name="version" value="{version}"' in form.group()


def test_a_goal_changed_since_the_page_was_drawn_is_not_removed(client, specialist, head, draft):
    plan, goal, _tactic = draft
    drawn = goal.version
    client.force_login(head)
    url = reverse("plans:goal-edit", args=[plan.pk, goal.pk])
    assert client.post(url, goal_data(goal, title="Сократить срок до 10 дней")).status_code == 302

    client.force_login(specialist)
    response = client.post(
        reverse("plans:goal-delete", args=[goal.pk]), {"version": drawn}, headers=HX
    )
    assert response.status_code == 200
    toast = json.loads(response["HX-Trigger"])["notify"]
    assert toast["level"] == "warning" and CONFLICT in toast["text"]
    assert Goal.objects.get(pk=goal.pk).title == "Сократить срок до 10 дней"
    # Drawn again, the button carries the new version and removes the goal.
    goal.refresh_from_db()
    client.post(reverse("plans:goal-delete", args=[goal.pk]), {"version": goal.version})
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_a_tactic_changed_since_the_page_was_drawn_is_not_removed(client, specialist, head, draft):
    _plan, _goal, tactic = draft
    drawn = tactic.version
    client.force_login(head)
    data = {"version": drawn, "responsible": specialist.pk, "weekday": 4, "schedule": "every"}
    url = reverse("plans:tactic-edit", args=[tactic.pk])
    assert client.post(url, {**data, "title": "Обзвон заявителей"}).status_code == 302

    client.force_login(specialist)
    response = client.post(
        reverse("plans:tactic-remove", args=[tactic.pk]), {"version": drawn}, follow=True
    )
    assert CONFLICT in response.text
    assert Tactic.objects.get(pk=tactic.pk).title == "Обзвон заявителей"
