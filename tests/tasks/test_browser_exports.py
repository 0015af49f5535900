"""In Chromium: a head filters the directorate board to letters, opens a person's tasks and
downloads them as XLSX, then the board itself; the files carry the filter, the names say what
and when, and their first rows are what the page shows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tasks.models import Source
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def _rows(download) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active  # noqa: SIM115
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_head_exports_a_persons_letters_from_the_board(page: Page, live_server):
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head = head_of(
        department,
        username="head.exports",
        password="demo",
        first_name="Ерлан",
        last_name="Ахметов",
    )
    person = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    letter = TaskFactory(
        author=head,
        responsible=person,
        title="Ответ на письмо ТОО «Береке»",
        source=Source.LETTER,
        source_number="21-08/568",
        source_date=dt.date(2026, 11, 2),
        deadline=timezone.now() - dt.timedelta(days=2),
    )
    TaskFactory(author=head, responsible=person, title="Своя инициатива")
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "head.exports")

    page.goto(f"{base}/tasks/board/")
    expect(page.locator("main h1")).to_have_text("Сводка по управлению")
    page.get_by_label("Источник").select_option(label="Письмо")
    expect(page).to_have_url(f"{base}/tasks/board/?priority=&source=letter")
    page.get_by_role("link", name="Касымова Айгерим").click()
    detail = page.locator("#board-detail")
    expect(detail.get_by_role("heading")).to_have_text("Открытые задачи: Касымова Айгерим")
    expect(detail.get_by_role("link", name="Ответ на письмо ТОО «Береке»")).to_be_visible()
    assert serious_violations(page) == []

    with page.expect_download() as download:
        detail.get_by_role("link", name="Выгрузить в XLSX").click()
    assert download.value.suggested_filename == "Открытые задачи Касымова Айгерим 18.11.2026.xlsx"
    rows = _rows(download.value)
    assert rows[0][:3] == ["№", "Задача", "Ответственный"]
    assert rows[1][:3] == [letter.pk, "Ответ на письмо ТОО «Береке»", "Касымова Айгерим"]
    assert rows[1][6:9] == ["да", "Письмо", "№ 21-08/568 от 02.11.2026"]
    assert len(rows) == 2  # the filter to letters held: the own initiative is not there

    with page.expect_download() as download:
        page.get_by_test_id("board-export-xlsx").click()
    assert (
        download.value.suggested_filename
        == "Сводка по управлению Управление сельского хозяйства 18.11.2026.xlsx"
    )
    rows = _rows(download.value)
    assert rows[0][:4] == ["Сотрудник", "Должность", "Открытые", "Просрочено"]
    by_person = {row[0]: row for row in rows[1:]}
    assert by_person["Касымова Айгерим"][2:4] == [1, 1]
    assert rows[-1][:4] == ["Итого", None, 1, 1]
