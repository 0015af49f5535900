"""One appeal's life in Chromium: the head assigns an executor and extends the term (a term past
the law's two months is refused on the page, as typed), the executor answers, the head closes;
each step is read off the page — the status badge, the warning, the toast."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from appeals import services
from tests.appeals.factories import AppealFactory, TopicFactory
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import coming_wednesday, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page: Page, key: str) -> None:
    """Open the action's form under its summary."""
    page.get_by_test_id(f"action-{key}").locator("summary").click()


def send(page: Page, key: str) -> None:
    page.get_by_test_id(f"action-{key}").locator("button[type=submit]").click()


def test_head_assigns_and_extends_executor_answers_head_closes(page: Page, live_server):
    base = live_server.url
    # Forward, never back: the browser keeps the real clock and the session cookie stays valid.
    now = coming_wednesday()
    with time_machine.travel(now, tick=True):
        ensure_calendar(
            start=now.date() - dt.timedelta(days=30), end=now.date() + dt.timedelta(days=90)
        )
        department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
        head_of(department, username="head.life", password="demo")
        specialist = UserFactory(
            username="specialist.life",
            department=department,
            roles=["specialist"],
            password="demo",
            first_name="Айгерим",
            last_name="Касымова",
        )
        appeal = AppealFactory(
            topic=TopicFactory(department=department),
            received_at=now - dt.timedelta(days=1),
            summary="Не выдают акт на земельный участок",
        )
        limit = services.extension_limit(appeal.received_at)
        detail = f"{base}{appeal.get_absolute_url()}"
        status = page.get_by_test_id("status")

        sign_in(page, base, "head.life")
        page.goto(detail)
        expect(status).to_have_text("Зарегистрировано, ожидает исполнителя")
        assert serious_violations(page) == []
        act(page, "assign")
        page.get_by_label("Исполнитель").select_option(value=str(specialist.pk))
        send(page, "assign")
        expect(status).to_have_text("В работе")
        expect(page.locator("#notifications")).to_contain_text("Исполнитель назначен")
        expect(page.get_by_test_id("executor")).to_contain_text("Касымова")

        act(page, "extend")
        expect(page.get_by_test_id("extension-limit")).to_contain_text(f"{limit:%d.%m.%Y}")
        page.get_by_label("Новый срок").fill((limit + dt.timedelta(days=1)).isoformat())
        page.get_by_label("Основания продления").fill("Нужен ответ земельной комиссии")
        send(page, "extend")
        refusal = page.get_by_test_id("action-extend").locator(".invalid-feedback")
        expect(refusal).to_contain_text("не более двух месяцев")
        expect(page.get_by_label("Основания продления")).to_have_value(
            "Нужен ответ земельной комиссии"
        )
        assert serious_violations(page) == []  # the refused form, its error and every action
        page.get_by_label("Новый срок").fill(limit.isoformat())
        send(page, "extend")
        expect(page.get_by_test_id("warning-notice-pending")).to_be_visible()
        expect(page.get_by_test_id("term")).to_contain_text(f"{limit:%d.%m.%Y}")
        expect(page.get_by_test_id("action-extend")).to_have_count(0)

        sign_in(page, base, "specialist.life")
        page.goto(detail)
        act(page, "answer")
        page.get_by_label("Текст ответа").fill("Акт выдан, копия приложена.")
        page.get_by_label("Решение").select_option(label="Удовлетворено")
        send(page, "answer")
        expect(status).to_have_text("Ответ дан, ожидает закрытия")
        expect(page.get_by_test_id("answer")).to_have_text("Акт выдан, копия приложена.")

        sign_in(page, base, "head.life")
        page.goto(detail)
        act(page, "close")
        send(page, "close")
        expect(status).to_have_text("Закрыто")
        expect(page.get_by_test_id("timeline")).to_contain_text("закрыт")
