"""The demo tasks of `seed_demo`: the article's facts, a consistent shape, idempotence."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import add_working_days
from akimat.models import CalendarDay, Department, User
from tasks.models import (
    CLOSED_STATUSES,
    DUE_SOON_WORKING_DAYS,
    OPEN_STATUSES,
    Absence,
    ChecklistItem,
    Comment,
    DeadlineChange,
    RecurringTask,
    Source,
    Status,
    Task,
)
from tasks.views.common import end_of, week_bounds
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
ALMATY = ZoneInfo("Asia/Almaty")


def per_person() -> float:
    """The tasks of tasks.demo per person; the tactic-tasks of plans.demo come on top."""
    people = User.objects.filter(department__isnull=False).count()
    return Task.objects.exclude(source=Source.PLAN).count() / people


def test_the_same_day_gives_the_same_tasks_morning_or_evening(monkeypatch):
    """Titles, people, deadlines and numbers depend only on the slug and the day; the clock
    only moves how far the work has got."""
    today = timezone.localdate()
    real_now = timezone.now

    def at(hour: int, minute: int):  # type: ignore[no-untyped-def]
        moment = timezone.make_aware(dt.datetime.combine(today, dt.time(hour, minute)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    def fingerprint() -> list[tuple]:
        return sorted(
            Task.objects.values_list(
                "responsible__username", "deadline", "title", "author__username", "source_number"
            )
        )

    with transaction.atomic():
        at(8, 40)
        seed()
        morning = fingerprint()
        transaction.set_rollback(True)  # back to an empty database, as if never seeded
    assert not Task.objects.exists()
    at(19, 55)
    seed()
    assert fingerprint() == morning
    monkeypatch.setattr(timezone, "now", real_now)


def test_scale_two_doubles_the_directorates_with_tasks_of_the_same_shape():
    seed()
    at_one = per_person()
    overdue_one = Task.objects.overdue().count()
    summary = seed("--scale", "2")
    assert Department.objects.count() == 10
    # What each directorate holds, in the message, should one come out empty.
    holdings = list(
        Department.objects.annotate(
            n=Count("tasks", distinct=True), people=Count("members", distinct=True)
        )
        .order_by("slug")
        .values_list("slug", "people", "n")
    )
    assert all(n > 0 for _slug, _people, n in holdings), (summary, holdings)
    assert abs(per_person() - at_one) / at_one <= 0.2
    generated = Task.objects.exclude(
        department__slug__in=[
            "entrepreneurship",
            "land",
            "architecture",
            "construction",
            "agriculture",
        ]
    )
    assert generated.count() > 0.8 * Task.objects.count() / 2
    assert 0.5 * overdue_one <= generated.overdue().count() <= 1.5 * overdue_one
    assert generated.filter(Q(status=Status.DONE) & Q(done_at__gt=F("deadline"))).exists()
    # The demo logins stay in the first five: the article's facts hold.
    head = User.objects.get(username="head.agriculture")
    assert Task.objects.overdue().filter(responsible=head).count() == 21


def sections_by_the_rules(user: User, now: dt.datetime) -> dict[str, list[int]]:
    """My tasks' sections as the page sorted them in Python before it was paginated: from each
    task's figures (`is_overdue`), its status and its deadline, in that order."""
    today = timezone.localdate(now)
    end_today = end_of(today)
    # This week: to the Sunday of the next working day's week, and at least what is due soon.
    week_end = max(
        week_bounds(add_working_days(today, 0))[1],
        add_working_days(today, DUE_SOON_WORKING_DAYS),
    )
    end_week = end_of(week_end)
    co_ids = Task.co_executors.through.objects.filter(user=user).values_list("task_id", flat=True)
    sections: dict[str, list[int]] = {k: [] for k in ("overdue", "today", "week", "later")}
    sections["handed_in"] = []
    mine = Task.objects.open().filter(Q(responsible=user) | Q(pk__in=list(co_ids)))
    for task in mine.with_figures(now).order_by("deadline", "pk"):
        if task.is_overdue:
            key = "overdue"
        elif task.status == Status.AWAITING_ACCEPTANCE:
            key = "handed_in"
        elif task.deadline < end_today:
            key = "today"
        elif task.deadline < end_week:
            key = "week"
        else:
            key = "later"
        sections[key].append(task.pk)
    deciding = Q(author=user) | Q(department__head=user)
    sections["awaiting"] = list(
        Task.objects.filter(deciding, status=Status.AWAITING_ACCEPTANCE)
        .exclude(responsible=user)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    sections["moves"] = list(
        DeadlineChange.objects.filter(
            Q(task__author=user) | Q(task__department__head=user), state="pending"
        )
        .exclude(requested_by=user)
        .order_by("requested_at", "pk")
        .values_list("pk", flat=True)
    )
    return sections


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 2, 10, 0, tzinfo=ALMATY),  # a Wednesday morning
        dt.datetime(2026, 12, 6, 0, 30, tzinfo=ALMATY),  # just after midnight on a Sunday
    ],
    ids=["wednesday", "sunday-night"],
)
def test_my_tasks_at_demo_size_counts_each_section_exactly_and_shows_its_first_25(client, moment):
    longest = 0
    with time_machine.travel(moment, tick=False):
        seed()
        for username in ("head.agriculture", "head.construction", "specialist.land", "deputy"):
            user = User.objects.get(username=username)
            expected = sections_by_the_rules(user, moment)
            client.force_login(user)
            page = client.get(reverse("tasks:my-tasks"))
            shown = {
                **page.context["sections"],
                "awaiting": page.context["awaiting"],
                "moves": page.context["moves"],
            }
            for key, pks in expected.items():
                section = shown[key]
                assert section.count == len(pks), (username, key)
                assert [row.pk for row in section.rows] == pks[:25], (username, key)
                assert section.has_next == (len(pks) > 25), (username, key)
                longest = max(longest, len(pks))
            overdue = len(expected["overdue"])
            assert f'data-testid="count-overdue">{overdue}<' in page.text
            decisions = len(expected["awaiting"]) + len(expected["moves"])
            assert f'data-testid="count-awaiting">{decisions}<' in page.text
    assert longest > 25  # the demo has a section past one page


