"""Notification settings: per person and kind, instant e-mail, the digest only, or none; an
instant e-mail leaves after commit, in the recipient's language, once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import ensure_calendar
from akimat.models import Language
from tasks import instant, jobs, services
from tasks.digest import send_morning_digest
from tasks.models import SETTABLE_KINDS, Channel, Notification, NotificationPreference
from tests.akimat.test_jobs import HUNG_AFTER, start_worker, stop_worker
from tests.factories import UserFactory
from tests.tasks.conftest import in_days

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("tasks:notification-settings")
KIND = Notification.Kind.SUBMITTED


def form_data(**channels: str) -> dict[str, str]:
    data = {kind.value: Channel.DIGEST.value for kind in SETTABLE_KINDS}
    data.update(channels)
    return data


def prefer(user, kind, channel) -> NotificationPreference:
    return NotificationPreference.objects.create(user=user, kind=kind, channel=channel)


@pytest.fixture
def sent_jobs(monkeypatch):
    """The ids the services hand to the broker (the outside world) after commit."""
    calls: list[list[int]] = []
    monkeypatch.setattr(jobs.email_notifications, "delay", calls.append)
    return calls


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1, 10])
def test_the_page_has_one_select_per_kind_at_a_fixed_cost(
    client, specialist, head, scale, django_assert_num_queries
):
    for n in range(scale):
        other = UserFactory(roles=["specialist"])
        prefer(other, KIND, Channel.INSTANT)
        Notification.objects.create(recipient=specialist, actor=head, kind=KIND, text=f"n{n}")
    prefer(specialist, Notification.Kind.BLOCKER, Channel.NONE)
    client.force_login(specialist)

    # session, user, the person's settings, the menu's roles, the bell's COUNT
    with django_assert_num_queries(5):
        response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    page = response.text
    assert "<h1" in page and "Настройка уведомлений" in page
    assert page.count("<select") == len(SETTABLE_KINDS)
    assert 'for="id_submitted"' in page  # every select has its label
    assert "Сразу на почту" in page
    assert 'value="none" selected' in page  # the blocker's
    assert page.count('value="digest" selected') == len(SETTABLE_KINDS) - 1
    assert 'name="move_decided"' not in page  # a kind no longer created


def test_the_notifications_page_links_to_the_settings(client, specialist):
    client.force_login(specialist)

    assert f'href="{SETTINGS_URL}"' in client.get(reverse("tasks:notifications")).text


def test_saving_keeps_the_choice_with_history_and_twice_changes_nothing(client, specialist):
    client.force_login(specialist)
    data = form_data(submitted="instant", blocker="none")

    response = client.post(SETTINGS_URL, data, follow=True)

    assert "Настройки уведомлений сохранены." in response.text
    kept = dict(
        NotificationPreference.objects.filter(user=specialist).values_list("kind", "channel")
    )
    assert kept == {"submitted": "instant", "blocker": "none"}  # the digest needs no row
    record = NotificationPreference.history.get(kind="submitted")
    assert record.history_user == specialist
    assert record.history_change_reason == "notification setting changed"

    response = client.post(SETTINGS_URL, data, follow=True)  # a double click
    assert "Ничего не изменилось." in response.text
    assert NotificationPreference.objects.filter(user=specialist).count() == 2
    assert NotificationPreference.history.count() == 2

    client.post(SETTINGS_URL, form_data(submitted="digest", blocker="none"))
    assert NotificationPreference.objects.get(kind="submitted").channel == "digest"
    assert NotificationPreference.history.count() == 3


@pytest.mark.parametrize(
    "value", ["weekly", "\x00", "<script>alert(1)</script>", "x" * 100_000, ""]
)
def test_a_bad_choice_is_refused_and_nothing_changes(client, specialist, value):
    client.force_login(specialist)

    response = client.post(SETTINGS_URL, form_data(submitted="instant", blocker=value))

    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert "<script>alert" not in response.text
    assert not NotificationPreference.objects.exists()


def test_someone_elses_settings_cannot_be_set(client, specialist, outsider):
    client.force_login(specialist)

    client.post(SETTINGS_URL, {**form_data(submitted="instant"), "user": outsider.pk})

    assert not NotificationPreference.objects.filter(user=outsider).exists()
    assert NotificationPreference.objects.get().user == specialist


def test_the_page_needs_a_login(client):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- instant e-mail --------------------------------------------------------------------------


def test_an_instant_kind_is_handed_to_the_job_after_commit_only(
    specialist, head, sent_jobs, django_capture_on_commit_callbacks
):
    prefer(head, KIND, Channel.INSTANT)
    task = services.create_task(
        author=head, title="Справка о посевной", responsible=specialist, deadline=in_days(3)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        services.submit_task(task=task, actor=specialist, result="Справка готова")
        assert sent_jobs == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()
    notification = Notification.objects.get(recipient=head, kind=KIND)
    assert sent_jobs == [[notification.pk]]


def test_a_digest_kind_starts_no_job(
    specialist, head, sent_jobs, django_capture_on_commit_callbacks
):
    prefer(head, Notification.Kind.ASSIGNED, Channel.INSTANT)  # another kind
    task = services.create_task(
        author=head, title="Справка", responsible=specialist, deadline=in_days(3)
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_task(task=task, actor=specialist, result="Готово")

    assert sent_jobs == []


def test_the_instant_mail_speaks_the_recipients_language_and_goes_once(specialist, head):
    head.language = Language.KK
    head.save(update_fields=["language"])
    prefer(head, KIND, Channel.INSTANT)
    task = services.create_task(
        author=head, title="Справка о посевной", responsible=specialist, deadline=in_days(3)
    )
    services.submit_task(task=task, actor=specialist, result="Справка готова")
    notification = Notification.objects.get(recipient=head, kind=KIND)

    assert jobs.email_notifications([notification.pk]) == 1
    assert jobs.email_notifications([notification.pk]) == 0  # a retry, a duplicate message

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [head.email]
    assert message.subject == "Нәтиже тапсырылды: Справка о посевной"
    assert message.extra_headers["Content-Language"] == "kk"
    assert f"/tasks/{task.pk}/" in message.body
    assert "Хабарлама баптаулары" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="kk">' in html
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_of_two_jobs_only_the_one_that_claims_the_line_sends(specialist, head, monkeypatch):
    prefer(head, KIND, Channel.INSTANT)
    notification = Notification.objects.create(recipient=head, actor=specialist, kind=KIND)
    # The other job claims the line after this one read it and before this one's claim.
    claim = instant.claim

    def other_job_first(pk):
        assert claim(pk) is True
        return claim(pk)

    monkeypatch.setattr(instant, "claim", other_job_first)

    assert instant.email_notifications(ids=[notification.pk, notification.pk]) == 0
    assert mail.outbox == []


def test_a_line_changed_to_digest_or_read_before_the_job_is_not_mailed(specialist, head):
    preference = prefer(head, KIND, Channel.INSTANT)
    first = Notification.objects.create(recipient=head, actor=specialist, kind=KIND)
    second = Notification.objects.create(
        recipient=head, actor=specialist, kind=KIND, read_at=timezone.now()
    )
    preference.channel = Channel.DIGEST
    preference.save()

    assert instant.email_notifications(ids=[first.pk, second.pk]) == 0
    assert mail.outbox == []


def test_a_failed_mail_goes_back_to_the_digest(specialist, head, settings):
    settings.EMAIL_BACKEND = "tests.tasks.test_notification_preferences.RefusingBackend"
    prefer(head, KIND, Channel.INSTANT)
    notification = Notification.objects.create(recipient=head, actor=specialist, kind=KIND)

    assert instant.email_notifications(ids=[notification.pk]) == 0

    notification.refresh_from_db()
    assert notification.emailed_at is None


class RefusingBackend:
    """A mail server that refuses every address."""

    def __init__(self, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({})


# --- the digest ------------------------------------------------------------------------------


def test_the_digest_leaves_out_kinds_set_to_none_and_lines_already_mailed(specialist, head):
    today = dt.date(2026, 4, 14)  # a Tuesday
    ensure_calendar(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    at = dt.datetime(2026, 4, 14, 7, 0, tzinfo=timezone.get_current_timezone())
    prefer(head, Notification.Kind.BLOCKER, Channel.NONE)
    Notification.objects.create(
        recipient=head, actor=specialist, kind=KIND, text="в дайджест", created_at=at
    )
    Notification.objects.create(
        recipient=head,
        actor=specialist,
        kind=Notification.Kind.BLOCKER,
        text="без почты",
        created_at=at,
    )
    Notification.objects.create(
        recipient=head,
        actor=specialist,
        kind=KIND,
        text="уже отправлено",
        created_at=at,
        emailed_at=at,
    )

    assert send_morning_digest(today=today) == 1

    body = mail.outbox[0].body
    assert "в дайджест" in body
    assert "без почты" not in body
    assert "уже отправлено" not in body


# --- a real worker ---------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_instant_notification_once(specialist, head, settings, monkeypatch):
    head.language = Language.EN
    head.save(update_fields=["language"])
    prefer(head, KIND, Channel.INSTANT)
    task = services.create_task(
        author=head, title="Harvest report", responsible=specialist, deadline=in_days(3)
    )
    queue = f"test-bell-{task.pk}-{time.monotonic_ns() % 10**9}"
    # The worker prints each mail (console backend) so this test reads what it sent.
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    monkeypatch.setattr(
        jobs.email_notifications,
        "delay",
        lambda ids: jobs.email_notifications.apply_async(args=[ids], queue=queue),
    )
    process = start_worker(settings.CELERY_BROKER_URL, queue)
    try:
        services.submit_task(task=task, actor=specialist, result="Done")  # commits: the job goes
        notification = Notification.objects.get(recipient=head, kind=KIND)

        deadline = time.monotonic() + HUNG_AFTER
        while not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False):
            assert process.poll() is None, f"the worker died:\n{process.stdout.read()}"
            assert time.monotonic() < deadline, "the worker did not send the mail in time"
            time.sleep(0.2)
        # The same job again, as a duplicate message would bring it: nothing more is sent.
        jobs.email_notifications.apply_async(args=[[notification.pk]], queue=queue)
        time.sleep(3)
    finally:
        stop_worker(process)
    output = process.stdout.read() if process.stdout else ""
    assert f"{queue}@" in output
    assert output.count("Subject: Result submitted: Harvest report") == 1
    assert "tasks.jobs.email_notifications" in output
    assert "succeeded in" in output and "1" in output
