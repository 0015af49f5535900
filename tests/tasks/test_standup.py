from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from akimat.calendar import ensure_calendar
from tasks.models import Notification, StandupNote, Status
from tasks.services import deadline_from, save_standup_blockers
from tests.factories import UserFactory, head_of
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
URL = reverse("tasks:standup")
BLOCKERS_URL = reverse("tasks:standup-blockers")

# Wednesday 18 November 2026, 11:00 local time; the last working day was Tuesday the 17th.
# November 2026 has no public holiday in Kazakhstan, so only the weekend is a day off.
WEDNESDAY = dt.date(2026, 11, 18)
NOW = deadline_from(WEDNESDAY, dt.time(11))


def _stop_the_clock(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=40), end=today + dt.timedelta(days=400))


@pytest.fixture(autouse=True)
def now(monkeypatch):
    _stop_the_clock(monkeypatch, NOW)
    return NOW


def _in_russian(message: str) -> str:
    """The message as a Russian-speaking person gets it (the portal's default language)."""
    with translation.override("ru"):
        return gettext(message)


@pytest.fixture
def scenario(head, specialist, colleague, outsider):
    def mine(title, deadline, **kwargs):
        return TaskFactory(
            title=title, author=head, responsible=specialist, deadline=deadline, **kwargs
        )

    friday = deadline_from(dt.date(2026, 11, 13))
    mine("Сдано вчера", friday, status=Status.DONE, done_at=NOW - dt.timedelta(hours=20))
    mine("Сдано в понедельник", friday, status=Status.DONE, done_at=NOW - dt.timedelta(days=2))
    mine("Срок сегодня вечером", deadline_from(WEDNESDAY))
    mine("Срок был утром", deadline_from(WEDNESDAY, dt.time(9)))
    mine("Просрочено с пятницы", friday, status=Status.IN_PROGRESS)
    mine("Срок в пятницу", deadline_from(dt.date(2026, 11, 20)))
    mine("Отменено", friday, status=Status.CANCELLED)
    TaskFactory(title="Чужое", author=outsider, responsible=outsider, deadline=friday)
    save_standup_blockers(user=colleague, date=WEDNESDAY, blockers="Нет доступа к ЕГКН")


def _card(response, person):
    return next(card for card in response.context["cards"] if card.person == person)


def _titles(tasks):
    return [task.title for task in tasks]


