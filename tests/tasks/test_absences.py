"""Absences with an acting person: recorded, corrected and deleted by the head; the tasks handed
over after a preview, undone right after, and given back on return after a second preview."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.models import Absence, HandedTask, HandOver, Notification, Status, Task
from tests.factories import UserFactory
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

# The pinned clock is Wednesday 18.11.2026; the absence is the next working week.
FIRST, LAST = dt.date(2026, 11, 23), dt.date(2026, 11, 27)


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


def leave(person, acting, *, start=FIRST, end=LAST):
    return Absence.objects.create(user=person, kind="leave", start=start, end=end, acting=acting)


def due(day: dt.date, hour: int = 18, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def workload(head, specialist):
    """The specialist's tasks around the absence, by what a hand-over should do with them."""
    make = lambda title, deadline, **kw: TaskFactory(  # noqa: E731
        title=title, author=head, responsible=specialist, deadline=deadline, **kw
    )
    return {
        "before": make("До отпуска", due(dt.date(2026, 11, 19))),
        "first": make("В первый день", due(FIRST, 9, 0)),
        "last": make("В последний день", due(LAST)),
        "after": make("После отпуска", due(LAST + dt.timedelta(days=1), 0, 0)),
        "done": make("Уже сделана", due(FIRST), status=Status.DONE),
        "handed_in": make(
            "Результат сдан",
            due(FIRST),
            status=Status.AWAITING_ACCEPTANCE,
            submitted_at=timezone.now(),
        ),
    }


def preview_url(absence, scope=""):
    url = reverse("tasks:absence-hand-over", args=[absence.pk])
    return f"{url}?scope={scope}" if scope else url


def confirm(client, absence, page, scope="due"):
    """Send the preview's confirmation form as the page drew it."""
    return client.post(
        reverse("tasks:absence-hand-over", args=[absence.pk]),
        {"scope": scope, "selection": page.context["preview"].key, "once": str(uuid.uuid4())},
    )


def titles(response) -> list[str]:
    return [task.title for task in response.context["preview"].tasks]


# --- recording --------------------------------------------------------------------------------


def test_head_records_an_absence(client, head, specialist, colleague):
    client.force_login(head)
    assert record(client, specialist, colleague).status_code == 302
    absence = Absence.objects.get()
    assert absence.history.first().history_user == head
    page = client.get(reverse("tasks:absences"))
    assert specialist.get_full_name() in page.text
    assert "Передать задачи…" in page.text


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
def test_only_heads_deputy_and_admin_open_absences(client, request, persona, specialist, colleague):
    absence = leave(specialist, colleague)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tasks:absences")).status_code == 403
    assert client.get(preview_url(absence)).status_code == 403
    assert client.get(reverse("tasks:absence-edit", args=[absence.pk])).status_code == 403


# --- the preview and the hand-over --------------------------------------------------------------


def test_preview_lists_only_tasks_falling_due_during_the_absence(
    client, head, specialist, colleague, workload
):
    absence = leave(specialist, colleague)
    client.force_login(head)
    page = client.get(preview_url(absence))
    assert titles(page) == ["В первый день", "В последний день"]
    assert page.context["counts"] == {"due": 2, "all": 4}
    assert "2 задачи перейдут к" in page.text
    assert "Передать 2 задачи" in page.text
    everything = client.get(preview_url(absence, "all"))
    # Every task in work, whenever due; what is done or handed in never moves.
    assert titles(everything) == [
        "До отпуска",
        "В первый день",
        "В последний день",
        "После отпуска",
    ]
    assert not Task.objects.filter(responsible=colleague).exists()  # a preview moves nothing


def test_confirm_moves_exactly_the_previewed_tasks_and_tells_both(
    client, head, specialist, colleague, workload
):
    colleague.language = "kk"
    colleague.save(update_fields=["language"])
    absence = leave(specialist, colleague)
    client.force_login(head)
    response = confirm(client, absence, client.get(preview_url(absence)))
    assert response.status_code == 302 and response.url == reverse("tasks:absences")
    moved = set(Task.objects.filter(responsible=colleague).values_list("title", flat=True))
    assert moved == {"В первый день", "В последний день"}
    assert Task.objects.filter(responsible=specialist).count() == 4
    hand_over = HandOver.objects.get()
    assert (hand_over.from_user, hand_over.to_user, hand_over.handed_by) == (
        specialist,
        colleague,
        head,
    )
    assert hand_over.scope == HandOver.Scope.DUE
    assert {i.task.title for i in hand_over.items.all()} == moved
    assert hand_over.history.first().history_user == head
    first = workload["first"]
    first.refresh_from_db()
    assert first.history.first().history_change_reason == "handed to the acting person"
    told = {n.recipient: n.text for n in Notification.objects.filter(kind="handed_over")}
    assert told[specialist] == (
        "2 ваши задачи переданы сотруднику Абенов Болат на время вашего отсутствия, "
        "23.11.2026–27.11.2026."
    )
    assert told[colleague] == (
        "Касымова Айгерим қызметкері жұмыста болмаған кезеңге оның 2 тапсырмасы сізге берілді: "
        "23.11.2026–27.11.2026."
    )
    page = client.get(reverse("tasks:absences"))
    assert "2 задачи у исполняющего обязанности" in page.text


