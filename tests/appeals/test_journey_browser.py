"""The appeal's journey in Chromium, from the reception desk to the answer: the receptionist gives
an entrepreneur a ticket and, in one click, registers the complaint he makes orally, with the
visitor's details carried over; the coupon shows its number; the head finds it on "Appeals"
awaiting an executor and assigns one; the executor finds the task in My tasks and answers; the
head closes it; the applicant reads the status on the public page with the coupon number and
the last four digits of his phone. Each step is read off what the person sees."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from akimat.models import User
from appeals.models import Appeal, Topic
from reception.models import Service
from tests.axe import serious_violations
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

VISITOR = "Жумабеков Ерлан Маратович"
PHONE = "8 701 555 31 47"


def test_from_the_desk_to_the_answer(page: Page, live_server, browser, seeded_demo):
    base = live_server.url
    service = Service.objects.filter(department__slug="entrepreneurship").order_by("pk").first()
    topic = Topic.objects.filter(department__slug="entrepreneurship").order_by("pk").first()
    assert service is not None and topic is not None

    # The desk: a ticket for the visitor, who agrees to his details being kept.
    sign_in(page, base, "reception")
    page.goto(f"{base}/reception/")
    page.get_by_label("ФИО").fill(VISITOR)
    page.get_by_label("Телефон").fill(PHONE)
    page.get_by_label("Услуга").select_option(str(service.pk))
    page.get_by_label("Посетитель согласен на обработку персональных данных").check()
    page.get_by_label("Цель обращения").fill("Жалоба на отказ в разрешении")
    page.get_by_label("Цель обращения").press("Enter")
    expect(page.get_by_test_id("ticket-number")).to_be_visible()

    # One click from the ticket: the form comes filled with the visitor's details.
    page.get_by_test_id("register-appeal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Зарегистрировать обращение")
    expect(page.get_by_test_id("from-visit")).to_be_visible()
    expect(page.get_by_label("ФИО заявителя")).to_have_value(VISITOR)
    page.get_by_label("Вид обращения").select_option(label="Жалоба")
    page.get_by_label("Тема").select_option(str(topic.pk))
    page.get_by_label("Устное (протокол)").check()
    page.get_by_label("Краткое содержание").fill("Третий месяц не выдают разрешение на торговлю")
    page.get_by_label("Протокол устного обращения").fill(
        "Заявитель сообщил, что документы сданы в августе, ответа нет."
    )
    page.get_by_role("button", name="Зарегистрировать и распечатать талон").click()

    # The coupon: the number the database gave, the registrar, the term.
    coupon = page.get_by_test_id("coupon-number")
    expect(coupon).to_be_visible()
    appeal = Appeal.objects.get(applicant_name=VISITOR)
    expect(coupon).to_have_text(f"№ {appeal.code}")
    expect(page.get_by_test_id("coupon-registrar")).not_to_be_empty()
    expect(page.get_by_test_id("coupon-term")).to_contain_text(f"{appeal.deadline:%d.%m.%Y}")
    assert appeal.visit is not None and appeal.visit.visitor is not None
    assert appeal.visit.visitor.full_name == VISITOR

    # The head: "Appeals" in the menu, the appeal awaiting an executor, assigned.
    sign_in(page, base, "head.entrepreneurship")
    page.goto(base)
    page.get_by_role("navigation", name="Главное меню").get_by_role(
        "link", name="Обращения"
    ).click()
    row = page.locator(f"tr[data-appeal='{appeal.pk}']").first
    expect(row).to_contain_text(VISITOR)
    assert serious_violations(page) == []
    row.get_by_role("link", name=appeal.code).click()
    status = page.get_by_test_id("status")
    expect(status).to_have_text("Зарегистрировано, ожидает исполнителя")
    page.get_by_test_id("action-assign").locator("summary").click()
    executor = User.objects.get(username="specialist.entrepreneurship")
    page.get_by_label("Исполнитель").select_option(str(executor.pk))
    page.get_by_test_id("action-assign").locator("button[type=submit]").click()
    expect(status).to_have_text("В работе")
    expect(page.get_by_test_id("executor")).to_contain_text(executor.last_name)

    # The executor: the task in My tasks, carrying the coupon number; the answer on the appeal.
    sign_in(page, base, "specialist.entrepreneurship")
    page.goto(f"{base}/tasks/")
    task = page.get_by_role("link", name=f"Обращение {appeal.code}")
    expect(task.first).to_be_visible()
    page.goto(f"{base}{appeal.get_absolute_url()}")
    page.get_by_test_id("action-answer").locator("summary").click()
    page.get_by_label("Текст ответа").fill("Разрешение выдано 18.11.2026, копия приложена.")
    page.get_by_label("Решение").select_option(label="Удовлетворено")
    page.get_by_test_id("action-answer").locator("button[type=submit]").click()
    expect(status).to_have_text("Ответ дан, ожидает закрытия")

    # The head closes it.
    sign_in(page, base, "head.entrepreneurship")
    page.goto(f"{base}{appeal.get_absolute_url()}")
    page.get_by_test_id("action-close").locator("summary").click()
    page.get_by_test_id("action-close").locator("button[type=submit]").click()
    expect(status).to_have_text("Закрыто")

    # The applicant, at home: the coupon number and the phone's last four digits.
    home = browser.new_context().new_page()
    home.goto(f"{base}/appeals/status/")
    home.get_by_label("Номер талона").fill(appeal.code)
    home.get_by_label("Последние четыре цифры телефона или код статуса").fill(
        PHONE[-5:].replace(" ", "")
    )
    home.get_by_role("button", name="Показать статус").click()
    # For the applicant an answered appeal is answered, whether or not the head has closed it.
    expect(home.get_by_test_id("status-text")).to_have_text("Дан ответ")
    expect(home.get_by_test_id("answered-on")).to_contain_text("18.11.2026")
    expect(home.locator("body")).not_to_contain_text(VISITOR)
    home.context.close()
