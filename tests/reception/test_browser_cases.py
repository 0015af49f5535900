"""The Chromium journey of a visitor who comes back with the missing documents: at 1366 px the
receptionist finds their open case as she types, opens it, tells the official and issues the
ticket to the official's queue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from reception import services
from reception.models import Case, Outcome, Visit
from tasks.models import Notification
from tests.axe import serious_violations
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, UserFactory
from tests.reception.factories import (
    DeskFactory,
    ServiceDocumentFactory,
    ServiceFactory,
    VisitFactory,
    VisitorFactory,
)
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

NOTE = "Справка о поголовье — с печатью сельского округа"


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_receptionist_finds_a_returning_visitors_case_and_opens_it(page: Page, live_server):
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    service = ServiceFactory(department=department, name_ru="Субсидии в животноводстве", prefix="K")
    for position, name in enumerate(("Заявка", "Справка о поголовье")):
        ServiceDocumentFactory(service=service, name_ru=name, name_kk=name, position=position)
    official = UserFactory(
        username="specialist.cases",
        roles=["specialist"],
        department=department,
        first_name="Айгерим",
        last_name="Касымова",
    )
    UserFactory(username="reception.cases", password="demo", roles=["receptionist"])
    visitor = VisitorFactory(full_name="Абдрахманова Сауле Маратовна", phone="+77017770707")
    # Two days ago the official sent her away for two documents, with a note.
    with time_machine.travel(WORKDAY_MORNING - dt.timedelta(days=2), tick=False):
        visit = VisitFactory(service=service, visitor=visitor, number=7)
        services.open_desk(official=official, desk=DeskFactory(number=4), services=[service])
        services.call_next(official=official)
        services.start_service(official=official, visit=visit)
        services.finish_visit(
            official=official,
            visit=visit,
            outcome=Outcome.NEEDS_DOCUMENTS,
            note=NOTE,
            missing_documents=list(service.documents.all()),
        )
    case = Case.objects.get(visit=visit)
    base = live_server.url

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "reception.cases")
    page.goto(f"{base}/reception/")
    # She types the ticket the visitor holds, as it comes ("k-7"), in the name field.
    page.get_by_label("ФИО").press_sequentially("k-7")
    cards = page.locator("#lookup-results").get_by_test_id("lookup-result")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Абдрахманова Сауле Маратовна")
    found = page.get_by_test_id("open-case")
    expect(found).to_have_count(1)
    label = f"Дело по талону K-007 от {visit.day:%d.%m.%Y}"
    expect(found).to_have_text(label)
    expect(page.get_by_test_id("open-cases")).to_contain_text("документы: 0 из 2")
    # Or by the surname, as the visitor says it.
    page.get_by_label("ФИО").fill("")
    page.get_by_label("ФИО").press_sequentially("абдрах")
    expect(found).to_have_count(1)
    assert serious_violations(page) == []
    assert no_sideways_scroll(page)

    found.click()
    expect(page).to_have_url(f"{base}{case.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)
    # «Открыт»; the catalogue's plural «Открытые» is being reworded elsewhere.
    expect(page.get_by_test_id("case-state")).to_have_text(re.compile("^Открыт"))
    details = page.locator("#case")
    expect(details).to_contain_text("Абдрахманова Сауле Маратовна")
    expect(details).to_contain_text("Касымова Айгерим")
    expect(page.get_by_test_id("case-note")).to_have_text(NOTE)
    expect(details).to_contain_text("Заявка")
    # The task is the official's work: its state shows, not a link to it.
    expect(page.get_by_test_id("case-task")).to_have_text("Новая")
    expect(page.get_by_test_id("case-task").get_by_role("link")).to_have_count(0)
    # Nor are the documents hers to tick: the official checks them.
    expect(details.get_by_role("button", name="Заявка")).to_have_count(0)
    assert serious_violations(page) == []
    assert no_sideways_scroll(page)

    page.get_by_label("Что принёс посетитель (необязательно)").fill("обе справки")
    page.get_by_role("button", name="Сообщить: Касымова Айгерим").click()
    expect(page.locator("#notifications")).to_contain_text(
        "Касымова Айгерим получит уведомление: посетитель пришёл с документами."
    )
    told = Notification.objects.get(kind=Notification.Kind.VISITOR_BACK)
    assert told.recipient == official and "обе справки" in told.text

    # And the visitor queues for the official with one click and one Enter.
    page.get_by_role("link", name="Выдать талон на эту услугу").click()
    expect(page.get_by_test_id("returning")).to_be_visible()
    expect(page.get_by_label("ФИО")).to_have_value("Абдрахманова Сауле Маратовна")
    expect(page.get_by_label("Услуга")).to_have_value(str(service.pk))
    page.get_by_label("Цель обращения").fill("Принесла документы по делу K-007")
    page.get_by_label("Цель обращения").press("Enter")
    expect(page.get_by_test_id("ticket-number")).to_have_text("K-001")
    assert Visit.objects.filter(visitor=visitor, day=visit.day + dt.timedelta(days=2)).exists()
