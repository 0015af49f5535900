"""The nightly scores: each person's and each directorate's figures "as of the end of a day".

Everything is set-based: one `INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE` writes every
person of a group of chunks (directorates), a second one rolls the people up into their
directorates. No Python loop ever walks people or tasks, so the number of queries is the same
for five people or a hundred thousand. The groups (settings.SCORES_CONNECTIONS, cut along the
people's ids) are written at once, each on a connection of its own.

The rules are tasks.models' (overdue_at, handed_in_on_time, done_on_time, the age buckets),
repeated in SQL for speed (scores/nightly_sql.py, each CTE naming the rule it implements);
tests/scores/test_figures_agree.py proves the two agree, and the README's "The figures" and
"Nightly scores" sections say the same in words:

- The moment is the end of day D (midnight after it, local time), or now when D is today.
- A task counts from `created_at`, under the person responsible for it at the moment, in that
  person's directorate at the moment, with its status then: tasks and people changed since are
  read from the last row of their history before the moment. It is done once `done_at` has
  passed (status done), cancelled once `cancelled_at` has; open otherwise.
- The deadline in force is the new deadline of the last approved move decided by then, else the
  original deadline (the old deadline of the first approved move; `Task.deadline` when it never
  moved). So the days overdue before a move stay in those days' snapshots, and the next day the
  task is judged against its new deadline.
- Overdue = open, the deadline in force has passed, and the result not handed in by it (a result
  handed in on time and awaiting acceptance counts as `awaiting`). Overdue working days are
  counted from the calendar table (working days after the deadline's date up to D, less the
  responsible person's absences, as on the tasks board); the age buckets are up to
  AGE_RECENT_MAX, up to AGE_OLD_OVER and over it. Done on time = the result handed in by the
  deadline in force.
- The period ("the current cycle") is the 12+1-week cycle of the person's directorate that holds
  D (`CycleQuerySet.holding`); without one, the calendar quarter of D (the civil service's quarterly evaluation). Done on
  time / late and deadline moves count inside the period.
- The week's execution score is plans' definition (`OccurrenceQuerySet.week_counts`): tactic-tasks
  of the cycle week holding D, not cancelled, due by then or already done; on time = done with the
  result handed in by the planned deadline.
- The bonus is `nightly_sql.BONUS_SQL`, written once; `bonus_breakdown` repeats it step by step
  in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Max, Min, Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from akimat.calendar import ensure_calendar, quarter_bounds
from akimat.models import Department, User
from plans.models import CYCLE_DAYS, Cycle
from scores import nightly_sql
from scores.models import BonusPolicy, PersonSnapshot, ScoreRun
from tasks.models import AGE_OLD_OVER, AGE_RECENT_MAX, Task

TWO_PLACES = Decimal("0.01")
# The lock key of (date, chunk): one 64-bit number, this namespace in the top bits.
LOCK_NAMESPACE = 0x5C0E << 48

# The planner's cost for the figures is high (many aggregates over every task), so PostgreSQL
# would JIT-compile them: over a second of compiling for a query that runs in less.
# And a deadline's local date is `due::date` in the local time zone: set for the statement, the
# zone is looked up once instead of once per task (AT TIME ZONE 'name' does it per row). The
# statement's hash tables (the people, one group per person) get FIGURES_WORK_MEM: with the
# default 4 MB, 100 k people no longer fit and PostgreSQL would spill the tasks to disk in
# batches. All three are put back afterwards (Django reads timestamps in the connection's UTC).
FIGURES_WORK_MEM = "64MB"
TUNE_SQL = """
WITH old AS MATERIALIZED (
    SELECT current_setting('TimeZone') AS zone, current_setting('jit') AS jit,
           current_setting('work_mem') AS work_mem
)
SELECT zone, jit, work_mem, set_config('jit', 'off', true), set_config('TimeZone', %s, true),
       set_config('work_mem', %s, true)
FROM old
"""
RESTORE_SQL = """
SELECT set_config('TimeZone', %s, true), set_config('jit', %s, true),
       set_config('work_mem', %s, true)
