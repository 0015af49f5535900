"""The Chromium journeys of tasks: edit, start, submit with a result, accept, and the history shows
which field changed from what to what, and each step; a specialist's blocker from My tasks to
the stand-up and the head's bell."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Locator, Page, expect

from akimat.calendar import ensure_calendar
from akimat.models import Role, User
from tasks import services
from tasks.models import Notification, Status, Task
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def coming_wednesday() -> dt.datetime:
    """10:00 on the next Wednesday: the clock goes forward, never back, so the browser's session
    cookie stays valid, and the day is the same whatever day the suite runs."""
    today = dt.datetime.now(ALMATY).date()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(wednesday, dt.time(10), tzinfo=ALMATY)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти", exact=True).click()
    expect(page).to_have_url(f"{base}/")


def show_more_until(page: Page, section: str, row: Locator) -> None:
    """Click the section's "Show more" until `row` is on the page (or the section ends)."""
    rows = page.locator(f"#{section}-rows > li:not(#{section}-more)")
    more = page.get_by_test_id(f"more-{section}")
    while not row.count() and more.count():
        shown = rows.count()
        more.click()
        expect(rows).not_to_have_count(shown)


def test_author_edits_specialist_submits_author_accepts_and_the_history_tells(
    page: Page, live_server, seeded_demo
):
    head = User.objects.get(username="head.land")
    specialist = User.objects.get(username="specialist.land")
    task = services.create_task(
        author=head,
        title="Справка по заявке ИП «Нұр» на земельный участок",
        responsible=specialist,
        deadline=timezone.now() + dt.timedelta(days=2),
    )

    sign_in(page, live_server.url, "head.land")
    page.goto(f"{live_server.url}/tasks/{task.pk}/edit/")
    page.get_by_label("Приоритет").select_option(label="Высокий")
    page.get_by_label("Номер документа").fill("04-12/345")
    page.get_by_role("button", name="Сохранить").click()
    expect(page).to_have_url(f"{live_server.url}/tasks/{task.pk}/")
    expect(page.get_by_test_id("timeline")).to_contain_text("Приоритет: Обычный → Высокий")

    sign_in(page, live_server.url, "specialist.land")
    page.goto(f"{live_server.url}/tasks/")
    row = page.locator(f"#task-{task.pk}")
    page.evaluate("window.__marker = 'no reload'")
    handed_in = page.get_by_test_id("count-handed-in")
    before = int(handed_in.inner_text())
    row.get_by_role("button", name="Взять в работу").click()
    expect(row).to_contain_text("В работе")
    row.get_by_text("Сдать результат").click()
    row.get_by_label("Результат").fill("Справка подготовлена, исх. № 04-12/345")
    row.get_by_role("button", name="Сдать", exact=True).click()
    expect(page.locator(f"#handed_in #task-{task.pk}")).to_contain_text("Ожидает приёмки")
    expect(page.locator("#notifications")).to_contain_text("сдан")
    expect(handed_in).to_have_text(str(before + 1))  # the counter follows, no reload
    assert page.evaluate("window.__marker") == "no reload"
    assert Task.objects.get(pk=task.pk).status == Status.AWAITING_ACCEPTANCE

    sign_in(page, live_server.url, "head.land")
    page.goto(f"{live_server.url}/tasks/")
    decisions = page.get_by_test_id("count-awaiting")
    waiting = int(decisions.inner_text())
    awaiting = page.locator(f"#awaiting #task-{task.pk}")
    # The oldest results come first: the one just handed in may be a "Show more" or two away.
    show_more_until(page, "awaiting", awaiting)
    expect(awaiting).to_contain_text(task.title)
    awaiting.get_by_role("button", name="Принять").click()
    expect(page.locator("#notifications")).to_contain_text("принят")
    expect(page.locator("#awaiting")).not_to_contain_text(task.title)
    expect(decisions).to_have_text(str(waiting - 1))

    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("задача взята в работу")
    expect(timeline).to_contain_text("результат сдан: Справка подготовлена")
    expect(timeline).to_contain_text("результат принят")
    expect(timeline).to_contain_text("Приоритет: Обычный → Высокий")
    expect(timeline).to_contain_text("Номер документа: — → 04-12/345")
    assert Task.objects.get(pk=task.pk).status == Status.DONE


# Tuesday 17 November 2026, 10:00 in Almaty: a working day (no public holiday that month), so
# the stand-up has a previous working day and nothing depends on the day the suite runs.
TUESDAY_MORNING = dt.datetime(2026, 11, 17, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))


def in_russian(message: str) -> str:
    with translation.override("ru"):
        return gettext(message)


def in_russian_context(context: str, message: str) -> str:
    with translation.override("ru"):
        return pgettext(context, message)


