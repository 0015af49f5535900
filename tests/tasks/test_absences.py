"""Absences with an acting person: recorded by the head, open tasks handed over in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Absence, Status
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db


def record(client, person, acting, *, start=None, end=None):
    today = timezone.localdate()
    return client.post(
        reverse("tasks:absences"),
        {
            "user": person.pk,
            "kind": "leave",
            "start": (start or today).isoformat(),
            "end": (end or today + dt.timedelta(days=7)).isoformat(),
            "acting": acting.pk if acting else "",
        },
    )


def test_head_records_an_absence_and_hands_over_open_tasks(client, head, specialist, colleague):
    open_task = TaskFactory(author=head, responsible=specialist)
    done = TaskFactory(author=head, responsible=specialist, status=Status.DONE)
    client.force_login(head)
    assert record(client, specialist, colleague).status_code == 302
    absence = Absence.objects.get()
    assert absence.history.first().history_user == head
    client.post(reverse("tasks:absence-hand-over", args=[absence.pk]))
    open_task.refresh_from_db()
    done.refresh_from_db()
    assert open_task.responsible == colleague
    assert done.responsible == specialist
    page = client.get(reverse("tasks:absences"))
    assert specialist.get_full_name() in page.text


def test_absence_dates_and_acting_person_are_checked(client, head, specialist, colleague):
    client.force_login(head)
    today = timezone.localdate()
    backwards = record(client, specialist, colleague, start=today, end=today - dt.timedelta(days=1))
    assert "end" in backwards.context["form"].errors
    self_acting = record(client, specialist, specialist)
    assert "acting" in self_acting.context["form"].errors
    impossible = client.post(
        reverse("tasks:absences"),
        {"user": specialist.pk, "kind": "leave", "start": "2026-02-30", "end": "2026-03-01"},
    )
    assert "start" in impossible.context["form"].errors
    assert not Absence.objects.exists()


def test_a_head_cannot_record_absences_in_another_directorate(client, head, outsider, colleague):
    client.force_login(head)
    response = record(client, outsider, colleague)
    assert "user" in response.context["form"].errors
    assert not Absence.objects.exists()


@pytest.mark.parametrize("persona", ["specialist", "receptionist", "methodologist"])
def test_only_heads_deputy_and_admin_open_absences(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tasks:absences")).status_code == 403


def test_hand_over_of_another_directorates_absence_answers_404(
    client, head, outsider, other_department
):
    from tests.factories import UserFactory

    acting = UserFactory(department=other_department, roles=["specialist"])
    absence = Absence.objects.create(
        user=outsider,
        kind="sick",
        start=timezone.localdate(),
        end=timezone.localdate(),
        acting=acting,
    )
    TaskFactory(author=outsider, responsible=outsider)
    client.force_login(head)
    assert client.post(reverse("tasks:absence-hand-over", args=[absence.pk])).status_code == 404
    assert outsider.tasks.count() == 1


def test_absences_page_query_count_is_fixed(
    client, head, specialist, colleague, django_assert_num_queries
):
    # session, user, roles, directorates, absences (with both people), form's people (x2 selects),
    # the bell
    client.force_login(head)
    Absence.objects.create(
        user=specialist,
        kind="trip",
        start=timezone.localdate(),
        end=timezone.localdate(),
        acting=colleague,
    )
    with django_assert_num_queries(8):
        client.get(reverse("tasks:absences"))
    for n in range(10):
        Absence.objects.create(
            user=colleague,
            kind="leave",
            start=timezone.localdate() + dt.timedelta(days=n),
            end=timezone.localdate() + dt.timedelta(days=n),
        )
    with django_assert_num_queries(8):
        response = client.get(reverse("tasks:absences"))
    assert len(response.context["absences"]) == 11
