"""The Chromium journey of a 12-week plan: the head opens a cycle, a specialist drafts a plan with
a goal and a weekly tactic and sends it, the head approves, the tasks appear in the specialist's
My tasks, and finishing one moves the week's score."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import Page, expect

from akimat.models import Role
from plans.models import Cycle, Occurrence, Plan
from tasks.models import Status
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def label(status: Plan.Status) -> str:
    with translation.override("ru"):
        return str(status.label)


def coming_wednesday() -> dt.datetime:
    """10:00 on the next Wednesday: the tactic due on Friday is then neither due yet nor
    overdue, whatever day the suite runs. The server's clock goes forward, never back, so the
    browser's session cookie stays valid."""
    today = dt.datetime.now(ALMATY).date()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(wednesday, dt.time(10), tzinfo=ALMATY)


def test_head_opens_a_cycle_the_plan_is_approved_and_a_done_task_moves_the_score(
    page: Page, live_server
):
    now = coming_wednesday()
    monday = now.date() - dt.timedelta(days=2)
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head_of(department, username="head.journey", password="demo")
    UserFactory(
        username="specialist.journey",
        password="demo",
        first_name="Айгерим",
        last_name="Сапарова",
        department=department,
        roles=[Role.SPECIALIST],
    )
    base = live_server.url

    with time_machine.travel(now, tick=True):
        sign_in(page, base, "head.journey")
        page.goto(f"{base}/plans/")
        page.get_by_role("link", name="Открыть цикл").click()
        page.get_by_label("Управление").select_option(label=department.name_ru)
        page.get_by_label("Первый понедельник").fill(monday.isoformat())
        page.get_by_role("button", name="Открыть цикл").click()
        expect(page.locator("main")).to_contain_text("Неделя 1 из 12")
        cycle = Cycle.objects.get(department=department)
        assert cycle.start == monday

        sign_in(page, base, "specialist.journey")
        page.goto(f"{base}/plans/")
        page.get_by_role("button", name="Составить мой план").click()
        page.get_by_role("link", name="Добавить цель").click()
        page.get_by_role("textbox", name="Цель*", exact=True).fill(
            "Сократить срок решения по участку"
        )
        page.get_by_label("Единица измерения результата").fill("рабочих дней")
        page.get_by_label("Начальное значение").fill("40")
        page.get_by_label("Целевое значение").fill("20")
        page.get_by_label("Вес, %").fill("100")
        page.get_by_role("button", name="Сохранить").click()
        page.get_by_role("link", name="Добавить еженедельное действие").click()
        page.get_by_label("Еженедельное действие").fill("Разобрать заявки старше 10 дней")
        page.get_by_label("Срок — день недели").select_option(value="4")
        page.get_by_role("radio", name="Еженедельно").check()
        page.get_by_role("button", name="Сохранить").click()
        expect(page.get_by_test_id("tactic-row")).to_contain_text("Разобрать заявки")
        page.get_by_role("button", name="Отправить на утверждение").click()
        expect(page.locator("#plan-scorecard")).to_contain_text(label(Plan.Status.SUBMITTED))
        plan = Plan.objects.get(cycle=cycle, owner__username="specialist.journey")
        assert plan.status == Plan.Status.SUBMITTED

        sign_in(page, base, "head.journey")
        page.goto(f"{base}/plans/")
        page.locator("#awaiting-heading + ul").get_by_role("link").click()
        page.get_by_role("button", name="Утвердить и поставить задачи").click()
        expect(page.locator("#plan-scorecard")).to_contain_text(label(Plan.Status.APPROVED))
        # Every week of the twelve gets its task; this week's is due on Friday.
        assert Occurrence.objects.filter(tactic__goal__plan=plan).count() == 12
        this_week = Occurrence.objects.select_related("task").get(tactic__goal__plan=plan, week=1)
        task = this_week.task
        assert task.deadline.astimezone(ALMATY).date() <= monday + dt.timedelta(days=4)
        # Nothing was due yet this week: no score, neither 0 nor 100.
        expect(page.get_by_test_id("week-score-1")).to_contain_text("—")

        sign_in(page, base, "specialist.journey")
        page.goto(f"{base}/tasks/")
        row = page.locator(f"#task-{task.pk}")
        expect(row).to_contain_text("Разобрать заявки старше 10 дней")
        row.get_by_role("button", name="Взять в работу").click()
        expect(row).to_contain_text("В работе")
        row.get_by_text("Сдать результат").click()
        row.get_by_label("Результат").fill("Разобраны 14 заявок, по трём направлены запросы")
        row.get_by_role("button", name="Сдать", exact=True).click()
        expect(page.locator(f"#task-{task.pk}")).to_contain_text("Ожидает приёмки")

        sign_in(page, base, "head.journey")
        page.goto(f"{base}/tasks/")
        page.locator(f"#awaiting #task-{task.pk}").get_by_role("button", name="Принять").click()
        expect(page.locator("#awaiting")).not_to_contain_text(task.title)
        task.refresh_from_db()
        assert task.status == Status.DONE

        page.goto(f"{base}{plan.get_absolute_url()}")
        score = page.get_by_test_id("week-score-1")
        expect(score).to_contain_text(re.compile(r"100\s*%"))
        expect(score).to_contain_text("пока")
