"""In Chromium: a head opens "Meetings" from the menu, creates a meeting with two participants and
a guest from outside, sees it on its page and in the register, adds an agenda item with its
material and sees it there, and downloads the material."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from meetings.models import Meeting
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_head_creates_a_meeting_and_fills_its_agenda(page: Page, live_server, tmp_path):
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head_of(
        department,
        username="head.meetings",
        password="demo",
        first_name="Ерлан",
        last_name="Ахметов",
    )
    first = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    second = UserFactory(
        department=department, roles=["specialist"], first_name="Болат", last_name="Абенов"
    )
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "head.meetings")

    # The register from the menu; a new meeting.
    page.get_by_role("navigation", name="Главное меню").get_by_role(
        "link", name="Совещания"
    ).click()
    expect(page.locator("main h1")).to_have_text("Совещания")
    expect(page.get_by_test_id("register-empty")).to_be_visible()
    page.get_by_test_id("new-meeting").click()
    expect(page.locator("main h1")).to_have_text("Новое совещание")
    page.get_by_label("Вид").select_option(label="Внутреннее совещание")
    page.get_by_label("Тема").fill("О ходе подготовки к посевной")
    page.get_by_label("Дата").fill("2026-11-20")
    page.get_by_label("Время начала").fill("15:00")
    page.get_by_label("Длительность, минут").fill("45")
    page.get_by_label("Место").fill("Открытое пространство, зал 2")
    page.get_by_label("Участники").select_option([str(first.pk), str(second.pk)])
    page.get_by_label("Приглашённые").fill("Омаров Серик — ТОО «Агро-Жамбыл»")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Сохранить").click()

    # The meeting's page: what was typed, as the person reads it.
    expect(page.get_by_text("Совещание сохранено.")).to_be_visible()
    expect(page.get_by_test_id("meeting-title")).to_have_text("О ходе подготовки к посевной")
    expect(page.get_by_test_id("meeting-when")).to_have_text("20.11.2026 15:00–15:45")
    expect(page.get_by_test_id("meeting-chair")).to_have_text("Ахметов Ерлан")
    participants = page.get_by_test_id("participants")
    expect(participants).to_contain_text("Касымова Айгерим")
    expect(participants).to_contain_text("Абенов Болат")
    expect(page.get_by_test_id("guests")).to_contain_text("Омаров Серик — ТОО «Агро-Жамбыл»")
    meeting = Meeting.objects.get()
    assert page.url == f"{base}{meeting.get_absolute_url()}"

    # An agenda item with its reporter and a material.
    material = tmp_path / "справка.pdf"
    material.write_bytes(b"%PDF-1.4 the report")
    page.get_by_test_id("agenda-add").locator("summary").click()
    page.get_by_label("Вопрос повестки дня").fill("О готовности семенного фонда")
    page.get_by_label("Докладчик", exact=True).select_option(str(first.pk))
    page.get_by_label("Материалы").set_input_files(str(material))
    page.get_by_role("button", name="Добавить в повестку дня").click()
    expect(page.get_by_text("Вопрос добавлен в повестку дня.")).to_be_visible()
    item = page.get_by_test_id("agenda").locator("li").first
    expect(item.get_by_test_id("item-title")).to_have_text("О готовности семенного фонда")
    expect(item.get_by_test_id("item-reporter")).to_have_text("Касымова Айгерим")
    link = item.get_by_role("link", name="справка.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "справка.pdf"
    assert serious_violations(page) == []

    # The register: the row of the meeting.
    page.goto(f"{base}/meetings/")
    row = page.locator(f"tr[data-meeting='{meeting.pk}']")
    expect(row).to_contain_text("20.11.2026 15:00")
    expect(row).to_contain_text("Внутреннее совещание")
    expect(row.get_by_role("link", name="О ходе подготовки к посевной")).to_be_visible()
    expect(row).to_contain_text("Открытое пространство, зал 2")
    expect(row.get_by_test_id("participants")).to_have_text("2")
    expect(row.get_by_test_id("protocol")).to_have_text("нет")
    assert serious_violations(page) == []