"""
# The calendar is made sure of this many years back; an older deadline ages from its start.
CALENDAR_YEARS = 3


class ScoringError(ValueError):
    """Bad input to the computation (the message is translated); nothing was written."""


@contextmanager
def _tuned() -> Iterator[CursorWrapper]:
    """A cursor with the transaction switched to the figures' settings (TUNE_SQL) until the
    block ends, then put back. A failure rolls the transaction (or savepoint) back, and the
    settings with it."""
    with connection.cursor() as cursor:
        cursor.execute(TUNE_SQL, [settings.TIME_ZONE, FIGURES_WORK_MEM])
        zone, jit, work_mem, *_ = cursor.fetchone()
        yield cursor
        cursor.execute(RESTORE_SQL, [zone, jit, work_mem])


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight after `day`, local time: the moment "as of the end of `day`" means."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _ids(items: Iterable[int | Model] | None) -> list[int] | None:
    if items is None:
        return None
    return [item if isinstance(item, int) else item.pk for item in items]


def _params(
    day: dt.date,
    *,
    departments: list[int],
    policy: BonusPolicy,
    now: dt.datetime,
    people: list[int] | None = None,
    ids: tuple[int, int] | None = None,
    moved: list[int] | None = None,
) -> dict[str, Any]:
    return {
        "day": day,
        "moment": min(end_of_day(day), now),
        "now": now,
        "tz": settings.TIME_ZONE,
        "departments": departments,
        "people": people,
        "policy": policy.pk,
        "ids_from": ids[0] if ids else None,
        "ids_to": ids[1] if ids else None,
        "moved": moved or [],
        "age_recent": AGE_RECENT_MAX,
        "cycle_days": CYCLE_DAYS,
        "age_old": AGE_OLD_OVER,
    }


# The policy the migrations create (akimat/migrations/0004 and 0012, its Kazakh note, keep
# their own frozen copies).
DEFAULT_POLICY = {
    "valid_from": dt.date(2000, 1, 1),
    "weight_on_time": Decimal(60),
    "weight_execution": Decimal(40),
    "penalty_overdue": Decimal(2),
    "penalty_move": Decimal(1),
    "cap": Decimal(100),
    # Data, not an interface string: written in the portal's default language.
    "note": "По умолчанию: 60 баллов за долю выполненного в срок, 40 — за оценку исполнения "
    "недели, минус 2 за каждую просроченную задачу и 1 за каждый перенос срока в цикле; "
    "итог от 0 до 100.",
    "note_kk": "Әдепкі бойынша: мерзімінде орындалғандар үлесі үшін 60 балл, апта орындалу бағасы "
    "үшін 40 балл; циклдегі әр мерзімі өткен тапсырма үшін 2 балл және әр мерзімді ауыстыру үшін "
    "1 балл шегеріледі; қорытынды 0 мен 100 аралығында.",
}


def ensure_default_policy() -> BonusPolicy:
    """The default policy, made again if the table was emptied (a test database's flush)."""
    return BonusPolicy.objects.get_or_create(
        valid_from=DEFAULT_POLICY["valid_from"], defaults=DEFAULT_POLICY
    )[0]


def _policy(day: dt.date) -> BonusPolicy:
    policy = BonusPolicy.objects.in_force(day)
    if policy is None:
        raise ScoringError(
            _("No bonus policy is in force on %(date)s; an administrator must add one.")
            % {"date": date_format(day)}
        )
    return policy


@contextmanager
def figures_statement(
    as_of: dt.date,
    *,
    departments: list[int],
    people: list[int] | None = None,
    policy: BonusPolicy | None = None,
) -> Iterator[tuple[CursorWrapper, dict[str, Any]]]:
    """The parameters of the nightly job's per-person SELECT (`nightly_sql.figures`) for `as_of`
    (now, when it is today), and a cursor switched to the figures' statement settings (no JIT,
    the local zone) until the block ends. Run a statement of `nightly_sql` that wraps it."""
    policy = policy or _policy(as_of)
    ensure_calendar(start=as_of - dt.timedelta(days=CALENDAR_YEARS * 366), end=as_of)
    params = _params(
        as_of, departments=departments, policy=policy, now=timezone.now(), people=people
    )
    with transaction.atomic(), _tuned() as cursor:
        yield cursor, params


def person_figures(
    as_of: dt.date,
    *,
    departments: Iterable[int | Department] | None = None,
    people: Iterable[int | User] | None = None,
) -> list[PersonSnapshot]:
    """Live figures of each person "as of the end of `as_of`" (now, when it is today), from the
    same SQL the nightly job writes: unsaved `PersonSnapshot`s, ordered by person id."""
    department_ids = _ids(departments)
    if department_ids is None:
        department_ids = list(Department.objects.order_by().values_list("pk", flat=True))
    policy = _policy(as_of)
    statement = figures_statement(
        as_of, departments=department_ids, people=_ids(people), policy=policy
    )
    with statement as (cursor, params):
        cursor.execute(nightly_sql.render(nightly_sql.ordered_figures()), params)
        names = [c.name for c in cursor.description]
        rows = [PersonSnapshot(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
    for row in rows:
        row.policy = policy
    return rows


# --- the bonus, step by step ------------------------------------------------------------------


@dataclass(frozen=True)
class BonusLine:
    """One input of the bonus: what it is, its value, the policy's weight and the points."""

    key: str
    label: str
    value: Decimal | int | None
    weight: Decimal
    points: Decimal


@dataclass(frozen=True)
class BonusBreakdown:
    lines: list[BonusLine]
    subtotal: Decimal  # before the floor of 0 and the cap
    cap: Decimal
    total: Decimal

    def __iter__(self) -> Iterator[BonusLine]:
        return iter(self.lines)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def bonus_breakdown(snapshot: PersonSnapshot, policy: BonusPolicy | None = None) -> BonusBreakdown:
    """A person's bonus (a snapshot or live figures) line by line; `total` equals
    `nightly_sql.BONUS_SQL`'s. (A directorate's bonus is its people's mean, not the formula over
    its summed counts.)

    Nothing done in the period yet, or nothing due this week, earns the full weight of that
    input: there is nothing to hold against the person; the penalties still apply."""
    policy = policy or snapshot.policy
    done = snapshot.done_on_time + snapshot.done_late
    if done:
        rate = Decimal(snapshot.done_on_time) / Decimal(done)
        on_time = _cents(policy.weight_on_time * snapshot.done_on_time / Decimal(done))
    else:
        rate, on_time = None, policy.weight_on_time
    if snapshot.week_score is None:
        execution = policy.weight_execution
    else:
        execution = _cents(policy.weight_execution * Decimal(snapshot.week_score) / 100)
    # Subtracted from zero rather than negated, so no penalty shows as 0.00, never −0.00.
    overdue = Decimal(0) - policy.penalty_overdue * snapshot.overdue
    moves = Decimal(0) - policy.penalty_move * snapshot.deadline_moves
    lines = [
        BonusLine("on_time", _("On-time rate in the cycle"), rate, policy.weight_on_time, on_time),
        BonusLine(
            "execution",
            _("Week's execution score, %"),
            snapshot.week_score,
            policy.weight_execution,
            execution,
        ),
        BonusLine("overdue", _("Overdue tasks"), snapshot.overdue, policy.penalty_overdue, overdue),
        BonusLine(
            "moves",
            _("Deadline moves in the cycle"),
            snapshot.deadline_moves,
            policy.penalty_move,
            moves,
        ),
    ]
    subtotal = on_time + execution + overdue + moves
    total = _cents(min(policy.cap, max(Decimal(0), subtotal)))
    return BonusBreakdown(lines=lines, subtotal=subtotal, cap=policy.cap, total=total)


# --- the computation -------------------------------------------------------------------------


def _lock_key(day: dt.date, chunk: int) -> int:
    return LOCK_NAMESPACE + (day - dt.date(2000, 1, 1)).days * (1 << 24) + chunk


def first_data_day() -> dt.date | None:
    """The local date of the first task ever set: nothing can be computed before it."""
    earliest = Task.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(earliest) if earliest else None


def validate(day: dt.date, departments: list[int] | None) -> list[int]:
    """The chunks to compute for `day`, or `ScoringError` with the reason (nothing written)."""
    today = timezone.localdate()
    if day >= today:
        raise ScoringError(
            _("%(date)s has not ended yet: scores are computed for days that are over.")
            % {"date": date_format(day)}
        )
    # One task set by then is enough (an index-free EXISTS stops at the first row it meets);
    # the earliest date is looked up only to say so.
    if not Task.objects.filter(created_at__lt=end_of_day(day)).exists():
        first = first_data_day()
        if first is None:
            raise ScoringError(_("There are no tasks yet, so there is nothing to compute."))
        raise ScoringError(
            _("%(date)s is before the first task (%(first)s): there is nothing to compute.")
            % {"date": date_format(day), "first": date_format(first)}
        )
    known = set(Department.objects.order_by().values_list("pk", flat=True))
    if departments is None:
        return sorted(known)
    unknown = sorted(set(departments) - known)
    if unknown:
        raise ScoringError(
            _("No directorate has the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
        )
    return sorted(set(departments))


@transaction.atomic
def roll_up_departments(*, day: dt.date, departments: list[int], now: dt.datetime) -> int:
    """Sum the people's snapshots of `day` into their directorates' (one upsert); row count."""
    with connection.cursor() as cursor:
        cursor.execute(
            nightly_sql.render(nightly_sql.roll_up()),
            {"day": day, "departments": departments, "now": now},
        )
        return cursor.rowcount


def _write_people(
    day: dt.date,
    departments: list[int],
    policy: BonusPolicy,
    now: dt.datetime,
    ids: tuple[int, int] | None = None,
    moved: list[int] | None = None,
) -> dict[int, int]:
    params = _params(day, departments=departments, policy=policy, now=now, ids=ids, moved=moved)
    with _tuned() as cursor:
        cursor.execute(nightly_sql.render(nightly_sql.upsert_people()), params)
        written = dict(cursor.fetchall())
    with connection.cursor() as cursor:
        cursor.execute(nightly_sql.render(nightly_sql.delete_stale()), params)
    return written


def _people(
    day: dt.date,
    chunks: list[int],
    *,
    policy: BonusPolicy,
    now: dt.datetime,
    force: bool,
    ids: tuple[int, int] | None = None,
    moved: list[int] | None = None,
) -> tuple[list[int], set[int], dict[int, int]]:
    """In the caller's transaction: lock the chunks of `day` nobody else holds, leave out those
    already computed (unless `force`) and write the people of the rest (all of whose ids lie in
    `ids`, when given, or in `moved`: people changed since, who may have belonged elsewhere). The
    chunks written, the chunks found done, and the rows written per chunk."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c FROM unnest(%s::int[]) AS c WHERE pg_try_advisory_xact_lock(%s + c)",
            [chunks, _lock_key(day, 0)],
        )
        locked = sorted(row[0] for row in cursor.fetchall())
    done: set[int] = set()
    if not force:
        done = set(
            PersonSnapshot.objects.filter(date=day, department_id__in=locked)
            .order_by()
            .values_list("department_id", flat=True)
            .distinct()
        )
    work = [c for c in locked if c not in done]
    written = _write_people(day, work, policy, now, ids, moved) if work else {}
    return work, done, written


@dataclass(frozen=True)
class Group:
    """Directorates computed together on one connection, and the range their people's ids lie in."""

    chunks: list[int]
    ids: tuple[int, int] | None


def _groups(chunks: list[int], count: int) -> list[Group]:
    """The chunks in at most `count` groups of about as many active people each, one query.

    The directorates are taken in the order of their people's ids and cut into runs, so each
    group's people are mostly a range of ids of their own: the pass over the tasks of a group
    then drops the other groups' tasks with one comparison at the scan, before any join."""
    found = {
        row[0]: row[1:]
        for row in User.objects.filter(is_active=True, department_id__in=chunks)
        .order_by()
        .values_list("department_id")
        .annotate(people=Count("id"), first=Min("id"), last=Max("id"))
    }
    ordered = sorted(chunks, key=lambda c: (found[c][1], c) if c in found else (0, c))
    total = sum(people for people, _first, _last in found.values())
    groups: list[list[int]] = [[]]
    load = 0
    for chunk in ordered:
        # a new group once this one holds its share (the last group takes the rest)
        if len(groups) < count and load >= total * len(groups) / count and groups[-1]:
            groups.append([])
        groups[-1].append(chunk)
        load += found[chunk][0] if chunk in found else 0
    result = []
    for group in groups:
        bounds = [found[c][1:] for c in group if c in found]
        ids = (min(b[0] for b in bounds), max(b[1] for b in bounds)) if bounds else None
        result.append(Group(chunks=sorted(group), ids=ids))
    return result


def _people_in_parallel(
    day: dt.date, groups: list[Group], *, policy: BonusPolicy, now: dt.datetime, force: bool
) -> tuple[list[int], set[int], dict[int, int]]:
    """`_people` for each group at once, each on a connection (and a transaction) of its own,
    so the pass over the tasks runs on as many cores of PostgreSQL's as there are groups: an
    INSERT … SELECT never gets PostgreSQL's own parallel workers. A group that fails fails the
    call; the groups that finished keep their rows (computing the date again skips them)."""

    # The groups are cut along today's directorates; a person changed since the day may have
    # belonged to another group's then, so each group's sieve lets these few through as well.
    moment = min(end_of_day(day), now)
    moved = list(
        User.history.filter(history_date__gte=moment).order_by().values_list("id", flat=True)
    )

    def one(group: Group) -> tuple[list[int], set[int], dict[int, int]]:
        try:
            with transaction.atomic():
                return _people(
                    day,
                    group.chunks,
                    policy=policy,
                    now=now,
                    force=force,
                    ids=group.ids,
                    moved=moved,
                )
        finally:
            connection.close()  # this thread's own

    work: list[int] = []
    done: set[int] = set()
    written: dict[int, int] = {}
    with ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="scores") as pool:
        for group_work, group_done, group_written in pool.map(one, groups):
            work += group_work
            done |= group_done
            written.update(group_written)
    return sorted(work), done, written


def compute_scores(
    *,
    day: dt.date,
    departments: list[int] | None = None,
    force: bool = False,
    roll_up: bool = True,
) -> list[ScoreRun]:
    """Write the snapshots of `day` for the chunks (directorates) given, or all, in one pass.

    A chunk that already has snapshots for `day` is skipped unless `force`; a chunk another run
    holds (advisory lock on date and chunk) is skipped. Every chunk's run is recorded."""
    chunks = validate(day, departments)
    policy = _policy(day)
    ensure_calendar(start=day - dt.timedelta(days=CALENDAR_YEARS * 366), end=day)
    started = timezone.now()
    clock = time.monotonic()
    runs = ScoreRun.objects.bulk_create(
        ScoreRun(date=day, chunk_id=c, started_at=started, forced=force) for c in chunks
    )
    # In the caller's transaction (a test's, or a back-fill's), one connection does it all: a
    # connection of its own would not see what that transaction wrote.
    connections = 1 if connection.in_atomic_block else settings.SCORES_CONNECTIONS
    try:
        with transaction.atomic():
            if connections > 1 and len(chunks) > 1:
                work, done, written = _people_in_parallel(
                    day, _groups(chunks, connections), policy=policy, now=started, force=force
                )
            else:
                work, done, written = _people(day, chunks, policy=policy, now=started, force=force)
            if work and roll_up:
                roll_up_departments(day=day, departments=work, now=started)
            finished = timezone.now()
            duration = round((time.monotonic() - clock) * 1000)
            already = _("Already computed; give --force to compute again.")
            busy = _("Another run is computing this date and directorate.")
            with connection.cursor() as cursor:
                cursor.execute(
                    nightly_sql.render(nightly_sql.finish()),
                    {
                        "ids": [run.pk for run in runs],
                        "work": work,
                        "done": sorted(done),
                        "rows": json.dumps({str(c): n for c, n in written.items()}),
                        "already": already,
                        "busy": busy,
                        "finished": finished,
                        "duration": duration,
                    },
                )
    except Exception as error:
        finished = timezone.now()
        duration = round((time.monotonic() - clock) * 1000)
        ScoreRun.objects.filter(pk__in=[run.pk for run in runs]).update(
            status=ScoreRun.Status.FAILED,
            finished_at=finished,
            duration_ms=duration,
            rows=0,
            error=repr(error)[:2000],
        )
        for run in runs:
            run.status, run.finished_at, run.duration_ms = (
                ScoreRun.Status.FAILED,
                finished,
                duration,
            )
            run.error = repr(error)[:2000]
        raise
    for run in runs:
        run.finished_at, run.duration_ms = finished, duration
        if run.chunk_id in work:
            run.status, run.rows = ScoreRun.Status.SUCCEEDED, written.get(run.chunk_id, 0)
        else:
            run.status = ScoreRun.Status.SKIPPED
            run.error = already if run.chunk_id in done else busy
    return runs


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def period_start(day: dt.date) -> dt.date:
    """The earliest first day of the directorates' periods holding `day`: their cycles', and the
    quarter's when a directorate has no cycle then (two queries)."""
    quarter = quarter_bounds(day)[0]
    holding = Cycle.objects.holding(day)
    found = holding.aggregate(first=Min("start"), departments=Count("department", distinct=True))
    if found["first"] is None:
        return quarter
    if found["departments"] < Department.objects.count():
        return min(found["first"], quarter)
    return found["first"]


ANALYSED_FOR_BACK_FILL = (
    "user",
    "user_history",
    "task",
    "task_history",
    "move",
    "absence",
    "cycle",
    "occurrence",
)


def back_fill(*, start: dt.date, end: dt.date, force: bool = False) -> int:
    """Compute every day from `start` to `end` that has no snapshots yet (each day one pass);
    the number of people's rows written."""
    first = first_data_day()
    if first is None:
        return 0
    # A back-fill often follows a bulk load (the demo's, a migration's) whose rows PostgreSQL has
    # not analysed yet, inside the loader's transaction where autovacuum never will: without
    # statistics the planner takes the thousands of tasks and people for a handful and loops
    # over them, and a day costs minutes instead of milliseconds.
    # ANALYZE is the owner's: the portal asks through akimat_analyze (migration akimat/0009).
    tables = nightly_sql.tables()
    with connection.cursor() as cursor:
        for table in ANALYSED_FOR_BACK_FILL:
            cursor.execute("SELECT akimat_analyze(%s::regclass)", [tables[table]])
    day, rows = max(start, first), 0
    while day <= end:
        rows += sum(r.rows for r in compute_scores(day=day, force=force))
        day += dt.timedelta(days=1)
    return rows
