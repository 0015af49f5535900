"""A double click creates nothing twice and never answers 500 (akimat/once.py).

Each case sends the same form twice at once: two threads, two clients, two database
connections, released together by a barrier. Without the form's token both would create; with
it exactly one does, and the other is answered with what the first made."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from akimat import jobs
from akimat.calendar import ensure_calendar
from akimat.models import Submission
from akimat.once import FIELD, AlreadySaved, once
from journal.models import Entry, Kind
from reception.models import Visit, Visitor, VisitorKind
from scores import scoring, services
from scores.models import ScoreDispute
from tasks.models import Absence, Comment, Task
from tests.conftest import WORKDAY_MORNING
from tests.reception.factories import ServiceFactory, iin
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pinned_clock")]

HX = {"HX-Request": "true"}
ALREADY_SAVED = "Эта форма уже сохранена"
TODAY = WORKDAY_MORNING.date()


def twice_at_once(user, url: str, data: dict, headers: dict | None = None) -> list:
    """The same POST (one token) from two clients at the same moment; their two responses."""
    data = {**data, FIELD: str(uuid.uuid4())}
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def send(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[n] = clients[n].post(url, data, headers=headers or {})
        except Exception as error:  # the test shows what each thread met
            responses[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    return responses


def toasts(responses) -> list[dict]:
    return sorted(
        (json.loads(r["HX-Trigger"])["notify"] for r in responses), key=lambda t: t["level"]
    )


# --- the six cases of issue 15 ---------------------------------------------------------------


def test_a_double_click_on_set_the_task_sets_one_task(head, specialist):
    data = {
        "title": "Подготовить справку по субсидиям",
        "description": "",
        "responsible": specialist.pk,
        "deadline_date": (TODAY + dt.timedelta(days=2)).isoformat(),
        "priority": 2,
        "source": "letter",
    }
    responses = twice_at_once(head, reverse("tasks:task-create"), data)
    task = Task.objects.get(title="Подготовить справку по субсидиям")
    # Both are sent to the one task; the repeat is told it was already saved.
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.url for r in responses} == {task.get_absolute_url()}
    told = [m.message for r in responses for m in r.wsgi_request._messages]
    assert any(ALREADY_SAVED in text for text in told), told


def test_a_double_click_on_add_the_comment_adds_one_comment(head, specialist):
    task = TaskFactory(author=head, responsible=specialist)
    url = reverse("tasks:task-comment", args=[task.pk])
    responses = twice_at_once(
        specialist, url, {"body": "Запросила данные у района", "from": "detail"}, HX
    )
    assert Comment.objects.filter(task=task).count() == 1
    assert all(r.status_code == 200 and 'id="task-detail"' in r.text for r in responses)
    assert [t["level"] for t in toasts(responses)] == ["info", "success"]
    assert ALREADY_SAVED in toasts(responses)[0]["text"]


def test_a_double_click_on_the_quick_entry_saves_one_entry(methodologist):
    data = {"body": "Стендап занял 14 минут", "kind": Kind.STANDUP, "tags": "стендап"}
    responses = twice_at_once(methodologist, reverse("journal:entry-quick"), data, HX)
    entry = Entry.objects.get()
    assert entry.body == "Стендап занял 14 минут"
    # Both see the entry in the day's log and a fresh form.
    assert all(f'id="entry-{entry.pk}"' in r.text for r in responses)
    assert all('id="quick-entry"' in r.text for r in responses)
    assert [t["level"] for t in toasts(responses)] == ["info", "success"]


def test_a_double_click_on_record_the_absence_records_one(head, specialist, colleague):
    data = {
        "user": specialist.pk,
        "kind": "leave",
        "start": TODAY.isoformat(),
        "end": (TODAY + dt.timedelta(days=7)).isoformat(),
        "acting": colleague.pk,
    }
    responses = twice_at_once(head, reverse("tasks:absences"), data)
    assert Absence.objects.count() == 1
    assert [(r.status_code, r.url) for r in responses] == [(302, reverse("tasks:absences"))] * 2


@pytest.fixture
def tuesday_scored(specialist, head):
    """The nightly job has run for Tuesday, the day before the pinned Wednesday."""
    scoring.ensure_default_policy()
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    tuesday = TODAY - dt.timedelta(days=1)
    TaskFactory(
        author=head,
        responsible=specialist,
        created_at=WORKDAY_MORNING - dt.timedelta(days=30),
        deadline=WORKDAY_MORNING + dt.timedelta(days=7),
    )
    scoring.compute_scores(day=tuesday)
    return tuesday


def test_a_double_click_on_dispute_opens_one_dispute(specialist, tuesday_scored):
    data = {"date": tuesday_scored.isoformat(), "comment": "Задачу закрыла в срок."}
    responses = twice_at_once(specialist, reverse("score-dispute"), data, HX)
    assert ScoreDispute.objects.filter(person=specialist, status="open").count() == 1
    assert all('id="score-disputes"' in r.text for r in responses)
    assert all(r.text.count('data-testid="my-dispute"') == 1 for r in responses)
    assert [t["level"] for t in toasts(responses)] == ["info", "success"]


def test_one_open_dispute_per_day_is_held_by_the_database(specialist, tuesday_scored):
    """Without a token (two tabs, each its own form) the constraint keeps the second out, and
    the person reads the usual message instead of a 500."""
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def dispute(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[n] = services.open_dispute(
                person=specialist, date=tuesday_scored, comment=f"Не согласна ({n})"
            )
        except Exception as error:  # the test shows what each thread met
            outcomes[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispute, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert ScoreDispute.objects.filter(person=specialist, status="open").count() == 1
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert "уже ждёт ответа" in refused[0].messages[0]


def test_an_answered_dispute_leaves_room_for_a_new_one(specialist, head, tuesday_scored):
    first = services.open_dispute(person=specialist, date=tuesday_scored, comment="Первый")
    services.answer_dispute(dispute=first, actor=head, answer="Проверил.")
    services.open_dispute(person=specialist, date=tuesday_scored, comment="Второй")
    assert ScoreDispute.objects.filter(person=specialist).count() == 2


@pytest.fixture
def service(department):
    return ServiceFactory(department=department, prefix="K")


def test_a_double_click_registering_a_new_visitor_gives_one_visitor_and_one_ticket(
    receptionist, service
):
    data = {
        "kind": VisitorKind.ENTREPRENEUR,
        "service": service.pk,
        "language": "ru",
        "full_name": "Ахметов Ерлан",
        "iin": iin(7),
        "consent": "on",
    }
    responses = twice_at_once(receptionist, reverse("reception:desk"), data)
    visit = Visit.objects.get()
    assert Visitor.objects.get().iin == iin(7)
    assert visit.visitor.iin == iin(7)
    ticket = f"{reverse('reception:desk')}?ticket={visit.pk}"
    assert [(r.status_code, r.url) for r in responses] == [(302, ticket)] * 2


def test_two_desks_registering_one_new_visitor_at_once_keep_one_visitor(service, department):
    """No shared token here (two receptionists): the unique IIN makes the second wait and find
    the visitor the first made, instead of a 500."""
    from reception import services
    from tests.factories import UserFactory

    desks = [UserFactory(username=f"desk{n}", roles=["receptionist"]) for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def register(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[n] = services.register_visit(
                receptionist=desks[n],
                service=service,
                kind=VisitorKind.INVESTOR,
                consent=True,
                full_name="Сапарова Асель",
                iin=iin(9),
                organisation_name="ТОО «Береке»",
                bin="",
            )
        except Exception as error:  # the test shows what each thread met
            outcomes[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(o, Visit) for o in outcomes), outcomes
    assert Visitor.objects.count() == 1
    assert {v.visitor_id for v in Visit.objects.all()} == {Visitor.objects.get().pk}


# --- the mechanism -----------------------------------------------------------------------------


def _posted(user, token: str):
    request = RequestFactory().post("/", {FIELD: token})
    request.user = user
    request.htmx = False
    return request


def test_the_second_sending_waits_for_the_first_and_learns_where_it_led(specialist):
    token = str(uuid.uuid4())
    first_in, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def first() -> None:
        try:
            with once(_posted(specialist, token)) as submission:
                submission.location = "/tasks/1/"
                first_in.set()
                release.wait(30)
        finally:
            connection.close()

    def second() -> None:
        try:
            with once(_posted(specialist, token)):
                outcome["ran"] = True
        except AlreadySaved as repeat:
            outcome["location"] = repeat.location
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_in.wait(30)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive()  # waiting on the unique index for the first sending's transaction
    release.set()
    one.join(30)
    two.join(30)
    assert outcome == {"location": "/tasks/1/"}


def test_a_sending_that_failed_leaves_the_token_free(specialist):
    token = str(uuid.uuid4())
    with pytest.raises(ValidationError), once(_posted(specialist, token)):
        raise ValidationError("refused")
    with once(_posted(specialist, token)) as submission:
        submission.location = "/ok/"
    assert Submission.objects.get().location == "/ok/"


def test_a_broken_token_is_refused_with_a_clear_message_and_creates_nothing(head, specialist):
    client = Client()
    client.force_login(head)
    response = client.post(
        reverse("tasks:task-create"),
        {
            "title": "Задача",
            "responsible": specialist.pk,
            "deadline_date": (TODAY + dt.timedelta(days=2)).isoformat(),
            "priority": 2,
            "source": "letter",
            FIELD: "not-a-token",
        },
    )
    assert response.status_code == 200
    assert "Форма устарела" in response.text
    assert not Task.objects.exists()


def test_each_drawing_of_a_form_gets_its_own_token():
    template = Template("{% load once %}{% once_field %}")
    first, second = (template.render(Context()) for _ in range(2))
    assert first != second and f'name="{FIELD}"' in first


def test_the_night_forgets_tokens_older_than_two_days_and_keeps_the_rest(specialist):
    old = Submission.objects.create(user=specialist, token=uuid.uuid4())
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2, minutes=1)
    )
    recent = Submission.objects.create(user=specialist, token=uuid.uuid4())
    assert jobs.forget_spent_tokens() == 1
    assert list(Submission.objects.values_list("pk", flat=True)) == [recent.pk]
