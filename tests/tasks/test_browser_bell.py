"""In Chromium: a head with a page open chooses instant e-mail for results handed in; a specialist
hands in a result; within the poll the head's bell shows the new count and a toast says so,
without a reload, and the head's instant e-mail leaves once."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tasks import jobs, services
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.conftest import in_days
from tests.tasks.test_browser import sign_in

BELL = "/tasks/notifications/bell/"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def test_the_heads_bell_counts_a_result_handed_in_without_a_reload(
    page: Page, live_server, settings, monkeypatch
):
    settings.BELL_POLL_SECONDS = 1
    # The broker is the outside world here: the job runs in this process, as a worker would.
    monkeypatch.setattr(
        jobs.email_notifications, "delay", lambda ids: jobs.email_notifications.apply(args=[ids])
    )
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head = head_of(
        department, username="head.bell", password="demo", first_name="Ерлан", last_name="Ахметов"
    )
    specialist = UserFactory(
        department=department, roles=["specialist"], first_name="Айгерим", last_name="Касымова"
    )
    task = services.create_task(
        author=head, title="Справка о ходе посевной", responsible=specialist, deadline=in_days(3)
    )
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "head.bell")

    # The settings, from the notifications page: results handed in come by e-mail at once.
    page.goto(f"{base}/tasks/notifications/")
    page.get_by_role("link", name="Настройка уведомлений").click()
    expect(page.locator("main h1")).to_have_text("Настройка уведомлений")
    page.get_by_label("Результат сдан").select_option(label="Сразу на почту")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки уведомлений сохранены.")).to_be_visible()
    expect(page.get_by_label("Результат сдан")).to_have_value("instant")

    # The head keeps My tasks open; nothing is unread.
    page.goto(f"{base}/tasks/")
    bell = page.locator("#bell button").first
    expect(bell).to_have_accessible_name("Уведомления: 0 непрочитанных")
    expect(page.locator("#bell-counter .badge")).to_have_count(0)
    page.evaluate("window.sameDocument = true")

    services.submit_task(task=task, actor=specialist, result="Справка готова, приложена")

    # Within the poll: the badge, the button's name, and the polite toast, on the same page.
    expect(page.locator("#bell-counter .badge")).to_have_text("1")
    expect(bell).to_have_accessible_name("Уведомления: 1 непрочитанное")
    expect(page.locator("#notifications .toast")).to_contain_text("1 новое уведомление")
    assert page.evaluate("window.sameDocument") is True
    assert serious_violations(page) == []

    # The bell's list shows the line; the e-mail left once, in the head's language.
    bell.click()
    expect(page.locator("#bell-list")).to_contain_text("Справка о ходе посевной")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [head.email]
    assert mail.outbox[0].subject == "Результат сдан: Справка о ходе посевной"


def test_a_hidden_tab_does_not_poll_and_asks_at_once_on_return(page: Page, live_server, settings):
    settings.BELL_POLL_SECONDS = 3
    department = DepartmentFactory(slug="agriculture", name_ru="Управление сельского хозяйства")
    head_of(department, username="head.bell", password="demo")
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "head.bell")
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if BELL in request.url else None)
    page.goto(f"{base}/tasks/")
    with page.expect_request(lambda request: BELL in request.url, timeout=10_000):
        pass  # the open tab polls

    # The tab goes to the background: the timer keeps ticking, no request leaves.
    page.evaluate(
        """() => { Object.defineProperty(document, "visibilityState",
                     {value: "hidden", configurable: true});
                   document.dispatchEvent(new Event("visibilitychange")); }"""
    )
    polls.clear()
    page.wait_for_timeout(4_000)  # more than one tick
    assert polls == []

    # Back in front: a poll at once (well inside the 3 s tick).
    with page.expect_request(lambda request: BELL in request.url, timeout=500):
        page.evaluate(
            """() => { Object.defineProperty(document, "visibilityState",
                         {value: "visible", configurable: true});
                       document.dispatchEvent(new Event("visibilitychange")); }"""
        )
