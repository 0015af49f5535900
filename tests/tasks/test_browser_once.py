"""A real double click in Chromium on "Set the task" while the server is slow: one task, and
the person lands on it, told it was already saved.

The server is made slow, not fast-forwarded: the test holds a lock on the tasks table, so the
first click's request waits inside the portal; the person clicks again (Chromium drops the first
page load and sends the form a second time); then the lock is let go."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import time_machine
from django.db import connection, transaction
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from tasks.models import Task
from tests.factories import DepartmentFactory, head_of
from tests.patience import HUNG_AFTER
from tests.tasks.test_browser import coming_wednesday, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Проверить заявку на субсидию"


def wait_for_waiting_requests(count: int) -> None:
    """Until `count` requests of the portal wait for a lock (each in its own connection)."""
    deadline = time.monotonic() + HUNG_AFTER
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} requests never reached the database")


def test_a_double_click_on_set_the_task_sets_one_task(page: Page, live_server):
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head_of(department, username="head.once", password="demo")
    base = live_server.url
    now = coming_wednesday()
    with time_machine.travel(now, tick=True):
        ensure_calendar(
            start=now.date() - dt.timedelta(days=30), end=now.date() + dt.timedelta(days=60)
        )
        sign_in(page, base, "head.once")
        page.goto(f"{base}/tasks/new/")
        page.locator("[name=title]").fill(TITLE)
        page.locator("[name=deadline_date]").fill((now.date() + dt.timedelta(days=2)).isoformat())
        button = page.get_by_role("button", name="Поставить задачу")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE tasks_task IN EXCLUSIVE MODE")
            # The mouse, not Locator.click: that would wait for the page load the lock holds up.
            page.mouse.click(x, y)
            wait_for_waiting_requests(1)
            page.mouse.click(x, y)
            wait_for_waiting_requests(2)
        # The lock is gone: the first request saves, the second finds it saved.
        expect(page).to_have_url(re.compile(r"/tasks/\d+/$"))
        task = Task.objects.get(title=TITLE)
        expect(page).to_have_url(f"{base}{task.get_absolute_url()}")
        expect(page.locator("#notifications")).to_contain_text("Эта форма уже сохранена")
        page.goto(f"{base}/tasks/")  # the head set it for themself: My tasks lists it once
        expect(page.locator("main").get_by_text(TITLE)).to_have_count(1)
    assert Task.objects.filter(title=TITLE).count() == 1
