"""Benchmark: the nightly scores for one date at 1 M tasks / 10 k people and at ten times that,
against a bare SQL floor on the same number of connections.

Run from the repository root (needs PostgreSQL; makes its own databases and drops them):

    .venv/bin/python bench/compute_scores.py [--database-url postgresql://postgres@127.0.0.1:5432]
                                            [--scales 1,10] [--repeat 3] [--keep]

A scale may be a fraction (`--scales 0.1` is 100 k tasks / 1 k people, a quick trial). For each
scale S it makes the database `akimat_bench_S` (a dot becomes `_`), migrates it and seeds, with
plain INSERT … SELECT generate_series (foreign-key triggers off, the task indexes built after
the rows): 10 k × S people in 500 × S directorates of 20, 1 M × S tasks over the last four
months (60 % done, on time or late, 5 % cancelled, the rest open), a deadline move on every 33rd
task, absences for 1 % of the people, and a 12-week cycle per directorate in its sixth week with
an individual plan, a goal and a Monday tactic per person whose six occurrences are real tasks.
The morning after D every 200th task was handed over and every 200th person moved to the next
directorate, with the history rows django-simple-history writes (HISTORY_ROWS_SQL), so ours
reads the as-of-D lookup as the night does after a day of work.

For N connections in CONNECTIONS (2, SCORES_CONNECTIONS' default, and 1) it then times:

- ours on N: `manage.py compute_scores --date D --force` with SCORES_CONNECTIONS=N (every
  person's snapshot and every directorate's roll-up, the same code the night runs; on 2 the
  directorates are dealt into two groups of about as many people, each group's people a range
  of ids, written at once on a connection and a transaction each; on 1, one pass), and
- the floor on N: the one statement such a job cannot do without — each person's open and
  overdue counts for the day in a single aggregate over the tasks, upserted into a table of the
  same shape as the snapshots (FLOOR_SQL below, printed with the results). On N > 1 the people
  are cut into N contiguous id ranges of about as many people each (`floor_ranges`) and each
  range runs FLOOR_SQL with `WHERE t.responsible_id BETWEEN lo AND hi` on a psycopg connection
  and a transaction of its own, all at once in threads; on 1 the range is everyone, so the
  statement is FLOOR_SQL as it stands (ours on 1 drops its id range too). The floor's
  connections are opened before the clock starts; the time runs to the last commit. Each of
  its transactions gets ours' statement settings (no JIT, FIGURES_WORK_MEM).

One untimed round of each first writes every row, so that each timed run rewrites rows that
exist (as `--force` does at night); then the four are run in turn, `--repeat` rounds, and the
median of each is printed. After every run (off the clock) a checksum of what it wrote (row
count and column sums) is taken: ours on 2 and on 1 must write the same, and so must the floor
on 2 and on 1, or the run is reported NOT consistent (and the script exits with 1).

It prints, per scale, a table connections | ours | floor | ours ÷ floor, the growth from the
first scale to the last for each of the four, and the goals with met / NOT met: ours (on 2, the
night's setting) ≤ 5 s at 1 M tasks and ≤ 55 s at 10 M, ours ≤ 1.5× the floor on the same
number of connections, and a growth ×10 → ≤ ×11 (1.1× the growth in tasks).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE, TASKS, PER_DIRECTORATE, OCCURRENCES = 10_000, 1_000_000, 20, 6
# The numbers of connections compared, ours and the floor alike (2 is SCORES_CONNECTIONS' default).
CONNECTIONS = (2, 1)
# The goals: ours (on 2 connections, the night's setting) at 1 M and 10 M tasks, ours ÷ floor on
# the same number of connections, and the growth as a multiple of the growth in tasks.
GOAL_SECONDS = {1_000_000: 5.0, 10_000_000: 55.0}
GOAL_RATIO = 1.5
GOAL_GROWTH = 1.1

# The floor: one aggregate over the tasks, one upsert, into a table shaped like the snapshots.
FLOOR_SQL = """
INSERT INTO bench_floor (date, person_id, department_id, policy_id, open, overdue, awaiting,
    overdue_days, overdue_1_3, overdue_4_10, overdue_over_10, done_on_time, done_late,
    deadline_moves, week_due, week_on_time, period_start, bonus, computed_at)
