"""In Chromium: the chair opens the control of a signed protocol whose first decision is overdue
and sees it red; the "protocols of this month" list shows it red too; as the decisions' results
are accepted (through tasks' services, as the task page does) a reload shows amber, then the
green banner "All decisions are done"; axe finds nothing serious."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings.models import Kind
from tasks import services as task_services
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import MeetingFactory, decision, signed_protocol
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def _accept(task, chair):
    task_services.submit_task(task=task, actor=task.responsible, result="Исполнено.")
    task_services.accept_task(task=task, actor=chair)


def test_the_protocols_control_turns_green_as_the_decisions_are_accepted(
    page: Page, live_server, pinned_clock
):
    department = DepartmentFactory(slug="construction", name_ru="Управление строительства")
    chair = head_of(department, username="head.construction", password="demo")
    first = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    second = UserFactory(
        department=department, roles=["specialist"], first_name="Болат", last_name="Абенов"
    )
    meeting = MeetingFactory(chair=chair, kind=Kind.COLLEGIAL, title="О ходе ремонта школ района")
    protocol = signed_protocol(
        meeting,
        decision("Представить график ремонта", first, days=1),
        decision("Проверить подрядчика", second, days=20),
    )
    tasks = {d.position: d.task for d in protocol.decisions.select_related("task")}
    pinned_clock.shift(dt.timedelta(days=2))  # the first decision's deadline has passed

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "head.construction")
    page.goto(f"{live_server.url}{reverse('meetings:control')}")
    row = page.locator(f'tr[data-protocol="{protocol.pk}"]')
    expect(row).to_contain_text("О ходе ремонта школ района")
    expect(row.get_by_test_id("colour")).to_have_text("Есть просроченные решения")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row.get_by_role("link", name=f"№ {protocol.code}").click()

    banner = page.get_by_test_id("banner")
    expect(banner).to_have_attribute("data-state", "red")
    expect(banner).to_contain_text("Не выполнено: 2 решения; просрочено: 1.")
    expect(
        page.locator(f'tr[data-decision="{protocol.decisions.get(position=1).pk}"]')
    ).to_contain_text("Просрочено")
    assert serious_violations(page) == []

    _accept(tasks[1], chair)
    page.reload()
    expect(banner).to_have_attribute("data-state", "amber")
    expect(banner).to_contain_text("Не выполнено: 1 решение; просрочено: 0.")

    _accept(tasks[2], chair)
    page.reload()
    expect(banner).to_have_attribute("data-state", "done")
    expect(banner).to_have_text("Все решения выполнены.")
    expect(page.locator('tr[data-state="late"]')).to_have_count(1)
    expect(page.locator('tr[data-state="on_time"]')).to_have_count(1)
