"""In Chromium: a specialist opens the Kanban board from My tasks, drags a new task to "In
progress" (the card moves and the counters change), drops one on "Awaiting acceptance" (the
result form opens, nothing moves until the result is given), and moves a third by keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from akimat.calendar import ensure_calendar
from tasks import services
from tasks.models import Status, Task
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def drag(page: Page, card: Locator, column: Locator) -> None:
    """Press on the card's text, lift it, jump over the column (crossing no other column on the
    way, whose rules would take the card first), settle there and release."""
    card.locator(".small").first.hover()
    start = card.bounding_box()
    box = column.bounding_box()
    assert start is not None and box is not None
    page.mouse.down()
    page.mouse.move(start["x"] + 10, start["y"] + 10, steps=3)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 30, steps=5)
    page.mouse.up()


def test_a_specialist_moves_cards_on_the_kanban_board(page: Page, live_server):
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=30))
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head = head_of(department, username="head.kanban", password="demo")
    specialist = UserFactory(
        username="specialist.kanban",
        password="demo",
        department=department,
        roles=["specialist"],
        first_name="Айгерим",
        last_name="Касымова",
    )

    def task(title: str, status: str = Status.NEW) -> Task:
        return TaskFactory(author=head, responsible=specialist, title=title, status=status)

    letter = task("Ответ на письмо фермеров")
    memo = task("Справка к совещанию", Status.IN_PROGRESS)
    plan = task("План проверок")
    stale = task("Письмо в ТОО «Береке»")

    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, base, "specialist.kanban")
    page.goto(f"{base}/tasks/")
    page.get_by_test_id("kanban-link").click()
    expect(page.locator("main h1")).to_contain_text("Канбан-доска")
    expect(page.get_by_test_id("count-new")).to_have_text("Задачи: 3")
    expect(page.get_by_test_id("count-in_progress")).to_have_text("Задачи: 1")
    new_column = page.locator("#column-new")
    in_progress = page.locator("#column-in_progress")
    awaiting = page.locator("#column-awaiting")
    expect(new_column.get_by_role("link", name=letter.title)).to_be_visible()
    assert serious_violations(page) == []

    # Drag the letter from "New" to "In progress": the task is started.
    drag(page, page.get_by_test_id(f"card-{letter.pk}"), in_progress)
    expect(page.get_by_text("Задача взята в работу.")).to_be_visible()
    expect(in_progress.get_by_role("link", name=letter.title)).to_be_visible()
    expect(new_column.get_by_role("link", name=letter.title)).to_have_count(0)
    expect(page.get_by_test_id("count-new")).to_have_text("Задачи: 2")
    expect(page.get_by_test_id("count-in_progress")).to_have_text("Задачи: 2")
    letter.refresh_from_db()
    assert letter.status == Status.IN_PROGRESS

    # Drop the memo on "Awaiting acceptance": the result form opens and nothing moves yet.
    drag(page, page.get_by_test_id(f"card-{memo.pk}"), awaiting)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_contain_text("Ожидает приёмки: Справка к совещанию")
    expect(in_progress.get_by_role("link", name=memo.title)).to_be_visible()
    expect(page.get_by_test_id("count-awaiting")).to_have_text("Задачи: 0")
    memo.refresh_from_db()
    assert memo.status == Status.IN_PROGRESS
    assert serious_violations(page) == []
    dialog.get_by_label("Результат").fill("Справка подготовлена и направлена заместителю")
    dialog.get_by_role("button", name="Сдать").click()
    expect(page.get_by_text("Результат сдан.")).to_be_visible()
    expect(dialog).to_be_hidden()
    expect(awaiting.get_by_role("link", name=memo.title)).to_be_visible()
    expect(page.get_by_test_id("count-awaiting")).to_have_text("Задачи: 1")
    memo.refresh_from_db()
    assert memo.status == Status.AWAITING_ACCEPTANCE

    # The keyboard path: the plan's "Move to" menu, then its button, without a mouse.
    menu = page.get_by_label("Перенести в колонку: План проверок")
    menu.focus()
    expect(menu).to_be_focused()
    menu.select_option(label="В работе")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Перенести: План проверок")).to_be_focused()
    page.keyboard.press("Enter")
    expect(in_progress.get_by_role("link", name=plan.title)).to_be_visible()
    expect(in_progress.get_by_role("link", name=plan.title)).to_be_focused()
    expect(page.get_by_test_id("count-new")).to_have_text("Задачи: 1")
    expect(page.get_by_test_id("count-in_progress")).to_have_text("Задачи: 2")
    plan.refresh_from_db()
    assert plan.status == Status.IN_PROGRESS

    # "Done" takes no card from the person doing the work: the drop is refused in place.
    drag(page, page.get_by_test_id(f"card-{stale.pk}"), page.locator("#column-done"))
    expect(new_column.get_by_role("link", name=stale.title)).to_be_visible()
    expect(page.get_by_test_id("count-done")).to_have_text("Задачи: 0")

    # A stale card: the task was started elsewhere after the board was drawn. The drop changes
    # nothing more, a toast says why, and the board shows the card where it really is.
    services.start_task(task=stale, actor=specialist, version=stale.version)
    drag(page, page.get_by_test_id(f"card-{stale.pk}"), in_progress)
    expect(page.get_by_text("Эту задачу только что изменил другой сотрудник")).to_be_visible()
    expect(in_progress.get_by_role("link", name=stale.title)).to_be_visible()
    expect(page.get_by_test_id("count-in_progress")).to_have_text("Задачи: 3")
    stale.refresh_from_db()
    assert stale.version == 2