SELECT %(day)s, t.responsible_id, min(t.department_id), 1,
       count(*) FILTER (WHERE t.status IN ('new', 'in_progress', 'awaiting', 'returned')),
       count(*) FILTER (WHERE t.status IN ('new', 'in_progress', 'awaiting', 'returned')
                        AND t.deadline < %(moment)s),
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, %(day)s, 0, now()
FROM tasks_task t
GROUP BY t.responsible_id
ON CONFLICT (date, person_id) DO UPDATE SET open = EXCLUDED.open, overdue = EXCLUDED.overdue,
    department_id = EXCLUDED.department_id, computed_at = EXCLUDED.computed_at
"""
# On N > 1 connections, each range of people runs FLOOR_SQL with this before its GROUP BY.
FLOOR_RANGE = "WHERE t.responsible_id BETWEEN %(lo)s AND %(hi)s"


def floor_sql(ranged: bool) -> str:
    """FLOOR_SQL, for one range of people's ids when `ranged` (nothing else changes)."""
    anchor = "FROM tasks_task t\n"
    assert FLOOR_SQL.count(anchor) == 1
    return FLOOR_SQL.replace(anchor, f"{anchor}{FLOOR_RANGE}\n") if ranged else FLOOR_SQL


SEED_SQL = [
    """INSERT INTO akimat_department (name_ru, name_kk, slug)
       SELECT 'Управление ' || g, 'Басқарма ' || g, 'bench-' || g
       FROM generate_series(1, %(directorates)s) g""",
    """INSERT INTO akimat_user (password, is_superuser, username, first_name, last_name, email,
           is_staff, is_active, date_joined, middle_name, position, position_kk, language,
           department_id)
       SELECT '!', false, 'u' || g, 'Имя', 'Фамилия ' || g, '', false, true, now(), '', '', '',
              'ru', (SELECT min(id) FROM akimat_department) + (g - 1) / %(per)s
       FROM generate_series(1, %(people)s) g""",
    """UPDATE akimat_department d SET head_id = h.id
       FROM (SELECT department_id, min(id) AS id FROM akimat_user GROUP BY 1) h
       WHERE h.department_id = d.id""",
    # Regular tasks: person k = g mod people; created 0–119 days before the end of D.
    """INSERT INTO tasks_task (title, description, priority, source, source_number, deadline,
           status, result, return_reason, cancel_reason, created_at, submitted_at, done_at,
           cancelled_at, version, author_id, department_id, responsible_id)
       SELECT 'Задача ' || g, '', 2, 'initiative', '', dl, st, '', '', '', cr,
              CASE WHEN st = 'done' THEN dn END, CASE WHEN st = 'done' THEN dn END,
              CASE WHEN st = 'cancelled' THEN cr + interval '2 days' END, 1,
              u0 + (g * 7) %% %(people)s, d0 + (g %% %(people)s) / %(per)s, u0 + g %% %(people)s
       FROM (
           SELECT g, h, cr, dl, u0, d0,
                  CASE WHEN h < 600 THEN 'done' WHEN h < 650 THEN 'cancelled'
                       WHEN h < 800 THEN 'new' WHEN h < 950 THEN 'in_progress'
                       ELSE 'awaiting' END AS st,
                  GREATEST(cr + interval '1 hour',
                           LEAST(dl + ((h %% 7) - 4) * interval '1 day',
                                 %(moment)s::timestamptz - interval '1 hour')) AS dn
           FROM (
               SELECT g, (g::bigint * 2654435761) %% 1000 AS h,
                      %(moment)s::timestamptz - ((g::bigint * 40503) %% 120) * interval '1 day'
                          - interval '5 hours' AS cr,
                      %(moment)s::timestamptz - ((g::bigint * 40503) %% 120) * interval '1 day'
                          + (1 + (g * 7) %% 30) * interval '1 day' AS dl,
                      (SELECT min(id) FROM akimat_user) AS u0,
                      (SELECT min(id) FROM akimat_department) AS d0
               FROM generate_series(1, %(regular)s) g
           ) x
       ) y""",
    # Every 33rd task had its deadline moved a week on (the task keeps the latest deadline).
    """INSERT INTO tasks_deadlinechange (task_id, old_deadline, new_deadline, reason,
           requested_by_id, requested_at, state, decided_by_id, decided_at, decision_note,
           overdue_days_before)
       SELECT id, deadline - interval '7 days', deadline, 'bench', responsible_id,
              created_at + interval '1 hour', 'approved', author_id,
              created_at + interval '2 hours', '', 0
       FROM tasks_task WHERE id %% 33 = 0""",
    """INSERT INTO tasks_absence (kind, start, "end", user_id)
       SELECT 'leave', %(day)s::date - 10, %(day)s::date - 3, id
       FROM akimat_user WHERE id %% 100 = 0""",
    """INSERT INTO plans_cycle (start, status, created_at, created_by_id, department_id)
       SELECT %(cycle_start)s, 'active', now(), head_id, id FROM akimat_department""",
    """INSERT INTO plans_plan (kind, status, return_reason, created_at, created_by_id, cycle_id,
           owner_id, approved_by_id, approved_at, version)
       SELECT 'individual', 'approved', '', now(), u.id, c.id, u.id, u.id, now(), 1
       FROM akimat_user u JOIN plans_cycle c ON c.department_id = u.department_id""",
    """INSERT INTO plans_goal (title, why, weight, unit, start_value, target_value, position,
           plan_id, version)
       SELECT 'Цель', '', 100, 'шт.', 0, 10, 0, id, 1 FROM plans_plan""",
    """INSERT INTO plans_tactic (title, weekday, weeks, is_active, position, goal_id,
           responsible_id, version)
       SELECT 'Еженедельно', 0, '{1,2,3,4,5,6,7,8,9,10,11,12}', true, 0, g.id, p.owner_id, 1
       FROM plans_goal g JOIN plans_plan p ON p.id = g.plan_id""",
    # Six weeks of each tactic as real tasks, due on Mondays at 18:30: mostly done (some late),
    # one in five still open; week 6 is the week of D.
    """INSERT INTO tasks_task (title, description, priority, source, source_number, deadline,
           status, result, return_reason, cancel_reason, created_at, submitted_at, done_at,
           version, author_id, department_id, responsible_id)
       SELECT 'plan:' || ta.id || ':' || w, '', 2, 'plan', '', due,
              CASE WHEN (ta.id + w) %% 5 = 0 THEN 'new' ELSE 'done' END, '', '', '', c.start,
              CASE WHEN (ta.id + w) %% 5 <> 0 THEN due + ((ta.id + w) %% 3 - 2) * interval '1 day' END,
              CASE WHEN (ta.id + w) %% 5 <> 0 THEN due + ((ta.id + w) %% 3 - 2) * interval '1 day' END,
              1, ta.responsible_id, u.department_id, ta.responsible_id
       FROM plans_tactic ta
       JOIN akimat_user u ON u.id = ta.responsible_id
       JOIN plans_cycle c ON c.department_id = u.department_id
       CROSS JOIN generate_series(1, %(occurrences)s) w
       CROSS JOIN LATERAL (
           SELECT ((c.start + (w - 1) * 7)::timestamp + time '18:30')
                  AT TIME ZONE 'Asia/Almaty' AS due
       ) d""",
    """INSERT INTO plans_occurrence (week, due, created_at, task_id, tactic_id)
       SELECT split_part(t.title, ':', 3)::int, t.deadline, t.created_at, t.id,
              split_part(t.title, ':', 2)::bigint
       FROM tasks_task t WHERE t.source = 'plan'""",
]


