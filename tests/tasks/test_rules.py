"""One test per rule of the figures (tasks.models): each would fail if its rule broke, and each
checks the pages' ORM form and the nightly SQL (scores.scoring.person_figures) together."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from akimat.calendar import ensure_calendar
from scores import scoring
from tasks import services
from tasks.models import ChecklistItem, Status, Task, done_on_time
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
# Wednesday 25 November 2026, 11:00 in Almaty.
NOW = dt.datetime(2026, 11, 25, 11, 0, tzinfo=ALMATY)


def at(day: int, hour: int = 18, minute: int = 30, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ALMATY)


@pytest.fixture(autouse=True)
def _pinned(db):
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    scoring.ensure_default_policy()
    with time_machine.travel(NOW, tick=False):
        yield


def set_on_10th(head, specialist, **fields) -> Task:
    """The head's task for the specialist, set on 10 November, due on the 17th at 18:30."""
    fields = {"deadline": at(17), "created_at": at(10, 9), **fields}
    return TaskFactory(author=head, responsible=specialist, **fields)


def figures(task: Task) -> Task:
    return Task.objects.with_figures().get(pk=task.pk)


def snapshot(person, day: dt.date | None = None):
    return scoring.person_figures(day or NOW.date(), people=[person])[0]


def test_a_result_handed_in_on_time_is_not_overdue_while_it_awaits_acceptance(
    client, head, specialist
):
    task = set_on_10th(
        head,
        specialist,
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=at(16, 12),
    )
    assert not Task.objects.overdue().filter(pk=task.pk).exists()
    row = figures(task)
    assert (row.is_overdue, row.overdue_days) == (False, 0)
    # Working days after Monday 16 November up to Wednesday 25 November.
    assert row.awaiting_days == 7
    night = snapshot(specialist)
    assert (night.open, night.overdue, night.awaiting, night.overdue_days) == (1, 0, 1, 0)

    client.force_login(specialist)
    page = client.get(reverse("tasks:my-tasks"))
    assert [t.pk for t in page.context["sections"]["handed_in"].rows] == [task.pk]
    assert page.context["sections"]["overdue"].rows == []
    client.force_login(head)
    page = client.get(reverse("tasks:my-tasks")).content.decode()
    assert "ожидает вашего решения 7 рабочих дней" in page


def test_a_result_handed_in_late_is_overdue_from_the_deadline(specialist, head):
    task = set_on_10th(
        head,
        specialist,
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=at(18, 10),
    )
    row = figures(task)
    # 18, 19, 20, 23, 24, 25 November.
    assert (row.is_overdue, row.overdue_days) == (True, 6)
    night = snapshot(specialist)
    assert (night.overdue, night.awaiting, night.overdue_days) == (1, 0, 6)


def test_a_returned_result_resumes_the_clock_from_the_original_deadline(specialist, head):
    task = set_on_10th(
        head,
        specialist,
        status=Status.RETURNED,
        submitted_at=at(16, 12),
        returned_at=at(20, 15),
    )
    row = figures(task)
    assert (row.is_overdue, row.overdue_days) == (True, 6)
    assert (snapshot(specialist).overdue, snapshot(specialist).overdue_days) == (1, 6)
    # As of the end of 19 November the result was still awaiting a decision: not overdue then.
    then = snapshot(specialist, dt.date(2026, 11, 19))
    assert (then.overdue, then.awaiting) == (0, 1)


def test_done_on_time_is_judged_by_when_the_result_was_handed_in(specialist, head):
    accepted_late = set_on_10th(
        head,
        specialist,
        status=Status.DONE,
        submitted_at=at(16, 12),
        done_at=at(19, 10),
    )
    handed_in_late = set_on_10th(
        head,
        specialist,
        status=Status.DONE,
        submitted_at=at(18, 12),
        done_at=at(18, 13),
    )
    assert list(Task.objects.filter(done_on_time()).values_list("pk", flat=True)) == [
        accepted_late.pk
    ]
    assert handed_in_late.pk
    night = snapshot(specialist)
    assert (night.done_on_time, night.done_late) == (1, 1)


def test_due_soon_is_within_two_working_days_and_only_while_in_work(specialist, head):
    # Wednesday: Thursday and Friday are the next two working days.
    friday = TaskFactory(author=head, responsible=specialist, deadline=at(27))
    monday = TaskFactory(author=head, responsible=specialist, deadline=at(30))
    handed_in = TaskFactory(
        author=head,
        responsible=specialist,
        deadline=at(26),
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=at(24),
    )
    soon = {t.pk: t.due_soon for t in Task.objects.with_figures()}
    assert soon == {friday.pk: True, monday.pk: False, handed_in.pk: False}


def _with_checklist(task: Task, *, ticked: int, items: int = 5) -> Task:
    ChecklistItem.objects.bulk_create(
        ChecklistItem(task=task, text=f"Пункт {n}", position=n, is_done=n < ticked)
        for n in range(items)
    )
    return task


def test_behind_schedule_is_little_ticked_late_in_the_time(client, head, specialist):
    # Set 8 days ago with 2 days left: 80 % of the time used.
    def late_in_time(ticked: int) -> Task:
        task = TaskFactory(
            author=head,
            responsible=specialist,
            created_at=NOW - dt.timedelta(days=8),
            deadline=NOW + dt.timedelta(days=2),
        )
        return _with_checklist(task, ticked=ticked)

    behind = late_in_time(ticked=1)  # 20 % ticked at 80 % of the time
    keeping_up = late_in_time(ticked=3)  # 60 % at 80 %
    early = _with_checklist(
        TaskFactory(
            author=head,
            responsible=specialist,
            created_at=NOW - dt.timedelta(days=3),
            deadline=NOW + dt.timedelta(days=7),
        ),
        ticked=0,
    )  # nothing ticked at 30 % of the time
    no_checklist = TaskFactory(
        author=head,
        responsible=specialist,
        created_at=NOW - dt.timedelta(days=8),
        deadline=NOW + dt.timedelta(days=2),
    )
    flags = {t.pk: t.behind_schedule for t in Task.objects.with_figures()}
    assert flags == {
        behind.pk: True,
        keeping_up.pk: False,
        early.pk: False,
        no_checklist.pk: False,
    }
    client.force_login(specialist)
    page = client.get(reverse("tasks:my-tasks")).content.decode()
    assert page.count('data-testid="behind-schedule"') == 1
    client.force_login(head)
    board = client.get(
        reverse("tasks:board"), {"department": specialist.department_id, "person": specialist.pk}
    ).content.decode()
    assert board.count('data-testid="behind-schedule"') == 1


def test_a_deadline_cannot_move_while_the_result_awaits_acceptance(specialist, head):
    task = set_on_10th(
        head,
        specialist,
        deadline=NOW + dt.timedelta(days=1),
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=at(24),
    )
    with pytest.raises(ValidationError, match="Результат уже сдан"):
        services.request_deadline_move(
            task=task, actor=specialist, new_deadline=NOW + dt.timedelta(days=9), reason="Ждём"
        )
    assert not task.deadline_changes.exists()
