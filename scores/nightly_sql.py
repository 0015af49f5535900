"""The nightly job's raw SQL, composed with `psycopg.sql`: the per-person figures, their upsert,
the directorates' roll-up and the runs' record; and the deputy's dashboard's, which reads the same
figures live and the snapshots the job wrote.

The table names come from the models (`_meta.db_table`), the status values from their
`TextChoices`; neither is ever spelled in the SQL text. Each CTE says which rule it implements
and where that rule's one home in Python is: mostly tasks.models' figures' rules (`overdue_at`,
`handed_in_on_time`, `done_on_time`, `TaskQuerySet.with_figures`, the age buckets), and
plans.models' (`CycleQuerySet.holding`, `OccurrenceQuerySet.week_counts`). The SQL repeats them
for speed over millions of tasks; tests/scores/test_figures_agree.py proves on generated data that
the two agree. The parameters (`%(day)s`, `%(moment)s`, …) are scores.scoring's `_params`.

Every builder returns a `psycopg.sql.Composed`; `render` turns it into the text Django's cursor
takes (its debug wrapper logs and counts it like any other query).
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import sql

from akimat.models import CalendarDay, Department, User
from plans.models import Cycle, Goal, Occurrence, Plan, Tactic
from scores.models import BonusPolicy, DepartmentSnapshot, PersonSnapshot, ScoreRun
from tasks.models import Absence, DeadlineChange, Status, Task

# The per-person counters of a snapshot, in the order of the tables' columns.
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
DEPARTMENT_UPDATED = (
    "policy_id",
    "people",
    "head_overdue",
    *COUNTERS,
    "period_start",
    "week_score",
    "bonus",
    "computed_at",
)


def tables() -> dict[str, str]:
    """The tables the statements read and write, by the names the templates give them."""
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


def _value(choice: str) -> sql.Literal:
    """A `TextChoices` member as an SQL string literal (its value, never its name)."""
    return sql.Literal(str(choice))


def _names() -> dict[str, sql.Composable]:
    """What the templates may name: the tables, and the status values the rules compare with."""
    return {
        **{name: sql.Identifier(table) for name, table in tables().items()},
        "done": _value(Status.DONE),
        "awaiting": _value(Status.AWAITING_ACCEPTANCE),
        "cancelled": _value(Status.CANCELLED),
        "approved": _value(DeadlineChange.State.APPROVED),
        "succeeded": _value(ScoreRun.Status.SUCCEEDED),
        "skipped": _value(ScoreRun.Status.SKIPPED),
    }


def _compose(template: str, **extra: sql.Composable) -> sql.Composed:
    return sql.SQL(template).format(**_names(), **extra)


def _columns(names: Iterable[str], template: str = "{c}") -> sql.Composed:
    """`template` for each column name `c`, comma-separated."""
    return sql.SQL(", ").join(sql.SQL(template).format(c=sql.Identifier(name)) for name in names)


def render(statement: sql.Composable) -> str:
    """The statement as the text Django's cursor takes. (Its cursors take a `Composed` too, but
    a query log, a debug toolbar or server-side binding may expect text.)"""
    return statement.as_string(None)


# The bonus of one snapshot row `s` under policy `bp` — the only place the formula is written
# for the database. Each term is rounded to cents before it is added, exactly as
# scores.scoring.bonus_breakdown does, so the two agree to the cent.
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

# A task `t0` as it was at the moment, with its row of `tasks_then` as `th` (none: unchanged).
THEN_COLUMNS = (
    "responsible_id",
    "status",
    "submitted_at",
    "done_at",
    "cancelled_at",
)


def _then_columns() -> sql.Composed:
    return sql.SQL(", ").join(
        [
            _columns(THEN_COLUMNS, "CASE WHEN th.id IS NULL THEN t0.{c} ELSE th.{c} END AS {c}"),
            sql.SQL("t0.created_at"),
        ]
    )


# The per-person figures (the columns of PERSON_COLUMNS) for the people of %(departments)s
# (optionally only %(people)s) at the moment %(moment)s, end of day %(day)s. One pass over the
# tasks (old finished and cancelled ones dropped at the scan), a hash join to the people, the
# deadline in force, the state and the age, and one hash aggregate per person; the moves and the
# week's tactic-tasks are small side aggregates.
#
# The periods and the people are not materialized: a CTE carries no statistics, and the planner,
# not knowing the people are distinct, would hash the tasks instead of the people. The people are
# planned on their own (OFFSET 0), so that the per-person work — the period, the days away — is
# done once per person, not once per task.
FIGURES = """
-- Each directorate's period ("the current cycle"): the start of its cycle holding D
-- (plans.models.CycleQuerySet.holding), else the calendar quarter of D
-- (akimat.calendar.quarter_bounds: the civil service's quarterly evaluation).
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
-- Working days (akimat.models.CalendarDay, counted as TaskQuerySet.with_figures counts them):
-- the calendar as one array of running working-day counts, so a task's age is two subscripts.
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
    WHERE m.state = {approved}
      AND m.task_id IN (SELECT task_id FROM {move}
                        WHERE state = {approved} AND decided_at >= %(moment)s)
    ORDER BY m.task_id, m.decided_at < %(moment)s DESC,
             CASE WHEN m.decided_at < %(moment)s THEN m.decided_at END DESC NULLS LAST,
             m.decided_at, m.id
),
-- Deadline moves (tasks.models.DeadlineChange, approved) decided in each person's period up to
-- the moment, under the person responsible for the task at the moment.
person_moves AS (
    SELECT t.responsible_id AS person_id, count(*) AS moves
    FROM {move} m
    JOIN {task} t0 ON t0.id = m.task_id
    LEFT JOIN tasks_then th ON th.id = t0.id
    CROSS JOIN LATERAL (SELECT {then_columns}) t
    JOIN people_once p ON p.person_id = t.responsible_id
    WHERE m.state = {approved} AND m.decided_at < %(moment)s
      AND m.decided_at >= p.period_from
      AND m.decided_at >= (SELECT min(period_from) FROM periods)
    GROUP BY t.responsible_id
),
-- One row per task counted at the moment: its state (0 done before the period, 1 open, 2 overdue,
-- 3 done on time in the period, 4 done late in the period, 5 open but handed in on time and
-- awaiting acceptance) and, when overdue, its age in working days after the deadline's date up
-- to D, less the days the person was away. The rules are tasks.models' (overdue_at,
-- handed_in_on_time, done_on_time); tests/scores/test_figures_agree.py proves they agree.
judged AS (
    SELECT person_id, state,
           CASE WHEN state = 2 THEN
               (SELECT today FROM cal)
               - COALESCE((SELECT n FROM cal)[due_day - (SELECT first FROM cal) + 1], 0)
               - COALESCE(cardinality(away) - width_bucket(due_day, away), 0)
           END AS age
    FROM (
        SELECT f.responsible_id AS person_id, p.away, d.due::date AS due_day,
               CASE WHEN f.status = {done} AND f.done_at < %(moment)s THEN
                         CASE WHEN f.done_at < p.period_from THEN 0
                              -- done on time: the result handed in by the deadline
                              WHEN COALESCE(f.submitted_at, f.done_at) <= d.due THEN 3
                              ELSE 4 END
                    -- handed in by the deadline and still awaiting a decision at the moment
                    WHEN f.submitted_at < %(moment)s AND f.submitted_at <= d.due
                         AND (f.status = {awaiting}
                              OR f.status = {done}
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
          AND (f.status <> {done} OR f.done_at >= (SELECT min(period_from) FROM periods))
          AND NOT (f.status = {cancelled}
                   AND COALESCE(f.cancelled_at, f.created_at) < %(moment)s)
    ) t
    -- the age is computed once per task, though the aggregates below read it four times
    OFFSET 0
),
-- The counters per person; the age buckets are tasks.models' AGE_RECENT_MAX and AGE_OLD_OVER
-- (the parameters age_recent and age_old), as with_figures' `overdue_days` buckets them.
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
-- The counts of the week's execution score: plans.models.OccurrenceQuerySet.week_counts over
-- `scored`: the tactic-tasks of the cycle week holding D, live at the moment, not cancelled, due
-- by then or already done; on time = done with the result handed in by the planned deadline.
week AS (
    SELECT t.responsible_id AS person_id,
           count(*) AS week_due,
           count(*) FILTER (WHERE t.status = {done} AND t.done_at < %(moment)s
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
      AND NOT (t.status = {cancelled} AND COALESCE(t.cancelled_at, t.created_at) < %(moment)s)
      AND (o.due <= %(moment)s OR (t.status = {done} AND t.done_at < %(moment)s))
    GROUP BY t.responsible_id
),
-- Every person of the chunk, zeros where nothing counted; the week's score in per cent of the
-- tactic-tasks due, NULL when none was.
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
-- The bonus under the policy in force: BONUS_SQL (scores.scoring.bonus_breakdown repeats it).
FROM s JOIN {policy} bp ON bp.id = s.policy_id
"""

# Writes every person of the figures (upsert on date and person); the rows written per
# directorate.
UPSERT_PEOPLE = """
WITH written AS (
    INSERT INTO {person_snapshot} ({columns})
    {figures}
    ON CONFLICT (date, person_id) DO UPDATE SET {updates}
    RETURNING department_id
)
SELECT department_id, count(*) FROM written GROUP BY department_id
"""

# People who left a recomputed chunk since the last run: their old row for the date is stale.
DELETE_STALE = """
DELETE FROM {person_snapshot}
WHERE date = %(day)s AND department_id = ANY(%(departments)s) AND computed_at <> %(now)s
"""

# A directorate's figures are its people's summed (its head's overdue apart), its week's score
# over the summed tactic-tasks, its bonus the people's mean (not the formula over the sums).
ROLL_UP = """
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

# Every chunk's run of this call finished: succeeded with its rows, or skipped with the reason.
FINISH = """
UPDATE {score_run} r SET
    status = CASE WHEN r.chunk_id = ANY(%(work)s) THEN {succeeded} ELSE {skipped} END,
    rows = COALESCE((%(rows)s::jsonb ->> r.chunk_id::text)::int, 0),
    error = CASE WHEN r.chunk_id = ANY(%(work)s) THEN ''
                 WHEN r.chunk_id = ANY(%(done)s) THEN %(already)s ELSE %(busy)s END,
    finished_at = %(finished)s, duration_ms = %(duration)s
WHERE r.id = ANY(%(ids)s)
"""


def figures() -> sql.Composed:
    """The per-person SELECT behind both the live figures and the nightly job (the columns of
    `PERSON_COLUMNS`)."""
    return _compose(FIGURES, then_columns=_then_columns(), bonus=sql.SQL(BONUS_SQL))


def ordered_figures() -> sql.Composed:
    """The figures one row per person, in the order of their ids."""
    return sql.SQL("SELECT * FROM ({figures}) f ORDER BY person_id").format(figures=figures())


def upsert_people() -> sql.Composed:
    keys = {"date", "person_id"}
    return _compose(
        UPSERT_PEOPLE,
        columns=_columns(PERSON_COLUMNS),
        updates=_columns([c for c in PERSON_COLUMNS if c not in keys], "{c} = EXCLUDED.{c}"),
        figures=figures(),
    )


def delete_stale() -> sql.Composed:
    return _compose(DELETE_STALE)


def roll_up() -> sql.Composed:
    return _compose(
        ROLL_UP,
        counters=_columns(COUNTERS),
        sums=_columns(COUNTERS, "sum(s.{c})"),
        updates=_columns(DEPARTMENT_UPDATED, "{c} = EXCLUDED.{c}"),
    )


def finish() -> sql.Composed:
    return _compose(FINISH)


# The deputy's dashboard, live: the figures summed per directorate, with its head's overdue, its
# people and the earliest start of its people's period.
DIRECTORATE_SUMS = """
SELECT f.department_id, {sums},
       COALESCE(SUM(f.overdue) FILTER (WHERE f.person_id = d.head_id), 0),
       COUNT(*),
       MIN(f.period_start)
FROM ({figures}) AS f
JOIN {department} AS d ON d.id = f.department_id
GROUP BY f.department_id
"""

# The dashboard's sparklines: each directorate's overdue week by week from the Monday
# %(monday)s, the last snapshot of each week standing for it.
WEEKLY_OVERDUE = """
SELECT DISTINCT ON (department_id, (date - %(monday)s::date) / 7) department_id, overdue
FROM {department_snapshot}
WHERE department_id = ANY(%(departments)s) AND date >= %(start)s AND date < %(end)s
ORDER BY department_id, (date - %(monday)s::date) / 7, date DESC
"""


def directorate_sums() -> sql.Composed:
    return _compose(
        DIRECTORATE_SUMS,
        sums=_columns(COUNTERS, "COALESCE(SUM(f.{c}), 0)"),
        figures=figures(),
    )


def weekly_overdue() -> sql.Composed:
    return _compose(WEEKLY_OVERDUE)