def test_the_article_head_of_agriculture_has_about_twenty_overdue_tasks_the_specialist_none(
    demo_summary,
):
    head = User.objects.get(username="head.agriculture")
    overdue = Task.objects.overdue().filter(responsible=head)
    assert 18 <= overdue.count() <= 25
    # The article's figure, as tasks.demo seeds it: 21 set by the deputy akim.
    assert overdue.filter(author__username="deputy").count() == 21

    specialist = User.objects.get(username="specialist.agriculture")
    assert not Task.objects.overdue().filter(responsible=specialist).exists()
    assert Task.objects.filter(responsible=specialist, status=Status.DONE).count() > 0
    assert Task.objects.open().filter(responsible=specialist).exists()


def test_about_a_hundred_tasks_per_person_and_a_few_overdue_each(demo_summary):
    summary = demo_summary
    assert "tasks: " in summary and " created" in summary
    assert 90 <= per_person() <= 110
    people = User.objects.filter(department__isnull=False).count()
    # About two to four overdue tasks per person on average, the article's 21 included.
    assert 2 <= Task.objects.overdue().count() / people <= 4.5
    past = Task.objects.filter(status=Status.DONE)
    late = past.filter(done_at__gt=F("deadline")).count()
    assert 0.08 <= late / past.count() <= 0.22
    for department in Department.objects.all():
        assert department.tasks.exists(), department.slug


