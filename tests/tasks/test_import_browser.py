"""In Chromium: the deputy uploads the akim's instructions with two bad rows, sees both rows'
errors in the preview, is refused the import, uploads the corrected file, confirms, watches it
finish, and the responsible specialist finds the task in My tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tasks.models import Task
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import sign_in
from tests.workbooks import eager_jobs, workbook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock", "eager_jobs"),
]
__all__ = ["eager_jobs"]

FRIDAY = dt.date(2026, 11, 20)


def test_the_deputy_imports_instructions_after_fixing_two_bad_rows(
    page: Page, live_server, tmp_path
):
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head_of(department, username="head.agriculture", password="demo")
    UserFactory(
        username="specialist.agriculture",
        password="demo",
        department=department,
        roles=["specialist"],
        first_name="Айгерим",
        last_name="Касымова",
    )
    UserFactory(username="deputy", password="demo", roles=["deputy"])
    good = ["Подготовить справку о посевной.", "Касымова Айгерим", FRIDAY, "№ 21-08/568", None]
    bad_file = tmp_path / "поручения.xlsx"
    bad_file.write_bytes(
        workbook(
            [
                good,
                ["Провести выездное совещание.", "Иванов Иван", FRIDAY, "", None],
                ["Ответить на письмо.", "specialist.agriculture", dt.date(2026, 11, 21), "", None],
            ]
        )
    )
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "deputy")
    page.goto(f"{base}/tasks/import/")
    expect(page.locator("main h1")).to_have_text("Импорт поручений акима")
    page.get_by_label("Файл Excel").set_input_files(str(bad_file))
    page.get_by_role("button", name="Загрузить и проверить").click()

    errors = page.get_by_test_id("import-errors")
    expect(page.get_by_test_id("import-figures")).to_contain_text("2 строки с ошибками.")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("3Ответственный")
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("Нет сотрудника «Иванов Иван»")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("21.11.2026 — выходной день")
    assert serious_violations(page) == []

    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_text("Ничего не импортировано: исправьте строки")).to_be_visible()
    assert not Task.objects.exists()

    good_file = tmp_path / "поручения-исправлено.xlsx"
    good_file.write_bytes(workbook([good]))
    page.get_by_label("Файл Excel").set_input_files(str(good_file))
    page.get_by_role("button", name="Загрузить и проверить").click()
    expect(page.get_by_test_id("import-figures")).to_contain_text("Ошибок не найдено.")
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-summary")).to_have_text(
        "Импортировано из поручения-исправлено.xlsx: создана 1 запись."
    )
    assert serious_violations(page) == []

    sign_in(page, base, "specialist.agriculture")
    page.goto(f"{base}/tasks/")
    expect(page.get_by_text("Подготовить справку о посевной.")).to_be_visible()