# --- who may open it -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["specialist", "receptionist", "outsider"])
def test_standup_is_not_found_for_people_without_a_directorate_to_run(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404


def test_head_of_another_directorate_cannot_open_our_standup(client, department, other_department):
    client.force_login(head_of(other_department, username="land-head"))
    assert client.get(URL, {"department": department.pk}).status_code == 404


def test_head_opens_own_directorates_standup(client, head, department, other_department):
    client.force_login(head)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["department"] == department
    assert 'name="department"' not in response.text


@pytest.mark.parametrize("persona", ["deputy", "methodologist"])
def test_deputy_and_methodologist_can_open_any_standup(
    client, request, persona, department, other_department
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, {"department": other_department.pk})
    assert response.status_code == 200
    assert response.context["department"] == other_department
    assert client.get(URL, {"department": "x"}).status_code == 404


# --- what it shows ---------------------------------------------------------------------------


def test_standup_shows_done_since_last_working_day_due_today_overdue_and_blockers(
    client, head, specialist, colleague, scenario
):
    client.force_login(head)
    response = client.get(URL)
    assert response.context["since"] == dt.date(2026, 11, 17)
    card = _card(response, specialist)
    assert _titles(card.done) == ["Сдано вчера"]
    assert _titles(card.due_today) == ["Срок сегодня вечером"]
    # This morning's deadline has passed: overdue, 0 working days yet; Friday's is 3 (Mon-Wed).
    assert _titles(card.overdue) == ["Просрочено с пятницы", "Срок был утром"]
    assert [task.overdue_days for task in card.overdue] == [3, 0]
    assert _card(response, colleague).blockers == "Нет доступа к ЕГКН"
    assert response.context["totals"] == {"done": 1, "due_today": 1, "overdue": 2, "blockers": 1}
    assert "Нет доступа к ЕГКН" in response.text
    assert "Сдано в понедельник" not in response.text
    assert "Срок в пятницу" not in response.text
    assert "Отменено" not in response.text
    assert "Чужое" not in response.text
    assert [c.person for c in response.context["cards"]] == [colleague, head, specialist]


def test_standup_on_monday_shows_what_was_done_since_friday(client, monkeypatch, head, specialist):
    monday = deadline_from(dt.date(2026, 11, 16), dt.time(9))
    due = deadline_from(dt.date(2026, 11, 20))
    thursday_evening = deadline_from(dt.date(2026, 11, 12), dt.time(19))
    friday_morning = deadline_from(dt.date(2026, 11, 13), dt.time(10))
    TaskFactory(
        title="Четверг",
        responsible=specialist,
        deadline=due,
        status=Status.DONE,
        done_at=thursday_evening,
    )
    TaskFactory(
        title="Пятница",
        responsible=specialist,
        deadline=due,
        status=Status.DONE,
        done_at=friday_morning,
    )
    _stop_the_clock(monkeypatch, monday)
    client.force_login(head)
    response = client.get(URL)
    assert response.context["since"] == dt.date(2026, 11, 13)
    assert _titles(_card(response, specialist).done) == ["Пятница"]


def test_standup_links_each_task_to_its_page(client, head, specialist):
    task = TaskFactory(title="Справка", responsible=specialist, deadline=deadline_from(WEDNESDAY))
    client.force_login(head)
    response = client.get(URL)
    assert f'href="{task.get_absolute_url()}"' in response.text


def test_standup_gives_the_viewer_a_blockers_form_on_their_own_card_only(
    client, head, specialist, colleague, scenario
):
    save_standup_blockers(user=head, date=WEDNESDAY, blockers="Жду ответа юристов")
    client.force_login(head)
    response = client.get(URL)
    assert response.text.count('id="standup-blockers-form"') == 1
    assert response.context["my_blockers"] == "Жду ответа юристов"
    assert ">Жду ответа юристов</textarea>" in response.text
    client.force_login(UserFactory(roles=["deputy"]))
    assert 'id="standup-blockers-form"' not in client.get(URL).text


def test_standup_query_count_is_the_same_at_ten_times_the_data(
    client, head, department, django_assert_num_queries
):
    # session, user, the user's roles, the head's directorate, the calendar's coverage check,
    # the previous working day, the directorate's people, one query for all their tasks (with
    # overdue working days), today's stand-up notes, the unread notifications under the bell
    client.force_login(head)

    def people_with_work(count):
        yesterday = NOW - dt.timedelta(days=1)
        last_friday = deadline_from(dt.date(2026, 11, 13))
        for person in UserFactory.create_batch(count, department=department):
            TaskFactory(
                author=head,
                responsible=person,
                deadline=yesterday,
                status=Status.DONE,
                done_at=yesterday,
            )
            TaskFactory(author=head, responsible=person, deadline=deadline_from(WEDNESDAY))
            TaskFactory(author=head, responsible=person, deadline=last_friday)
            save_standup_blockers(user=person, date=WEDNESDAY, blockers="Жду подписи")

    people_with_work(2)
    with django_assert_num_queries(10):
        small = client.get(URL)
    people_with_work(18)
    with django_assert_num_queries(10):
        large = client.get(URL)
    assert small.context["totals"] == {"done": 2, "due_today": 2, "overdue": 2, "blockers": 2}
    assert large.context["totals"] == {"done": 20, "due_today": 20, "overdue": 20, "blockers": 20}
    assert sum(t.overdue_days for c in large.context["cards"] for t in c.overdue) == 60


# --- blockers --------------------------------------------------------------------------------


def test_blockers_are_saved_and_the_head_is_notified(client, head, specialist):
    client.force_login(specialist)
    response = client.post(BLOCKERS_URL, {"blockers": "Нет ключа ЭЦП"}, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="standup-blockers-form"')
    assert "<html" not in response.text
    assert _in_russian("Blockers saved.") in response.text
    assert StandupNote.objects.get(user=specialist, date=WEDNESDAY).blockers == "Нет ключа ЭЦП"
    notification = Notification.objects.get(recipient=head)
    assert notification.kind == Notification.Kind.BLOCKER
    assert notification.actor == specialist


def test_blockers_over_ten_thousand_characters_are_refused_and_nothing_is_saved(
    client, head, specialist
):
    client.force_login(specialist)
    response = client.post(BLOCKERS_URL, {"blockers": "я" * 10_001}, headers=HX)
    assert response.status_code == 200
    message = _in_russian("At most %(limit)s characters, please.") % {"limit": 10_000}
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert not StandupNote.objects.exists()
    assert not Notification.objects.exists()
    response = client.post(BLOCKERS_URL, {"blockers": "я" * 10_001})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert not StandupNote.objects.exists()


def test_blockers_of_exactly_ten_thousand_characters_are_kept(client, head, specialist):
    client.force_login(specialist)
    client.post(BLOCKERS_URL, {"blockers": "я" * 10_000}, headers=HX)
    assert len(StandupNote.objects.get(user=specialist).blockers) == 10_000


def test_blockers_are_escaped_in_the_answer_and_on_the_standup(client, head, specialist):
    client.force_login(specialist)
    script = "<script>alert(1)</script>"
    response = client.post(BLOCKERS_URL, {"blockers": script}, headers=HX)
    assert script not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    client.force_login(head)
    page = client.get(URL)
    assert script not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_emptying_blockers_removes_them(client, head, specialist):
    save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="Жду подписи")
    client.force_login(specialist)
    response = client.post(BLOCKERS_URL, {"blockers": "  "}, headers=HX)
    assert _in_russian("No blockers for today.") in response.text
    assert not StandupNote.objects.exists()


def test_plain_blockers_post_returns_to_a_safe_next(client, head, specialist):
    client.force_login(specialist)
    response = client.post(BLOCKERS_URL, {"blockers": "Жду подписи", "next": "/people/?q=a"})
    assert response.status_code == 302
    assert response["Location"] == "/people/?q=a"
    assert StandupNote.objects.filter(user=specialist).exists()


def test_plain_blockers_post_ignores_an_outside_next(client, head, specialist):
    client.force_login(specialist)
    response = client.post(BLOCKERS_URL, {"blockers": "x", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")  # a specialist cannot open the stand-up
    client.force_login(head)
    response = client.post(BLOCKERS_URL, {"blockers": "x", "next": "//evil.example/"})
    assert response["Location"] == URL


def test_blockers_need_a_directorate_a_post_and_a_login(client, deputy, specialist):
    assert client.post(BLOCKERS_URL, {"blockers": "x"}).status_code == 302
    client.force_login(deputy)
    assert client.post(BLOCKERS_URL, {"blockers": "x"}, headers=HX).status_code == 403
    client.force_login(specialist)
    assert client.get(BLOCKERS_URL).status_code == 405
    assert not StandupNote.objects.exists()
