"""The deputy's month in Chromium: the deputy plans a district visit for today, opens it,
receives a resident who consents (the name shown, the IIN masked), records a problem site with
a photo (shown on the page) and marks the visit held; the month's calendar then shows it held.
Each step is read off what the deputy sees."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from meetings.models import FieldVisit
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.factories import DistrictFactory
from tests.reception.factories import ServiceFactory, iin
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

# A 1×1 PNG the browser decodes: the page must show the photo, not a broken image.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
RESIDENT = "Сейтов Аскар Маратович"


def test_the_deputy_plans_holds_and_records_a_district_visit(
    page: Page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    today = dt.date(2026, 11, 18)
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    UserFactory(username="deputy", roles=["deputy"], password="demo", last_name="Жумин")
    district = DistrictFactory(name_ru="Байзакский район", name_kk="Бәйзақ ауданы")
    service = ServiceFactory(
        department=DepartmentFactory(slug="land"), name_ru="Земельные вопросы", prefix="L"
    )
    base = live_server.url

    # The month: nothing planned yet; plan a district visit for today.
    sign_in(page, base, "deputy")
    page.goto(f"{base}/meetings/month/")
    expect(page.get_by_test_id("month-empty")).to_be_visible()
    page.get_by_role("link", name="Запланировать выезд").click()
    page.get_by_label("Вид").select_option(label="Выезд в район")
    page.get_by_label("Район").select_option(str(district.pk))
    page.get_by_label("Сфера").fill("Дороги и освещение")
    page.get_by_label("Дата").fill(today.isoformat())
    page.get_by_role("button", name="Запланировать").click()

    # The visit's page: planned, with its date and sphere.
    expect(page.get_by_test_id("visit-title")).to_have_text("Выезд в район: Байзакский район")
    expect(page.get_by_test_id("visit-state")).to_have_text("запланирован")
    expect(page.get_by_test_id("visit-sphere")).to_have_text("Дороги и освещение")
    visit = FieldVisit.objects.get()
    assert page.url.endswith(visit.get_absolute_url())

    # A resident who consents: the name on the page, the IIN masked.
    page.get_by_role("link", name="Записать жителя").click()
    page.get_by_label("ФИО").fill(RESIDENT)
    page.get_by_label("ИИН").fill(iin(5))
    page.get_by_label("Житель согласен на обработку персональных данных").check()
    page.get_by_role("combobox", name="Вопрос").select_option(str(service.pk))
    page.get_by_label("С чем обратился житель").fill("Нет освещения на улице Абая")
    page.get_by_role("button", name="Сохранить").click()
    residents = page.get_by_test_id("residents")
    expect(residents).to_contain_text(RESIDENT)
    expect(residents).to_contain_text("Нет освещения на улице Абая")
    expect(residents).to_contain_text(f"{iin(5)[:4]}******{iin(5)[-2:]}")
    expect(residents).not_to_contain_text(iin(5))

    # A problem site with a photo the page shows.
    page.get_by_role("link", name="Записать проблемный объект").click()
    page.get_by_label("Объект").fill("Мост через арык")
    page.get_by_label("Что выявлено").fill("Разрушено ограждение")
    page.get_by_label("Фотографии").set_input_files(
        files=[{"name": "most.png", "mimeType": "image/png", "buffer": PHOTO}]
    )
    page.get_by_role("button", name="Сохранить").click()
    sites = page.get_by_test_id("sites")
    expect(sites).to_contain_text("Мост через арык")
    photo = sites.get_by_role("img", name="Фото: most.png")
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 1", arg=photo.element_handle()
    )
    assert serious_violations(page) == []

    # Held today, with the deputy's assessment.
    hold = page.get_by_test_id("action-hold")
    hold.locator("summary").click()
    page.get_by_label("Заключение").fill("Работа района удовлетворительна.")
    hold.locator("button[type=submit]").click()
    expect(page.get_by_test_id("visit-state")).to_have_text("состоялся 18.11.2026")
    expect(page.get_by_test_id("visit-assessment")).to_have_text("Работа района удовлетворительна.")
    expect(page.get_by_test_id("action-hold")).to_have_count(0)

    # The month's calendar and list show it held.
    page.goto(f"{base}/meetings/month/")
    day = page.locator(f"td[data-date='{today.isoformat()}']")
    expect(day).to_contain_text("Байзакский район")
    expect(day.get_by_test_id("visit-held")).to_be_visible()
    expect(page.get_by_test_id("month-list")).to_contain_text("состоялся 18.11.2026")
    assert serious_violations(page) == []
