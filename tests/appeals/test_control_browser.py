"""In Chromium at 1366 px: the head of a directorate opens "Appeals" from the menu, sees what is
overdue and what the applicant has not been told of, narrows the page to complaints without a
reload, opens the whole overdue section, and reads the share answered on time; axe finds nothing
serious and nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from appeals.models import Kind, Status
from tests.appeals.factories import AppealFactory, TopicFactory
from tests.axe import serious_violations
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

TODAY = WORKDAY_MORNING.date()
YESTERDAY = dt.date(2026, 11, 17)


def test_the_head_reads_the_control_page_and_the_share_on_time(page: Page, live_server):
    department = DepartmentFactory(
        slug="entrepreneurship", name_ru="Управление предпринимательства"
    )
    head = head_of(department, username="head.control", password="demo")
    executor = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    topic = TopicFactory(department=department, name_ru="Торговля", name_kk="Сауда")
    overdue = [
        AppealFactory(
            topic=topic,
            kind=Kind.COMPLAINT if n % 2 else Kind.STATEMENT,
            deadline=YESTERDAY - dt.timedelta(days=n),
            legal_deadline=YESTERDAY - dt.timedelta(days=n),
            executor=executor,
            status=Status.IN_WORK,
            summary=f"Не выдают разрешение № {n}",
        )
        for n in range(12)
    ]
    untold = AppealFactory(
        topic=topic,
        applicant_name="Оспанова Гульмира",
        applicant_phone="+77015550707",
        extended_on=dt.date(2026, 11, 12),
        extension_notice_due=dt.date(2026, 11, 17),
        deadline=dt.date(2026, 12, 20),
        legal_deadline=dt.date(2026, 11, 30),
    )
    AppealFactory(
        topic=topic,
        status=Status.ANSWERED,
        answered_on=YESTERDAY,
        deadline=TODAY,
        legal_deadline=TODAY,
    )
    AppealFactory(
        topic=topic,
        status=Status.ANSWERED,
        answered_on=YESTERDAY,
        deadline=dt.date(2026, 11, 10),
        legal_deadline=dt.date(2026, 11, 10),
    )
    assert head.department == department

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "head.control")
    page.get_by_role("link", name="Обращения", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Обращения")
    expect(page.get_by_test_id("count-overdue")).to_have_text("12")
    expect(page.get_by_test_id("count-notice")).to_have_text("1")
    overdue_section = page.locator("#section-overdue")
    expect(overdue_section.locator("tbody tr")).to_have_count(10)
    # The longest overdue first.
    expect(overdue_section.locator("tbody tr").first).to_contain_text(overdue[11].code)
    notice = page.locator("#section-notice tbody tr")
    expect(notice).to_contain_text(untold.code)
    expect(notice).to_contain_text("Оспанова Гульмира")
    expect(notice).to_contain_text("не в срок")
    expect(page.locator("main")).not_to_contain_text("5550707")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []

    # Complaints only, without a reload: the address keeps the filter for a link or a refresh.
    page.get_by_label("Вид").select_option(Kind.COMPLAINT)
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("count-overdue")).to_have_text("6")
    expect(page).to_have_url(re.compile(r"/appeals/\?.*kind=complaint"))
    expect(page.locator("#section-notice")).to_contain_text("Здесь пусто.")

    # The whole overdue section, ten to a page.
    page.get_by_label("Вид").select_option("")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("count-overdue")).to_have_text("12")
    page.get_by_role("link", name="Все (12): Просрочено").click()
    expect(page.locator("tbody tr")).to_have_count(10)
    page.get_by_role("link", name="Дальше").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody tr").last).to_contain_text(overdue[0].code)
    # A row opens the appeal's page.
    page.get_by_role("link", name=overdue[0].code).click()
    expect(page).to_have_url(f"{live_server.url}/appeals/{overdue[0].pk}/")

    # The share answered on time: one of two this quarter.
    page.goto(f"{live_server.url}/appeals/stats/")
    expect(page.locator("main h1")).to_have_text("Ответы на обращения в срок")
    directorate = page.locator("#by-directorate tbody tr").first
    expect(directorate).to_contain_text("Управление предпринимательства")
    expect(directorate).to_contain_text("50,0")
    expect(page.locator("#by-directorate tfoot")).to_contain_text("Итого")
    bar = directorate.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "50.0")
    assert serious_violations(page) == []
