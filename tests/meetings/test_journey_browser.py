"""Issue 19's journey in Chromium, read off what each person sees: the deputy plans a district
visit, holds its collegial meeting from the visit's page, writes three decisions and signs the
protocol off; each responsible person finds the task in My tasks and hands in a result; the
deputy accepts them one by one in My tasks, and the protocol's control page turns from "not done"
to green."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from meetings.models import FieldVisit, Meeting, Protocol
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import DistrictFactory
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

DECISIONS = (
    "Представить график ремонта дорог района",
    "Подготовить смету на освещение улицы Абая",
    "Проверить готовность школ к отопительному сезону",
)


def test_from_the_deputys_visit_to_a_green_protocol(page: Page, live_server):
    today = timezone.localdate()
    ensure_calendar(start=dt.date(today.year, 1, 1), end=dt.date(today.year + 1, 12, 31))
    UserFactory(username="deputy", password="demo", roles=["deputy"], last_name="Жумин")
    construction = DepartmentFactory(slug="construction", name_ru="Управление строительства")
    land = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    people = [
        head_of(construction, username="head.journey", password="demo", last_name="Ахметов"),
        UserFactory(
            username="specialist.journey", password="demo", department=construction,
            roles=["specialist"], last_name="Касымова",
        ),
        head_of(land, username="head.land.journey", password="demo", last_name="Сейткали"),
    ]  # fmt: skip
    DistrictFactory(name_ru="Байзакский район", name_kk="Бәйзақ ауданы")
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})

    # The deputy plans a district visit for today in the month.
    sign_in(page, base, "deputy")
    page.goto(f"{base}/meetings/month/")
    page.get_by_role("link", name="Запланировать выезд").click()
    page.get_by_label("Вид").select_option(label="Выезд в район")
    page.get_by_label("Район").select_option(label="Байзакский район")
    page.get_by_label("Сфера").fill("Дороги, освещение, школы")
    page.get_by_label("Дата").fill(today.isoformat())
    page.get_by_role("button", name="Запланировать").click()
    expect(page.get_by_test_id("visit-title")).to_have_text("Выезд в район: Байзакский район")
    visit = FieldVisit.objects.get()

    # The collegial meeting, from the visit's page: the form knows the visit.
    page.get_by_test_id("hold-meeting").click()
    expect(page.get_by_test_id("from-visit")).to_be_visible()
    expect(page.get_by_label("Вид")).to_have_value("collegial")
    page.get_by_label("Тема").fill("О подготовке района к зиме")
    page.get_by_label("Время начала").fill("10:00")
    page.get_by_label("Длительность, минут").fill("90")
    page.get_by_label("Участники").select_option([str(p.pk) for p in people])
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Совещание сохранено.")).to_be_visible()
    expect(page.get_by_test_id("meeting-title")).to_have_text("О подготовке района к зиме")
    meeting = Meeting.objects.get()
    assert meeting.field_visit == visit

    # Three decisions, written row by row, signed off after the confirmation.
    page.get_by_test_id("write-protocol").click()
    page.get_by_label("Слушали").fill("Доклады руководителей управлений о готовности к зиме.")
    rows = page.get_by_test_id("decision-row")
    for index, (text, person) in enumerate(zip(DECISIONS, people, strict=True)):
        if index:
            page.get_by_test_id("add-decision").click()
            expect(rows).to_have_count(index + 1)
        row = rows.nth(index)
        row.get_by_label("Решение").fill(text)
        row.get_by_label("Ответственный").select_option(str(person.pk))
        row.get_by_label("Срок").fill(f"{today + dt.timedelta(days=7):%Y-%m-%d}")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_text("Проект протокола сохранён.")).to_be_visible()
    page.get_by_test_id("to-sign").click()
    expect(page.get_by_test_id("sign-summary")).to_contain_text("3 решения станут задачами")
    page.get_by_test_id("sign-off").click()
    protocol = Protocol.objects.get(meeting=meeting)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Протокол № {protocol.code}")
    expect(page.get_by_test_id("decision-task")).to_have_count(3)

    # Its control page: nothing done yet.
    control = f"{base}/meetings/{meeting.pk}/protocol/control/"
    page.goto(control)
    banner = page.get_by_test_id("banner")
    expect(banner).to_have_attribute("data-state", "amber")
    expect(banner).to_contain_text("Не выполнено: 3 решения; просрочено: 0.")

    # Each responsible person finds the task in My tasks and hands in a result.
    for person, text in zip(people, DECISIONS, strict=True):
        task = protocol.decisions.get(responsible=person).task
        sign_in(page, base, person.username)
        page.goto(f"{base}/tasks/")
        row = page.locator(f"#task-{task.pk}")
        expect(row).to_contain_text(text)
        row.get_by_role("button", name="Взять в работу").click()
        expect(row).to_contain_text("В работе")
        row.get_by_text("Сдать результат").click()
        row.get_by_label("Результат").fill(f"Исполнено: {text.lower()}")
        row.get_by_role("button", name="Сдать", exact=True).click()
        expect(page.locator(f"#handed_in #task-{task.pk}")).to_contain_text("Ожидает приёмки")

    # The deputy, who chaired, accepts them in My tasks; the control page follows each one.
    sign_in(page, base, "deputy")
    expected = [
        "Не выполнено: 2 решения; просрочено: 0.",
        "Не выполнено: 1 решение; просрочено: 0.",
    ]
    for number, text in enumerate(DECISIONS):
        page.goto(f"{base}/tasks/")
        awaiting = page.locator("#awaiting-rows > li", has_text=text)
        expect(awaiting).to_contain_text(f"Исполнено: {text.lower()}")
        awaiting.get_by_role("button", name="Принять", exact=True).click()
        expect(page.locator("#notifications")).to_contain_text("принят")
        page.goto(control)
        if number < len(DECISIONS) - 1:
            expect(banner).to_have_attribute("data-state", "amber")
            expect(banner).to_contain_text(expected[number])
    expect(banner).to_have_attribute("data-state", "done")
    expect(banner).to_have_text("Все решения выполнены.")
    expect(page.locator('tr[data-state="on_time"]')).to_have_count(3)
