"""In Chromium: an author sets "weekly on Monday and Thursday" from the task form, reads the
schedule on the task page, stops it (confirming), and sees it stopped; the list says so too."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from tasks.models import RecurringTask, Task
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

TITLE = "Сводка по обращениям предпринимателей"
SCHEDULE = "Каждую неделю по понедельникам и четвергам до 31.12.2026"


def test_an_author_sets_a_weekly_task_and_stops_it(page: Page, live_server):
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head_of(department, username="head.recurring", password="demo")
    specialist = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "head.recurring")

    # From My tasks, a new task that repeats.
    page.goto(f"{base}/tasks/")
    page.locator("main").get_by_role("link", name="Новая задача").click()
    expect(page.locator("main h1")).to_have_text("Новая задача")
    # The schedule's fields wait until "Repeat" is ticked.
    expect(page.get_by_label("Последняя дата")).to_be_hidden()
    page.locator("[name=title]").fill(TITLE)
    page.locator("[name=responsible]").select_option(str(specialist.pk))
    page.locator("[name=deadline_date]").fill("2026-11-19")  # a Thursday
    page.get_by_label("Повторять задачу").check()
    page.get_by_label("Еженедельно").check()
    # Weekly asks for the weekdays, not for the day of the month.
    expect(page.get_by_label("Число месяца")).to_be_hidden()
    page.get_by_label("Понедельник").check()
    page.get_by_label("Четверг").check()
    page.get_by_label("Последняя дата").fill("2026-12-31")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Поставить задачу").click()

    # The task page: the schedule in words, and the next one.
    task = Task.objects.get(title=TITLE)
    expect(page).to_have_url(f"{base}{task.get_absolute_url()}")
    expect(page.locator("#notifications")).to_contain_text(f"Задача поставлена. {SCHEDULE}.")
    expect(page.get_by_test_id("recurrence-schedule")).to_have_text(SCHEDULE)
    expect(page.get_by_test_id("recurrence-state")).to_have_text(
        "Следующая задача будет поставлена со сроком 23.11.2026"
    )
    assert serious_violations(page) == []

    # Stop it: the browser asks first.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Остановить повторы").click()
    expect(page.locator("#notifications")).to_contain_text(
        f"Задача «{TITLE}» больше не повторяется; уже поставленные задачи остаются."
    )
    expect(page.get_by_test_id("recurrence-state")).to_contain_text("Остановлено")
    expect(page.get_by_role("button", name="Остановить повторы")).to_have_count(0)
    expect(page.get_by_test_id("recurrence-schedule")).to_have_text(SCHEDULE)
    assert serious_violations(page) == []
    assert not RecurringTask.objects.get().is_active

    # The list of recurring tasks, from My tasks' header.
    page.goto(f"{base}/tasks/")
    page.get_by_role("link", name="Повторяющиеся задачи").click()
    expect(page.locator("main h1")).to_have_text("Повторяющиеся задачи")
    row = page.get_by_test_id("recurring-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Остановлено")
    assert serious_violations(page) == []
