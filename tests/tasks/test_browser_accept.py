"""Chromium: the head reads the results awaiting acceptance (the text and when each was handed in,
oldest first), ticks two and accepts them at once; the rows go and the counters follow without a
reload; axe finds no serious violation on My tasks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from tasks.models import Status, Task
from tasks.views.my import PAGE_SIZE
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory
from tests.tasks.test_browser import coming_wednesday, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_reads_the_results_oldest_first_and_accepts_two_at_once(page: Page, live_server):
    now = coming_wednesday()
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.accept", password="demo")
    specialist = UserFactory(
        username="specialist.accept", password="demo", department=department, roles=["specialist"]
    )
    base = live_server.url

    def result(title: str, days_ago: int, text: str) -> Task:
        return TaskFactory(
            author=head,
            responsible=specialist,
            title=title,
            deadline=now + dt.timedelta(days=2),
            status=Status.AWAITING_ACCEPTANCE,
            submitted_at=now - dt.timedelta(days=days_ago, hours=1),
            result=text,
        )

    long = "Акт осмотра участка составлен.\n" + "Подробности осмотра. " * 30 + "Подписи собраны."
    with time_machine.travel(now, tick=True):
        # Made in another order than handed in: the list sorts by when each was handed in.
        newest = result("Справка по ИП «Нұр»", 1, "Справка подготовлена, исх. № 04-12/345")
        oldest = result("Акт осмотра участка", 6, long)
        middle = result("Ответ ТОО «Береке»", 2, "Ответ отправлен по почте")

        sign_in(page, base, "head.accept")
        page.goto(f"{base}/tasks/")
        page.evaluate("window.__marker = 'no reload'")
        rows = page.locator("#awaiting-rows > li")
        expect(rows).to_have_count(3)
        for row, task in zip(rows.all(), (oldest, middle, newest), strict=True):
            expect(row).to_contain_text(task.title)
            handed = timezone.localtime(task.submitted_at).strftime("%d.%m.%Y %H:%M")
            expect(row.get_by_test_id("submitted-at")).to_have_text(handed)
        expect(rows.nth(2)).to_contain_text("Справка подготовлена, исх. № 04-12/345")
        # A long result shows its beginning; the whole text opens on a click.
        folded = rows.first.get_by_test_id("result")
        expect(folded).to_contain_text("Акт осмотра участка составлен.")
        expect(folded.get_by_text("Подписи собраны.")).not_to_be_visible()
        folded.locator("summary").click()
        expect(folded.get_by_text("Подписи собраны.")).to_be_visible()

        assert serious_violations(page) == []

        counter = page.get_by_test_id("count-awaiting")
        expect(counter).to_have_text("3")
        page.get_by_label(f"Отметить для приёмки: {oldest.title}").check()
        page.get_by_label(f"Отметить для приёмки: {newest.title}").check()
        page.get_by_role("button", name="Принять отмеченные").click()
        expect(page.locator("#notifications")).to_contain_text("Принято результатов: 2.")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(middle.title)
        expect(counter).to_have_text("1")
        expect(page.get_by_test_id("section-count-decisions")).to_have_text("1")
        assert page.evaluate("window.__marker") == "no reload"

        # The last one by its own button: the list empties and says so.
        rows.first.get_by_role("button", name="Принять", exact=True).click()
        expect(rows).to_have_count(0)
        expect(page.locator("#awaiting")).to_contain_text("Здесь пусто.")
        expect(page.get_by_role("button", name="Принять отмеченные")).not_to_be_visible()
        expect(counter).to_have_text("0")
        assert page.evaluate("window.__marker") == "no reload"

    statuses = dict(Task.objects.values_list("pk", "status"))
    assert {statuses[t.pk] for t in (oldest, middle, newest)} == {Status.DONE}


def test_show_more_after_accepting_brings_the_rows_that_followed_none_skipped_none_twice(
    page: Page, live_server
):
    """Accepting on the first page takes rows out of the list: "Show more" then brings the rows
    after those still shown, not the second page as numbered when the page was drawn (which
    would skip as many rows as were accepted)."""
    now = coming_wednesday()
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.more", password="demo")
    specialist = UserFactory(
        username="specialist.more", password="demo", department=department, roles=["specialist"]
    )
    total = PAGE_SIZE + 3
    with time_machine.travel(now, tick=True):
        tasks = [
            TaskFactory(
                author=head,
                responsible=specialist,
                title=f"Результат для приёмки №{number:02d}",
                deadline=now + dt.timedelta(days=2),
                status=Status.AWAITING_ACCEPTANCE,
                submitted_at=now - dt.timedelta(days=3, minutes=total - number),
                result=f"Сделано, пункт {number}",
            )
            for number in range(1, total + 1)
        ]
        sign_in(page, live_server.url, "head.more")
        page.goto(f"{live_server.url}/tasks/")
        rows = page.locator("#awaiting-rows > li[id^='task-']")
        expect(rows).to_have_count(PAGE_SIZE)
        for task in tasks[:2]:
            page.get_by_label(f"Отметить для приёмки: {task.title}").check()
        page.get_by_role("button", name="Принять отмеченные").click()
        expect(page.locator("#notifications")).to_contain_text("Принято результатов: 2.")
        expect(rows).to_have_count(PAGE_SIZE - 2)
        page.get_by_test_id("more-awaiting").click()
        # Every row still awaiting is on the page, in order, each once.
        expect(rows).to_have_count(total - 2)
        shown = [row.get_attribute("id") for row in rows.all()]
        assert shown == [f"task-{task.pk}" for task in tasks[2:]]
        expect(page.get_by_test_id("more-awaiting")).to_have_count(0)
