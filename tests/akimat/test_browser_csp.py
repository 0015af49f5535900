"""The Content-Security-Policy in real Chromium: each journey page family loads and works (an htmx
action still updates the page) and the browser reports no violation of the policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.models import User
from plans.models import Plan
from tasks import services
from tests.akimat.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

# Playwright's init scripts run outside the page's policy: this one records every violation
# the page reports, whether Chromium also logs it to the console or not.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page: Page, seeded_demo):
    """The page with violations recorded from the event and from the console; the demo loaded."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    unprotected: list[str] = []
    page.on(
        "response",
        lambda response: (
            unprotected.append(response.url)
            if response.request.resource_type == "document"
            and "content-security-policy" not in response.headers
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    yield page
    reported = page.evaluate("window.__csp || []")
    assert reported == [] and console == [], (reported, console)
    assert unprotected == []


def test_the_reception_desk_refuses_an_empty_registration_in_place(watched: Page, live_server):
    base = live_server.url
    sign_in(watched, base, "reception", "Войти")
    watched.goto(f"{base}/reception/")
    watched.evaluate("window.__marker = 'no reload'")

    watched.get_by_role("button", name="Выдать талон").click()

    expect(watched.locator("#register .invalid-feedback").first).to_be_visible()
    assert watched.evaluate("window.__marker") == "no reload"


def test_my_tasks_starts_a_task_in_place(watched: Page, live_server):
    specialist = User.objects.get(username="specialist.agriculture")
    task = services.create_task(
        author=User.objects.get(username="head.agriculture"),
        title="Сводка по субсидиям на весенний сев",
        responsible=specialist,
        deadline=timezone.now() + dt.timedelta(hours=3),
    )
    base = live_server.url
    sign_in(watched, base, "specialist.agriculture", "Войти")
    watched.goto(f"{base}/tasks/")
    watched.evaluate("window.__marker = 'no reload'")
    row = watched.locator(f"#task-{task.pk}")

    row.get_by_role("button", name="Взять в работу", exact=True).click()

    expect(row.get_by_role("button", name="Взять в работу", exact=True)).to_have_count(0)
    expect(row).to_contain_text("В работе")
    assert watched.evaluate("window.__marker") == "no reload"


def test_the_logbook_day_saves_a_quick_entry_in_place(watched: Page, live_server):
    base = live_server.url
    sign_in(watched, base, "methodologist", "Войти")
    watched.goto(f"{base}/journal/")
    watched.evaluate("window.__marker = 'no reload'")

    body = watched.get_by_label("Что произошло")
    body.fill("Стендап управления занял двенадцать минут.")
    body.press("Control+Enter")

    expect(watched.locator("#notifications")).to_contain_text("Запись сохранена")
    expect(watched.locator("main")).to_contain_text("Стендап управления занял двенадцать минут.")
    assert watched.evaluate("window.__marker") == "no reload"


def test_the_dashboard_drills_into_a_directorate_in_place(watched: Page, live_server):
    base = live_server.url
    sign_in(watched, base, "deputy", "Войти")
    watched.goto(f"{base}/dashboard/")
    watched.evaluate("window.__marker = 'no reload'")

    watched.locator("#dashboard-ranking").get_by_role(
        "link", name="Управление сельского хозяйства"
    ).click()

    expect(watched.locator("#dashboard-detail").get_by_test_id("person-row").first).to_be_visible()
    assert watched.evaluate("window.__marker") == "no reload"


def test_the_plan_draws_its_progress_bars_and_saves_a_reading_in_place(watched: Page, live_server):
    plan = (
        Plan.objects.filter(owner__username="head.agriculture", goals__isnull=False)
        .order_by("pk")
        .first()
    )
    assert plan is not None
    base = live_server.url
    sign_in(watched, base, "head.agriculture", "Войти")
    watched.goto(f"{base}/plans/{plan.pk}/")
    watched.evaluate("window.__marker = 'no reload'")

    # The bar's width comes from data-width through app.js, not a style attribute.
    bar = watched.locator("[data-testid=goal] .progress-bar[data-width]").first
    expect(bar).to_be_visible()
    width = int(bar.get_attribute("data-width"))
    assert bar.evaluate("el => el.style.width") == f"{max(0, min(100, width))}%"

    goal = watched.get_by_test_id("goal").first
    goal.get_by_label("Значение").fill("1")
    goal.get_by_role("button", name="Сохранить").click()

    # The save is over when its toast says so (the test must not end with the request in
    # flight: the next test's TRUNCATE would meet its transaction).
    expect(watched.locator("#notifications")).to_contain_text("Значение сохранено.")
    bar = watched.locator("[data-testid=goal] .progress-bar[data-width]").first
    expect(bar).to_have_attribute("style", f"width: {int(bar.get_attribute('data-width'))}%;")
    assert watched.evaluate("window.__marker") == "no reload"


def test_the_admin_works_under_the_policy(watched: Page, live_server):
    base = live_server.url
    watched.goto(f"{base}/admin/")
    watched.get_by_label("Имя пользователя").fill("admin")
    watched.get_by_label("Пароль").fill("demo")
    watched.get_by_role("button", name="Войти").click()
    expect(watched).to_have_url(f"{base}/admin/")

    # A change list with its filters and a change form with its widgets' scripts (calendar,
    # select boxes), then a search that reloads the list.
    watched.goto(f"{base}/admin/tasks/task/")
    watched.locator("#searchbar").fill("субсид")
    watched.locator("#searchbar").press("Enter")
    expect(watched).to_have_url(re.compile(r"[?&]q="))
    watched.goto(f"{base}/admin/akimat/user/")
    watched.get_by_role("link", name="specialist.agriculture", exact=True).click()
    expect(watched.locator("#user_form")).to_be_visible()
    # SelectFilter (the groups' two boxes) is drawn by the admin's own script.
    expect(watched.locator(".selector-available").first).to_be_visible()
