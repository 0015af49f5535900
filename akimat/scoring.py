"""The nightly scores: each person's and each directorate's figures "as of the end of a day".

Everything is set-based: one `INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE` writes every
person of a group of chunks (directorates), a second one rolls the people up into their
directorates. No Python loop ever walks people or tasks, so the number of queries is the same
for five people or a hundred thousand. The groups (settings.SCORES_CONNECTIONS, cut along the
people's ids) are written at once, each on a connection of its own.

The rules are tasks.models' (overdue_at, handed_in_on_time, done_on_time, the age buckets),
repeated here in SQL for speed; tests/akimat/test_figures_agree.py proves the two agree, and the
README's "The figures" and "Nightly scores" sections say the same in words:

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
- The bonus is `BONUS_SQL`, written once; `bonus_breakdown` repeats it step by step in Python.
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
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from akimat.calendar import ensure_calendar, quarter_bounds
from akimat.models import (
    BonusPolicy,
    CalendarDay,
    Department,
    DepartmentSnapshot,
    PersonSnapshot,
    ScoreRun,
    User,
)
from plans.models import CYCLE_DAYS, Cycle, Goal, Occurrence, Plan, Tactic
from tasks.models import AGE_OLD_OVER, AGE_RECENT_MAX, Absence, DeadlineChange, Task

TWO_PLACES = Decimal("0.01")
# The lock key of (date, chunk): one 64-bit number, this namespace in the top bits.
LOCK_NAMESPACE = 0x5C0E << 48

# The bonus of one snapshot row `s` under policy `bp` — the only place the formula is written
# for the database. Each term is rounded to cents before it is added, exactly as
# `bonus_breakdown` does, so the two agree to the cent.
BONUS_SQL = """
LEAST(bp.cap, GREATEST(0,
    CASE WHEN s.done_on_time + s.done_late = 0 THEN bp.weight_on_time
         ELSE ROUND(bp.weight_on_time * s.done_on_time / (s.done_on_time + s.done_late), 2) END
  + CASE WHEN s.week_score IS NULL THEN bp.weight_execution
         ELSE ROUND(bp.weight_execution * s.week_score / 100, 2) END
  - bp.penalty_overdue * s.overdue
  - bp.penalty_move * s.deadline_moves
))
"""

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

COUNTERS = (
    "open",
    "overdue",
    "awaiting",
    "overdue_days",
    "overdue_1_3",
    "overdue_4_10",
    "overdue_over_10",
    "done_on_time",
    "done_late",
    "deadline_moves",
    "week_due",
    "week_on_time",
)
PERSON_COLUMNS = (
    "date",
    "person_id",
    "department_id",
    "policy_id",
    *COUNTERS,
    "period_start",
    "week_score",
    "bonus",
    "computed_at",
)


class ScoringError(ValueError):
    """Bad input to the computation (the message is translated); nothing was written."""


def _tables() -> dict[str, str]:
    models = {
        "user": User,
        "department": Department,
        "calendar": CalendarDay,
        "task": Task,
        "task_history": Task.history.model,
        "user_history": User.history.model,
        "move": DeadlineChange,
        "absence": Absence,
        "cycle": Cycle,
        "plan": Plan,
        "goal": Goal,
        "tactic": Tactic,
        "occurrence": Occurrence,
        "policy": BonusPolicy,
        "person_snapshot": PersonSnapshot,
        "department_snapshot": DepartmentSnapshot,
        "score_run": ScoreRun,
    }
    return {name: model._meta.db_table for name, model in models.items()}


# The per-person figures for the people of %(departments)s (optionally only %(people)s) at the
# moment %(moment)s, end of day %(day)s. One pass over the tasks (old finished and cancelled ones
# dropped at the scan), a hash join to the people, the deadline in force, the state and the age,
# and one hash aggregate per person; the moves and the week's tactic-tasks are small side
# aggregates.
#
# The periods and the people are not materialized: a CTE carries no statistics, and the planner,
# not knowing the people are distinct, would hash the tasks instead of the people. The people are
# planned on their own (OFFSET 0), so that the per-person work — the period, the days away — is
# done once per person, not once per task.
FIGURES_SQL = """
WITH periods AS NOT MATERIALIZED (
    SELECT department_id, period_start,
           (period_start::timestamp AT TIME ZONE %(tz)s) AS period_from
    FROM (
        SELECT d.id AS department_id,
               COALESCE(c.start, date_trunc('quarter', %(day)s::date)::date) AS period_start
        FROM {department} d
        LEFT JOIN (
            SELECT department_id, max(start) AS start FROM {cycle}
            -- plans.models.CycleQuerySet.holding
            WHERE start <= %(day)s AND %(day)s < start + %(cycle_days)s
            GROUP BY department_id
        ) c ON c.department_id = d.id
        WHERE d.id = ANY(%(departments)s)
    ) x
),
-- People and tasks changed after the moment, as they were at the moment: the latest row of
-- their history before it (django-simple-history writes one with every change). Everything
-- else is as it is now. So a person who moved to another directorate, or a task handed to
-- someone else, submitted, accepted or returned since, counts as it did at the end of D.
-- For last night this is nearly nothing; both lookups go through the history's indexes.
users_then AS MATERIALIZED (
    SELECT DISTINCT ON (h.id) h.id, h.department_id, h.is_active
    FROM {user_history} h
    WHERE h.history_date < %(moment)s
      AND h.id IN (SELECT id FROM {user_history} WHERE history_date >= %(moment)s)
    ORDER BY h.id, h.history_date DESC, h.history_id DESC
),
tasks_then AS MATERIALIZED (
    SELECT DISTINCT ON (h.id) h.id, h.responsible_id, h.status, h.submitted_at,
           h.returned_at, h.done_at, h.cancelled_at
    FROM {task_history} h
    WHERE h.history_date < %(moment)s
      AND h.id IN (SELECT id FROM {task_history} WHERE history_date >= %(moment)s)
    ORDER BY h.id, h.history_date DESC, h.history_id DESC
),
-- Every task as it was at the moment (the fields the figures read): the unchanged ones as they
-- are, the changed ones from their history. Two arms rather than a join of every task to the
-- few changed ones, so the figures' sieves on plain columns still apply at the scan. (The
-- moves and the week's tactic-tasks, a few rows each, join the history to the task instead:
-- THEN_COLUMNS.)
tasks_at AS NOT MATERIALIZED (
    SELECT t.id, t.created_at, t.deadline, t.responsible_id, t.status, t.submitted_at,
           t.returned_at, t.done_at, t.cancelled_at
    FROM {task} t
    WHERE NOT EXISTS (SELECT FROM tasks_then th WHERE th.id = t.id)
    UNION ALL
    SELECT t.id, t.created_at, t.deadline, th.responsible_id, th.status, th.submitted_at,
           th.returned_at, th.done_at, th.cancelled_at
    FROM tasks_then th
    JOIN {task} t ON t.id = th.id
),
-- The people of the chunk (in its directorates at the moment) with their period and, for those
-- who were ever away, the sorted working days of their absences up to D (so the days away after
-- a deadline are a count of the array's days past it: its length less `width_bucket`).
people AS NOT MATERIALIZED (
    SELECT u.id AS person_id, u.department_id, pr.period_start, pr.period_from, aw.away
    FROM (
        -- the unchanged people as they are, the changed ones as they were (two arms, so the
        -- planner estimates the first from the user table's statistics)
        SELECT u.id, u.department_id, u.is_active
        FROM {user} u
        WHERE NOT EXISTS (SELECT FROM users_then ut WHERE ut.id = u.id)
        UNION ALL
        SELECT ut.id, ut.department_id, ut.is_active FROM users_then ut
    ) u
    JOIN periods pr ON pr.department_id = u.department_id
    LEFT JOIN (
        SELECT a.user_id, array_agg(DISTINCT d.date ORDER BY d.date) AS away
        FROM {absence} a
        JOIN {calendar} d ON d.is_working AND d.date BETWEEN a.start AND a."end"
                          AND d.date <= %(day)s
        WHERE a.start <= %(day)s
        GROUP BY a.user_id
    ) aw ON aw.user_id = u.id
    WHERE u.is_active AND u.department_id = ANY(%(departments)s)
      AND (%(people)s::int[] IS NULL OR u.id = ANY(%(people)s::int[]))
    -- planned on its own, so the period and the days away are worked out once per person and
    -- the tasks meet them already made
    OFFSET 0
),
-- The same people read once for the small side aggregates and the result: were they planned
-- inline there too, a nested loop over a handful of moves would work them out again per move.
people_once AS MATERIALIZED (SELECT * FROM people),
-- The calendar as one array of running working-day counts, so a task's age is two subscripts.
cal AS (
    SELECT min(date) AS first,
           array_agg(n ORDER BY date) AS n,
           max(n) FILTER (WHERE date = %(day)s) AS today
    FROM (
        SELECT date, sum(CASE WHEN is_working THEN 1 ELSE 0 END) OVER (ORDER BY date) AS n
        FROM {calendar}
        WHERE date <= %(day)s
    ) c
),
-- The deadline in force. A move is the only way a deadline changes, so `Task.deadline` is the
-- new deadline of the task's last approved move: in force unless a move was approved after the
-- moment. Only such tasks (none, for last night) are looked up: the new deadline of the last
-- approved move decided by the moment, else (every move came later) the old deadline of the
-- first one — the original.
moves AS (
    SELECT DISTINCT ON (m.task_id) m.task_id,
           CASE WHEN m.decided_at < %(moment)s THEN m.new_deadline
                ELSE m.old_deadline END AS due
    FROM {move} m
    WHERE m.state = 'approved'
      AND m.task_id IN (SELECT task_id FROM {move}
                        WHERE state = 'approved' AND decided_at >= %(moment)s)
    ORDER BY m.task_id, m.decided_at < %(moment)s DESC,
             CASE WHEN m.decided_at < %(moment)s THEN m.decided_at END DESC NULLS LAST,
             m.decided_at, m.id
),
-- Deadline moves decided in each person's period up to the moment.
person_moves AS (
    SELECT t.responsible_id AS person_id, count(*) AS moves
    FROM {move} m
    JOIN {task} t0 ON t0.id = m.task_id
    LEFT JOIN tasks_then th ON th.id = t0.id
    CROSS JOIN LATERAL (SELECT {then_columns}) t
    JOIN people_once p ON p.person_id = t.responsible_id
    WHERE m.state = 'approved' AND m.decided_at < %(moment)s
      AND m.decided_at >= p.period_from
      AND m.decided_at >= (SELECT min(period_from) FROM periods)
    GROUP BY t.responsible_id
),
-- One row per task counted at the moment: its state (0 done before the period, 1 open, 2 overdue,
-- 3 done on time in the period, 4 done late in the period, 5 open but handed in on time and
-- awaiting acceptance) and, when overdue, its age in working days after the deadline's date up
-- to D, less the days the person was away. The rules are tasks.models' (overdue_at,
-- handed_in_on_time, done_on_time); tests/akimat/test_figures_agree.py proves they agree.
judged AS (
    SELECT person_id, state,
           CASE WHEN state = 2 THEN
               (SELECT today FROM cal)
               - COALESCE((SELECT n FROM cal)[due_day - (SELECT first FROM cal) + 1], 0)
               - COALESCE(cardinality(away) - width_bucket(due_day, away), 0)
           END AS age
    FROM (
        SELECT f.responsible_id AS person_id, p.away, d.due::date AS due_day,
               CASE WHEN f.status = 'done' AND f.done_at < %(moment)s THEN
                         CASE WHEN f.done_at < p.period_from THEN 0
                              -- done on time: the result handed in by the deadline
                              WHEN COALESCE(f.submitted_at, f.done_at) <= d.due THEN 3
                              ELSE 4 END
                    -- handed in by the deadline and still awaiting a decision at the moment
                    WHEN f.submitted_at < %(moment)s AND f.submitted_at <= d.due
                         AND (f.status = 'awaiting'
                              OR f.status = 'done'
                              OR (f.returned_at > f.submitted_at
                                  AND f.returned_at >= %(moment)s)) THEN 5
                    WHEN d.due < %(moment)s THEN 2
                    ELSE 1 END AS state
        FROM tasks_at f
        JOIN people p ON p.person_id = f.responsible_id
        LEFT JOIN moves mv ON mv.task_id = f.id
        CROSS JOIN LATERAL (SELECT COALESCE(mv.due, f.deadline) AS due) d
        WHERE f.created_at < %(moment)s
          -- a cheap first sieve when the people are a range of ids (a group of a parallel run);
          -- people who changed directorate since the moment may lie outside it
          -- (an array, not a subquery: a qual with a subquery is not pushed down to the scan)
          AND (%(ids_from)s::int IS NULL
               OR f.responsible_id BETWEEN %(ids_from)s AND %(ids_to)s
               OR f.responsible_id = ANY(%(moved)s::int[]))
          -- done before every period began, or cancelled by the moment: counts nowhere
          AND (f.status <> 'done' OR f.done_at >= (SELECT min(period_from) FROM periods))
          AND NOT (f.status = 'cancelled'
                   AND COALESCE(f.cancelled_at, f.created_at) < %(moment)s)
    ) t
    -- the age is computed once per task, though the aggregates below read it four times
    OFFSET 0
),
per_person AS (
    SELECT person_id,
           count(*) FILTER (WHERE state IN (1, 2, 5)) AS open,
           count(*) FILTER (WHERE state = 2) AS overdue,
           count(*) FILTER (WHERE state = 5) AS awaiting,
           sum(age) AS overdue_days,
           count(*) FILTER (WHERE age <= %(age_recent)s) AS overdue_1_3,
           count(*) FILTER (WHERE age > %(age_recent)s AND age <= %(age_old)s) AS overdue_4_10,
           count(*) FILTER (WHERE age > %(age_old)s) AS overdue_over_10,
           count(*) FILTER (WHERE state = 3) AS done_on_time,
           count(*) FILTER (WHERE state = 4) AS done_late
    FROM judged
    GROUP BY person_id
),
week AS (
    SELECT t.responsible_id AS person_id,
           count(*) AS week_due,
           count(*) FILTER (WHERE t.status = 'done' AND t.done_at < %(moment)s
                            AND o.due >= COALESCE(t.submitted_at, t.done_at)) AS week_on_time
    FROM {occurrence} o
    JOIN {tactic} ta ON ta.id = o.tactic_id
    JOIN {goal} g ON g.id = ta.goal_id
    JOIN {plan} pl ON pl.id = g.plan_id
    JOIN {cycle} cy ON cy.id = pl.cycle_id
    JOIN {task} t0 ON t0.id = o.task_id
    LEFT JOIN tasks_then th ON th.id = t0.id
    CROSS JOIN LATERAL (SELECT {then_columns}) t
    JOIN people_once p ON p.person_id = t.responsible_id
    -- a tactic-task is due within its own week (plans.services.WeekCalendar), so only those due
    -- within a week of the moment can be of the week holding D: a sieve before the joins
    WHERE o.due > %(moment)s - interval '8 days' AND o.due < %(moment)s + interval '8 days'
      AND cy.start + (o.week - 1) * 7 <= %(day)s AND %(day)s < cy.start + o.week * 7
      AND (o.replaced_at IS NULL OR o.replaced_at >= %(moment)s)
      AND o.created_at < %(moment)s
      AND NOT (t.status = 'cancelled' AND COALESCE(t.cancelled_at, t.created_at) < %(moment)s)
      AND (o.due <= %(moment)s OR (t.status = 'done' AND t.done_at < %(moment)s))
    GROUP BY t.responsible_id
),
s AS (
    SELECT %(day)s::date AS date, p.person_id, p.department_id, %(policy)s::int AS policy_id,
           COALESCE(pp.open, 0)::int AS open,
           COALESCE(pp.overdue, 0)::int AS overdue,
           COALESCE(pp.awaiting, 0)::int AS awaiting,
           COALESCE(pp.overdue_days, 0)::int AS overdue_days,
           COALESCE(pp.overdue_1_3, 0)::int AS overdue_1_3,
           COALESCE(pp.overdue_4_10, 0)::int AS overdue_4_10,
           COALESCE(pp.overdue_over_10, 0)::int AS overdue_over_10,
           COALESCE(pp.done_on_time, 0)::int AS done_on_time,
           COALESCE(pp.done_late, 0)::int AS done_late,
           COALESCE(pm.moves, 0)::int AS deadline_moves,
           COALESCE(w.week_due, 0)::int AS week_due,
           COALESCE(w.week_on_time, 0)::int AS week_on_time,
           p.period_start,
           CASE WHEN COALESCE(w.week_due, 0) = 0 THEN NULL
                ELSE ROUND(100.0 * w.week_on_time / w.week_due, 2) END AS week_score
    FROM people_once p
    LEFT JOIN per_person pp ON pp.person_id = p.person_id
    LEFT JOIN person_moves pm ON pm.person_id = p.person_id
    LEFT JOIN week w ON w.person_id = p.person_id
)
SELECT s.date, s.person_id, s.department_id, s.policy_id,
       s.open, s.overdue, s.awaiting, s.overdue_days, s.overdue_1_3, s.overdue_4_10, s.overdue_over_10,
       s.done_on_time, s.done_late, s.deadline_moves, s.week_due, s.week_on_time,
       s.period_start, s.week_score, {bonus} AS bonus, %(now)s::timestamptz AS computed_at
FROM s JOIN {policy} bp ON bp.id = s.policy_id
"""

UPSERT_PEOPLE_SQL = """
WITH written AS (
    INSERT INTO {person_snapshot} ({columns})
    {figures}
    ON CONFLICT (date, person_id) DO UPDATE SET {updates}
    RETURNING department_id
)
SELECT department_id, count(*) FROM written GROUP BY department_id
"""

# Every chunk's run of this call finished: succeeded with its rows, or skipped with the reason.
FINISH_SQL = """
UPDATE {score_run} r SET
    status = CASE WHEN r.chunk_id = ANY(%(work)s) THEN 'succeeded' ELSE 'skipped' END,
    rows = COALESCE((%(rows)s::jsonb ->> r.chunk_id::text)::int, 0),
    error = CASE WHEN r.chunk_id = ANY(%(work)s) THEN ''
                 WHEN r.chunk_id = ANY(%(done)s) THEN %(already)s ELSE %(busy)s END,
    finished_at = %(finished)s, duration_ms = %(duration)s
WHERE r.id = ANY(%(ids)s)
"""

# People who left a recomputed chunk since the last run: their old row for the date is stale.
DELETE_STALE_SQL = """
DELETE FROM {person_snapshot}
WHERE date = %(day)s AND department_id = ANY(%(departments)s) AND computed_at <> %(now)s
"""

ROLL_UP_SQL = """
INSERT INTO {department_snapshot} (
    date, department_id, policy_id, people, head_overdue, {counters},
    period_start, week_score, bonus, computed_at)
SELECT s.date, s.department_id, min(s.policy_id), count(*),
       COALESCE(sum(s.overdue) FILTER (WHERE s.person_id = d.head_id), 0),
       {sums},
       min(s.period_start),
       CASE WHEN sum(s.week_due) = 0 THEN NULL
            ELSE ROUND(100.0 * sum(s.week_on_time) / sum(s.week_due), 2) END,
       ROUND(avg(s.bonus), 2),
       %(now)s
FROM {person_snapshot} s
JOIN {department} d ON d.id = s.department_id
WHERE s.date = %(day)s AND s.department_id = ANY(%(departments)s)
GROUP BY s.date, s.department_id
ON CONFLICT (date, department_id) DO UPDATE SET {updates}
"""


# A task `t0` as it was at the moment, with its row of `tasks_then` as `th` (none: unchanged).
THEN_COLUMNS = (
    ", ".join(
        f"CASE WHEN th.id IS NULL THEN t0.{c} ELSE th.{c} END AS {c}"
        for c in ("responsible_id", "status", "submitted_at", "done_at", "cancelled_at")
    )
    + ", t0.created_at"
)


def _sql(template: str, **extra: str) -> str:
    return template.format(**_tables(), bonus=BONUS_SQL, then_columns=THEN_COLUMNS, **extra)


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


def figures_sql() -> str:
    """The SELECT behind both `person_figures` and the nightly job (the columns of
    `PERSON_COLUMNS`)."""
    return _sql(FIGURES_SQL)


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight after `day`, local time: the moment "as of the end of `day`" means."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _ids(items: Iterable[int | object] | None) -> list[int] | None:
    if items is None:
        return None
    return [item if isinstance(item, int) else item.pk for item in items]  # type: ignore[attr-defined]


def _params(
    day: dt.date,
    *,
    departments: list[int],
    policy: BonusPolicy,
    now: dt.datetime,
    people: list[int] | None = None,
    ids: tuple[int, int] | None = None,
    moved: list[int] | None = None,
) -> dict[str, object]:
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
) -> Iterator[tuple[CursorWrapper, str, dict[str, object]]]:
    """The nightly job's per-person SELECT for `as_of` (now, when it is today) with its
    parameters, and a cursor switched to the figures' statement settings (no JIT, the local
    zone) until the block ends. Wrap the SELECT in your own: `SELECT … FROM (sql) AS f …`."""
    policy = policy or _policy(as_of)
    ensure_calendar(start=as_of - dt.timedelta(days=CALENDAR_YEARS * 366), end=as_of)
    params = _params(
        as_of, departments=departments, policy=policy, now=timezone.now(), people=people
    )
    with transaction.atomic(), _tuned() as cursor:
        yield cursor, figures_sql(), params


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
    with statement as (cursor, sql, params):
        cursor.execute(f"SELECT * FROM ({sql}) f ORDER BY person_id", params)
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

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.lines)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def bonus_breakdown(snapshot: PersonSnapshot, policy: BonusPolicy | None = None) -> BonusBreakdown:
    """A person's bonus (a snapshot or live figures) line by line; `total` equals `BONUS_SQL`'s.
    (A directorate's bonus is its people's mean, not the formula over its summed counts.)

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
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in (
            "policy_id",
            "people",
            "head_overdue",
            *COUNTERS,
            "period_start",
            "week_score",
            "bonus",
            "computed_at",
        )
    )
    sql = _sql(
        ROLL_UP_SQL,
        counters=", ".join(COUNTERS),
        sums=", ".join(f"sum(s.{c})" for c in COUNTERS),
        updates=updates,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"day": day, "departments": departments, "now": now})
        return cursor.rowcount


def _write_people(
    day: dt.date,
    departments: list[int],
    policy: BonusPolicy,
    now: dt.datetime,
    ids: tuple[int, int] | None = None,
    moved: list[int] | None = None,
) -> dict[int, int]:
    columns = ", ".join(PERSON_COLUMNS)
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}" for c in PERSON_COLUMNS if c not in {"date", "person_id"}
    )
    sql = _sql(UPSERT_PEOPLE_SQL, columns=columns, updates=updates, figures=figures_sql())
    params = _params(day, departments=departments, policy=policy, now=now, ids=ids, moved=moved)
    with _tuned() as cursor:
        cursor.execute(sql, params)
        written = dict(cursor.fetchall())
    with connection.cursor() as cursor:
        cursor.execute(_sql(DELETE_STALE_SQL), params)
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
                    _sql(FINISH_SQL),
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
    with connection.cursor() as cursor:
        for table in ANALYSED_FOR_BACK_FILL:
            cursor.execute("SELECT akimat_analyze(%s::regclass)", [_tables()[table]])
    day, rows = max(start, first), 0
    while day <= end:
        rows += sum(r.rows for r in compute_scores(day=day, force=force))
        day += dt.timedelta(days=1)
    return rows
