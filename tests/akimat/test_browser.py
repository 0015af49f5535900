"""User journeys in real Chromium: every demo role signs in and sees its own home page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

# login -> (what only that role's home shows, in Russian, in Kazakh)
ROLES = {
    "admin": ("Администрирование", "Әкімшілендіру"),
    "deputy": ("Управления", "Басқармалар"),
    "reception": ("Управления", "Басқармалар"),
    "methodologist": ("Управления", "Басқармалар"),
    "head.agriculture": ("Мои сотрудники", "Менің командам"),
    "specialist.agriculture": ("Моё управление", "Менің басқармам"),
}
ROLE_BADGE = {
    "admin": ("Администратор", "Әкімші"),
    "deputy": ("Заместитель акима", "Әкім орынбасары"),
    "reception": ("Специалист единой приёмной", "Қабылдау орнының маманы"),
    "methodologist": ("Методолог", "Әдіснамашы"),
    "head.agriculture": ("Руководитель управления", "Басқарма басшысы"),
    "specialist.agriculture": ("Специалист", "Маман"),
}


@pytest.fixture
def demo(seeded_demo):
    """The demo loaded (tests/demo.py)."""


def sign_in(page: Page, base: str, username: str, button: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("Имя пользователя|Пайдаланушы аты")).fill(username)
    page.get_by_label(re.compile("Пароль|Құпия ?сөз")).fill("demo")
    page.get_by_role("button", name=button, exact=True).click()
    # Signed in when the home page has loaded, its deferred scripts (htmx) included.
    expect(page).to_have_url(f"{base}/")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("username", list(ROLES))
def test_demo_role_signs_in_and_sees_its_home_in_russian(page: Page, live_server, demo, username):
    sign_in(page, live_server.url, username, "Войти")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Добрый день")
    expect(page.get_by_test_id("roles")).to_contain_text(ROLE_BADGE[username][0])
    expect(page.locator("body")).to_contain_text(ROLES[username][0])


@pytest.mark.parametrize("username", list(ROLES))
def test_demo_role_picks_kazakh_on_the_login_page_and_keeps_it(
    page: Page, live_server, demo, username
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="KK").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    sign_in(page, live_server.url, username, "Кіру")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("navigation", name="Басты мәзір")).to_contain_text("Басты бет")
    expect(page.get_by_test_id("roles")).to_contain_text(ROLE_BADGE[username][1])
    expect(page.locator("body")).to_contain_text(ROLES[username][1])

    # The choice lives on the account: a fresh browser session opens in Kazakh too.
    page.context.clear_cookies()
    sign_in(page, live_server.url, username, "Войти")
    expect(page.locator("html")).to_have_attribute("lang", "kk")


def test_people_search_as_you_type_without_reload(page: Page, live_server, demo):
    sign_in(page, live_server.url, "reception", "Войти")
    page.goto(f"{live_server.url}/people/")
    rows = page.locator("#people-results tbody tr")
    expect(rows).to_have_count(50)
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("ФИО, должность или логин").press_sequentially("head.agri", delay=30)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Руководитель управления")
    assert page.evaluate("window.__marker") == "same page"  # htmx swapped; no reload


def test_wrong_password_shows_a_clear_message(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("deputy")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("правильные имя пользователя и пароль")


def test_htmx_request_after_the_session_ended_lands_on_the_login_page(
    page: Page, live_server, demo
):
    sign_in(page, live_server.url, "deputy", "Войти")
    page.goto(f"{live_server.url}/people/")
    page.context.clear_cookies()
    page.get_by_label("ФИО, должность или логин").press_sequentially("Ахм", delay=30)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Войти")


def test_a_failed_htmx_request_tells_the_person(page: Page, live_server, demo):
    sign_in(page, live_server.url, "specialist.land", "Войти")
    before = page.locator("main").inner_html()
    page.evaluate("htmx.ajax('GET', '/no-such-page/', {target: '#main', swap: 'innerHTML'})")
    expect(page.locator("#notifications")).to_contain_text("не найдено")
    assert page.locator("main").inner_html() == before  # nothing was swapped in
