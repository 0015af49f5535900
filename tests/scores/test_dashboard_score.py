"""My score and the disputes over HTTP: the breakdown equals the stored bonus, day / week /
quarter, who sees whose score, the dispute flow, bad input, and a fixed query count."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from akimat.calendar import ensure_calendar, quarter_bounds
from scores import scoring
from scores.models import BonusPolicy, PersonSnapshot, ScoreDispute
from tasks.models import Notification, Status
from tasks.services import deadline_from
from tests.factories import UserFactory, head_of
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
URL = reverse("score")
DISPUTE = reverse("score-dispute")
DISPUTES = reverse("score-disputes")

WEDNESDAY = dt.date(2026, 11, 18)
NOW = deadline_from(WEDNESDAY, dt.time(11))
MONDAY, TUESDAY = dt.date(2026, 11, 16), dt.date(2026, 11, 17)


@pytest.fixture
def default_policy(db):
    """The migration's default bonus policy (a transactional test's flush empties the table)."""
    return scoring.ensure_default_policy()


@pytest.fixture(autouse=True)
def clock(default_policy):
    with time_machine.travel(NOW, tick=False):
        ensure_calendar(start=dt.date(2023, 1, 1), end=dt.date(2027, 12, 31))
        yield


@pytest.fixture
def nights(head, specialist, colleague, deputy):
    """The specialist: one task overdue since 28 October, one done on time, one done late, one
    deadline not yet come; the nightly job has run for Monday and Tuesday."""
    created = deadline_from(dt.date(2026, 10, 1), dt.time(9))

    def task(**kwargs):
        return TaskFactory(author=head, responsible=specialist, created_at=created, **kwargs)

    task(deadline=deadline_from(dt.date(2026, 10, 28)))
    task(
        deadline=deadline_from(dt.date(2026, 11, 11)),
        status=Status.DONE,
        done_at=deadline_from(dt.date(2026, 11, 10)),
    )
    task(
        deadline=deadline_from(dt.date(2026, 11, 2)),
        status=Status.DONE,
        done_at=deadline_from(dt.date(2026, 11, 5)),
    )
    task(deadline=deadline_from(dt.date(2026, 11, 25)))
    TaskFactory(author=head, responsible=colleague, created_at=created, deadline=NOW)
    for day in (MONDAY, TUESDAY):
        scoring.compute_scores(day=day)
    return PersonSnapshot.objects.get(person=specialist, date=TUESDAY)


def _lines(response):  # type: ignore[no-untyped-def]
    return {line.key: line for line in response.context["lines"]}


# --- the page --------------------------------------------------------------------------------


def test_my_score_shows_the_last_day_with_a_breakdown_equal_to_the_stored_bonus(
    client, specialist, nights
):
    client.force_login(specialist)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["day"] == TUESDAY
    lines = _lines(response)
    assert lines["overdue"].value == 1 and lines["overdue"].points == Decimal(-2)
    assert lines["on_time"].value == Decimal(1) / Decimal(2)
    assert response.context["total"] == nights.bonus
    assert sum(line.points for line in lines.values()) == nights.bonus  # within 0 … cap here
    assert f'data-testid="day-bonus">{nights.bonus}'.replace(".", ",") in response.text
    assert "50 %" in response.text  # the on-time rate shown as a percentage


@pytest.mark.parametrize(
    ("language", "note"),
    [("kk", scoring.DEFAULT_POLICY["note_kk"]), ("ru", scoring.DEFAULT_POLICY["note"])],
)
def test_my_score_shows_the_policys_note_in_the_readers_language(
    client, specialist, nights, language, note
):
    specialist.language = language
    specialist.save(update_fields=["language"])
    client.force_login(specialist)
    page = client.get(URL).text
    assert note in page
    other = scoring.DEFAULT_POLICY["note" if language == "kk" else "note_kk"]
    assert other not in page


def test_my_score_by_day_week_and_quarter(client, specialist, nights):
    monday = PersonSnapshot.objects.get(person=specialist, date=MONDAY)
    client.force_login(specialist)
    response = client.get(URL, {"date": "2026-11-16"})
    assert response.context["snapshot"] == monday
    assert [s.date for s in response.context["week"]] == [MONDAY, TUESDAY]
    assert response.context["week_bonus"] == (monday.bonus + nights.bonus) / 2
    assert response.context["quarter"] == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    weeks = response.context["quarter_weeks"]
    assert [(w["week"], w["days"]) for w in weeks] == [(MONDAY, 2)]
    assert response.context["quarter_bonus"] == (monday.bonus + nights.bonus) / 2
    assert "4 квартал 2026 года" in response.text


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2026, 1, 1), (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
        (dt.date(2026, 5, 31), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))),
        (dt.date(2026, 9, 30), (dt.date(2026, 7, 1), dt.date(2026, 9, 30))),
        (dt.date(2026, 12, 31), (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
    ],
)
def test_quarters_are_the_civil_services_calendar_quarters(day, quarter):
    assert quarter_bounds(day) == quarter


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-11-01", "За 01.11.2026 балла нет"),
        ("вчера", "не дата"),
        ("2026-13-45", "не дата"),
        ("2027-01-01", "ещё не наступило"),
    ],
)
def test_a_bad_or_uncounted_date_says_so(client, specialist, nights, raw, message):
    client.force_login(specialist)
    response = client.get(URL, {"date": raw})
    assert response.status_code == 200
    assert message in response.text
    assert 'data-testid="score-problem"' in response.text


def test_a_person_without_snapshots_is_told_when_the_score_appears(client, colleague):
    TaskFactory(responsible=colleague)
    client.force_login(colleague)
    response = client.get(URL)
    assert response.status_code == 200 and "ещё не рассчитывался" in response.text


def test_the_deputy_without_tasks_is_told_he_has_none_not_that_it_was_never_computed(
    client, deputy, head, colleague
):
    client.force_login(deputy)
    own = client.get(URL).text
    assert "За этот период у вас нет учитываемых задач" in own and "не рассчитывался" not in own
    client.force_login(head)
    other = client.get(URL, {"person": colleague.pk}).text
    assert f"{colleague}: за этот период нет учитываемых задач" in other


def test_someone_elses_score_page_speaks_of_that_person_not_of_you(
    client, head, specialist, nights
):
    client.force_login(head)
    text = client.get(URL, {"person": specialist.pk}).text
    assert "по вашим задачам" not in text
    assert f"Премиальный балл ({specialist}) рассчитывается" in text
    client.force_login(specialist)
    assert "по вашим задачам" in client.get(URL).text


def test_the_head_and_the_deputy_see_a_persons_score_others_do_not(
    client, head, deputy, colleague, specialist, other_department, nights
):
    url = f"{URL}?person={specialist.pk}"
    for watcher in (head, deputy):
        client.force_login(watcher)
        response = client.get(url)
        assert response.status_code == 200 and response.context["snapshot"] == nights
    other_head = head_of(other_department, username="other-head")
    for stranger in (colleague, other_head):
        client.force_login(stranger)
        response = client.get(url)
        assert response.status_code == 404
        assert "чужой балл" in response.text
        assert str(nights.bonus).replace(".", ",") not in response.text
    client.force_login(colleague)
    assert client.get(URL, {"person": "abc"}).status_code == 404
    assert client.get(URL, {"person": "999999"}).status_code == 404


def test_my_score_runs_the_same_queries_at_ten_times_the_days(
    client, specialist, django_assert_num_queries
):
    # session, user, roles, the recent days, the week, the quarter by week, the disputes, bell
    policy = BonusPolicy.objects.in_force(WEDNESDAY)

    def add_days(first: int, count: int) -> None:
        for n in range(first, first + count):
            PersonSnapshot.objects.create(
                date=TUESDAY - dt.timedelta(days=n),
                person=specialist,
                department=specialist.department,
                policy=policy,
                overdue=1,
                period_start=dt.date(2026, 10, 1),
                bonus=Decimal(90),
                computed_at=NOW,
            )

    client.force_login(specialist)
    add_days(0, 2)
    with django_assert_num_queries(8):
        small = client.get(URL)
    add_days(2, 18)
    with django_assert_num_queries(8):
        large = client.get(URL)
    assert sum(w["days"] for w in small.context["quarter_weeks"]) == 2
    assert sum(w["days"] for w in large.context["quarter_weeks"]) == 20


# --- disputes --------------------------------------------------------------------------------


def test_a_person_disputes_a_day_and_the_head_answers(client, specialist, head, nights):
    client.force_login(specialist)
    response = client.post(DISPUTE, {"date": "2026-11-17", "comment": "Задачу закрыла 16-го."})
    assert response.status_code == 302 and response.url == f"{URL}?date=2026-11-17"
    dispute = ScoreDispute.objects.get()
    assert (dispute.person, dispute.date, dispute.status) == (specialist, TUESDAY, "open")
    assert dispute.history.count() == 1

    client.force_login(head)
    listed = client.get(DISPUTES)
    assert listed.text.count('data-testid="dispute"') == 1
    answer = reverse("score-dispute-answer", args=[dispute.pk])
    response = client.post(answer, {"answer": "Проверил: просрочка верная."}, headers=HX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "success"
    dispute.refresh_from_db()
    assert (dispute.status, dispute.answered_by, dispute.answer) == (
        "answered",
        head,
        "Проверил: просрочка верная.",
    )
    again = client.post(answer, {"answer": "Ещё раз"}, headers=HX)
    assert "уже ответили" in again.text
    dispute.refresh_from_db()
    assert dispute.answer == "Проверил: просрочка верная."

    client.force_login(specialist)
    assert "Проверил: просрочка верная." in client.get(URL).text


def test_a_dispute_over_htmx_returns_the_disputes_fragment(client, specialist, nights):
    client.force_login(specialist)
    response = client.post(DISPUTE, {"date": "2026-11-17", "comment": "Не согласна"}, headers=HX)
    assert response.text.lstrip().startswith('<section id="score-disputes"')
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "success"
    assert response.text.count('data-testid="my-dispute"') == 1


@pytest.mark.parametrize(
    ("date", "comment", "message"),
    [
        ("2026-11-17", "   ", "не может быть пустым"),
        ("2026-11-17", "я" * 2001, "не более 2000 символов, а в этом 2001"),
        ("2026-11-17", "<script>alert(1)</script>", "HTML-теги не принимаются"),
        ("2026-11-17", "см. <b>здесь</b>", "HTML-теги не принимаются"),
        ("2026-11-01", "Не согласна", "возразить можно только против рассчитанного балла"),
        ("2027-01-01", "Не согласна", "ещё не наступило"),
        ("17.11.2026", "Не согласна", "не дата"),
        ("", "Не согласна", "Выберите день"),
    ],
)
def test_a_bad_dispute_says_why_and_stores_nothing(
    client, specialist, nights, date, comment, message
):
    client.force_login(specialist)
    for headers in ({}, HX):
        response = client.post(DISPUTE, {"date": date, "comment": comment}, headers=headers)
        assert response.status_code == 200
        assert message in response.text
    assert not ScoreDispute.objects.exists()
    assert not Notification.objects.exists()


def test_a_second_open_dispute_of_the_same_day_is_refused(client, specialist, nights):
    client.force_login(specialist)
    client.post(DISPUTE, {"date": "2026-11-17", "comment": "Первое"})
    response = client.post(DISPUTE, {"date": "2026-11-17", "comment": "Второе"})
    assert "уже ждёт ответа" in response.text
    assert ScoreDispute.objects.count() == 1


def test_one_disputes_only_ones_own_score(client, colleague, specialist, nights):
    """The person is always the one signed in: another's id in the form changes nothing."""
    client.force_login(colleague)
    response = client.post(
        DISPUTE, {"date": "2026-11-17", "comment": "За коллегу", "person": specialist.pk}
    )
    assert response.status_code == 302
    assert not ScoreDispute.objects.filter(person=specialist).exists()
    assert ScoreDispute.objects.get().person == colleague


