"""Recurring tasks: the nightly run sets each occurrence once, on a working day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from akimat.calendar import ensure_calendar, is_working_day
from tasks import jobs
from tasks.models import Notification, RecurringTask, Task
from tasks.services import create_recurring_occurrences

pytestmark = pytest.mark.django_db

# Monday 13 April 2026 begins an ordinary working week (no public holiday until 1 May).
MONDAY = dt.date(2026, 4, 13)
FRIDAY = dt.date(2026, 4, 17)


@pytest.fixture(autouse=True)
def calendar():
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2028, 12, 31))


def template(*, author, responsible, every, day, next_deadline, title="Сводка") -> RecurringTask:
    """A template as the admin sets one: weekly on one weekday (`day`, 0 = Monday), or monthly
    on the day of the month `day`."""
    weekly = every == RecurringTask.Every.WEEK
    return RecurringTask.objects.create(
        title=title,
        author=author,
        responsible=responsible,
        every=every,
        weekdays=[day] if weekly else [],
        day=None if weekly else day,
        next_deadline=next_deadline,
    )


def deadlines(recurring: RecurringTask) -> list[dt.date]:
    return [timezone.localdate(t.deadline) for t in Task.objects.filter(recurrence=recurring)]


def test_a_weekly_template_on_fridays_sets_exactly_one_task_for_this_week(head, specialist):
    weekly = template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.WEEK,
        day=4,
        next_deadline=FRIDAY,
        title="Еженедельная сводка",
    )

    assert create_recurring_occurrences(today=MONDAY) == 1

    [task] = Task.objects.filter(recurrence=weekly)
    assert task.title == "Еженедельная сводка"
    assert task.responsible == specialist
    assert task.author == head
    assert task.department == specialist.department
    assert timezone.localdate(task.deadline) == FRIDAY
    weekly.refresh_from_db()
    assert weekly.next_deadline == dt.date(2026, 4, 24)
    # the responsible person hears about it under the bell
    assert Notification.objects.filter(
        recipient=specialist, task=task, kind=Notification.Kind.ASSIGNED
    ).exists()


def test_running_twice_creates_no_duplicate(head, specialist):
    weekly = template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.WEEK,
        day=4,
        next_deadline=FRIDAY,
    )

    create_recurring_occurrences(today=MONDAY)
    assert create_recurring_occurrences(today=MONDAY) == 0
    assert create_recurring_occurrences(today=MONDAY + dt.timedelta(days=1)) == 0

    assert deadlines(weekly) == [FRIDAY]


def test_a_monthly_template_on_day_31_lands_on_the_last_working_day_of_a_30_day_month(
    head, specialist
):
    # September 2028 has 30 days and its 30th is a Saturday: the last working day is Friday 29.
    monthly = template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.MONTH,
        day=31,
        next_deadline=dt.date(2028, 8, 31),
    )
    assert not is_working_day(dt.date(2028, 9, 30))

    assert create_recurring_occurrences(today=dt.date(2028, 8, 31)) == 1
    monthly.refresh_from_db()
    assert monthly.next_deadline == dt.date(2028, 9, 29)

    assert create_recurring_occurrences(today=dt.date(2028, 9, 25)) == 1
    assert deadlines(monthly) == [dt.date(2028, 8, 31), dt.date(2028, 9, 29)]
    monthly.refresh_from_db()
    assert monthly.next_deadline == dt.date(2028, 10, 31)


def test_a_day_off_moves_the_deadline_to_the_working_day_before(head, specialist):
    # Mondays; 23 March 2026 is Nowruz (a day off from 21 to 25 March), so that week's occurrence
    # falls on Friday 20 March.
    weekly = template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.WEEK,
        day=0,
        next_deadline=dt.date(2026, 3, 16),
    )
    assert not is_working_day(dt.date(2026, 3, 23))

    # run on Tuesday 17 March: the occurrence of the 16th has passed and is not set late
    assert create_recurring_occurrences(today=dt.date(2026, 3, 17)) == 1

    assert deadlines(weekly) == [dt.date(2026, 3, 20)]
    weekly.refresh_from_db()
    assert weekly.next_deadline == dt.date(2026, 3, 30)


def test_an_inactive_template_sets_nothing(head, specialist):
    weekly = template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.WEEK,
        day=4,
        next_deadline=FRIDAY,
    )
    weekly.is_active = False
    weekly.save(update_fields=["is_active"])

    assert create_recurring_occurrences(today=MONDAY) == 0
    assert deadlines(weekly) == []


# --- the job and the command -----------------------------------------------------------------


def test_the_job_runs_for_today(monkeypatch, head, specialist):
    monkeypatch.setattr(timezone, "localdate", lambda *args: MONDAY)
    template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.WEEK,
        day=4,
        next_deadline=FRIDAY,
    )

    assert jobs.create_recurring_occurrences() == 1


def test_the_command_prints_a_summary(head, specialist):
    weekly = template(
        author=head,
        responsible=specialist,
        every=RecurringTask.Every.WEEK,
        day=4,
        next_deadline=FRIDAY,
    )
    out = StringIO()

    call_command("create_recurring_occurrences", "--date", "2026-04-13", stdout=out)

    assert out.getvalue() == "2026-04-13: 1 recurring task occurrence(s) created.\n"
    assert deadlines(weekly) == [FRIDAY]


def test_the_command_rejects_an_impossible_date():
    with pytest.raises(CommandError, match=r"'2026-13-45' is not a real date: .*YYYY-MM-DD"):
        call_command("create_recurring_occurrences", "--date", "2026-13-45")
