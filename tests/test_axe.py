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


def test_a_toast_fading_in_is_checked_once_it_is_opaque(page: Page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    # Bootstrap drops the class `showing` first and then fades the toast in; a slow fade-in (set
    # on the new toast at once, through the style object) is what a busy machine looks like.
    page.evaluate(
        """() => {
            window.akimat.notify('Задача сохранена.', 'success');
            const toast = document.querySelector('#notifications .toast:last-child');
            toast.style.transitionDuration = '4s';
        }"""
    )
    toast = page.locator("#notifications .toast")
    expect(toast).to_have_class("toast align-items-center border-0 text-bg-success fade show")
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('#notifications .toast')).opacity"
        )
        != "1"
    )
    assert serious_violations(page) == []
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('#notifications .toast')).opacity"
        )
        == "1"
    )


def test_a_toast_in_view_stays_while_it_is_checked_and_goes_after(page: Page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.evaluate("window.akimat.notify('Задача сохранена.', 'success')")
    toast = page.locator("#notifications .toast")
    expect(toast).to_have_class("toast align-items-center border-0 text-bg-success fade show")
    assert serious_violations(page) == []
    expect(toast).to_be_visible()
    expect(toast).to_have_count(0, timeout=15_000)


def test_a_dialog_fading_in_is_checked_once_it_is_opaque(page: Page, live_server):
    page.goto(f"{live_server.url}{reverse('login')}")
    # A dialog as the Kanban board opens one, with a slow fade-in (a busy machine).
    page.evaluate(
        """() => {
            const modal = document.createElement('div');
            modal.className = 'modal fade';
            modal.tabIndex = -1;
            modal.setAttribute('aria-label', 'Ожидает приёмки');
            const dialog = document.createElement('div');
            dialog.className = 'modal-dialog';
            const content = document.createElement('div');
            content.className = 'modal-content p-3';
            const close = document.createElement('button');
            close.type = 'button';
            close.className = 'btn btn-outline-secondary';
            close.textContent = 'Отмена';
            content.appendChild(close);
            dialog.appendChild(content);
            modal.appendChild(dialog);
            document.body.appendChild(modal);
            modal.style.transitionDuration = '4s';
            new bootstrap.Modal(modal).show();
        }"""
    )
    opacity = "() => getComputedStyle(document.querySelector('.modal')).opacity"
    expect(page.locator(".modal")).to_be_visible()
    assert page.evaluate(opacity) != "1"
    assert serious_violations(page) == []
    assert page.evaluate(opacity) == "1"
