"""The Chromium journey of tasks: edit, start, submit with a result, accept, and the history shows
which field changed from what to what, and each step."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.models import User
from tasks import services
from tasks.models import Status, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти", exact=True).click()
    expect(page).to_have_url(f"{base}/")


def test_author_edits_specialist_submits_author_accepts_and_the_history_tells(
    page: Page, live_server
):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    head = User.objects.get(username="head.land")
    specialist = User.objects.get(username="specialist.land")
    task = services.create_task(
        author=head,
        title="Справка по заявке ИП «Нұр» на земельный участок",
        responsible=specialist,
        deadline=timezone.now() + dt.timedelta(days=2),
    )

    sign_in(page, live_server.url, "head.land")
    page.goto(f"{live_server.url}/tasks/{task.pk}/edit/")
    page.get_by_label("Приоритет").select_option(label="Высокий")
    page.get_by_label("Номер документа").fill("04-12/345")
    page.get_by_role("button", name="Сохранить").click()
    expect(page).to_have_url(f"{live_server.url}/tasks/{task.pk}/")
    expect(page.get_by_test_id("timeline")).to_contain_text("Приоритет: Обычный → Высокий")

    sign_in(page, live_server.url, "specialist.land")
    page.goto(f"{live_server.url}/tasks/")
    row = page.locator(f"#task-{task.pk}")
    page.evaluate("window.__marker = 'no reload'")
    row.get_by_role("button", name="Взять в работу").click()
    expect(row).to_contain_text("В работе")
    row.get_by_text("Сдать результат").click()
    row.get_by_label("Результат").fill("Справка подготовлена, исх. № 04-12/345")
    row.get_by_role("button", name="Сдать", exact=True).click()
    expect(page.locator(f"#task-{task.pk}")).to_contain_text("Ожидает приёмки")
    expect(page.locator("#notifications")).to_contain_text("сдан")
    assert page.evaluate("window.__marker") == "no reload"
    assert Task.objects.get(pk=task.pk).status == Status.AWAITING_ACCEPTANCE

    sign_in(page, live_server.url, "head.land")
    page.goto(f"{live_server.url}/tasks/")
    awaiting = page.locator(f"#awaiting #task-{task.pk}")
    expect(awaiting).to_contain_text(task.title)
    awaiting.get_by_role("button", name="Принять").click()
    expect(page.locator("#notifications")).to_contain_text("принят")
    expect(page.locator("#awaiting")).not_to_contain_text(task.title)

    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("задача взята в работу")
    expect(timeline).to_contain_text("результат сдан: Справка подготовлена")
    expect(timeline).to_contain_text("результат принят")
    expect(timeline).to_contain_text("Приоритет: Обычный → Высокий")
    expect(timeline).to_contain_text("Номер документа: — → 04-12/345")
    assert Task.objects.get(pk=task.pk).status == Status.DONE
