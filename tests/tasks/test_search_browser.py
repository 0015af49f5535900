"""In Chromium: a head opens the task search from My tasks, finds a task by a word that is only
in one of its comments, narrows the list to the overdue, saves the search under a name and sees
its count on the badge; then watches a task from its page and finds it under "Watching"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from tasks.models import Comment
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def test_a_head_searches_filters_saves_and_watches(page: Page, live_server):
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head = head_of(
        department, username="head.search", password="demo", first_name="Ерлан", last_name="Ахметов"
    )
    specialist = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    now = timezone.now()
    late = TaskFactory(
        title="Справка по зерну",
        responsible=specialist,
        author=head,
        deadline=now - dt.timedelta(days=2),
    )
    on_time = TaskFactory(
        title="Письмо фермерам",
        responsible=specialist,
        author=head,
        deadline=now + dt.timedelta(days=9),
    )
    TaskFactory(title="Отчёт по земле", responsible=specialist, author=head)
    for task in (late, on_time):
        Comment.objects.create(task=task, author=specialist, body="Ждём ответа от элеватора")
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "head.search")

    # From My tasks to the search; a word that only comments hold.
    page.goto(f"{base}/tasks/")
    page.get_by_test_id("search-link").click()
    expect(page.locator("main h1")).to_have_text("Поиск задач")
    page.get_by_label("Слова").fill("элеватор")
    page.get_by_role("button", name="Найти", exact=True).click()
    rows = page.locator("#search-rows > li")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name="Справка по зерну")).to_be_visible()
    expect(page.get_by_role("link", name="Отчёт по земле")).to_have_count(0)

    # Only the overdue.
    page.get_by_label("Просрочено", exact=True).check()
    page.get_by_role("button", name="Найти", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Справка по зерну")
    assert serious_violations(page) == []

    # Saved under a name, with its count on the badge.
    page.get_by_label("Сохранить этот поиск как").fill("Элеватор, просрочено")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Фильтр «Элеватор, просрочено» сохранён.")).to_be_visible()
    saved = page.get_by_test_id("saved-filters")
    expect(saved.get_by_role("link", name="Элеватор, просрочено", exact=True)).to_be_visible()
    expect(saved.get_by_test_id("saved-count")).to_have_text("1")

    # Watch a task from its page; it is under "Watching".
    page.get_by_role("link", name="Справка по зерну").click()
    expect(page.locator("main h1")).to_have_text("Справка по зерну")
    page.get_by_test_id("watch").click()
    expect(page.get_by_test_id("watch")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Вы отслеживаете эту задачу")).to_be_visible()
    page.goto(f"{base}/tasks/search/")
    page.get_by_test_id("tab-watching").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Справка по зерну")
    assert serious_violations(page) == []
