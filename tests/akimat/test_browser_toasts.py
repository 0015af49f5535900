"""Toasts in Chromium: a burst of them shows at most two, the newest; each goes by itself; while
they are shown the page keeps room below its end, so they cover none of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from akimat.models import Role
from tests.factories import UserFactory
from tests.tasks.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_burst_of_toasts_shows_the_newest_two_then_they_go(page: Page, live_server, size):
    UserFactory(username="toasts", password="demo", roles=[Role.METHODOLOGIST])
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, live_server.url, "toasts")
    toasts = page.locator("#notifications .toast")
    for n in range(1, 5):
        page.evaluate("n => window.akimat.notify('Сохранено ' + n, 'success')", n)
    expect(toasts).to_have_count(2)
    expect(toasts).to_have_text(["Сохранено 3", "Сохранено 4"])
    page.evaluate("window.akimat.notify('Сохранено 4', 'success')")
    expect(toasts).to_have_text(["Сохранено 3", "Сохранено 4"])  # the same text once

    # The page's end can be scrolled out from under the toasts.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    room = page.evaluate(
        "() => { const main = document.querySelector('main').getBoundingClientRect();"
        " const area = document.getElementById('notifications').getBoundingClientRect();"
        " const last = [...document.querySelectorAll('main *')].filter(e => e.getClientRects().length)"
        "   .reduce((b, e) => Math.max(b, e.getBoundingClientRect().bottom), 0);"
        " return {last, top: area.top, wide: area.width, screen: innerWidth, main: main.bottom}; }"
    )
    assert room["last"] <= room["top"], room
    assert room["wide"] <= room["screen"], room

    page.mouse.move(0, 0)
    expect(toasts).to_have_count(0, timeout=10_000)
    assert "has-toasts" not in (page.locator("body").get_attribute("class") or "")