def test_only_the_head_of_the_persons_directorate_answers(
    client, specialist, colleague, other_department, nights
):
    dispute = ScoreDispute.objects.create(person=specialist, date=TUESDAY, comment="Не согласна")
    url = reverse("score-dispute-answer", args=[dispute.pk])
    other_head = head_of(other_department, username="other-head")
    client.force_login(other_head)
    assert client.post(url, {"answer": "Нет"}).status_code == 404
    client.force_login(colleague)
    assert client.post(url, {"answer": "Нет"}).status_code == 404
    client.force_login(specialist)
    response = client.post(url, {"answer": "Сама себе"}, headers=HX)
    assert "отвечает руководитель управления" in response.text
    dispute.refresh_from_db()
    assert dispute.status == "open" and dispute.answer == ""


@pytest.mark.parametrize(
    ("answer", "message"),
    [("", "не может быть пустым"), ("<img src=x onerror=alert(1)>", "HTML-теги")],
)
def test_a_bad_answer_says_why_and_stores_nothing(
    client, head, specialist, nights, answer, message
):
    dispute = ScoreDispute.objects.create(person=specialist, date=TUESDAY, comment="Не согласна")
    client.force_login(head)
    url = reverse("score-dispute-answer", args=[dispute.pk])
    response = client.post(url, {"answer": answer}, headers=HX)
    assert message in response.text
    assert client.post(url, {"answer": answer}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "open" and dispute.answer == ""


def test_the_deputy_sees_every_open_dispute_and_a_specialist_none(
    client, deputy, specialist, colleague, outsider, nights
):
    ScoreDispute.objects.create(person=specialist, date=TUESDAY, comment="Первое")
    ScoreDispute.objects.create(person=outsider, date=TUESDAY, comment="Второе")
    ScoreDispute.objects.create(
        person=colleague, date=TUESDAY, comment="Третье", status="answered", answer="Да"
    )
    client.force_login(deputy)
    response = client.get(DISPUTES)
    assert response.text.count('data-testid="dispute"') == 2
    assert client.get(DISPUTES, {"show": "all"}).text.count('data-testid="dispute"') == 3
    client.force_login(specialist)
    assert client.get(DISPUTES).status_code == 403


def test_a_head_sees_only_their_directorates_disputes(client, head, specialist, outsider, nights):
    ScoreDispute.objects.create(person=specialist, date=TUESDAY, comment="Наше")
    ScoreDispute.objects.create(person=outsider, date=TUESDAY, comment="Чужое")
    client.force_login(head)
    response = client.get(DISPUTES)
    assert "Наше" in response.text and "Чужое" not in response.text


def test_a_heads_own_dispute_is_answered_by_the_deputy(client, head, deputy, nights):
    dispute = ScoreDispute.objects.create(person=head, date=TUESDAY, comment="Не согласен")
    url = reverse("score-dispute-answer", args=[dispute.pk])
    client.force_login(head)
    assert "отвечает руководитель" in client.post(url, {"answer": "Сам"}, headers=HX).text
    client.force_login(deputy)
    listed = client.get(DISPUTES)
    assert f'action="{url}"' in listed.text
    client.post(url, {"answer": "Проверено"}, headers=HX)
    dispute.refresh_from_db()
    assert (dispute.status, dispute.answered_by) == ("answered", deputy)


# --- who hears of a dispute and of its answer --------------------------------------------------


def test_a_dispute_tells_the_head_and_the_answer_tells_the_person(
    client, specialist, colleague, head, deputy, nights
):
    client.force_login(specialist)
    client.post(DISPUTE, {"date": "2026-11-17", "comment": "Задачу закрыла 16-го."})
    dispute = ScoreDispute.objects.get()
    told = Notification.objects.get()
    # The head of her directorate answers, so the head alone is told (not the deputy, nor she).
    assert (told.recipient, told.kind, told.actor, told.task) == (
        head,
        Notification.Kind.DISPUTED,
        specialist,
        None,
    )
    assert told.text == "Задачу закрыла 16-го."
    assert told.link == f"{DISPUTES}#dispute-{dispute.pk}"

    client.force_login(head)
    bell = client.get(reverse("tasks:notifications")).text
    assert "Подано возражение на балл" in bell and f'href="{told.link}"' in bell
    assert f'id="dispute-{dispute.pk}"' in client.get(told.link).text

    client.post(
        reverse("score-dispute-answer", args=[dispute.pk]),
        {"answer": "Проверил: просрочка верная."},
        headers=HX,
    )
    answered = Notification.objects.exclude(pk=told.pk).get()
    assert (answered.recipient, answered.kind, answered.actor) == (
        specialist,
        Notification.Kind.DISPUTE_ANSWERED,
        head,
    )
    assert answered.text == "Проверил: просрочка верная."
    assert answered.link == f"{URL}?date=2026-11-17#score-disputes"
    client.force_login(specialist)
    bell = client.get(reverse("tasks:notifications")).text
    assert "На возражение дан ответ" in bell and f'href="{answered.link}"' in bell
    assert "Проверил: просрочка верная." in client.get(answered.link).text


def test_a_heads_dispute_tells_the_deputies_and_nobody_else(client, head, deputy, nights):
    other_deputy = UserFactory(username="deputy.two", roles=["deputy"])
    UserFactory(username="deputy.gone", roles=["deputy"], is_active=False)
    client.force_login(head)
    client.post(DISPUTE, {"date": "2026-11-17", "comment": "Не согласен"})
    assert set(
        Notification.objects.filter(kind=Notification.Kind.DISPUTED).values_list(
            "recipient", flat=True
        )
    ) == {deputy.pk, other_deputy.pk}
    dispute = ScoreDispute.objects.get()
    client.force_login(deputy)
    client.post(
        reverse("score-dispute-answer", args=[dispute.pk]), {"answer": "Проверено"}, headers=HX
    )
    answered = Notification.objects.get(kind=Notification.Kind.DISPUTE_ANSWERED)
    assert (answered.recipient, answered.actor) == (head, deputy)


def test_a_refused_answer_tells_nobody(client, specialist, outsider, nights):
    dispute = ScoreDispute.objects.create(person=specialist, date=TUESDAY, comment="Не согласна")
    client.force_login(outsider)
    client.post(reverse("score-dispute-answer", args=[dispute.pk]), {"answer": "Нет"})
    assert not Notification.objects.exists()
