"""Two tabs on one task, in Chromium: the stale one is told in yellow, with and without script."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from akimat.calendar import ensure_calendar
from akimat.models import Role
from tasks import services
from tasks.models import Status, Task
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import TUESDAY_MORNING, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANGED = "Эту задачу только что изменил другой сотрудник. Показано её текущее состояние."


def test_a_stale_tab_gets_a_warning_not_a_success_with_htmx_and_without(
    page: Page, browser: Browser, live_server
):
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.conflict", password="demo")
    specialist = UserFactory(
        username="specialist.conflict",
        password="demo",
        department=department,
        roles=[Role.SPECIALIST],
    )
    base = live_server.url
    with time_machine.travel(TUESDAY_MORNING, tick=True):
        ensure_calendar(start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 31))
        tasks = [
            services.create_task(
                author=head,
                title=f"Ответ на запрос № {n}",
                responsible=specialist,
                deadline=timezone.now() + dt.timedelta(days=3),
            )
            for n in (1, 2)
        ]

        # With script: two tabs of My tasks; the first starts the task, the second (stale)
        # tries to start it too and is told in yellow, and now shows it in progress.
        sign_in(page, base, "specialist.conflict")
        page.goto(f"{base}/tasks/")
        second = page.context.new_page()
        second.goto(f"{base}/tasks/")
        row = page.locator(f"#task-{tasks[0].pk}")
        row.get_by_role("button", name="Взять в работу").click()
        expect(page.locator("#notifications .toast.text-bg-success")).to_contain_text(
            "Задача взята в работу."
        )
        stale = second.locator(f"#task-{tasks[0].pk}")
        stale.get_by_role("button", name="Взять в работу").click()
        warning = second.locator("#notifications .toast").last
        expect(warning).to_have_text(CHANGED)
        expect(warning).to_have_class(re.compile(r"\btext-bg-warning\b"))
        expect(second.locator(f"#task-{tasks[0].pk}")).to_contain_text("В работе")
        expect(second.locator("#notifications .toast.text-bg-success")).to_have_count(0)

        # Without script: the plain form post comes back to My tasks with the same warning.
        plain = browser.new_context(java_script_enabled=False)
        tab = plain.new_page()
        sign_in(tab, base, "specialist.conflict")
        tab.goto(f"{base}/tasks/")
        services.start_task(task=tasks[1], actor=specialist, version=tasks[1].version)
        tab.locator(f"#task-{tasks[1].pk}").get_by_role("button", name="Взять в работу").click()
        expect(tab).to_have_url(f"{base}/tasks/")
        toast = tab.locator("#notifications .toast")
        expect(toast).to_have_count(1)
        expect(toast).to_contain_text(CHANGED)
        expect(toast).to_have_class(re.compile(r"\btext-bg-warning\b"))
        plain.close()
    assert Task.objects.filter(pk__in=[t.pk for t in tasks], status=Status.IN_PROGRESS).count() == 2
