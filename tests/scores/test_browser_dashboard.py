"""The Chromium journey of the dashboard: the deputy opens it, drills into agriculture, sees its
head with about twenty overdue tasks of their own, and opens one — all without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from akimat.models import User
from scores import scoring
from tasks.models import Task
from tests.tasks.test_browser import sign_in

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def test_the_deputy_drills_into_agriculture_and_opens_an_overdue_task_of_its_head(
    page: Page, live_server, seeded_demo
):
    # A transactional test's flush also empties the migration's default bonus policy.
    scoring.ensure_default_policy()
    head = User.objects.get(username="head.agriculture")
    overdue = Task.objects.overdue().filter(responsible=head).count()
    assert 15 <= overdue <= 25  # the article's head: about twenty overdue tasks
    base = live_server.url

    sign_in(page, base, "deputy")
    page.get_by_role("link", name="Мониторинг", exact=True).click()
    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="Мониторинг просрочек")).to_be_visible()
    page.evaluate("window.__marker = 'no reload'")

    ranking = page.locator("#dashboard-ranking")
    expect(ranking.get_by_test_id("directorate-row")).to_have_count(5)
    ranking.get_by_role("link", name="Управление сельского хозяйства").click()

    detail = page.locator("#dashboard-detail")
    head_row = detail.get_by_test_id("person-row").filter(has_text=str(head))
    expect(head_row).to_contain_text("руководитель")
    expect(head_row.locator(".badge.text-bg-danger")).to_have_text(str(overdue))
    head_row.get_by_role("link", name=str(head)).click()

    tasks = page.locator("#dashboard-person")
    expect(tasks.get_by_test_id("task-row")).to_have_count(overdue)
    assert page.evaluate("window.__marker") == "no reload"
    assert page.url == f"{base}/dashboard/"

    # The demo repeats titles: the link's own address says which task it is.
    first = tasks.get_by_test_id("task-row").first.get_by_role("link")
    title, href = first.inner_text(), first.get_attribute("href")
    task = Task.objects.overdue().get(pk=int(href.rstrip("/").rsplit("/", 1)[1]))
    assert task.responsible == head and task.title == title
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page).to_have_url(f"{base}/tasks/{task.pk}/")
