"""The live bell: the header's poll answers the counter alone, at a fixed cost, never cached,
never a login page, and says how many notifications are new."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from akimat.models import Language
from tasks.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
BELL_URL = reverse("tasks:bell")


def notify_many(recipient, count: int, *, actor=None, read: bool = False) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            actor=actor,
            kind=Notification.Kind.ASSIGNED,
            text=f"note-{n}",
            read_at=timezone.now() if read else None,
        )
        for n in range(count)
    )


def toast(response) -> dict[str, str] | None:
    trigger = response.headers.get("HX-Trigger")
    return json.loads(trigger)["notify"] if trigger else None


@pytest.mark.parametrize("scale", [1, 10])
def test_a_poll_costs_one_count_however_many_notifications(
    client, specialist, outsider, head, scale, django_assert_num_queries
):
    notify_many(specialist, 3 * scale, actor=head)
    notify_many(specialist, 2 * scale, actor=head, read=True)
    notify_many(outsider, 5 * scale, actor=head)
    client.force_login(specialist)

    # the session, its user, and one COUNT of the person's unread notifications
    with django_assert_num_queries(3):
        response = client.get(BELL_URL, {"shown": 3 * scale}, headers=HX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="bell-counter"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert f'data-count="{3 * scale}"' in response.text
    assert f"Уведомления: {3 * scale} непрочитанных" in response.text
    assert toast(response) is None


def test_a_poll_is_never_cached_and_writes_no_session(client, specialist):
    client.force_login(specialist)

    response = client.get(BELL_URL, headers=HX)

    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}  # neither the session nor the CSRF cookie is written again


def test_a_grown_count_is_announced_in_the_persons_language(client, specialist, head):
    notify_many(specialist, 3, actor=head)
    client.force_login(specialist)

    response = client.get(BELL_URL, {"shown": 1}, headers=HX)

    assert toast(response) == {"text": "2 новых уведомления", "level": "info"}
    assert ">3<" in response.text  # the badge

    specialist.language = Language.KK
    specialist.save(update_fields=["language"])
    response = client.get(BELL_URL, {"shown": 2}, headers=HX)
    assert toast(response) == {"text": "1 жаңа хабарлама", "level": "info"}


def test_a_count_that_fell_or_stayed_is_not_announced(client, specialist, head):
    notify_many(specialist, 2, actor=head)
    client.force_login(specialist)

    assert toast(client.get(BELL_URL, {"shown": 2}, headers=HX)) is None
    assert toast(client.get(BELL_URL, {"shown": 7}, headers=HX)) is None


@pytest.mark.parametrize("shown", ["\x00", "<script>alert(1)</script>", "-1", "9" * 5000, "2.5"])
def test_a_broken_shown_count_is_ignored(client, specialist, head, shown):
    notify_many(specialist, 2, actor=head)
    client.force_login(specialist)

    response = client.get(BELL_URL, {"shown": shown}, headers=HX)

    assert response.status_code == 200
    assert 'data-count="2"' in response.text
    assert toast(response) is None
    assert "<script>" not in response.text


def test_an_expired_session_stops_the_poll_instead_of_a_login_page(client, specialist):
    client.force_login(specialist)
    client.logout()  # as when the session has expired

    response = client.get(BELL_URL, headers=HX)

    assert response.status_code == 286  # htmx stops polling
    assert response.content == b""
    assert "Location" not in response.headers
    assert "HX-Redirect" not in response.headers
    assert "no-store" in response["Cache-Control"]


def test_the_poll_counts_only_the_persons_own_notifications(client, specialist, outsider, head):
    notify_many(outsider, 4, actor=head)
    client.force_login(specialist)

    response = client.get(BELL_URL, {"shown": 0}, headers=HX)

    assert 'data-count="0"' in response.text
    assert "badge" not in response.text
    assert toast(response) is None


def test_every_page_polls_at_the_configured_interval(client, specialist, settings):
    client.force_login(specialist)

    page = client.get(reverse("tasks:notifications")).text
    assert f'hx-get="{BELL_URL}" hx-trigger="every 30s, bell-refresh" hx-swap="none"' in page
    assert "js/bell.js" in page

    settings.BELL_POLL_SECONDS = 2
    page = client.get(reverse("tasks:notifications")).text
    assert 'hx-trigger="every 2s, bell-refresh"' in page


def test_only_get_is_answered(client, specialist):
    client.force_login(specialist)

    assert client.post(BELL_URL, headers=HX).status_code == 405


def test_a_newcomer_without_notifications_polls_too(client):
    newcomer = UserFactory(roles=["specialist"])
    client.force_login(newcomer)

    response = client.get(BELL_URL, {"shown": 0}, headers=HX)

    assert response.status_code == 200
    assert 'data-count="0"' in response.text
