"""Benchmark: the nightly scores for one date at 1 M tasks / 10 k people and at ten times that.

Run from the repository root (needs PostgreSQL; makes its own databases and drops them):

    .venv/bin/python bench/compute_scores.py [--database-url postgresql://postgres@127.0.0.1:5432]
                                            [--scales 1,10] [--repeat 3] [--keep]

For each scale S it makes the database `akimat_bench_S`, migrates it and seeds, with plain
INSERT … SELECT generate_series (foreign-key triggers off, the task indexes built after the
rows): 10 k × S people in 500 × S directorates of 20, 1 M × S tasks over the last four months
(60 % done, on time or late, 5 % cancelled, the rest open), a deadline move on every 33rd task,
absences for 1 % of the people, and a 12-week cycle per directorate in its sixth week with an
individual plan, a goal and a Monday tactic per person whose six occurrences are real tasks.

It then times, alternately and `--repeat` times each (the median is printed):

- ours: `manage.py compute_scores --date D --force` (every person's snapshot and every
  directorate's roll-up, the same code the night runs), as configured (SCORES_CONNECTIONS,
  2 by default: the directorates in two groups at once, each on a connection of its own),
- the same command on one connection (SCORES_CONNECTIONS=1: one pass, as the floor), and
- the floor: the one statement such a job cannot do without — each person's open and overdue
  counts for the day in a single aggregate over the tasks, upserted into a table of the same
  shape as the snapshots (FLOOR_SQL below, printed with the results),

and prints ours ÷ floor (both ways) at each scale and the growth from ×1 to ×10.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE, TASKS, PER_DIRECTORATE, OCCURRENCES = 10_000, 1_000_000, 20, 6

# The floor: one aggregate over the tasks, one upsert, into a table shaped like the snapshots.
FLOOR_SQL = """
INSERT INTO bench_floor (date, person_id, department_id, policy_id, open, overdue,
    overdue_days, overdue_1_3, overdue_4_10, overdue_over_10, done_on_time, done_late,
    deadline_moves, week_due, week_on_time, period_start, bonus, computed_at)
SELECT %(day)s, t.responsible_id, min(t.department_id), 1,
       count(*) FILTER (WHERE t.status IN ('new', 'in_progress', 'awaiting', 'returned')),
       count(*) FILTER (WHERE t.status IN ('new', 'in_progress', 'awaiting', 'returned')
                        AND t.deadline < %(moment)s),
       0, 0, 0, 0, 0, 0, 0, 0, 0, %(day)s, 0, now()
FROM tasks_task t
GROUP BY t.responsible_id
ON CONFLICT (date, person_id) DO UPDATE SET open = EXCLUDED.open, overdue = EXCLUDED.overdue,
    department_id = EXCLUDED.department_id, computed_at = EXCLUDED.computed_at
"""

SEED_SQL = [
    "SET session_replication_role = replica",
    """INSERT INTO akimat_department (name_ru, name_kk, slug)
       SELECT 'Управление ' || g, 'Басқарма ' || g, 'bench-' || g
       FROM generate_series(1, %(directorates)s) g""",
    """INSERT INTO akimat_user (password, is_superuser, username, first_name, last_name, email,
           is_staff, is_active, date_joined, middle_name, position, language, department_id)
       SELECT '!', false, 'u' || g, 'Имя', 'Фамилия ' || g, '', false, true, now(), '', '',
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
           owner_id, approved_by_id, approved_at)
       SELECT 'individual', 'approved', '', now(), u.id, c.id, u.id, u.id, now()
       FROM akimat_user u JOIN plans_cycle c ON c.department_id = u.department_id""",
    """INSERT INTO plans_goal (title, why, weight, unit, start_value, target_value, position,
           plan_id)
       SELECT 'Цель', '', 100, 'шт.', 0, 10, 0, id FROM plans_plan""",
    """INSERT INTO plans_tactic (title, weekday, weeks, is_active, position, goal_id,
           responsible_id)
       SELECT 'Еженедельно', 0, '{1,2,3,4,5,6,7,8,9,10,11,12}', true, 0, g.id, p.owner_id
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
    "SET session_replication_role = DEFAULT",
]


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


