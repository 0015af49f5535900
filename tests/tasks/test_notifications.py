"""The bell: the notification list, marking read, the unread count and the bell fragment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from akimat.navigation import header_widgets
from tasks.bell import notifications as notifications_processor
from tasks.models import Notification, Status, Task

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
LIST_URL = reverse("tasks:notifications")
READ_URL = reverse("tasks:notifications-read")


def make_task(*, author, responsible, title="Подготовить справку") -> Task:
    return Task.objects.create(
        title=title,
        author=author,
        responsible=responsible,
        department=responsible.department,
        deadline=timezone.now() + dt.timedelta(days=3),
        status=Status.NEW,
    )


def notify(
    recipient, *, actor=None, task=None, text="", kind=Notification.Kind.ASSIGNED, read=False
):
    return Notification.objects.create(
        recipient=recipient,
        actor=actor,
        task=task,
        kind=kind,
        text=text,
        read_at=timezone.now() if read else None,
    )


def unread(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- the list --------------------------------------------------------------------------------


def test_list_shows_only_the_signed_in_persons_notifications(client, specialist, outsider, head):
    notify(specialist, actor=head, text="Для Айгерим")
    notify(outsider, actor=head, text="Чужое уведомление")
    client.force_login(specialist)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert "<html" in response.text
    assert "Для Айгерим" in response.text
    assert "Чужое уведомление" not in response.text


def test_htmx_gets_only_the_fragment(client, specialist, head, django_assert_num_queries):
    notify(specialist, actor=head, text="Для Айгерим")
    client.force_login(specialist)

    # session, user, the user's role groups (the menu's context processor), notifications with
    # their actor and task joined in
    with django_assert_num_queries(4):
        response = client.get(LIST_URL, headers=HX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'class="notification-list"' in response.text
    assert "Для Айгерим" in response.text
    assert response["Vary"].count("HX-Request") == 1


def test_list_keeps_the_last_twenty(client, specialist, head):
    for n in range(25):
        notify(specialist, actor=head, text=f"note-{n:02}")
    client.force_login(specialist)

    response = client.get(LIST_URL, headers=HX)

    assert response.text.count("<li") == 20
    assert "note-24" in response.text  # the newest first
    assert "note-04" not in response.text


def test_a_line_has_the_kind_actor_task_link_text_and_time(client, specialist, head):
    task = make_task(author=head, responsible=specialist, title="Отчёт по посевной")
    notify(
        specialist,
        actor=head,
        task=task,
        kind=Notification.Kind.RETURNED,
        text="Нет приложения",
    )
    client.force_login(specialist)

    response = client.get(LIST_URL, headers=HX)

    with translation.override("ru"):
        label = str(Notification.Kind.RETURNED.label)
    assert label in response.text
    assert str(head) in response.text
    assert f'href="{reverse("tasks:task-detail", args=[task.pk])}">Отчёт по посевной</a>' in (
        response.text
    )
    assert "Нет приложения" in response.text
    assert "<time" in response.text


def test_unread_lines_are_bold_and_read_ones_are_not(client, specialist, head):
    notify(specialist, actor=head, text="read one", read=True)
    client.force_login(specialist)
    assert "fw-bold" not in client.get(LIST_URL, headers=HX).text

    notify(specialist, actor=head, text="unread one")
    response = client.get(LIST_URL, headers=HX)

    assert response.text.count("fw-bold") == 1


def test_a_notification_without_a_task_has_no_link(client, specialist, head):
    notify(head, actor=specialist, kind=Notification.Kind.ASSIGNED, text="Без задачи")
    client.force_login(head)

    response = client.get(LIST_URL, headers=HX)

    assert "Без задачи" in response.text
    assert "<a " not in response.text


def test_a_blocker_links_to_the_stand_up_of_the_persons_directorate(client, specialist, head):
    notify(head, actor=specialist, kind=Notification.Kind.BLOCKER, text="Нет доступа к ЕСЭДО")
    client.force_login(head)

    response = client.get(LIST_URL, headers=HX)

    assert "Нет доступа к ЕСЭДО" in response.text
    url = f"{reverse('tasks:standup')}?department={specialist.department_id}"
    assert response.text.count("<a ") == 1
    assert f'href="{url}"' in response.text


def test_empty_list_says_so(client, specialist):
    client.force_login(specialist)

    response = client.get(LIST_URL, headers=HX)

    assert "notification-list" in response.text
    assert "<li" not in response.text


def test_list_requires_login(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- marking read ----------------------------------------------------------------------------


def test_htmx_mark_read_zeroes_the_counter_only_for_this_person(client, specialist, outsider, head):
    notify(specialist, actor=head, text="one")
    notify(specialist, actor=head, text="two")
    notify(outsider, actor=head, text="someone else's")
    client.force_login(specialist)

    response = client.post(READ_URL, headers=HX)

    assert response.status_code == 200
    assert unread(specialist) == 0
    assert unread(outsider) == 1
    assert "<html" not in response.text
    assert 'class="notification-list"' in response.text
    assert "fw-bold" not in response.text
    # the bell's counter comes along out of band, with no badge left
    assert 'id="bell-counter" hx-swap-oob="true"' in response.text
    assert "badge" not in response.text
    assert "Уведомления: 0 непрочитанных" in response.text


def test_plain_mark_read_redirects_to_the_list(client, specialist, head):
    notify(specialist, actor=head, text="one")
    client.force_login(specialist)

    response = client.post(READ_URL)

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert unread(specialist) == 0


def test_mark_read_is_a_post(client, specialist):
    client.force_login(specialist)

    assert client.get(READ_URL).status_code == 405


def test_mark_read_requires_login(client, specialist, head):
    notify(specialist, actor=head, text="one")

    response = client.post(READ_URL)

    assert response.status_code == 302
    assert unread(specialist) == 1


# --- the unread count ------------------------------------------------------------------------


def test_context_processor_counts_unread_in_one_query(
    specialist, outsider, head, django_assert_num_queries
):
    notify(specialist, actor=head)
    notify(specialist, actor=head)
    notify(specialist, actor=head, read=True)
    notify(outsider, actor=head)
    request = RequestFactory().get("/")
    request.user = specialist
    assert specialist.has_role("specialist")  # caches the roles the menu's processor reads
    template = Template("{{ unread_notifications }}/{{ unread_notifications }}")

    # one COUNT, however often the template shows it
    with django_assert_num_queries(1):
        rendered = template.render(RequestContext(request, processors=[notifications_processor]))

    assert rendered == "2/2"


def test_context_processor_costs_nothing_when_the_count_is_not_shown(
    specialist, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = specialist
    assert specialist.has_role("specialist")  # caches the roles the menu's processor reads

    with django_assert_num_queries(0):
        Template("no bell here").render(
            RequestContext(request, processors=[notifications_processor])
        )


def test_context_processor_gives_nothing_to_anonymous():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert notifications_processor(request) == {}


# --- the bell fragment -----------------------------------------------------------------------


def render_bell(user, count):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string(
            "tasks/_bell.html", {"unread_notifications": count}, request=request
        )


def test_bell_shows_a_red_badge_and_an_accessible_name(specialist):
    html = render_bell(specialist, 3)

    assert "Notifications, 3 unread" in html
    assert "badge" in html and "text-bg-danger" in html
    assert ">3</span>" in html
    assert 'data-bs-toggle="dropdown"' in html
    assert f'hx-get="{LIST_URL}"' in html
    assert 'hx-trigger="show.bs.dropdown from:closest .dropdown"' in html
    assert f'hx-post="{READ_URL}"' in html
    assert "Mark all as read" in html
    assert "csrfmiddlewaretoken" in html


def test_bell_without_unread_has_no_badge(specialist):
    html = render_bell(specialist, 0)

    assert "Notifications, 0 unread" in html
    assert "badge" not in html


def test_bell_caps_a_large_count(specialist):
    assert ">99+</span>" in render_bell(specialist, 250)


# --- the bell in the header, through akimat's registry ---------------------------------------


def test_tasks_registers_the_bell_with_the_header():
    assert "tasks/_bell.html" in [widget.template for widget in header_widgets()]


def test_every_page_shows_the_bell_with_the_unread_count(client, specialist, head):
    notify(specialist, actor=head)
    notify(specialist, actor=head)
    client.force_login(specialist)

    html = client.get(reverse("home")).text

    assert html.count('id="bell"') == 1
    assert ">2</span>" in html


def test_the_page_before_login_has_no_bell(client):
    assert 'id="bell"' not in client.get(reverse("login")).text
