"""The Chromium journey of tasks: edit, start, submit with a result, accept, and the history shows
which field changed from what to what, and each step."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from akimat.models import User
from tasks import services
from tasks.models import Status, Task
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def coming_wednesday() -> dt.datetime:
    """10:00 on the next Wednesday: the clock goes forward, never back, so the browser's session
    cookie stays valid, and the day is the same whatever day the suite runs."""
    today = dt.datetime.now(ALMATY).date()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(wednesday, dt.time(10), tzinfo=ALMATY)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти", exact=True).click()
    expect(page).to_have_url(f"{base}/")


def show_more_until(page: Page, section: str, row: Locator) -> None:
    """Click the section's "Show more" until `row` is on the page (or the section ends)."""
    rows = page.locator(f"#{section}-rows > li:not(#{section}-more)")
    more = page.get_by_test_id(f"more-{section}")
    while not row.count() and more.count():
        shown = rows.count()
        more.click()
        expect(rows).not_to_have_count(shown)


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
    # The oldest results come first: the one just handed in may be a "Show more" or two away.
    show_more_until(page, "awaiting", awaiting)
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


def test_my_tasks_shows_25_a_section_and_show_more_appends_the_rest_in_place(
    page: Page, live_server
):
    now = coming_wednesday()
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.pages", password="demo")
    specialist = UserFactory(
        username="specialist.pages", password="demo", department=department, roles=["specialist"]
    )
    base = live_server.url

    with time_machine.travel(now, tick=True):
        for n in range(60):
            TaskFactory(
                author=head,
                responsible=specialist,
                title=f"Справка № {n + 1:02d}",
                deadline=now - dt.timedelta(days=30) + dt.timedelta(hours=n),
            )
        sign_in(page, base, "specialist.pages")
        page.goto(f"{base}/tasks/")
        page.evaluate("window.__marker = 'no reload'")
        expect(page.get_by_test_id("count-overdue")).to_have_text("60")
        overdue = page.locator("#overdue")
        expect(overdue.get_by_role("heading")).to_contain_text("Просрочено 60")
        rows = overdue.locator("li[id^='task-']")
        expect(rows).to_have_count(25)
        expect(rows.first).to_contain_text("Справка № 01")
        expect(rows.last).to_contain_text("Справка № 25")

        more = overdue.get_by_role("link", name="Показать ещё")
        more.click()
        expect(rows).to_have_count(50)
        expect(rows.nth(25)).to_contain_text("Справка № 26")
        # The first row that came takes the focus, so the keyboard goes on from there.
        expect(rows.nth(25).get_by_role("link", name="Справка № 26")).to_be_focused()

        more.click()
        expect(rows).to_have_count(60)
        expect(rows.last).to_contain_text("Справка № 60")
        expect(more).to_have_count(0)
        expect(page.get_by_test_id("count-overdue")).to_have_text("60")
        assert page.evaluate("window.__marker") == "no reload"