# Changes made the morning after D, as django-simple-history records them: every 200th task was
# handed over then (before, its author had it), and every 200th person moved to the next
# directorate (before, the previous one). The snapshot of D must count those tasks under their
# authors and those people in their old directorates: the scores' as-of-D lookup reads these
# rows. Each statement copies the live row's columns, with the one field that changed.
HISTORY_ROWS_SQL = """
INSERT INTO {history} ({columns}, history_date, history_change_reason, history_type)
SELECT {before}, {since}, 'created', '+' FROM {table} WHERE id %% 200 = 0 {extra}
UNION ALL
SELECT {columns}, %(moment)s::timestamptz + interval '3 hours', '{reason}', '~'
FROM {table} WHERE id %% 200 = 0 {extra}
"""
HAND_OVERS = (
    # (table, history table, the changed column, its value before, since when, which rows)
    ("tasks_task", "tasks_historicaltask", "responsible_id", "author_id", "created_at", ""),
    (
        "akimat_user",
        "akimat_historicaluser",
        "department_id",
        "department_id - 1",
        "%(moment)s::timestamptz - interval '200 days'",
        "AND department_id > (SELECT min(id) FROM akimat_department)",
    ),
)


def seed_hand_overs(cursor, params: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    """Write the history rows of the hand-overs and moves after D (HISTORY_ROWS_SQL)."""
    for table, history, changed, before, since, extra in HAND_OVERS:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT LIKE 'history\\_%%' ORDER BY ordinal_position",
            [history],
        )
        columns = [row[0] for row in cursor.fetchall()]
        sql = HISTORY_ROWS_SQL.format(
            history=history,
            table=table,
            columns=", ".join(columns),
            before=", ".join(before if c == changed else c for c in columns),
            since=since,
            extra=extra,
            reason="handed over" if table == "tasks_task" else "moved",
        )
        cursor.execute(sql, params)