def test_confirm_after_the_list_changed_moves_nothing_and_shows_it_again(
    client, head, specialist, colleague, workload
):
    absence = leave(specialist, colleague)
    client.force_login(head)
    page = client.get(preview_url(absence))
    TaskFactory(title="Поставлена позже", author=head, responsible=specialist, deadline=due(LAST))
    response = confirm(client, absence, page)
    assert response.status_code == 302 and response.url == preview_url(absence, "due")
    assert not Task.objects.filter(responsible=colleague).exists()
    assert not HandOver.objects.exists()
    again = client.get(response.url)
    assert "Список задач изменился" in again.text
    assert "Поставлена позже" in titles(again)


def test_a_double_confirm_moves_nothing_twice(client, head, specialist, colleague, workload):
    absence = leave(specialist, colleague)
    client.force_login(head)
    page = client.get(preview_url(absence))
    data = {"scope": "due", "selection": page.context["preview"].key, "once": str(uuid.uuid4())}
    url = reverse("tasks:absence-hand-over", args=[absence.pk])
    assert client.post(url, data).status_code == 302
    repeat = client.post(url, data, follow=True)  # the same form again: a double click
    assert "уже сохранена" in repeat.text
    resent = client.post(url, {**data, "once": str(uuid.uuid4())}, follow=True)  # a stale tab
    assert "Список задач изменился" in resent.text
    assert HandOver.objects.count() == 1
    assert HandedTask.objects.count() == 2
    assert Task.objects.filter(responsible=colleague).count() == 2
    assert Notification.objects.filter(kind="handed_over").count() == 2


def test_hand_over_without_an_acting_person_is_refused(client, head, specialist, workload):
    absence = leave(specialist, None)
    client.force_login(head)
    preview = client.get(preview_url(absence), follow=True)
    assert preview.redirect_chain[-1][0] == reverse("tasks:absence-edit", args=[absence.pk])
    assert "Сначала укажите исполняющего обязанности" in preview.text
    response = client.post(
        preview_url(absence), {"scope": "due", "selection": "", "once": str(uuid.uuid4())}
    )
    assert "Сначала укажите исполняющего обязанности" in client.get(response.url, follow=True).text
    assert not HandOver.objects.exists()
    assert not Task.objects.exclude(responsible=specialist).exists()


# --- giving back and undoing -------------------------------------------------------------------


def test_give_back_returns_only_tasks_still_in_work_with_the_acting_person(
    client, head, specialist, colleague, workload
):
    absence = leave(specialist, colleague)
    services.hand_over_to_acting(absence=absence, actor=head, scope=HandOver.Scope.ALL)
    # While the specialist is away the acting person finishes one task and hands in another.
    before, first = workload["before"], workload["first"]
    services.submit_task(task=before, actor=colleague, result="Сделано")
    services.accept_task(task=before, actor=head)
    services.submit_task(task=first, actor=colleague, result="Готово, на проверке")
    client.force_login(head)
    page = client.get(reverse("tasks:absence-give-back", args=[absence.pk]))
    assert titles(page) == ["В последний день", "После отпуска"]
    assert "2 переданные задачи остаются у" in page.text
    response = client.post(
        reverse("tasks:absence-give-back", args=[absence.pk]),
        {"selection": page.context["preview"].key, "once": str(uuid.uuid4())},
    )
    assert response.url == reverse("tasks:absences")
    back = set(Task.objects.filter(responsible=specialist, status=Status.NEW).values_list("title"))
    assert back == {("В последний день",), ("После отпуска",)}
    for task in (before, first):
        task.refresh_from_db()
        assert task.responsible == colleague
    states = dict(HandedTask.objects.values_list("task__title", "state"))
    assert states == {
        "До отпуска": "kept",
        "В первый день": "kept",
        "В последний день": "back",
        "После отпуска": "back",
    }
    last = workload["last"]
    last.refresh_from_db()
    assert last.history.first().history_change_reason == "given back after the absence"
    told = Notification.objects.filter(kind="handed_over", recipient=specialist).first()
    assert told.text == "2 задачи вернулись к вам от сотрудника Абенов Болат."
    # Given back, the row offers nothing more to give back; a second give-back finds nothing.
    assert "Вернуть…" not in client.get(reverse("tasks:absences")).text
    again = client.post(
        reverse("tasks:absence-give-back", args=[absence.pk]),
        {"selection": page.context["preview"].key, "once": str(uuid.uuid4())},
        follow=True,
    )
    assert Task.objects.filter(responsible=specialist).count() == 4
    assert "Список задач изменился" in again.text


