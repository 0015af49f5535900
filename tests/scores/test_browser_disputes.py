"""The Chromium journey of a score dispute: the person disputes a day, the head hears of it under
the bell and answers from the link, and the person hears of the answer and reads it there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from akimat.models import Role
from scores import scoring
from scores.models import ScoreDispute
from tasks.services import deadline_from
from tests.axe import serious_violations
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory
from tests.tasks.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def ru(message: str) -> str:
    with translation.override("ru"):
        return gettext(message)


def test_a_dispute_reaches_the_head_and_the_answer_reaches_the_person(page: Page, live_server):
    yesterday = WORKDAY_MORNING.date() - dt.timedelta(days=1)
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    scoring.ensure_default_policy()
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.disputes", password="demo")
    specialist = UserFactory(
        username="specialist.disputes",
        password="demo",
        first_name="Айгерим",
        last_name="Касымова",
        department=department,
        roles=[Role.SPECIALIST],
    )
    TaskFactory(
        author=head,
        responsible=specialist,
        created_at=deadline_from(dt.date(2026, 10, 1), dt.time(9)),
        deadline=deadline_from(dt.date(2026, 10, 28)),
    )
    scoring.compute_scores(day=yesterday)
    base = live_server.url
    comment = "Задачу закрыла 16-го, акт в приложении"

    sign_in(page, base, "specialist.disputes")
    page.goto(f"{base}/score/")
    page.locator("#dispute-comment").fill(comment)
    page.get_by_role("button", name=ru("Send to my head")).click()
    expect(page.get_by_test_id("my-dispute")).to_contain_text(comment)
    dispute = ScoreDispute.objects.get()

    # The head: one unread line under the bell, leading to the dispute, answered there.
    sign_in(page, base, "head.disputes")
    expect(page.locator("#bell-counter .badge")).to_have_text("1")
    page.locator("#bell button").first.click()
    line = page.locator("#bell-list li").first
    expect(line).to_contain_text(ru("Score disputed"))
    expect(line).to_contain_text(str(specialist))
    expect(line).to_contain_text(comment)
    line.get_by_role("link", name=ru("Open the dispute")).click()
    expect(page).to_have_url(f"{base}/score/disputes/#dispute-{dispute.pk}")
    card = page.locator(f"#dispute-{dispute.pk}")
    expect(card).to_contain_text(comment)
    assert serious_violations(page) == []
    card.get_by_label(ru("Your answer")).fill("Проверил: акт от 16-го, балл пересчитаем")
    card.get_by_role("button", name=ru("Answer")).click()
    expect(card).to_contain_text("Проверил: акт от 16-го, балл пересчитаем")

    # The person: the answer under the bell, and on their score's disputes through the link.
    sign_in(page, base, "specialist.disputes")
    expect(page.locator("#bell-counter .badge")).to_have_text("1")
    page.locator("#bell button").first.click()
    line = page.locator("#bell-list li").first
    expect(line).to_contain_text(ru("Dispute answered"))
    expect(line).to_contain_text(str(head))
    line.get_by_role("link", name=ru("Open the dispute")).click()
    expect(page).to_have_url(f"{base}/score/?date={yesterday:%Y-%m-%d}#score-disputes")
    expect(page.get_by_test_id("my-dispute")).to_contain_text(
        "Проверил: акт от 16-го, балл пересчитаем"
    )
