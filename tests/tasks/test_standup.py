from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from akimat.calendar import ensure_calendar
from akimat.navigation import menu_for
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


def _stop_the_clock(time_machine, moment):
    time_machine.move_to(moment, tick=False)
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=40), end=today + dt.timedelta(days=400))


@pytest.fixture(autouse=True)
def now(time_machine):
    _stop_the_clock(time_machine, NOW)
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


def test_standup_is_not_found_for_someone_without_a_directorate(client, receptionist):
    client.force_login(receptionist)
    assert client.get(URL).status_code == 404


def test_specialist_reads_own_directorates_standup_with_only_their_own_blockers_editable(
    client, head, specialist, colleague, scenario
):
    theirs = TaskFactory(
        title="Задача коллеги",
        author=head,
        responsible=colleague,
        deadline=deadline_from(WEDNESDAY),
    )
    client.force_login(specialist)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["department"] == specialist.department
    assert response.context["departments"] == [specialist.department]
    assert 'name="department"' not in response.text  # no picker: one directorate
    # The colleague's card with their blockers, their task named but not linked (a specialist
    # cannot open it); the one form is on the specialist's own card.
    assert "Нет доступа к ЕГКН" in response.text
    assert "Задача коллеги" in response.text
    assert f'href="{theirs.get_absolute_url()}"' not in response.text
    mine = _card(response, specialist).due_today[0]
    assert f'href="{mine.get_absolute_url()}"' in response.text
    assert response.text.count('id="standup-blockers-form"') == 1
    form_at = response.text.index('id="standup-blockers-form"')
    card_at = response.text.rfind('id="standup-person-', 0, form_at)
    assert card_at == response.text.rfind(f'id="standup-person-{specialist.pk}"', 0, form_at)
    assert response.context["totals"]["blockers"] == 1
    assert URL in [link.url for link in menu_for(specialist, current_path="/")]


def test_specialist_cannot_open_another_directorates_standup(
    client, specialist, department, other_department
):
    client.force_login(specialist)
    assert client.get(URL, {"department": department.pk}).status_code == 200
    assert client.get(URL, {"department": other_department.pk}).status_code == 404
    assert client.get(URL, {"department": "x"}).status_code == 404


def test_a_specialist_of_another_directorate_sees_theirs_not_ours(
    client, outsider, department, other_department
):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.context["department"] == other_department
    assert client.get(URL, {"department": department.pk}).status_code == 404


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


def test_standup_on_monday_shows_what_was_done_since_friday(client, time_machine, head, specialist):
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
    _stop_the_clock(time_machine, monday)
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


@pytest.mark.parametrize("viewer", ["head", "specialist"])
def test_standup_query_count_is_the_same_at_ten_times_the_data(
    client, request, viewer, head, department, django_assert_num_queries
):
    # session, user, the user's roles, the directorates they may open (overseen or their own),
    # the calendar's coverage check, the previous working day, the directorate's people, one
    # query for all their tasks (with overdue working days and whether the viewer may open
    # each), today's stand-up notes, the unread notifications under the bell
    client.force_login(request.getfixturevalue(viewer))

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
    assert response["Location"] == URL  # the specialist's own directorate's stand-up
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


def _trigger(response) -> dict:
    return json.loads(response.get("HX-Trigger", "{}"))


def test_specialist_posts_edits_and_clears_their_blockers_and_the_head_hears_of_each_change(
    client, head, specialist
):
    client.force_login(specialist)

    def post(text):
        return client.post(BLOCKERS_URL, {"blockers": text, "next": "/tasks/"}, headers=HX)

    def heard():
        return list(
            Notification.objects.filter(recipient=head, kind=Notification.Kind.BLOCKER)
            .order_by("pk")
            .values_list("text", flat=True)
        )

    response = post("Нет ключа ЭЦП")
    assert _trigger(response)["notify"] == {
        "text": _in_russian("Blockers saved."),
        "level": "success",
    }
    assert "blockers-saved" in _trigger(response)
    assert heard() == ["Нет ключа ЭЦП"]
    post("Нет ключа ЭЦП")  # a double click: the same text again
    assert heard() == ["Нет ключа ЭЦП"]
    response = post("Ключ выдали, жду доступа к ЕГКН")
    assert ">Ключ выдали, жду доступа к ЕГКН</textarea>" in response.text
    assert StandupNote.objects.get(user=specialist).blockers == "Ключ выдали, жду доступа к ЕГКН"
    assert heard() == ["Нет ключа ЭЦП", "Ключ выдали, жду доступа к ЕГКН"]
    response = post("")
    assert _in_russian("No blockers for today.") in response.text
    assert not StandupNote.objects.exists()
    assert heard() == ["Нет ключа ЭЦП", "Ключ выдали, жду доступа к ЕГКН"]  # none for clearing
    assert Notification.objects.count() == 2  # nobody else hears of it


