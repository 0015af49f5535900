"""The Chromium journey of the reception: an entrepreneur with a BIN gets a ticket, the hall
screen shows the call, the official finishes with "needs documents", and the follow-up task
with its legal deadline is in the official's My tasks."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.calendar import add_working_days
from akimat.models import User
from reception import services
from reception.models import Case, Service, Visit, Visitor, VisitStatus
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory
from tests.reception.factories import (
    MIDDAY,
    DeskFactory,
    OrganisationFactory,
    ServiceFactory,
    VisitorFactory,
    bin_,
    iin,
)
from tests.tasks.test_browser import sign_in

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def test_register_call_finish_with_needs_documents_and_the_task_appears(
    page: Page, live_server, browser, seeded_demo
):
    service = Service.objects.get(department__slug="construction")
    receptionist = User.objects.get(username="reception")
    # The construction queue starts empty, so the next call is this entrepreneur's.
    for visit in Visit.objects.filter(service=service, status=VisitStatus.WAITING):
        services.mark_left(receptionist=receptionist, visit=visit)
    base = live_server.url

    sign_in(page, base, "reception")
    page.goto(f"{base}/reception/")
    waiting = page.get_by_test_id("waiting-total")
    before = int(waiting.inner_text())
    page.get_by_label("ФИО").fill("Тулегенов Арман Серикович")
    page.get_by_label("Телефон").fill("8 701 555 44 33")
    page.get_by_label("Организация").fill("ТОО «Тау Самал Құрылыс»")
    page.get_by_label("БИН").fill(bin_(11))
    page.get_by_label("Услуга").select_option(str(service.pk))
    page.get_by_label("Посетитель согласен на обработку персональных данных").check()
    page.get_by_label("Цель обращения").fill("Уведомление о начале СМР")
    page.get_by_label("Цель обращения").press("Enter")
    visit = None
    expect(page.get_by_test_id("ticket-number")).to_be_visible()
    visit = Visit.objects.get(visitor__full_name="Тулегенов Арман Серикович")
    expect(page.get_by_test_id("ticket-number")).to_have_text(visit.ticket)
    expect(waiting).to_have_text(str(before + 1))  # the queue beside the form counts them in
    expect(page.locator("#waiting")).to_contain_text(visit.ticket)
    assert visit.organisation.bin == bin_(11)

    hall = browser.new_context().new_page()  # no login
    hall.goto(f"{base}/reception/board/")
    expect(hall.get_by_test_id("hall-queue-construction")).to_contain_text("1")
    expect(hall.locator("body")).not_to_contain_text("Тулегенов")

    sign_in(page, base, "specialist.construction")
    page.goto(f"{base}/reception/queue/")
    page.locator("#id_desk").select_option(label="Стол 2")
    page.get_by_role("button", name="Открыть стол").click()
    page.get_by_role("button", name="Вызвать следующего").click()
    current = page.get_by_test_id("current-visit")
    expect(current).to_contain_text(visit.ticket)
    expect(current).to_contain_text("Тулегенов Арман Серикович")
    # The hall screen refreshes itself and shows the ticket and the desk, with no reload.
    hall.evaluate("window.__marker = 'no reload'")
    expect(hall.get_by_test_id("latest-call")).to_contain_text(f"{visit.ticket} → 2", timeout=15000)
    expect(hall.get_by_test_id("latest-desk")).to_contain_text("Стол 2")
    assert hall.evaluate("window.__marker") == "no reload"

    page.get_by_role("button", name="Посетитель подошёл: начать").click()
    page.get_by_label("Результат").select_option("needs_documents")
    for document in service.documents.all():
        page.get_by_label(document.name_ru).check()
    page.get_by_role("button", name="Завершить", exact=True).click()
    expect(page.locator("#notifications")).to_contain_text("Дело на доработку создано")

    case = Case.objects.get(visit=visit)
    due = add_working_days(timezone.localdate(), service.legal_term_days)
    page.goto(f"{base}/tasks/")
    row = page.locator(f"#task-{case.task_id}")
    expect(row).to_contain_text("Тулегенов Арман Серикович")
    expect(row).to_contain_text(f"{due:%d.%m.%Y} 18:30")


def test_a_returning_visitor_is_found_by_iin_phone_or_name_and_registered_in_one_enter(
    page: Page, live_server
):
    """The receptionist types what the visitor says; the card of the person on record appears
    under the fields; one click fills the form and one Enter gives the ticket, to the same
    visitor (no second record)."""
    department = DepartmentFactory(slug="construction", name_ru="Управление строительства")
    service = ServiceFactory(department=department, name_ru="Разрешение на строительство")
    UserFactory(username="reception.lookup", password="demo", roles=["receptionist"])
    company = OrganisationFactory(name="ТОО «Жетісу Тас»", bin=bin_(404))
    returning = VisitorFactory(
        full_name="Оспанова Гульмира Канатовна",
        iin=iin(707),
        phone="+77015550707",
        organisation=company,
    )
    VisitorFactory(full_name="Оспанов Ерлан Маратович", iin=iin(708), phone="+77015550808")
    visitors = Visitor.objects.count()
    base = live_server.url

    with time_machine.travel(MIDDAY, tick=True):
        sign_in(page, base, "reception.lookup")
        page.goto(f"{base}/reception/")
        results = page.locator("#lookup-results")
        cards = results.get_by_test_id("lookup-result")

        # By the IIN (ten digits typed of twelve): one card, with the name and the company's BIN.
        sent: list[tuple[str, str]] = []
        bodies: list[str] = []
        page.on("request", lambda request: sent.append((request.method, request.url)))
        page.on("request", lambda request: bodies.append(request.post_data or ""))
        page.get_by_label("ИИН").press_sequentially(iin(707)[:10])
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("Оспанова Гульмира Канатовна")
        expect(cards.first).to_contain_text(f"БИН {bin_(404)}")
        # The lookup went out, and no URL carried the typed digits (access logs keep URLs).
        assert ("POST", f"{base}/reception/visitors/") in sent
        addresses = [urlsplit(url) for _, url in sent]
        assert not [a for a in addresses if iin(707)[:4] in a.path + a.query], sent
        # Only the field typed in and the CSRF token travel, in the body.
        assert {tuple(sorted(parse_qs(body))) for body in bodies if body} == {
            ("csrfmiddlewaretoken", "iin")
        }
        page.get_by_label("ИИН").fill("")

        # By the phone as people say it (8 instead of +7, spaces): the box is still there.
        page.get_by_label("Телефон").press_sequentially("8 701 555 07")
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("+77015550707")
        page.get_by_label("Телефон").fill("")

        # By the name: two people share the surname; the second word narrows it to one.
        name = page.get_by_label("ФИО")
        name.press_sequentially("Оспанов")
        expect(cards).to_have_count(2)
        name.press_sequentially(" Гуль")
        expect(cards).to_have_count(1)
        page.get_by_label("Услуга").select_option(str(service.pk))
        cards.first.click()

        # The form is filled from the record; what was picked stays; the purpose has the focus.
        expect(page.get_by_test_id("returning")).to_be_visible()
        expect(page.get_by_label("ИИН")).to_have_value(iin(707))
        expect(page.get_by_label("ФИО")).to_have_value("Оспанова Гульмира Канатовна")
        expect(page.get_by_label("БИН")).to_have_value(bin_(404))
        expect(page.get_by_label("Услуга")).to_have_value(str(service.pk))
        purpose = page.get_by_label("Цель обращения")
        expect(purpose).to_be_focused()
        page.keyboard.type("Продление разрешения")
        page.keyboard.press("Enter")

        ticket = page.get_by_test_id("ticket-number")
        expect(ticket).to_be_visible()
        visit = Visit.objects.get(visitor=returning)
        expect(ticket).to_have_text(visit.ticket)
        assert visit.purpose == "Продление разрешения"
        assert Visitor.objects.count() == visitors


def test_the_staff_queue_shows_a_new_ticket_by_itself_and_the_hall_drops_a_no_show(
    page: Page, live_server, browser
):
    """The official's queue is open; the reception issues a ticket in another browser: it
    appears within seconds, highlighted, with no reload. Called, not come, called again, then
    "did not come": the hall screen shows the call and then stops showing it."""
    department = DepartmentFactory(slug="construction", name_ru="Управление строительства")
    service = ServiceFactory(
        department=department, name_ru="Разрешение на строительство", prefix="C"
    )
    UserFactory(username="reception.live", password="demo", roles=["receptionist"])
    UserFactory(
        username="official.live", password="demo", roles=["specialist"], department=department
    )
    DeskFactory(number=7)
    base = live_server.url

    sign_in(page, base, "official.live")
    page.goto(f"{base}/reception/queue/")
    page.locator("#id_desk").select_option(label="Стол 7")
    page.get_by_role("button", name="Открыть стол").click()
    expect(page.get_by_test_id("queue-waiting")).to_have_text("0")
    page.evaluate("window.__marker = 'no reload'")
    page.get_by_role("heading", name="Очередь").click()  # the first touch lets the page beep
    assert serious_violations(page) == []

    desk_page = browser.new_context().new_page()
    sign_in(desk_page, base, "reception.live")
    desk_page.goto(f"{base}/reception/")
    desk_page.get_by_label("Услуга").select_option(str(service.pk))
    desk_page.get_by_label("Цель обращения").fill("Разрешение на пристройку")
    desk_page.get_by_label("Цель обращения").press("Enter")
    expect(desk_page.get_by_test_id("ticket-number")).to_have_text("C-001")
    visit = Visit.objects.get(service=service)

    row = page.locator(f'[data-visit="{visit.pk}"]')
    expect(row).to_contain_text("C-001", timeout=15000)
    expect(row).to_have_class(re.compile(r"\bqueue-row-new\b"))
    expect(row.get_by_text("новый", exact=True)).to_be_visible()
    expect(page.get_by_test_id("queue-waiting")).to_have_text("1")
    assert page.evaluate("window.__marker") == "no reload"
    expect(page.locator("body")).to_have_attribute("data-queue-beeps", "1")
    sound = page.get_by_role("button", name="Звук новых талонов")
    expect(sound).to_have_attribute("aria-pressed", "true")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "false")
    expect(sound).not_to_have_class(re.compile(r"\bactive\b"))
    # Muted: the next ticket is highlighted too, silently.
    desk_page.get_by_label("Услуга").select_option(str(service.pk))
    desk_page.get_by_label("Цель обращения").fill("Продление разрешения")
    desk_page.get_by_label("Цель обращения").press("Enter")
    expect(desk_page.get_by_test_id("ticket-number")).to_have_text("C-002")
    second = page.locator(f'[data-visit="{Visit.objects.get(service=service, number=2).pk}"]')
    expect(second).to_have_class(re.compile(r"\bqueue-row-new\b"), timeout=15000)
    expect(page.locator("body")).to_have_attribute("data-queue-beeps", "1")

    hall = browser.new_context().new_page()  # no login
    hall.goto(f"{base}/reception/board/")
    assert serious_violations(hall) == []
    page.get_by_role("button", name="Вызвать следующего").click()
    current = page.get_by_test_id("current-visit")
    expect(current).to_contain_text("C-001")
    expect(current.get_by_role("button", name="Неявка")).to_have_count(0)
    expect(hall.get_by_test_id("latest-call")).to_contain_text("C-001 → 7", timeout=15000)
    page.get_by_role("button", name="Повторный вызов").click()
    expect(page.get_by_test_id("current-calls")).to_contain_text("Вызовов: 2")
    expect(hall.get_by_test_id("latest-desk")).to_contain_text("повторный вызов", timeout=15000)
    expect(hall.get_by_test_id("latest-desk")).to_contain_text("қайта шақыру")
    page.get_by_role("button", name="Неявка").click()
    expect(page.locator("#notifications")).to_contain_text("C-001")
    expect(hall.get_by_test_id("latest-call")).to_have_count(0, timeout=15000)
    expect(hall.locator("#board")).not_to_contain_text("C-001")
    expect(hall.locator("#board")).to_contain_text("Сейчас никто не вызван.")
    assert serious_violations(page) == []
    assert serious_violations(hall) == []
