"""The morning digest: who gets a mail, what it lists, in which language, at what query cost."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from akimat.calendar import ensure_calendar
from tasks import jobs
from tasks.digest import send_morning_digest
from tasks.models import Notification, Status, Task
from tasks.services import deadline_from
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Tuesday 14 April 2026: a working day; the working day before is Monday 13 April.
TODAY = dt.date(2026, 4, 14)
YESTERDAY = dt.date(2026, 4, 13)
TOMORROW = dt.date(2026, 4, 15)
LAST_FRIDAY = dt.date(2026, 4, 10)
NOWRUZ = dt.date(2026, 3, 23)
BASE_URL = "https://portal.example.kz"
SUBJECT = "Your day on the akimat portal, %(date)s"


@pytest.fixture(autouse=True)
def calendar():
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))


def make_task(responsible, day, *, title, author, status=Status.NEW) -> Task:
    return Task.objects.create(
        title=title,
        author=author,
        responsible=responsible,
        department=responsible.department,
        deadline=deadline_from(day),
        status=status,
        done_at=timezone.now() if status == Status.DONE else None,
    )


def notify(recipient, *, at, actor=None, text="", read=False) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        actor=actor,
        kind=Notification.Kind.ASSIGNED,
        text=text,
        created_at=at,
        read_at=at if read else None,
    )


def send() -> int:
    return send_morning_digest(today=TODAY, base_url=BASE_URL)


def mail_to(user) -> mail.EmailMultiAlternatives:
    found = [m for m in mail.outbox if m.to == [user.email]]
    assert len(found) == 1, f"{len(found)} mails to {user.email}"
    return found[0]


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


# --- who gets a mail -------------------------------------------------------------------------


def test_one_mail_per_person_with_something_and_none_for_a_person_with_nothing(
    specialist, outsider, head
):
    make_task(specialist, TODAY, title="Справка", author=head)
    make_task(specialist, LAST_FRIDAY, title="Отчёт", author=head)
    make_task(outsider, TOMORROW, title="Завтрашнее", author=head)

    assert send() == 1

    assert [m.to for m in mail.outbox] == [[specialist.email]]


def test_inactive_people_and_people_without_an_address_get_nothing(specialist, outsider, head):
    make_task(specialist, TODAY, title="Справка", author=head)
    make_task(outsider, TODAY, title="Тоже сегодня", author=head)
    specialist.is_active = False
    specialist.save(update_fields=["is_active"])
    outsider.email = ""
    outsider.save(update_fields=["email"])

    assert send() == 0
    assert mail.outbox == []


def test_nothing_is_sent_on_a_day_off(specialist, head):
    make_task(specialist, NOWRUZ, title="Праздничная", author=head)

    assert send_morning_digest(today=NOWRUZ) == 0
    assert mail.outbox == []


# --- what it lists ---------------------------------------------------------------------------


def test_lists_due_today_and_overdue_but_not_tomorrow_closed_or_someone_elses(
    specialist, outsider, head
):
    today = make_task(specialist, TODAY, title="Сдать справку сегодня", author=head)
    overdue = make_task(specialist, LAST_FRIDAY, title="Просроченный отчёт", author=head)
    make_task(specialist, TOMORROW, title="Завтрашняя задача", author=head)
    make_task(specialist, LAST_FRIDAY, title="Уже сделано", author=head, status=Status.DONE)
    make_task(outsider, TODAY, title="Задача коллеги", author=head)

    send()

    message = mail_to(specialist)
    for text in (message.body, html_of(message)):
        assert "Сдать справку сегодня" in text
        assert "Просроченный отчёт" in text
        assert "Завтрашняя задача" not in text
        assert "Уже сделано" not in text
        assert "Задача коллеги" not in text
        assert f"{BASE_URL}/tasks/{today.pk}/" in text
        assert f"{BASE_URL}/tasks/{overdue.pk}/" in text
    # due today comes before overdue, each under its own heading
    body = message.body
    # (the specialist reads Russian: «Срок сегодня», «Просрочено»)
    assert body.index("Срок сегодня") < body.index("Сдать справку") < body.index("Просрочено")
    assert body.index("Просрочено") < body.index("Просроченный отчёт")


def test_results_awaiting_acceptance_go_to_the_author_and_the_head_not_the_responsible(
    specialist, head, deputy
):
    make_task(
        specialist,
        TOMORROW,
        title="Результат на приёмке",
        author=deputy,
        status=Status.AWAITING_ACCEPTANCE,
    )

    assert send() == 2

    assert {m.to[0] for m in mail.outbox} == {deputy.email, head.email}
    assert "Результат на приёмке" in mail_to(deputy).body
    assert "Результат на приёмке" in html_of(mail_to(head))
    assert str(specialist) in mail_to(deputy).body


def test_a_head_is_not_asked_to_accept_their_own_result(head, deputy):
    make_task(
        head,
        TOMORROW,
        title="Свой результат",
        author=head,
        status=Status.AWAITING_ACCEPTANCE,
    )

    send()

    assert [m.to for m in mail.outbox] == []


def test_includes_unread_notifications_since_the_previous_working_day(specialist, head):
    at = deadline_from(YESTERDAY, dt.time(10))
    notify(specialist, at=at, actor=head, text="Вчерашнее непрочитанное")
    notify(specialist, at=at, actor=head, text="Вчерашнее прочитанное", read=True)
    notify(specialist, at=deadline_from(LAST_FRIDAY, dt.time(10)), text="Позавчерашнее")
    notify(head, at=at, text="Чужое")

    send()

    body = mail_to(specialist).body
    assert "Вчерашнее непрочитанное" in body
    assert "Вчерашнее прочитанное" not in body
    assert "Позавчерашнее" not in body
    assert "Чужое" not in body


def test_a_notification_about_no_task_links_to_its_page(specialist, head):
    """A score dispute's answer (sent by scores through `notify_people`) leads to the dispute."""
    link = "/score/?date=2026-04-13#score-disputes"
    Notification.objects.create(
        recipient=specialist,
        actor=head,
        kind=Notification.Kind.DISPUTE_ANSWERED,
        text="Проверил: балл верный",
        link=link,
        created_at=deadline_from(YESTERDAY, dt.time(10)),
    )
    send()
    message = mail_to(specialist)
    with translation.override("ru"):
        kind = gettext("Dispute answered")
    assert f"{kind} — {head}" in message.body
    assert f"Проверил: балл верный\n  {BASE_URL}{link}\n" in message.body
    assert f'href="{BASE_URL}{link}"' in html_of(message)