def test_a_head_writing_their_own_blockers_notifies_nobody(client, head, specialist):
    client.force_login(head)
    client.post(BLOCKERS_URL, {"blockers": "Жду ответа юристов"}, headers=HX)
    assert StandupNote.objects.get(user=head).blockers == "Жду ответа юристов"
    assert not Notification.objects.exists()


def test_blockers_of_yesterday_are_not_todays(client, head, specialist):
    save_standup_blockers(user=specialist, date=WEDNESDAY - dt.timedelta(days=1), blockers="Вчера")
    client.force_login(specialist)
    client.post(BLOCKERS_URL, {"blockers": "Вчера"}, headers=HX)
    assert StandupNote.objects.filter(user=specialist).count() == 2
    assert Notification.objects.filter(recipient=head).count() == 2  # a new day, a new blocker


def test_nobody_can_touch_another_persons_blockers(client, head, specialist, outsider):
    save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="Нет ключа ЭЦП")
    client.force_login(outsider)
    client.post(
        BLOCKERS_URL,
        {"blockers": "", "user": specialist.pk, "user_id": specialist.pk, "pk": specialist.pk},
        headers=HX,
    )
    client.post(BLOCKERS_URL, {"blockers": "Чужое", "user": specialist.pk}, headers=HX)
    assert StandupNote.objects.get(user=specialist).blockers == "Нет ключа ЭЦП"
    assert StandupNote.objects.get(user=outsider).blockers == "Чужое"


def test_blockers_with_a_nul_byte_are_refused_and_change_nothing(client, head, specialist):
    save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="Нет ключа ЭЦП")
    client.force_login(specialist)
    message = _in_russian("The text contains a NUL character; remove it, please.")
    response = client.post(BLOCKERS_URL, {"blockers": "Нет\x00 ключа"}, headers=HX)
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert ">Нет\N{REPLACEMENT CHARACTER} ключа</textarea>" in response.text
    assert "\x00" not in response.text
    assert _trigger(response) == {"notify": {"text": message, "level": "danger"}}
    response = client.post(BLOCKERS_URL, {"blockers": "\x00", "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert StandupNote.objects.get(user=specialist).blockers == "Нет ключа ЭЦП"
    assert Notification.objects.filter(recipient=head).count() == 1


def test_plain_post_from_my_tasks_returns_there_with_a_message(client, head, specialist):
    client.force_login(specialist)
    response = client.post(BLOCKERS_URL, {"blockers": "Нет ключа ЭЦП", "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    page = client.get(response["Location"])
    assert _in_russian("Blockers saved.") in page.text
    assert ">Нет ключа ЭЦП</textarea>" in page.text


def test_my_tasks_has_the_form_with_todays_blockers_for_people_of_a_directorate(
    client, head, specialist, deputy
):
    save_standup_blockers(
        user=specialist, date=WEDNESDAY - dt.timedelta(days=1), blockers="Вчерашнее"
    )
    client.force_login(specialist)
    page = client.get(reverse("tasks:my-tasks"))
    assert page.text.count('id="standup-blockers-form"') == 1
    assert "></textarea>" in page.text and "Вчерашнее" not in page.text
    save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="<b>Жду</b> подписи")
    page = client.get(reverse("tasks:my-tasks"))
    assert ">&lt;b&gt;Жду&lt;/b&gt; подписи</textarea>" in page.text
    # The htmx fragment of the task lists does not carry the form.
    assert "standup-blockers" not in client.get(reverse("tasks:my-tasks"), headers=HX).text
    client.force_login(deputy)  # no directorate of their own: no blockers to state
    assert "standup-blockers" not in client.get(reverse("tasks:my-tasks")).text


def test_standup_htmx_returns_only_the_counters(client, head, specialist, scenario):
    client.force_login(specialist)
    response = client.get(URL, headers=HX)
    assert response.text.lstrip().startswith('<section id="standup-summary"')
    assert "<html" not in response.text
    assert 'data-total="blockers">1<' in response.text
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_blocker_notification_links_to_the_persons_standup(client, head, specialist):
    save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="Нет доступа к ЕСЭДО")
    client.force_login(head)
    response = client.get(reverse("tasks:notifications"), headers=HX)
    assert "Нет доступа к ЕСЭДО" in response.text
    link = f'href="{URL}?department={specialist.department_id}"'
    assert link in response.text
    assert client.get(f"{URL}?department={specialist.department_id}").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_double_click_that_arrives_twice_at_once_saves_one_note_and_notifies_once(
    head, specialist
):
    """The second request waits for the first one's note and finds the same text there."""
    first_saved, release = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="Нет ключа ЭЦП")
                first_saved.set()
                release.wait(5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def second():
        try:
            save_standup_blockers(user=specialist, date=WEDNESDAY, blockers="Нет ключа ЭЦП")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_saved.wait(5)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive()  # waiting for the first click's uncommitted note
    release.set()
    one.join(5)
    two.join(5)
    assert errors == []
    assert StandupNote.objects.get(user=specialist).blockers == "Нет ключа ЭЦП"
    assert Notification.objects.filter(recipient=head).count() == 1
