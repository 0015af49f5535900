"""The applicant in Chromium: no login, the status page in Kazakh, a wrong pair, then the right
one; what the person sees is the status and the term, and nothing of the appeal's content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from appeals.models import Status
from tests.appeals.factories import AppealFactory, received
from tests.axe import serious_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def test_the_applicant_sees_the_status_and_the_term_in_kazakh(page: Page, live_server):
    cache.clear()
    appeal = AppealFactory(
        number=42,
        received_at=received(dt.date(2026, 11, 16)),
        applicant_name="Сериков Нурлан Ерланович",
        applicant_phone="+77015551234",
        summary="Просьба ускорить выдачу АПЗ",
        status=Status.IN_WORK,
    )
    page.goto(f"{live_server.url}/appeals/status/")
    # Russian first, as the portal's default; the visitor switches to Kazakh.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Статус обращения")
    page.get_by_role("button", name="KK").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")

    page.get_by_label("Талон нөмірі").fill("2026-42")
    page.get_by_label("Телефонның соңғы төрт цифры немесе мәртебе коды").fill("9999")
    page.get_by_role("button", name="Мәртебені көрсету").click()
    expect(page.get_by_test_id("not-found")).to_contain_text("Өтініш табылмады")
    expect(page.get_by_test_id("appeal-status")).to_have_count(0)

    page.get_by_label("Талон нөмірі").fill("2026-00042")
    page.get_by_label("Телефонның соңғы төрт цифры немесе мәртебе коды").fill("1234")
    page.get_by_role("button", name="Мәртебені көрсету").click()
    status = page.get_by_test_id("appeal-status")
    expect(status).to_contain_text("2026-00042")
    expect(page.get_by_test_id("status-text")).to_have_text("Орындаушының қарауында")
    expect(page.get_by_test_id("deadline")).to_contain_text(f"{appeal.deadline:%d.%m.%Y}")
    expect(page.locator("body")).not_to_contain_text("Сериков")
    expect(page.locator("body")).not_to_contain_text("АПЗ")
    assert "/appeals/status/" in page.url and "?" not in page.url
    assert serious_violations(page) == []