def test_every_task_agrees_with_its_timestamps_and_its_responsible_persons_directorate(
    demo_summary,
):
    tasks = Task.objects.all()
    assert not tasks.exclude(department=F("responsible__department")).exists()
    assert not tasks.filter(status=Status.DONE, done_at__isnull=True).exists()
    assert not tasks.filter(status=Status.DONE, started_at__gt=F("done_at")).exists()
    assert not tasks.filter(status=Status.DONE, submitted_at__gt=F("done_at")).exists()
    assert not tasks.filter(status=Status.DONE, result="").exists()
    assert not tasks.filter(status=Status.CANCELLED, cancelled_at__isnull=True).exists()
    assert not tasks.filter(status=Status.CANCELLED, cancel_reason="").exists()
    assert not tasks.filter(status__in=OPEN_STATUSES, done_at__isnull=False).exists()
    assert not tasks.filter(status__in=OPEN_STATUSES, cancelled_at__isnull=False).exists()
    assert not tasks.filter(status=Status.NEW, started_at__isnull=False).exists()
    assert not tasks.filter(status=Status.AWAITING_ACCEPTANCE, submitted_at__isnull=True).exists()
    assert not tasks.filter(status=Status.AWAITING_ACCEPTANCE, result="").exists()
    assert not tasks.filter(status=Status.RETURNED, returned_at__isnull=True).exists()
    assert not tasks.filter(started_at__lt=F("created_at")).exists()
    assert not tasks.filter(returned_at__isnull=False, return_reason="").exists()
    assert not tasks.filter(created_at__gt=F("deadline")).exists()
    # Self-set results are accepted at once; nobody waits to accept their own.
    assert not tasks.filter(
        status__in=[Status.AWAITING_ACCEPTANCE, Status.RETURNED], author=F("responsible")
    ).exists()
    # Deadlines at the end of working days.
    deadlines = {timezone.localtime(d) for d in tasks.values_list("deadline", flat=True)}
    assert {(d.hour, d.minute) for d in deadlines} == {(18, 30)}
    working = set(CalendarDay.objects.filter(is_working=True).values_list("date", flat=True))
    assert {d.date() for d in deadlines} <= working
    # Past tasks are mostly closed; current ones are open and some already done.
    statuses = dict(tasks.values_list("status").annotate(n=Count("pk")))
    assert statuses[Status.DONE] > statuses.get(Status.CANCELLED, 0) > 0
    assert all(statuses.get(s) for s in OPEN_STATUSES)
    assert set(statuses) <= {*OPEN_STATUSES, *CLOSED_STATUSES}


def test_the_real_directorates_have_moves_comments_checklists_absences_and_history(demo_summary):
    moves = DeadlineChange.objects.all()
    assert moves.filter(state=DeadlineChange.State.APPROVED).exists()
    assert moves.filter(state=DeadlineChange.State.REFUSED).exists()
    assert moves.filter(reason__icontains="земельного кадастра").exists()
    approved = moves.filter(state=DeadlineChange.State.APPROVED)
    assert not approved.exclude(new_deadline=F("task__deadline")).exists()
    # Nobody approves their own request (a move decided with no request, as a protocol's
    # amendment makes, is asked and decided by one person at one moment).
    assert (
        not moves.filter(requested_by=F("decided_by"))
        .exclude(requested_at=F("decided_at"))
        .exists()
    )
    assert Comment.objects.exists()
    assert ChecklistItem.objects.filter(is_done=True).exists()
    assert Absence.objects.filter(acting__isnull=False).exists()
    weekly = RecurringTask.objects.filter(title="Еженедельный отчёт руководителю")
    assert weekly.count() == 5 and all(t.weekdays == [4] and t.day is None for t in weekly)
    assert Task.objects.filter(recurrence__in=weekly).count() >= 5 * 10
    # Every task's page shows how it got where it is: created, then each change.
    task = Task.objects.filter(status=Status.DONE).exclude(author=F("responsible")).first()
    history = list(task.history.order_by("history_date", "history_id"))
    assert history[0].history_type == "+" and history[0].status == Status.NEW
    assert history[-1].status == Status.DONE
    assert task.version == len(history)
    assert Task.history.values("id").distinct().count() == Task.objects.count()


def test_seed_demo_twice_changes_nothing(demo_summary):

    def counts() -> tuple[int, ...]:
        return (
            Task.objects.count(),
            Task.history.count(),
            DeadlineChange.objects.count(),
            Comment.objects.count(),
            ChecklistItem.objects.count(),
            Absence.objects.count(),
            RecurringTask.objects.count(),
        )

    before = counts()
    second = seed()
    assert "tasks: 0 created" in second
    assert counts() == before
