"""The protocol in Chromium, read off what the people see: the chair writes three decisions
(adding the rows one by one), saves the draft, signs off after the confirmation, and sees the
numbered protocol with the three tasks' links; the responsible person finds the task in My
tasks. Both pages pass axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from meetings.models import Protocol
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import MeetingFactory
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

DECISIONS = (
    "Подготовить график ремонта школ",
    "Проверить сметы подрядчиков",
    "Провести встречу с родителями",
)


def test_the_chair_writes_signs_and_the_tasks_reach_the_responsible(page: Page, live_server):
    today = timezone.localdate()
    ensure_calendar(start=dt.date(today.year, 1, 1), end=dt.date(today.year + 1, 12, 31))
    department = DepartmentFactory(slug="construction", name_ru="Управление строительства")
    chair = head_of(department, username="head.protocol", password="demo")
    responsible = UserFactory(
        username="specialist.protocol",
        password="demo",
        department=department,
        roles=["specialist"],
        first_name="Айгерим",
        last_name="Касымова",
    )
    others = UserFactory.create_batch(2, department=department, roles=["specialist"])
    people = [responsible, *others]
    meeting = MeetingFactory(chair=chair, department=department, title="О ремонте школ")
    base = live_server.url
    editor = f"{base}/meetings/{meeting.pk}/protocol/"

    sign_in(page, base, "head.protocol")
    page.goto(editor)
    expect(page.get_by_role("heading", level=1)).to_have_text("Протокол совещания")
    page.get_by_label("Слушали").fill("Доклад руководителя управления о ходе ремонта.")
    rows = page.get_by_test_id("decision-row")
    for index, (text, person) in enumerate(zip(DECISIONS, people, strict=True)):
        if index:
            page.get_by_test_id("add-decision").click()
            expect(rows).to_have_count(index + 1)
        row = rows.nth(index)
        row.get_by_label("Решение").fill(text)
        row.get_by_label("Ответственный").select_option(str(person.pk))
        row.get_by_label("Срок").fill(f"{today + dt.timedelta(days=7 + index):%Y-%m-%d}")
    # What was typed before a row was added is still there.
    expect(rows.nth(0).get_by_label("Решение")).to_have_value(DECISIONS[0])
    assert serious_violations(page) == []

    page.get_by_test_id("save-draft").click()
    expect(page.get_by_text("Проект протокола сохранён.")).to_be_visible()
    expect(rows).to_have_count(3)
    expect(rows.nth(2).get_by_label("Решение")).to_have_value(DECISIONS[2])

    page.get_by_test_id("to-sign").click()
    expect(page.get_by_test_id("sign-summary")).to_contain_text("3 решения станут задачами")
    expect(page.get_by_test_id("sign-summary")).to_contain_text(str(responsible))
    page.get_by_test_id("sign-off").click()

    protocol = Protocol.objects.get(meeting=meeting)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Протокол № {protocol.code}")
    expect(page.get_by_test_id("decision-task")).to_have_count(3)
    expect(page.get_by_test_id("task-status").first).to_have_text("Новая")
    first_task = protocol.decisions.get(position=1).task
    expect(page.get_by_test_id("decision-task").first).to_have_attribute(
        "href", first_task.get_absolute_url()
    )
    expect(page.get_by_test_id("print-links")).to_contain_text("Қазақша")
    assert serious_violations(page) == []

    # The chair cancels the third decision by an amendment: struck through, with its number.
    page.get_by_test_id("amend-link").click()
    page.get_by_label("Решение отменено").check()
    third = protocol.decisions.get(position=3)
    page.get_by_label("Решение", exact=True).select_option(str(third.pk))
    page.get_by_label("Причина").fill("Встреча с родителями уже проведена")
    assert serious_violations(page) == []
    page.get_by_test_id("amend").click()
    expect(page.get_by_text("Изменение № 1 внесено.")).to_be_visible()
    expect(page.get_by_test_id("cancelled")).to_have_text("отменено изменением № 1")
    expect(page.get_by_test_id("task-status").nth(2)).to_have_text("Отменена")

    # The responsible person's My tasks.
    sign_in(page, base, "specialist.protocol")
    page.goto(f"{base}/tasks/")
    expect(page.get_by_text(DECISIONS[0]).first).to_be_visible()
