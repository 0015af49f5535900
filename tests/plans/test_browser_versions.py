"""Two tabs edit one goal in Chromium: the first saves, the second is told and sees the goal as
it is now; nothing it typed is saved."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from akimat.models import Role
from plans import services
from plans.models import Goal
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.plans.conftest import draft_with_goal
from tests.plans.factories import monday
from tests.tasks.test_browser import coming_wednesday, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_tab_saving_a_goal_is_told_it_changed(page: Page, live_server):
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.tabs", password="demo")
    specialist = UserFactory(
        username="specialist.tabs", password="demo", department=department, roles=[Role.SPECIALIST]
    )
    base = live_server.url
    now = coming_wednesday()
    with time_machine.travel(now, tick=True):
        ensure_calendar(
            start=now.date() - dt.timedelta(days=30), end=now.date() + dt.timedelta(days=120)
        )
        cycle = services.open_cycle(department=department, start=monday(1), actor=head)
        plan, goal, _tactic = draft_with_goal(cycle, specialist)
        url = f"{base}/plans/{plan.pk}/goals/{goal.pk}/"

        sign_in(page, base, "specialist.tabs")
        page.goto(url)
        second = page.context.new_page()
        second.goto(url)

        page.locator("[name=title]").fill("Сократить срок до 10 дней")
        page.get_by_role("button", name="Сохранить").click()
        expect(page.locator("#notifications")).to_contain_text("Цель сохранена.")

        second.locator("[name=title]").fill("Сократить срок до 15 дней")
        second.get_by_role("button", name="Сохранить").click()
        expect(second.locator("#notifications")).to_contain_text(
            "Это только что изменил другой сотрудник"
        )
        expect(second.locator("[name=title]")).to_have_value("Сократить срок до 10 дней")
        expect(second.locator("#notifications")).not_to_contain_text("Цель сохранена.")
    assert Goal.objects.get(pk=goal.pk).title == "Сократить срок до 10 дней"
