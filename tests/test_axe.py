"""The accessibility helper itself (tests/axe.py): it reads a toast at rest, never mid-fade."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_toast_fading_out_is_checked_once_it_has_gone(page: Page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.evaluate("window.akimat.notify('Задача сохранена.', 'success')")
    toast = page.locator("#notifications .toast")
    expect(toast).to_have_class("toast align-items-center border-0 text-bg-success fade show")
    # A slow fade (set through the style object, which the page's policy allows), so that axe
    # would catch the text half transparent if it did not wait.
    page.evaluate(
        """() => {
            const toast = document.querySelector('#notifications .toast');
            toast.style.transitionDuration = '4s';
            bootstrap.Toast.getInstance(toast).hide();
        }"""
    )
    expect(toast).to_have_class(
        "toast align-items-center border-0 text-bg-success fade show showing"
    )
    assert serious_violations(page) == []
    expect(toast).to_have_count(0)


def test_a_toast_in_view_stays_while_it_is_checked_and_goes_after(page: Page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.evaluate("window.akimat.notify('Задача сохранена.', 'success')")
    toast = page.locator("#notifications .toast")
    expect(toast).to_have_class("toast align-items-center border-0 text-bg-success fade show")
    assert serious_violations(page) == []
    expect(toast).to_be_visible()
    expect(toast).to_have_count(0, timeout=15_000)