def test_undo_right_after_gives_that_hand_over_back(
    client, head, specialist, colleague, workload, pinned_clock
):
    absence = leave(specialist, colleague)
    client.force_login(head)
    confirm(client, absence, client.get(preview_url(absence)))
    hand_over = HandOver.objects.get()
    undo = reverse("tasks:absence-undo", args=[absence.pk, hand_over.pk])
    assert undo in client.get(reverse("tasks:absences")).text
    response = client.post(undo, {"once": str(uuid.uuid4())}, follow=True)
    assert "2 задачи возвращены сотруднику Касымова Айгерим" in response.text
    assert not Task.objects.filter(responsible=colleague).exists()
    assert undo not in response.text


def test_undo_is_offered_only_in_the_first_minutes(client, head, specialist, colleague, workload):
    absence = leave(specialist, colleague)
    services.hand_over_to_acting(absence=absence, actor=head)
    hand_over = HandOver.objects.get()
    undo = reverse("tasks:absence-undo", args=[absence.pk, hand_over.pk])
    client.force_login(head)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        page = client.get(reverse("tasks:absences"))
    assert undo not in page.text
    assert reverse("tasks:absence-give-back", args=[absence.pk]) in page.text


def test_someone_elses_absence_answers_404_and_changes_nothing(
    client, head, outsider, other_department
):
    acting = UserFactory(department=other_department, roles=["specialist"])
    absence = leave(outsider, acting)
    task = TaskFactory(author=outsider, responsible=outsider, deadline=due(FIRST))
    services.hand_over_to_acting(absence=absence, actor=UserFactory(roles=["deputy"]))
    hand_over = HandOver.objects.get()
    client.force_login(head)
    pk = absence.pk
    once = {"once": str(uuid.uuid4()), "version": "1", "selection": "x"}
    assert client.get(preview_url(absence)).status_code == 404
    assert client.post(preview_url(absence), once).status_code == 404
    assert client.get(reverse("tasks:absence-give-back", args=[pk])).status_code == 404
    assert client.post(reverse("tasks:absence-give-back", args=[pk]), once).status_code == 404
    assert (
        client.post(reverse("tasks:absence-undo", args=[pk, hand_over.pk]), once).status_code == 404
    )
    assert client.get(reverse("tasks:absence-edit", args=[pk])).status_code == 404
    assert client.post(reverse("tasks:absence-delete", args=[pk]), once).status_code == 404
    task.refresh_from_db()
    assert task.responsible == acting
    assert Absence.objects.filter(pk=pk).exists()


def test_the_service_refuses_a_head_of_another_directorate(head, outsider, other_department):
    acting = UserFactory(department=other_department, roles=["specialist"])
    absence = leave(outsider, acting)
    TaskFactory(author=outsider, responsible=outsider, deadline=due(FIRST))
    with pytest.raises(PermissionDenied):
        services.hand_over_to_acting(absence=absence, actor=head)
    assert not HandOver.objects.exists()


# --- editing and deleting ------------------------------------------------------------------------


def edit(client, absence, **changes):
    data = {
        "user": absence.user_id,
        "kind": absence.kind,
        "start": absence.start.isoformat(),
        "end": absence.end.isoformat(),
        "acting": absence.acting_id or "",
        "version": absence.version,
        **changes,
    }
    return client.post(reverse("tasks:absence-edit", args=[absence.pk]), data)


def test_head_corrects_an_absence_and_a_stale_form_changes_nothing(
    client, head, specialist, colleague
):
    absence = leave(specialist, colleague)
    client.force_login(head)
    assert client.get(reverse("tasks:absence-edit", args=[absence.pk])).status_code == 200
    response = edit(client, absence, end="2026-11-30")
    assert response.url == reverse("tasks:absences")
    absence.refresh_from_db()
    assert (absence.end, absence.version) == (dt.date(2026, 11, 30), 2)
    assert absence.history.first().history_user == head
    stale = edit(client, absence, version=1, end="2026-12-04")
    assert stale.url == reverse("tasks:absence-edit", args=[absence.pk])
    assert "Кто-то только что изменил это отсутствие" in client.get(stale.url).text
    absence.refresh_from_db()
    assert (absence.end, absence.version) == (dt.date(2026, 11, 30), 2)