def test_after_a_long_weekend_notifications_reach_back_to_the_last_working_day(specialist, head):
    # Thursday 26 March 2026 follows Nowruz (21-25 March): the working day before is Friday 20.
    notify(specialist, at=deadline_from(dt.date(2026, 3, 20), dt.time(15)), text="В пятницу")

    send_morning_digest(today=dt.date(2026, 3, 26), base_url=BASE_URL)

    assert "В пятницу" in mail_to(specialist).body


# --- in the person's language ----------------------------------------------------------------


def test_each_mail_is_in_its_persons_language(specialist, outsider, head):
    outsider.language = "kk"
    outsider.save(update_fields=["language"])
    head.language = "en"
    head.save(update_fields=["language"])
    make_task(specialist, TODAY, title="Русская", author=head)
    make_task(outsider, TODAY, title="Казахская", author=head)
    make_task(head, TODAY, title="English one", author=specialist)

    send()

    for user, language, portal in [
        (specialist, "ru", "Портал акимата"),
        (outsider, "kk", "Әкімдік порталы"),
        (head, "en", "Akimat portal"),
    ]:
        message = mail_to(user)
        with translation.override(language):
            assert message.subject == gettext(SUBJECT) % {"date": "14.04.2026"}
        assert message.extra_headers["Content-Language"] == language
        assert f'<html lang="{language}">' in html_of(message)
        # an already translated string proves the whole mail switched language
        assert portal in message.body
        assert portal in html_of(message)


# --- cost ------------------------------------------------------------------------------------


def add_people(count: int, *, department, author) -> None:
    for _ in range(count):
        person = UserFactory(department=department, roles=["specialist"])
        make_task(person, TODAY, title="Сегодня", author=author)
        make_task(person, LAST_FRIDAY, title="Просрочено", author=author)
        make_task(
            person, TOMORROW, title="На приёмке", author=person, status=Status.AWAITING_ACCEPTANCE
        )
        notify(person, at=deadline_from(YESTERDAY, dt.time(12)), actor=author, text="Новое")


def test_the_query_count_does_not_grow_with_the_number_of_people(
    department, head, deputy, django_assert_num_queries
):
    # ensure_calendar, the two latest working days, open tasks due by today with their
    # responsible, results awaiting acceptance with author and head, unread notifications with
    # recipient, actor and task
    add_people(3, department=department, author=deputy)
    with django_assert_num_queries(5):
        assert send() == 4  # three people and their head, who accepts their results

    mail.outbox.clear()
    add_people(27, department=department, author=deputy)
    with django_assert_num_queries(5):
        assert send() == 31

    assert len(mail.outbox) == 31
    assert len(mail_to(head).body.splitlines()) > 30  # all thirty results await the head


# --- the job and the command -----------------------------------------------------------------


def test_the_job_sends_todays_digest(monkeypatch, specialist, head):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    make_task(specialist, TODAY, title="Справка", author=head)

    assert jobs.send_morning_digest() == 1
    assert mail.outbox[0].to == [specialist.email]


def test_the_command_prints_a_summary(specialist, head):
    make_task(specialist, TODAY, title="Справка", author=head)
    out = StringIO()

    call_command("send_morning_digest", "--date", "2026-04-14", stdout=out)

    assert out.getvalue() == "2026-04-14: 1 digest e-mail(s) sent.\n"
    assert len(mail.outbox) == 1


def test_the_command_says_a_day_off_sends_nothing(specialist, head):
    make_task(specialist, NOWRUZ, title="Праздничная", author=head)
    out = StringIO()

    call_command("send_morning_digest", "--date", "2026-03-23", stdout=out)

    assert out.getvalue() == "2026-03-23: a day off, no digest is sent.\n"
    assert mail.outbox == []


@pytest.mark.parametrize("raw", ["2026-13-45", "2026-02-30", "14.04.2026", "20260414", "tomorrow"])
def test_the_command_rejects_a_bad_date_with_a_clear_message(raw):
    with pytest.raises(CommandError, match=rf"'{raw}' is not a real date: .*YYYY-MM-DD"):
        call_command("send_morning_digest", "--date", raw)
    assert mail.outbox == []