def configure(database_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12"),
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akimat.settings")
    import django

    django.setup()


def admin_connection(server: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def database_name(scale: float) -> str:
    return "akimat_bench_" + f"{scale:g}".replace(".", "_")


def seed(scale: float, day: dt.date) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from akimat.calendar import ensure_calendar
    from scores import scoring

    timings: dict[str, float] = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.monotonic() - started
    ensure_calendar(start=day - dt.timedelta(days=500), end=day + dt.timedelta(days=60))
    people = round(PEOPLE * scale)
    monday = day - dt.timedelta(days=day.weekday())
    params = {
        "people": people,
        "per": PER_DIRECTORATE,
        "directorates": people // PER_DIRECTORATE,
        "regular": round(TASKS * scale) - OCCURRENCES * people,
        "occurrences": OCCURRENCES,
        "day": day,
        "moment": scoring.end_of_day(day),
        "cycle_start": monday - dt.timedelta(weeks=OCCURRENCES - 1),
    }
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks_task' "
            "AND indexname <> 'tasks_task_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        for statement in SEED_SQL:
            cursor.execute(statement, params)
        seed_hand_overs(cursor, params)
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("CREATE TABLE bench_floor (LIKE akimat_personsnapshot INCLUDING ALL)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["seed"] = time.monotonic() - started
    return timings


def floor_ranges(count: int) -> list[tuple[int, int]]:
    """The people cut into `count` contiguous ranges of ids of about as many people each."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM (SELECT id, ntile(%s) OVER (ORDER BY id) AS part "
            "FROM akimat_user) u GROUP BY part ORDER BY part",
            [count],
        )
        return [(lo, hi) for lo, hi in cursor.fetchall()]


def run_floor(connections: list, ranges: list[tuple[int, int]], params: dict) -> float:
    """The floor on len(ranges) connections at once, one range and one transaction each:
    the seconds from the start to the last commit."""
    from scores.scoring import FIGURES_WORK_MEM

    sql = floor_sql(ranged=len(ranges) > 1)

    def one(job: tuple[object, tuple[int, int]]) -> None:
        conn, (lo, hi) = job
        with conn.transaction():  # type: ignore[attr-defined]
            # the statement settings ours runs with (scores.scoring._tuned): no JIT, the memory
            # for the people's hash tables, so the two compare on equal footing
            conn.execute(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true)",
                [FIGURES_WORK_MEM],
            )  # type: ignore[attr-defined]
            conn.execute(sql, {**params, "lo": lo, "hi": hi})  # type: ignore[attr-defined]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(ranges), thread_name_prefix="floor") as pool:
        list(pool.map(one, zip(connections, ranges, strict=True)))
    return time.monotonic() - started


OURS_CHECKSUM_SQL = """
SELECT count(*), sum(open), sum(overdue), sum(overdue_days), sum(overdue_1_3),
       sum(overdue_4_10), sum(overdue_over_10), sum(done_on_time), sum(done_late),
       sum(deadline_moves), sum(week_due), sum(week_on_time), sum(bonus),
       (SELECT count(*) FROM akimat_departmentsnapshot WHERE date = %(day)s),
       (SELECT sum(open + overdue + people) FROM akimat_departmentsnapshot WHERE date = %(day)s)
FROM akimat_personsnapshot WHERE date = %(day)s
"""
FLOOR_CHECKSUM_SQL = """
SELECT count(*), sum(open), sum(overdue), count(DISTINCT department_id)
FROM bench_floor WHERE date = %(day)s
"""


def checksum(sql: str, params: dict) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [str(value) for value in cursor.fetchone()]


def measure(scale: float, repeat: int, server: str) -> dict[str, object]:
    """One scale in this process: make, seed and time its database."""
    import psycopg

    name = database_name(scale)
    with admin_connection(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    configure(f"{server}/{name}")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from scores import scoring

    day = scoring.yesterday()
    result: dict[str, object] = {"scale": scale, **seed(scale, day)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tasks_task")
        result["tasks"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM akimat_user")
        result["people"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM akimat_department")
        result["directorates"] = cursor.fetchone()[0]

    params = {"day": day, "moment": scoring.end_of_day(day)}
    command = ["compute_scores", "--date", day.isoformat(), "--force"]
    ranges = {n: floor_ranges(n) for n in CONNECTIONS}
    links = [psycopg.connect(f"{server}/{name}", autocommit=True) for _ in range(max(CONNECTIONS))]

    def ours(n: int) -> float:
        with override_settings(SCORES_CONNECTIONS=n):
            started = time.monotonic()
            call_command(*command, stdout=io.StringIO())
            return time.monotonic() - started

    def floor(n: int) -> float:
        return run_floor(links[:n], ranges[n], params)

    kinds = {"ours": (ours, OURS_CHECKSUM_SQL), "floor": (floor, FLOOR_CHECKSUM_SQL)}
    times: dict[str, list[float]] = {f"{k}_{n}": [] for k in kinds for n in CONNECTIONS}
    sums: dict[str, set[tuple[str, ...]]] = {k: set() for k in kinds}
    clock = time.monotonic()
    try:
        # Off the clock: every row written once, so that each timed run rewrites existing rows.
        for run, _sql in kinds.values():
            run(CONNECTIONS[0])
        result["warm_up"] = time.monotonic() - clock
        for _ in range(repeat):
            for kind, (run, sql) in kinds.items():
                for n in CONNECTIONS:
                    times[f"{kind}_{n}"].append(run(n))
                    sums[kind].add(tuple(checksum(sql, params)))
    finally:
        for link in links:
            link.close()
    result["timed"] = time.monotonic() - clock - result["warm_up"]
    for key, values in times.items():
        result[key] = statistics.median(values)
        result[f"{key}_all"] = values
    for kind, found in sums.items():
        result[f"{kind}_consistent"] = len(found) == 1
        result[f"{kind}_checksums"] = sorted(found)
    result["snapshots"] = int(sorted(sums["ours"])[0][0])
    result["floor_rows"] = int(sorted(sums["floor"])[0][0])
    result["ranges"] = {str(n): r for n, r in ranges.items()}
    result["default_connections"] = settings.SCORES_CONNECTIONS
    return result


def parse_scales(text: str) -> list[float]:
    scales = [float(s) for s in text.split(",") if s.strip()]
    if not scales or any(s <= 0 or round(PEOPLE * s) < PER_DIRECTORATE for s in scales):
        raise argparse.ArgumentTypeError(
            f"scales are positive numbers of at least {PER_DIRECTORATE / PEOPLE:g}, e.g. 0.1,1,10"
        )
    return scales


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--scales", type=parse_scales, default="1,10", help="e.g. 1,10 or 0.1 (100 k tasks)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = args.database_url.rstrip("/")
    if args.one:
        print(json.dumps(measure(args.one, args.repeat, server), default=str))
        return
    results = []
    for scale in args.scales:
        # A process per scale: Django is configured for one database per process.
        started = time.monotonic()
        output = subprocess.run(
            [sys.executable, __file__, "--one", repr(scale), "--repeat", str(args.repeat),
             "--database-url", server],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        results.append(json.loads(output.strip().splitlines()[-1]))
        results[-1]["process"] = time.monotonic() - started
        if not args.keep:
            with admin_connection(server) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database_name(scale)}"')
    consistent = report(results)
    sys.exit(0 if consistent else 1)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(results: list[dict]) -> bool:
    """Print the results; whether every scale's runs were consistent."""
    print("compute_scores for one date (the day before the run) — median of the runs, seconds")
    print(f"machine: {os.cpu_count()} cores; PostgreSQL on the same machine")
    print(
        "ours on N: the command with SCORES_CONNECTIONS=N (on 2, the night's default: the "
        "directorates in two groups\nof people-id ranges at once, a connection each; on 1, one "
        "pass). floor on N: FLOOR_SQL (below) for N\ncontiguous ranges of people's ids of about "
        "as many people each, at once, a connection and a transaction\neach, timed to the last "
        "commit (on 1: FLOOR_SQL over everyone)."
    )
    for r in results:
        print(
            f"\nx{r['scale']:g}: {r['tasks']:,} tasks, {r['people']:,} people, "
            f"{r['directorates']:,} directorates; migrate {r['migrate']:.1f} s, "
            f"seed {r['seed']:.1f} s, warm-up {r['warm_up']:.1f} s, "
            f"timed runs {r['timed']:.1f} s, all {r.get('process', 0):.1f} s"
        )
        print(f"  {'connections':>11} {'ours s':>8} {'floor s':>8} {'ours ÷ floor':>12}")
        for n in CONNECTIONS:
            ours, floor = r[f"ours_{n}"], r[f"floor_{n}"]
            print(f"  {n:>11} {ours:>8.2f} {floor:>8.2f} {ours / floor:>12.2f}")
        for n in CONNECTIONS:
            print(
                f"  runs on {n}: ours {', '.join(f'{t:.2f}' for t in r[f'ours_{n}_all'])}; "
                f"floor {', '.join(f'{t:.2f}' for t in r[f'floor_{n}_all'])}"
            )
        print(
            f"  snapshots written {r['snapshots']:,} (on 2 and on 1 "
            f"{'the same' if r['ours_consistent'] else 'NOT the same'}); floor rows "
            f"{r['floor_rows']:,} (on 2 and on 1 "
            f"{'the same' if r['floor_consistent'] else 'NOT the same'}); floor's ranges on 2: "
            + ", ".join(f"{lo}–{hi}" for lo, hi in r["ranges"]["2"])
        )
    growth: dict[str, float] = {}
    if len(results) >= 2:
        a, b = results[0], results[-1]
        factor = b["tasks"] / a["tasks"]
        growth = {
            f"{kind}_{n}": b[f"{kind}_{n}"] / a[f"{kind}_{n}"]
            for n in CONNECTIONS
            for kind in ("ours", "floor")
        }
        print(
            f"\ngrowth x{a['scale']:g} → x{b['scale']:g} ({factor:.0f}× the tasks): "
            + ", ".join(f"{key.replace('_', ' on ')} ×{value:.1f}" for key, value in growth.items())
        )
    print("\ngoals:")
    for r in results:
        seconds = GOAL_SECONDS.get(r["tasks"])
        if seconds is not None:
            ours = r[f"ours_{CONNECTIONS[0]}"]
            print(
                f"  ours on {CONNECTIONS[0]} ≤ {seconds:g} s at {r['tasks']:,} tasks: "
                f"{ours:.2f} s — {met(ours <= seconds)}"
            )
    for r in results:
        for n in CONNECTIONS:
            ratio = r[f"ours_{n}"] / r[f"floor_{n}"]
            print(
                f"  ours ≤ {GOAL_RATIO:g}× the floor on {n} at x{r['scale']:g}: "
                f"×{ratio:.2f} — {met(ratio <= GOAL_RATIO)}"
            )
    if growth:
        limit = GOAL_GROWTH * factor
        for n in CONNECTIONS:
            value = growth[f"ours_{n}"]
            print(
                f"  growth of ours on {n} ≤ ×{limit:.0f} for {factor:.0f}× the tasks: "
                f"×{value:.1f} — {met(value <= limit)}"
            )
    missing = [f"{t:,}" for t in GOAL_SECONDS if t not in {r["tasks"] for r in results}]
    if missing or not growth:
        print(
            "  (not judged at this run's scales: "
            + ", ".join([f"the time at {m} tasks" for m in missing] + ["the growth"] * (not growth))
            + ")"
        )
    consistent = all(r["ours_consistent"] and r["floor_consistent"] for r in results)
    if not consistent:
        print("\nNOT consistent: runs of the same kind wrote different figures (checksums):")
        for r in results:
            for kind in ("ours", "floor"):
                if not r[f"{kind}_consistent"]:
                    print(f"  x{r['scale']:g} {kind}: {r[f'{kind}_checksums']}")
    print("\nthe floor (FLOOR_SQL):" + FLOOR_SQL.rstrip())
    print(f"on N > 1 connections, each range's adds before its GROUP BY:\n{FLOOR_RANGE}")
    return consistent


if __name__ == "__main__":
    main()