def seed(scale: int, day: dt.date) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from akimat import scoring
    from akimat.calendar import ensure_calendar

    timings: dict[str, float] = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.monotonic() - started
    ensure_calendar(start=day - dt.timedelta(days=500), end=day + dt.timedelta(days=60))
    people = PEOPLE * scale
    monday = day - dt.timedelta(days=day.weekday())
    params = {
        "people": people,
        "per": PER_DIRECTORATE,
        "directorates": people // PER_DIRECTORATE,
        "regular": TASKS * scale - OCCURRENCES * people,
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
        for statement in SEED_SQL:
            cursor.execute(statement, params)
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("CREATE TABLE bench_floor (LIKE akimat_personsnapshot INCLUDING ALL)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["seed"] = time.monotonic() - started
    return timings


def measure(scale: int, repeat: int, server: str) -> dict[str, object]:
    """One scale in this process: make, seed and time its database."""
    name = f"akimat_bench_{scale}"
    with admin_connection(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    configure(f"{server}/{name}")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from akimat import scoring
    from akimat.models import PersonSnapshot

    day = scoring.yesterday()
    result: dict[str, object] = {"scale": scale, **seed(scale, day)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tasks_task")
        result["tasks"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM akimat_user")
        result["people"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM akimat_department")
        result["directorates"] = cursor.fetchone()[0]
    from django.test import override_settings

    ours, single, floor = [], [], []
    params = {"day": day, "moment": scoring.end_of_day(day)}
    command = ["compute_scores", "--date", day.isoformat(), "--force"]
    for _ in range(repeat):
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
        floor.append(time.monotonic() - started)
        started = time.monotonic()
        call_command(*command, stdout=io.StringIO())
        ours.append(time.monotonic() - started)
        with override_settings(SCORES_CONNECTIONS=1):
            started = time.monotonic()
            call_command(*command, stdout=io.StringIO())
            single.append(time.monotonic() - started)
    result["snapshots"] = PersonSnapshot.objects.filter(date=day).count()
    result["ours"] = statistics.median(ours)
    result["single"] = statistics.median(single)
    result["floor"] = statistics.median(floor)
    result["connections"] = settings.SCORES_CONNECTIONS
    result["ours_all"] = ours
    result["single_all"] = single
    result["floor_all"] = floor
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = args.database_url.rstrip("/")
    if args.one:
        print(json.dumps(measure(args.one, args.repeat, server)))
        return
    results = []
    for scale in (int(s) for s in args.scales.split(",")):
        # A process per scale: Django is configured for one database per process.
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(scale), "--repeat", str(args.repeat),
             "--database-url", server],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        results.append(json.loads(output.strip().splitlines()[-1]))
        if not args.keep:
            with admin_connection(server) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "akimat_bench_{scale}"')
    report(results)


def report(results: list[dict]) -> None:
    connections = results[0]["connections"] if results else 1
    print("compute_scores for one date (the day before the run) — median of the runs, seconds")
    print(f"machine: {os.cpu_count()} cores; PostgreSQL on the same machine")
    print(
        f"ours: the command as configured (SCORES_CONNECTIONS={connections}: the directorates "
        "in that many groups at once, a connection each);\n"
        "1 conn: the same command on one connection (SCORES_CONNECTIONS=1), one pass; "
        "the floor is one statement on one connection\n"
    )
    header = (
        f"{'scale':>5} {'tasks':>11} {'people':>8} {'dirs':>6} {'seed s':>7} {'ours s':>7} "
        f"{'1 conn s':>8} {'floor s':>8} {'ours/floor':>10} {'1 conn/floor':>12}"
    )
    print(header)
    for r in results:
        print(
            f"x{r['scale']:<4} {r['tasks']:>11,} {r['people']:>8,} {r['directorates']:>6,} "
            f"{r['seed']:>7.1f} {r['ours']:>7.2f} {r['single']:>8.2f} {r['floor']:>8.2f} "
            f"{r['ours'] / r['floor']:>10.2f} {r['single'] / r['floor']:>12.2f}"
        )
        print(
            f"       runs: ours {', '.join(f'{t:.2f}' for t in r['ours_all'])}; "
            f"1 conn {', '.join(f'{t:.2f}' for t in r['single_all'])}; "
            f"floor {', '.join(f'{t:.2f}' for t in r['floor_all'])}; "
            f"snapshots written {r['snapshots']:,}"
        )
    if len(results) >= 2:
        a, b = results[0], results[-1]
        factor = b["tasks"] / a["tasks"]
        print(
            f"\ngrowth x{a['scale']} → x{b['scale']} ({factor:.0f}× the tasks): "
            f"ours ×{b['ours'] / a['ours']:.1f}, 1 conn ×{b['single'] / a['single']:.1f}, "
            f"floor ×{b['floor'] / a['floor']:.1f}"
        )
    print("\ngoals: ≤ 5 s at 1 M tasks, ≤ 55 s at 10 M, ≤ 1.5× the floor, growth ×10 → ≤ ×11")
    print("\nthe floor (FLOOR_SQL):" + FLOOR_SQL.rstrip())


if __name__ == "__main__":
    main()
