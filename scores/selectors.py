"""The reads of the top floor: the deputy akim's overdue dashboard, and who reads and answers a
dispute of a day's score.

Today's figures are the nightly job's own per-person SQL (`scoring.person_figures`) run for
today and summed per directorate by PostgreSQL in one statement, so the dashboard's "today" and
tomorrow's snapshot never disagree. History (the trend, the sparklines) is read from the
snapshots only, so editing a task later never rewrites the past. Every function here runs a
fixed number of queries, however many directorates, people or tasks there are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from akimat import exports, freshness
from akimat.models import Department, Role, User
from appeals.models import AppealSnapshot
from plans.models import WEEKS
from reception.selectors import directorate_queues
from reception.statistics import visit_statistics
from scores import nightly_sql, scoring
from scores.models import DepartmentSnapshot, PersonSnapshot, ScoreDispute, ScoreRun
from tasks.models import Task

# The ranking shows the most overdue directorates first; the rest come with "show all".
DIRECTORATES_SHOWN = 25
OLDEST_SHOWN = 10
# Today's figures are counted again, in the background, once they are a minute old (per set of
# directorates; akimat.freshness).
TODAY_CACHE_SECONDS = 60
RECEPTION_CACHE_SECONDS = 10
# Part of every cache key: a release that changes what is kept never reads an older shape.
CACHE_VERSION = 4
# A run older than this (or a failed one) puts a banner on the dashboard.
STALE_AFTER = dt.timedelta(days=1, hours=6)

# The counters summed per directorate: the job's own (open, overdue, the age buckets, done on
# time and late in the cycle, deadline moves, the week's tactic-tasks due and done on time).
COUNTERS = nightly_sql.COUNTERS


# --- who sees what ---------------------------------------------------------------------------


def may_see_dashboard(user: User) -> bool:
    return user.sees_every_directorate() or user.has_role(Role.HEAD)


def dashboard_departments(user: User) -> QuerySet[Department]:
    """Directorates on a person's dashboard: those they oversee."""
    return Department.objects.watched_by(user)


# --- the figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    """Counters summed over people (a directorate, or everything on the dashboard)."""

    open: int = 0
    overdue: int = 0
    # handed in by the deadline, awaiting the author's or head's acceptance (not overdue)
    awaiting: int = 0
    overdue_days: int = 0
    overdue_1_3: int = 0
    overdue_4_10: int = 0
    overdue_over_10: int = 0
    done_on_time: int = 0
    done_late: int = 0
    deadline_moves: int = 0
    week_due: int = 0
    week_on_time: int = 0
    head_overdue: int = 0
    people: int = 0

    @property
    def people_overdue(self) -> int:
        """Overdue of the directorate's people, apart from the head's own."""
        return self.overdue - self.head_overdue

    @property
    def on_time_rate(self) -> int | None:
        """Percent of the cycle's finished tasks that were done on time; None when none are."""
        done = self.done_on_time + self.done_late
        return None if not done else round(100 * self.done_on_time / done)

    @property
    def week_score(self) -> int | None:
        """The week's execution score: tactic-tasks done on time ÷ due (the job's roll-up)."""
        return None if not self.week_due else round(100 * self.week_on_time / self.week_due)


SUMMED = (*COUNTERS, "head_overdue", "people")


@dataclass
class DirectorateRow(Figures):
    department_id: int = 0
    department: Department | None = None
    sparkline: list[int] = field(default_factory=list)

    @property
    def directorate(self) -> Department:
        """The department, once attached to the row for showing it (None while cached)."""
        assert self.department is not None
        return self.department

    @property
    def sparkline_points(self) -> str:
        """The weekly overdue as SVG polyline points in a 100 × 24 box (higher = more overdue)."""
        if len(self.sparkline) < 2:
            return ""
        top = max(max(self.sparkline), 1)
        step = 100 / (len(self.sparkline) - 1)
        return " ".join(
            f"{n * step:.1f},{22 - 20 * value / top:.1f}" for n, value in enumerate(self.sparkline)
        )