def test_a_specialist_reports_a_blocker_from_my_tasks_and_the_head_hears_of_it(
    page: Page, live_server
):
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.blockers", password="demo")
    specialist = UserFactory(
        username="specialist.blockers",
        password="demo",
        first_name="Айгерим",
        last_name="Касымова",
        department=department,
        roles=[Role.SPECIALIST],
    )
    colleague = UserFactory(department=department, roles=[Role.SPECIALIST])
    blocker = "Нет доступа к ЕГКН, заявка в ЦОН от 12.11"
    base = live_server.url

    with time_machine.travel(TUESDAY_MORNING, tick=True):
        ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
        services.save_standup_blockers(
            user=colleague, date=TUESDAY_MORNING.date(), blockers="Жду подписи юриста"
        )
        services.mark_notifications_read(user=head)  # the head has seen the colleague's already
        sign_in(page, base, "specialist.blockers")

        # My tasks: the form is on top; saving swaps it in place with a message and a toast.
        page.goto(f"{base}/tasks/")
        page.evaluate("window.__marker = 'no reload'")
        card = page.get_by_test_id("blockers-card")
        expect(card).not_to_have_attribute("open", "")  # folded while there is nothing to say
        none = in_russian_context("blockers", "none")
        expect(page.locator("#blockers-state")).to_have_text(none)
        card.get_by_text(in_russian("Blockers for today's stand-up")).click()
        form = page.locator("#standup-blockers-form")
        form.get_by_label(in_russian("What is blocking you today?")).fill(blocker)
        form.get_by_role("button", name=in_russian("Save blockers")).click()
        saved = in_russian("Blockers saved.")
        expect(page.locator("#standup-blockers-form [role=status]")).to_have_text(saved)
        expect(page.locator("#notifications")).to_contain_text(saved)
        expect(page.locator("#standup-blockers")).to_have_value(blocker)
        expect(page.locator("#blockers-state")).to_have_text("")  # the card's summary follows
        assert page.evaluate("window.__marker") == "no reload"

        # The stand-up of their own directorate, read-only but for their own card: the text is
        # there and two people now have blockers.
        page.get_by_role("link", name=in_russian("Open the stand-up")).click()
        expect(page).to_have_url(f"{base}/tasks/standup/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(department.name_ru)
        expect(page.locator('[data-total="blockers"]')).to_have_text("2")
        mine = page.get_by_role("article", name=str(specialist))
        expect(mine.get_by_label(in_russian("What is blocking you today?"))).to_have_value(blocker)
        theirs = page.get_by_role("article", name=str(colleague))
        expect(theirs).to_contain_text("Жду подписи юриста")
        expect(theirs.locator("textarea")).to_have_count(0)
        expect(page.locator("select[name=department]")).to_have_count(0)

        # The head: one unread notification under the bell, with the text and the way to the
        # stand-up, where the blocker is on the specialist's card.
        sign_in(page, base, "head.blockers")
        expect(page.locator("#bell-counter .badge")).to_have_text("1")
        page.locator("#bell button").first.click()
        line = page.locator("#bell-list li").first  # the latest
        expect(line).to_contain_text(in_russian("Blocker raised"))
        expect(line).to_contain_text(str(specialist))
        expect(line).to_contain_text(blocker)
        expect(line).to_have_class(re.compile(r"\bfw-bold\b"))  # unread
        line.get_by_role("link", name=in_russian("Stand-up")).click()
        expect(page).to_have_url(f"{base}/tasks/standup/?department={department.pk}")
        expect(page.get_by_role("article", name=str(specialist))).to_contain_text(blocker)
        expect(page.locator('[data-total="blockers"]')).to_have_text("2")

        # The head's own blocker, typed on the stand-up: the counter follows without a reload.
        page.evaluate("window.__marker = 'no reload'")
        own = page.get_by_role("article", name=str(head))
        own.get_by_label(in_russian("What is blocking you today?")).fill("Жду решения акима")
        own.get_by_role("button", name=in_russian("Save blockers")).click()
        expect(page.locator("#notifications")).to_contain_text(saved)
        expect(page.locator('[data-total="blockers"]')).to_have_text("3")
        # Cleared: a message of its own, and the counter goes down again.
        own.get_by_label(in_russian("What is blocking you today?")).fill("")
        own.get_by_role("button", name=in_russian("Save blockers")).click()
        expect(own.get_by_role("status")).to_have_text(in_russian("No blockers for today."))
        expect(page.locator('[data-total="blockers"]')).to_have_text("2")
        assert page.evaluate("window.__marker") == "no reload"
    assert Notification.objects.filter(recipient=head, actor=specialist).count() == 1


def test_my_tasks_shows_25_a_section_and_show_more_appends_the_rest_in_place(
    page: Page, live_server
):
    now = coming_wednesday()
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.pages", password="demo")
    specialist = UserFactory(
        username="specialist.pages", password="demo", department=department, roles=["specialist"]
    )
    base = live_server.url

    with time_machine.travel(now, tick=True):
        for n in range(60):
            TaskFactory(
                author=head,
                responsible=specialist,
                title=f"Справка № {n + 1:02d}",
                deadline=now - dt.timedelta(days=30) + dt.timedelta(hours=n),
            )
        sign_in(page, base, "specialist.pages")
        page.goto(f"{base}/tasks/")
        page.evaluate("window.__marker = 'no reload'")
        expect(page.get_by_test_id("count-overdue")).to_have_text("60")
        overdue = page.locator("#overdue")
        expect(overdue.get_by_role("heading")).to_contain_text("Просрочено 60")
        rows = overdue.locator("li[id^='task-']")
        expect(rows).to_have_count(25)
        expect(rows.first).to_contain_text("Справка № 01")
        expect(rows.last).to_contain_text("Справка № 25")

        more = overdue.get_by_role("link", name="Показать ещё")
        more.click()
        expect(rows).to_have_count(50)
        expect(rows.nth(25)).to_contain_text("Справка № 26")
        # The first row that came takes the focus, so the keyboard goes on from there.
        expect(rows.nth(25).get_by_role("link", name="Справка № 26")).to_be_focused()

        more.click()
        expect(rows).to_have_count(60)
        expect(rows.last).to_contain_text("Справка № 60")
        expect(more).to_have_count(0)
        expect(page.get_by_test_id("count-overdue")).to_have_text("60")
        assert page.evaluate("window.__marker") == "no reload"


def test_a_refused_move_request_keeps_what_was_typed_and_the_decision_says_which(
    page: Page, live_server
):
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head_of(department, username="head.moves", password="demo")
    specialist = UserFactory(
        username="specialist.moves", password="demo", department=department, roles=[Role.SPECIALIST]
    )
    base = live_server.url
    moment = coming_wednesday()
    friday = moment.date() + dt.timedelta(days=2)
    reason = "Ждём выписку из ЕГКН"
    with time_machine.travel(moment, tick=True):
        ensure_calendar(
            start=moment.date() - dt.timedelta(days=7), end=friday + dt.timedelta(days=60)
        )
        task = services.create_task(
            author=department.head,
            title="Справка по аренде участка",
            responsible=specialist,
            deadline=services.deadline_from(moment.date()),
        )
        services.mark_notifications_read(user=specialist)  # the new task, seen already
        sign_in(page, base, "specialist.moves")
        page.goto(f"{base}/tasks/")
        page.evaluate("window.__marker = 'no reload'")
        row = page.locator(f"#task-{task.pk}")
        row.get_by_role("link", name=in_russian("Ask to move the deadline")).click()
        date = row.get_by_label(in_russian("New deadline"))
        date.fill("2020-01-10")
        row.get_by_label(in_russian("Time")).fill("15:00")
        row.get_by_label(in_russian("Reason")).fill(reason)
        row.get_by_role("button", name=in_russian("Send the request")).click()

        # Refused: the reason is shown in the row, and what was typed is still there to correct.
        refused = in_russian("The new deadline must be in the future.")
        expect(row.get_by_role("alert")).to_have_text(refused)
        expect(page.locator("#notifications")).to_contain_text(refused)
        expect(date).to_have_value("2020-01-10")
        expect(row.get_by_label(in_russian("Time"))).to_have_value("15:00")
        expect(row.get_by_label(in_russian("Reason"))).to_have_value(reason)
        assert serious_violations(page) == []
        date.fill(friday.isoformat())
        row.get_by_role("button", name=in_russian("Send the request")).click()
        sent = in_russian("The request to move the deadline has been sent.")
        expect(page.locator("#notifications")).to_contain_text(sent)
        expect(row.get_by_role("alert")).to_have_count(0)
        assert page.evaluate("window.__marker") == "no reload"

        # The head refuses with a reason; the specialist's bell says so, and why.
        sign_in(page, base, "head.moves")
        page.goto(f"{base}/tasks/")
        move = page.locator("#awaiting li", has_text=task.title)
        move.get_by_placeholder(in_russian("Note (optional)")).fill("Срок установлен акимом")
        move.get_by_role("button", name=in_russian("Refuse")).click()
        expect(page.locator("#notifications")).to_contain_text(
            in_russian("The decision has been saved.")
        )
        sign_in(page, base, "specialist.moves")
        expect(page.locator("#bell-counter .badge")).to_have_text("1")
        page.locator("#bell button").first.click()
        line = page.locator("#bell-list li").first
        expect(line).to_contain_text(in_russian("Deadline move refused"))
        expect(line).to_contain_text("Причина: Срок установлен акимом")
        expect(line.get_by_role("link", name=task.title)).to_be_visible()
        page.goto(f"{base}/tasks/notifications/")
        expect(page.get_by_role("main")).to_contain_text("Причина: Срок установлен акимом")
        assert serious_violations(page) == []