def test_acting_person_cannot_change_while_tasks_are_out(
    client, head, specialist, colleague, department, workload
):
    other = UserFactory(department=department, roles=["specialist"])
    absence = leave(specialist, colleague)
    services.hand_over_to_acting(absence=absence, actor=head)
    absence.refresh_from_db()
    client.force_login(head)
    response = edit(client, absence, acting=other.pk)
    assert response.status_code == 200
    assert "сначала верните их" in response.text
    absence.refresh_from_db()
    assert absence.acting == colleague
    assert edit(client, absence, end="2026-11-26").status_code == 302  # the dates may change


def test_delete_is_refused_while_tasks_are_out_and_allowed_after_give_back(
    client, head, specialist, colleague, workload
):
    absence = leave(specialist, colleague)
    services.hand_over_to_acting(absence=absence, actor=head)
    client.force_login(head)
    url = reverse("tasks:absence-delete", args=[absence.pk])
    refused = client.post(url, {"version": 1, "once": str(uuid.uuid4())}, follow=True)
    assert "2 задачи всё ещё у исполняющего обязанности: сначала верните их." in refused.text
    assert Absence.objects.filter(pk=absence.pk).exists()
    services.give_back_tasks(absence=absence, actor=head)
    data = {"version": 1, "once": str(uuid.uuid4())}
    assert client.post(url, data).url == reverse("tasks:absences")
    twice = client.post(url, data, follow=True)  # a double click
    assert "уже сохранена" in twice.text
    assert not Absence.objects.exists()
    assert HandOver.objects.get().absence is None  # the record of the hand-over stays
    assert HandedTask.objects.filter(state="back").count() == 2


# --- queries ----------------------------------------------------------------------------------------


def test_absences_page_query_count_is_fixed(
    client, head, specialist, colleague, django_assert_num_queries, workload
):
    # session, user, roles, directorates, the page's count, the page of absences (with both
    # people, the tasks out and the hand-over to undo), form's people (x2 selects), the bell
    client.force_login(head)
    absence = leave(specialist, colleague)
    services.hand_over_to_acting(absence=absence, actor=head)
    with django_assert_num_queries(9):
        client.get(reverse("tasks:absences"))
    for n in range(30):
        Absence.objects.create(
            user=colleague,
            kind="leave",
            start=timezone.localdate() + dt.timedelta(days=n),
            end=timezone.localdate() + dt.timedelta(days=n),
            acting=specialist,
        )
    with django_assert_num_queries(9):
        response = client.get(reverse("tasks:absences"))
    assert len(response.context["page"]) == 25
    assert response.context["page"].paginator.count == 31
    assert "1 / 2" in response.text


def test_preview_query_count_is_fixed(
    client, head, specialist, colleague, django_assert_num_queries
):
    # session, user, roles, directorates, the absence, both counts, the ids, the page's tasks
    # (with their authors), the bell
    absence = leave(specialist, colleague)
    TaskFactory(author=head, responsible=specialist, deadline=due(FIRST))
    client.force_login(head)
    with django_assert_num_queries(9):
        client.get(preview_url(absence))
    TaskFactory.create_batch(30, author=head, responsible=specialist, deadline=due(LAST))
    with django_assert_num_queries(9):
        response = client.get(preview_url(absence))
    assert response.context["preview"].count == 31
    assert len(titles(response)) == 25
    second = client.get(f"{preview_url(absence, 'due')}&page=2")
    assert len(titles(second)) == 6


def test_give_back_preview_query_count_is_fixed(
    client, head, specialist, colleague, django_assert_num_queries
):
    # session, user, roles, directorates, the absence, the ids, the page's tasks, the tasks out,
    # the bell
    absence = leave(specialist, colleague)
    TaskFactory(author=head, responsible=specialist, deadline=due(FIRST))
    services.hand_over_to_acting(absence=absence, actor=head)
    client.force_login(head)
    url = reverse("tasks:absence-give-back", args=[absence.pk])
    with django_assert_num_queries(9):
        client.get(url)
    TaskFactory.create_batch(30, author=head, responsible=specialist, deadline=due(LAST))
    services.hand_over_to_acting(absence=absence, actor=head)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.context["preview"].count == 31
    assert len(titles(response)) == 25