def _directorate_sums(as_of: dt.date, departments: list[int]) -> dict[int, tuple]:
    """The job's per-person figures for `as_of`, summed per directorate (one statement)."""
    statement = scoring.figures_statement(as_of, departments=departments)
    with statement as (cursor, params):
        cursor.execute(nightly_sql.render(nightly_sql.directorate_sums()), params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


@dataclass
class Today:
    rows: list[DirectorateRow]  # every directorate of the scope, most overdue first
    total: Figures
    start: dt.date  # the earliest start of the directorates' cycles
    oldest: list[Task]
    trend: Trend
    counted_at: dt.datetime


def _count_today(as_of: dt.date, departments: list[int]) -> Today:
    sums = _directorate_sums(as_of, departments)
    empty = (0,) * len(SUMMED)
    rows = [
        DirectorateRow(
            department_id=pk,
            **dict(zip(SUMMED, sums[pk][:-1] if pk in sums else empty, strict=True)),
        )
        for pk in departments
    ]
    rows.sort(key=lambda r: (-r.overdue, -r.overdue_over_10, -r.open, r.department_id))
    total = Figures(**{name: sum(getattr(r, name) for r in rows) for name in SUMMED})
    start = min((values[-1] for values in sums.values()), default=cycle_start(as_of))
    return Today(
        rows=rows,
        total=total,
        start=start,
        oldest=oldest_overdue(departments),
        trend=trend(as_of, start, departments),
        counted_at=timezone.now(),
    )


def directorate_figures(as_of: dt.date, departments: list[int]) -> Today:
    """Today's figures of the directorates, per set of directorates counted once and then again
    in the background once they are TODAY_CACHE_SECONDS old (`freshness.kept`): at a million
    tasks the job's SQL takes over half a second, and a deputy reloading the page, or every
    head opening theirs at nine, should not each wait for it. The rows carry ids only:
    `attach_departments` loads the ones that are shown."""
    digest = hashlib.sha1(",".join(map(str, sorted(departments))).encode()).hexdigest()
    key = f"dashboard:{CACHE_VERSION}:today:{as_of.isoformat()}:{digest}"
    return freshness.kept(
        key, lambda: _count_today(as_of, departments), fresh_for=TODAY_CACHE_SECONDS
    )


def attach_departments(rows: list[DirectorateRow]) -> None:
    """Load the directorates (with their heads) of the rows that are shown (one query)."""
    found = Department.objects.select_related("head").in_bulk([r.department_id for r in rows])
    for row in rows:
        row.department = found[row.department_id]


def person_rows(as_of: dt.date, department: Department) -> list[PersonSnapshot]:
    """The directorate's people with their live figures (unsaved snapshots), most overdue first,
    the head before equals; the figures (the job's queries) are kept like the directorates'
    (`freshness.kept`), the people are read every time (one query)."""
    key = f"dashboard:{CACHE_VERSION}:people:{as_of.isoformat()}:{department.pk}"
    figures = freshness.kept(
        key,
        lambda: scoring.person_figures(as_of, departments=[department.pk]),
        fresh_for=TODAY_CACHE_SECONDS,
    )
    people = User.objects.in_bulk([row.person_id for row in figures])
    for row in figures:
        row.person = people[row.person_id]
        row.is_head = row.person_id == department.head_id
    figures.sort(key=lambda r: (-r.overdue, not r.is_head, r.person.last_name, r.person.first_name))
    return figures


def overdue_tasks(*, person: User, department: Department) -> list[Task]:
    """The person's overdue tasks in the directorate now, oldest first, with their overdue days."""
    return list(
        Task.objects.for_department(department.pk)
        .overdue()
        .filter(responsible=person)
        .with_figures()
        .select_related("author")
        .order_by("deadline", "pk")
    )


def oldest_overdue(departments: list[int]) -> list[Task]:
    """The ten tasks overdue the longest now, on the dashboard (one query)."""
    return list(
        Task.objects.overdue()
        .filter(department__in=departments)
        .with_figures()
        .select_related("responsible", "department")
        .order_by("deadline", "pk")[:OLDEST_SHOWN]
    )


# --- history from the snapshots --------------------------------------------------------------


def cycle_start(as_of: dt.date) -> dt.date:
    """The first Monday of the 12 weeks that end with `as_of`'s week."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    return monday - dt.timedelta(weeks=WEEKS - 1)


@dataclass
class Trend:
    dates: list[dt.date]
    overdue: list[int]
    over_10: list[int]
    open: list[int]
    week_score: list[float | None]

    def rows(self) -> list[tuple[dt.date, int, int, float | None]]:
        """Day by day, for the table beside the chart."""
        return list(zip(self.dates, self.overdue, self.over_10, self.week_score, strict=True))

    def as_json(self) -> dict[str, object]:
        return {
            "labels": [d.strftime("%d.%m") for d in self.dates],
            "overdue": self.overdue,
            "over_10": self.over_10,
            "open": self.open,
            "week_score": self.week_score,
        }


def trend(as_of: dt.date, start: dt.date, departments: list[int]) -> Trend:
    """The cycle from `start` to yesterday from the snapshots, summed per day by PostgreSQL (one
    query, one row a day)."""
    days = (
        DepartmentSnapshot.objects.filter(
            department__in=departments, date__gte=start, date__lt=as_of
        )
        .values("date")
        .annotate(
            open=Sum("open"),
            overdue=Sum("overdue"),
            over_10=Sum("overdue_over_10"),
            due=Sum("week_due"),
            on_time=Sum("week_on_time"),
        )
        .order_by("date")
    )
    points = list(days)
    return Trend(
        dates=[d["date"] for d in points],
        open=[d["open"] for d in points],
        overdue=[d["overdue"] for d in points],
        over_10=[d["over_10"] for d in points],
        week_score=[round(100 * d["on_time"] / d["due"], 1) if d["due"] else None for d in points],
    )


def sparklines(as_of: dt.date, start: dt.date, rows: list[DirectorateRow]) -> None:
    """Each shown directorate's overdue week by week of the cycle, the last snapshot of each
    week standing for it (one query: DISTINCT ON directorate and week)."""
    monday = start - dt.timedelta(days=start.weekday())
    params: dict[str, Any] = {
        "monday": monday,
        "departments": [r.department_id for r in rows],
        "start": start,
        "end": as_of,
    }
    with connection.cursor() as cursor:
        cursor.execute(nightly_sql.render(nightly_sql.weekly_overdue()), params)
        points = cursor.fetchall()
    by_department: dict[int, list[int]] = {}
    for department, overdue in points:
        by_department.setdefault(department, []).append(overdue)
    for row in rows:
        row.sparkline = by_department.get(row.department_id, [])


@dataclass
class RunState:
    last: ScoreRun | None
    failed: bool
    stale: bool

    @property
    def warn(self) -> bool:
        return self.failed or self.stale


def run_state(now: dt.datetime | None = None) -> RunState:
    """Whether the nightly job's last run failed or is older than a day (one query)."""
    now = now or timezone.now()
    last = ScoreRun.objects.exclude(status=ScoreRun.Status.SKIPPED).order_by("-started_at").first()
    if last is None:
        return RunState(last=None, failed=False, stale=True)
    moment = last.finished_at or last.started_at
    return RunState(
        last=last,
        failed=last.status == ScoreRun.Status.FAILED,
        stale=moment < now - STALE_AFTER,
    )


# --- the appeals' figures as of D ---------------------------------------------------------


@dataclass
class AppealsAsOf:
    """The directorates' appeal figures of `day` from the nightly snapshots (appeals.figures):
    the most overdue directorates first, at most DIRECTORATES_SHOWN of them, and the sums over
    all of them; `written` is False before the night has written the day."""

    day: dt.date
    rows: list[AppealSnapshot]
    total: AppealSnapshot
    directorates: int

    @property
    def written(self) -> bool:
        return self.directorates > 0

    @property
    def hidden(self) -> int:
        return self.directorates - len(self.rows)


def appeals_as_of(day: dt.date, departments: list[int]) -> AppealsAsOf:
    """One query: the shown rows with their directorates, and the sums over every row (window
    aggregates, counted before the LIMIT)."""
    counters = ("open", "overdue", "extension_notice_late", "redirect_late")
    over_all = {f"all_{name}": Window(Sum(name)) for name in counters}
    rows = list(
        AppealSnapshot.objects.filter(date=day, department__in=departments)
        .select_related("department")
        .annotate(directorates=Window(Count("id")), **over_all)
        .order_by("-overdue", "-open", "department__name_ru", "department_id")[:DIRECTORATES_SHOWN]
    )
    first = rows[0] if rows else None
    total = AppealSnapshot(
        date=day, **{name: getattr(first, f"all_{name}", 0) for name in counters}
    )
    return AppealsAsOf(
        day=day, rows=rows, total=total, directorates=getattr(first, "directorates", 0)
    )


# --- today's reception -----------------------------------------------------------------------


@dataclass
class ReceptionToday:
    visitors: int
    waiting: int
    average_wait: float | None


def reception_today(today: dt.date, departments: QuerySet[Department]) -> ReceptionToday:
    """Visitors, waiting now and the average wait, from the reception's own reads (three
    queries), counted again at most every RECEPTION_CACHE_SECONDS (the hall screen itself
    refreshes every five)."""
    digest = hashlib.sha1(str(departments.query).encode()).hexdigest()
    key = f"dashboard:{CACHE_VERSION}:reception:{today.isoformat()}:{digest}"
    found = cache.get(key)
    if found is None:
        _, total = visit_statistics(start=today, end=today, departments=departments)
        waiting = sum(q.waiting for q in directorate_queues(today, departments))
        found = ReceptionToday(
            visitors=total.visitors, waiting=waiting, average_wait=total.average_wait
        )
        cache.set(key, found, RECEPTION_CACHE_SECONDS)
    return found


# --- export ----------------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        _("Directorate"),
        _("Head"),
        _("Open"),
        _("Overdue"),
        _("Overdue 1–3 working days"),
        _("Overdue 4–10 working days"),
        _("Overdue more than 10 working days"),
        _("Head's own overdue"),
        _("People's overdue"),
        _("Overdue working days"),
        _("Handed in on time, awaiting acceptance"),
        _("Done on time in the cycle"),
        _("Done late in the cycle"),
        _("On-time rate, %"),
        _("Deadline moves"),
        _("Week's execution score, %"),
    ]


