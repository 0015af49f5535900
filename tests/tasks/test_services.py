"""The rules of tasks: transitions, who may do them, deadline moves, overdue age, conflicts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from akimat.calendar import ensure_calendar
from akimat.versions import Conflict
from tasks import services
from tasks.models import Absence, DeadlineChange, Notification, Status, Task, done_on_time
from tests.tasks.conftest import in_days
from tests.tasks.factories import TaskFactory

ALMATY = ZoneInfo("Asia/Almaty")

pytestmark = pytest.mark.django_db


def test_create_task_counts_in_the_responsible_persons_directorate_and_notifies(task, specialist):
    assert task.department == specialist.department
    assert task.status == Status.NEW
    assert Notification.objects.filter(recipient=specialist, kind="assigned", task=task).exists()
    assert task.history.count() == 1


def test_create_task_refuses_a_past_deadline_and_writes_nothing(head, specialist):
    with pytest.raises(ValidationError) as error:
        services.create_task(author=head, title="x", responsible=specialist, deadline=in_days(-1))
    assert "deadline" in error.value.message_dict
    assert not Task.objects.exists()


def test_create_task_refuses_an_empty_title(head, specialist):
    with pytest.raises(ValidationError):
        services.create_task(author=head, title="   ", responsible=specialist, deadline=in_days(1))


def test_bare_date_deadline_is_the_end_of_the_working_day():
    deadline = services.deadline_from(dt.date(2026, 5, 12))
    assert timezone.localtime(deadline).time() == dt.time(18, 30)
    assert str(timezone.localtime(deadline).tzinfo) == "Asia/Almaty"


def test_full_cycle_start_submit_accept(task, head, specialist):
    services.start_task(task=task, actor=specialist, version=task.version)
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS and task.started_at
    services.submit_task(
        task=task, actor=specialist, result="Ответ направлен, исх. № 15", version=task.version
    )
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE and task.submitted_at
    assert Notification.objects.filter(recipient=head, kind="submitted").exists()
    services.accept_task(task=task, actor=head, version=task.version)
    task.refresh_from_db()
    assert task.status == Status.DONE and task.done_at
    assert Task.objects.filter(done_on_time(), pk=task.pk).exists()
    assert task.history.count() == 4


def test_submit_needs_a_result_that_is_not_too_long(task, specialist):
    with pytest.raises(ValidationError):
        services.submit_task(task=task, actor=specialist, result="  ")
    with pytest.raises(ValidationError):
        services.submit_task(task=task, actor=specialist, result="я" * 10_001)
    task.refresh_from_db()
    assert task.status == Status.NEW and task.result == ""


def test_self_set_task_is_accepted_on_submit(specialist):
    own = services.create_task(
        author=specialist, title="Своя задача", responsible=specialist, deadline=in_days(1)
    )
    services.submit_task(task=own, actor=specialist, result="Сделано")
    own.refresh_from_db()
    assert own.status == Status.DONE


def test_return_needs_a_reason_and_notifies_the_responsible(task, head, specialist):
    services.submit_task(task=task, actor=specialist, result="Готово")
    with pytest.raises(ValidationError):
        services.return_task(task=task, actor=head, reason="")
    services.return_task(task=task, actor=head, reason="Нет подписи")
    task.refresh_from_db()
    assert task.status == Status.RETURNED and task.return_reason == "Нет подписи"
    assert Notification.objects.filter(recipient=specialist, kind="returned").exists()
    services.start_task(task=task, actor=specialist)  # a returned task goes back to work
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_nobody_accepts_their_own_result(head, deputy):
    own = services.create_task(
        author=deputy, title="Поручение", responsible=head, deadline=in_days(2)
    )
    services.submit_task(task=own, actor=head, result="Готово")
    with pytest.raises(ValidationError):
        services.accept_task(task=own, actor=head)
    services.accept_task(task=own, actor=deputy)


def test_transitions_out_of_order_are_refused(task, head, specialist):
    with pytest.raises(ValidationError):
        services.accept_task(task=task, actor=head)  # nothing submitted
    services.cancel_task(task=task, actor=head, reason="Поручение отозвано")
    with pytest.raises(ValidationError):
        services.start_task(task=task, actor=specialist)
    with pytest.raises(ValidationError):
        services.cancel_task(task=task, actor=head, reason="ещё раз")


def test_only_the_responsible_works_and_only_managers_decide(
    task, specialist, outsider, methodologist, head
):
    for stranger in (outsider, methodologist):
        with pytest.raises(PermissionDenied):
            services.start_task(task=task, actor=stranger)
        with pytest.raises(PermissionDenied):
            services.cancel_task(task=task, actor=stranger, reason="x")
    with pytest.raises(PermissionDenied):
        services.start_task(task=task, actor=head)
    with pytest.raises(PermissionDenied):
        services.cancel_task(task=task, actor=specialist, reason="не хочу")


def test_a_stale_version_is_a_conflict_and_changes_nothing(task, specialist, head):
    seen = task.version
    services.start_task(task=task, actor=specialist, version=seen)
    with pytest.raises(Conflict) as conflict:
        services.cancel_task(task=task, actor=head, reason="Отмена", version=seen)
    assert conflict.value.current.status == Status.IN_PROGRESS
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


# --- deadline moves ---------------------------------------------------------------------------


def test_deadline_move_request_and_approval_keeps_every_move(task, specialist, head):
    new = in_days(10)
    change = services.request_deadline_move(
        task=task, actor=specialist, new_deadline=new, reason="Ждём ответа земельного кадастра"
    )
    assert Notification.objects.filter(recipient=head, kind="move_requested").exists()
    with pytest.raises(ValidationError):
        services.request_deadline_move(
            task=task, actor=specialist, new_deadline=in_days(12), reason="ещё"
        )
    with pytest.raises(PermissionDenied):
        services.decide_deadline_move(change=change, actor=specialist, approve=True)
    services.decide_deadline_move(change=change, actor=head, approve=True, note="Согласовано")
    task.refresh_from_db()
    assert task.deadline == new
    change.refresh_from_db()
    assert change.state == DeadlineChange.State.APPROVED and change.decided_by == head
    with pytest.raises(ValidationError):
        services.decide_deadline_move(change=change, actor=head, approve=False)


def test_refused_move_leaves_the_deadline(task, specialist, head):
    old = task.deadline
    change = services.request_deadline_move(
        task=task, actor=specialist, new_deadline=in_days(9), reason="Не успеваю"
    )
    services.decide_deadline_move(
        change=change, actor=head, approve=False, note="Срок не переносится"
    )
    task.refresh_from_db()
    assert task.deadline == old
    assert Notification.objects.filter(recipient=specialist, kind="move_refused").exists()


def _decided(task, specialist, head, *, approve, note):
    change = services.request_deadline_move(
        task=task,
        actor=specialist,
        new_deadline=services.deadline_from(dt.date(2026, 12, 10), dt.time(16)),
        reason="Ждём ответа земельного кадастра",
    )
    services.decide_deadline_move(change=change, actor=head, approve=approve, note=note)
    return Notification.objects.get(kind__in=["move_approved", "move_refused"])


@pytest.mark.parametrize(
    ("language", "approve", "note", "kind", "text"),
    [
        ("ru", True, "", "move_approved", "Новый срок: 10.12.2026 16:00."),
        ("ru", True, "Не позже.", "move_approved", "Новый срок: 10.12.2026 16:00. Не позже."),
        ("kk", True, "", "move_approved", "Жаңа мерзім: 10.12.2026 16:00."),
        ("ru", False, "Срок по закону", "move_refused", "Причина: Срок по закону"),
        ("kk", False, "Заң бойынша", "move_refused", "Себебі: Заң бойынша"),
        ("ru", False, "", "move_refused", "Причина не указана."),
        ("en", False, "", "move_refused", "No reason was given."),
    ],
)
def test_a_decision_tells_the_requester_which_and_why_in_their_language(
    task, specialist, head, language, approve, note, kind, text
):
    specialist.language = language
    specialist.save(update_fields=["language"])
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=ALMATY), tick=False):
        told = _decided(task, specialist, head, approve=approve, note=note)
    assert (told.recipient, told.kind, told.actor, told.task) == (specialist, kind, head, task)
    assert told.text == text


def test_move_request_validates_the_new_date(task, specialist):
    with pytest.raises(ValidationError):
        services.request_deadline_move(
            task=task, actor=specialist, new_deadline=in_days(-2), reason="x"
        )
    with pytest.raises(ValidationError):
        services.request_deadline_move(
            task=task, actor=specialist, new_deadline=task.deadline, reason="x"
        )
    with pytest.raises(ValidationError):
        services.request_deadline_move(
            task=task, actor=specialist, new_deadline=in_days(5), reason=""
        )
    assert not DeadlineChange.objects.exists()


def test_moving_an_overdue_deadline_keeps_the_overdue_days_accrued(head, specialist):
    ensure_calendar(
        start=timezone.localdate() - dt.timedelta(days=60),
        end=timezone.localdate() + dt.timedelta(days=60),
    )
    late = TaskFactory(author=head, responsible=specialist, deadline=in_days(-14))
    change = services.request_deadline_move(
        task=late, actor=specialist, new_deadline=in_days(7), reason="Ждём документы"
    )
    services.decide_deadline_move(change=change, actor=head, approve=True)
    change.refresh_from_db()
    assert change.overdue_days_before >= 8  # two calendar weeks hold at least 8 working days
    assert not Task.objects.overdue().filter(pk=late.pk).exists()


# --- overdue age in working days ---------------------------------------------------------------


def test_overdue_days_skip_weekends_holidays_and_absence(head, specialist):
    ensure_calendar(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    # Deadline Friday 20 March 2026; 21-25 March are weekend and Nowruz; today is Tuesday 31 March.
    task = TaskFactory(
        author=head, responsible=specialist, deadline=services.deadline_from(dt.date(2026, 3, 20))
    )
    today = dt.date(2026, 3, 31)
    # Working days after 20.03 up to 31.03: 26, 27, 30, 31 = 4.
    at = services.deadline_from(today)
    assert Task.objects.with_figures(at).get(pk=task.pk).overdue_days == 4
    Absence.objects.create(
        user=specialist, kind="sick", start=dt.date(2026, 3, 27), end=dt.date(2026, 3, 30)
    )
    assert Task.objects.with_figures(at).get(pk=task.pk).overdue_days == 2
    task.status = Status.DONE
    task.done_at = timezone.now()
    task.save()
    assert Task.objects.with_figures(at).get(pk=task.pk).overdue_days == 0


def test_done_late_and_overdue_flags(head, specialist):
    late = TaskFactory(
        author=head,
        responsible=specialist,
        deadline=in_days(-2),
        status=Status.DONE,
        done_at=in_days(-1),
    )
    open_late = TaskFactory(author=head, responsible=specialist, deadline=in_days(-2))
    assert not Task.objects.filter(done_on_time(), pk=late.pk).exists()
    assert list(Task.objects.overdue()) == [open_late]
    assert [t.is_overdue for t in Task.objects.with_figures().order_by("pk")] == [False, True]


# --- visibility ----------------------------------------------------------------------------------


def test_visibility_by_role(task, head, specialist, outsider, deputy, methodologist, receptionist):
    co = TaskFactory(author=head, responsible=head)
    co.co_executors.add(specialist)
    assert set(Task.objects.visible_to(specialist)) == {task, co}
    assert set(Task.objects.visible_to(head)) == {task, co}
    assert set(Task.objects.visible_to(deputy)) == {task, co}
    assert set(Task.objects.visible_to(methodologist)) == {task, co}
    assert not Task.objects.visible_to(outsider).exists()
    assert not Task.objects.visible_to(receptionist).exists()