def _export_row(name: str, head: object, row: Figures) -> list[object]:
    return [
        name,
        str(head) if head else "",
        row.open,
        row.overdue,
        row.overdue_1_3,
        row.overdue_4_10,
        row.overdue_over_10,
        row.head_overdue,
        row.people_overdue,
        row.overdue_days,
        row.awaiting,
        row.done_on_time,
        row.done_late,
        row.on_time_rate,
        row.deadline_moves,
        row.week_score,
    ]


def export_rows(rows: list[DirectorateRow], total: Figures) -> list[list[object]]:
    lines = [_export_row(r.directorate.name, r.directorate.head, r) for r in rows]
    lines.append(_export_row(_("All directorates"), None, total))
    return lines


def as_csv(rows: list[DirectorateRow], total: Figures) -> str:
    return exports.csv_text(export_headers(), export_rows(rows, total))


def as_xlsx(rows: list[DirectorateRow], total: Figures, *, title: str) -> bytes:
    return exports.xlsx_bytes(
        export_headers(), export_rows(rows, total), title=title, widths={"A": 60, "B": 35}
    )


# --- disputes of a day's score (their writes: scores/services.py) ---------------------------


def disputes_for(user: User) -> QuerySet[ScoreDispute]:
    """The disputes a person may read: the watchers all, a head their directorates' people's,
    everyone their own."""
    found = ScoreDispute.objects.select_related("person", "answered_by")
    if user.sees_every_directorate():
        return found
    if user.has_role(Role.HEAD):
        return found.filter(Q(person__department__head=user) | Q(person=user))
    return found.filter(person=user)


def may_answer(user: User, dispute: ScoreDispute) -> bool:
    """The head of the person's directorate answers (a head's own dispute goes to the deputy)."""
    person = dispute.person
    if (
        person.department is not None
        and person.department.head_id == user.pk
        and person.pk != user.pk
    ):
        return True
    return (
        user.has_role(Role.DEPUTY)
        and person.pk != user.pk
        and (person.department is None or person.department.head_id == person.pk)
    )


def answerers(dispute: ScoreDispute) -> list[User]:
    """Who is told of a new dispute: everyone `may_answer` lets answer it (the head of the
    person's directorate; for a head's own dispute, the deputies)."""
    person = dispute.person
    candidates = list(User.objects.filter(is_active=True, groups__name=Role.DEPUTY).distinct())
    head = person.department.head if person.department is not None else None
    if head is not None and head.is_active:
        candidates.append(head)
    return [user for user in {u.pk: u for u in candidates}.values() if may_answer(user, dispute)]


def has_counted_tasks(person: User) -> bool:
    """Whether the nightly scores count any task of this person: only a directorate's staff are
    scored, from the tasks they are responsible for (the deputy has none)."""
    return person.department_id is not None and Task.objects.filter(responsible=person).exists()
