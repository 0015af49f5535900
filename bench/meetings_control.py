"""Benchmark: the meetings' control page ("protocols of this month") at x1 and x10 protocols,
against the bare SQL floor, side by side in one run.

Run from the repository root (needs PostgreSQL; makes its own scratch database):

    .venv/bin/python bench/meetings_control.py [--database-url URL] [--protocols 2000] [--runs 15]

The rows: x1 = protocols / 10 signed in the measured month (last month) and as many in the month
before it (left out by the month's filter), x10 = protocols of each; every protocol has 3 to 5
decisions, each a task in one of the states (done on time, done late, open, handed in on time,
overdue, cancelled by its task or by an amendment), chaired by one of 50 heads, beside 20 tasks of
other sources per protocol that the joins must skip. For each size it times, on one connection,
warm, `runs` times each:

- the month's protocols, one page of figures (red first): the selector's query
  (`meetings.selectors.protocol_figures`, built from the tasks' own rules) against the same
  figures as one hand-written GROUP BY;
- the chairs' figures with the average days to acceptance: `chair_figures` against its
  hand-written GROUP BY;
- the page's whole read, as the view makes it (the protocols' count, their page, those
  protocols; the chairs' count, their page, those people: six queries) against the two
  hand-written GROUP BYs.

Each pair runs in turns (ORM, SQL, ORM, SQL, ...) so that the shared machine's load falls on both.

It prints p50/p95 in ms, the ORM's ratio to the bare SQL, and the x10 / x1 ratio of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reception_register import configure, percentile  # noqa: E402

CHAIRS = 50
OTHER_TASKS_PER_PROTOCOL = 20
PAGE = 20

# The tasks' rules by hand (tasks.models): live = the decision not cancelled and its task not
# cancelled; done on time = done with the result handed in by the deadline (or, never handed in,
# accepted by it); overdue = open, the deadline passed, not handed in on time.
FIGURES = """
    count(*) FILTER (WHERE {live} AND t.status = 'done' AND (t.submitted_at <= t.deadline
        OR (t.submitted_at IS NULL AND t.done_at <= t.deadline))) AS on_time,
    count(*) FILTER (WHERE {live} AND t.status = 'done') AS done,
    count(*) FILTER (WHERE {live} AND t.status IN ('new', 'in_progress', 'awaiting', 'returned'))
        AS open_all,
    count(*) FILTER (WHERE {live} AND t.status IN ('new', 'in_progress', 'awaiting', 'returned')
        AND t.deadline < %(now)s
        AND NOT (t.status = 'awaiting' AND t.submitted_at <= t.deadline)) AS overdue,
    count(*) FILTER (WHERE NOT {live}) AS cancelled
""".replace("{live}", "(NOT d.cancelled AND t.status <> 'cancelled')")
FROM = """
FROM tasks_task t
JOIN meetings_decision d ON d.task_id = t.id
JOIN meetings_protocol p ON p.id = d.protocol_id
WHERE p.status = 'signed' AND p.signed_at >= %(start)s AND p.signed_at < %(end)s
"""
PROTOCOLS_SQL = f"""
SELECT d.protocol_id, {FIGURES}
{FROM}
GROUP BY d.protocol_id, p.signed_at
ORDER BY CASE WHEN count(*) FILTER (WHERE NOT d.cancelled AND t.status <> 'cancelled'
                  AND t.status IN ('new', 'in_progress', 'awaiting', 'returned')
                  AND t.deadline < %(now)s
                  AND NOT (t.status = 'awaiting' AND t.submitted_at <= t.deadline)) > 0 THEN 0
              WHEN count(*) FILTER (WHERE NOT d.cancelled AND t.status <> 'cancelled'
                  AND t.status IN ('new', 'in_progress', 'awaiting', 'returned')) > 0 THEN 1
              WHEN count(*) FILTER (WHERE NOT d.cancelled AND t.status = 'done') > 0 THEN 2
              ELSE 3 END,
         overdue DESC, p.signed_at DESC, d.protocol_id DESC
LIMIT {PAGE}
"""
CHAIRS_SQL = f"""
SELECT m.chair_id, {FIGURES},
    avg(EXTRACT(EPOCH FROM t.done_at - p.signed_at) / 86400.0)
        FILTER (WHERE NOT d.cancelled AND t.status = 'done') AS average_days
{FROM.replace("WHERE", "JOIN meetings_meeting m ON m.id = p.meeting_id WHERE")}
GROUP BY m.chair_id
ORDER BY overdue DESC, open_all DESC, m.chair_id
LIMIT {PAGE}
"""


def drop(database_url: str) -> None:
    """A scratch database, made anew each run (x1 is timed on exactly x1 rows)."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def prepare() -> tuple[object, list[object], object]:
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from akimat.models import Department, User

    call_command("migrate", verbosity=0)
    department = Department.objects.create(slug="bench-meetings", name_ru="Управление", name_kk="-")
    deputy = User.objects.create(username="bench.deputy")
    deputy.groups.add(Group.objects.get_or_create(name="deputy")[0])
    chairs = User.objects.bulk_create(
        [User(username=f"bench.chair.{n}", department=department) for n in range(CHAIRS)]
    )
    worker = User.objects.create(username="bench.worker", department=department)
    return deputy, chairs, worker


def grow(to: int, start: dt.datetime, chairs: list, worker: object, made: int) -> int:
    """Protocols up to `to` signed in the month from `start` (and as many the month before)."""
    from django.db import connection, transaction

    from meetings.models import Decision, Kind, Meeting, Protocol
    from tasks.models import Source, Status, Task

    day = dt.timedelta(days=1)
    with transaction.atomic():
        for month_start in (start, start - dt.timedelta(days=31)):
            count = to - made
            meetings = Meeting.objects.bulk_create(
                [
                    Meeting(
                        kind=Kind.INTERNAL, title=f"Совещание {made + n}",
                        starts_at=month_start + day * (n % 27), duration_minutes=60,
                        chair=chairs[n % CHAIRS], department=chairs[0].department,
                        created_by=chairs[n % CHAIRS],
                    )
                    for n in range(count)
                ]
            )  # fmt: skip
            protocols = Protocol.objects.bulk_create(
                [
                    Protocol(
                        meeting=meeting, status=Protocol.Status.SIGNED, year=3000 + made // 1000,
                        number=made * 2 + n + (0 if month_start == start else 1_000_000),
                        signed_at=meeting.starts_at + dt.timedelta(hours=2),
                        signed_by=meeting.chair, created_by=meeting.chair,
                    )
                    for n, meeting in enumerate(meetings)
                ]
            )  # fmt: skip
            tasks, decisions, others = [], [], []
            for n, protocol in enumerate(protocols):
                signed = protocol.signed_at
                for position in range(1, 3 + (n % 3) + 1):
                    kind = (n + position) % 7
                    deadline = signed + day * (3 + position * 2)
                    task = Task(
                        title="Решение", author=protocol.meeting.chair, responsible=worker,
                        department_id=protocol.meeting.department_id, source=Source.PROTOCOL,
                        deadline=deadline, created_at=signed,
                    )  # fmt: skip
                    if kind in (0, 1):  # done on time / late
                        task.status = Status.DONE
                        task.submitted_at = deadline - day if kind == 0 else deadline + day
                        task.done_at = task.submitted_at + dt.timedelta(hours=5)
                    elif kind == 2:  # handed in on time, awaiting acceptance
                        task.status, task.submitted_at = Status.AWAITING_ACCEPTANCE, deadline - day
                    elif kind == 3:  # the task cancelled
                        task.status, task.cancelled_at = Status.CANCELLED, signed + day
                    elif kind == 4:  # open, far off
                        task.deadline = signed + day * 90
                    tasks.append(task)
                    decisions.append(
                        Decision(
                            protocol=protocol, position=position, text="Решение",
                            responsible=worker, deadline=deadline.date(), cancelled=kind == 5,
                        )
                    )  # fmt: skip
                others += [
                    Task(
                        title="Другое", author=worker, responsible=worker,
                        department_id=protocol.meeting.department_id, deadline=signed + day,
                        created_at=signed,
                    )
                    for _ in range(OTHER_TASKS_PER_PROTOCOL)
                ]  # fmt: skip
            Task.objects.bulk_create(tasks, batch_size=5_000)
            for decision, task in zip(decisions, tasks, strict=True):
                decision.task = task
            Decision.objects.bulk_create(decisions, batch_size=5_000)
            Task.objects.bulk_create(others, batch_size=5_000)
    with connection.cursor() as cursor:
        for table in ("tasks_task", "meetings_decision", "meetings_protocol", "meetings_meeting"):
            cursor.execute(f"ANALYZE {table}")
    return to


def timed_pair(
    orm: Callable[[], object], sql: Callable[[], object], runs: int
) -> tuple[list[float], list[float]]:
    """Both warm, then timed in turns, so a load that comes and goes on the shared machine falls
    on the two alike."""
    orm(), sql()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for run, into in ((orm, times[0]), (sql, times[1])):
            began = time.perf_counter()
            run()
            into.append((time.perf_counter() - began) * 1000)
    return times


def measure(deputy: object, month: dt.date, runs: int) -> dict[str, list[float]]:
    from django.db import connection
    from django.utils import timezone

    from meetings import selectors

    now = timezone.now()
    start, end = selectors.month_bounds(month)
    protocols = selectors.signed_in(selectors.followed_protocols(deputy), month)  # type: ignore[arg-type]
    keys = ("on_time", "done", "open_all", "overdue", "cancelled")

    def orm_page() -> list:
        return list(selectors.protocol_figures(protocols, now)[:PAGE])

    def orm_chairs() -> list:
        return list(selectors.chair_figures(protocols, now)[:PAGE])

    def sql(query: str) -> Callable[[], list]:
        def run() -> list:
            with connection.cursor() as cursor:
                cursor.execute(query, {"now": now, "start": start, "end": end})
                return cursor.fetchall()

        return run

    def orm_whole() -> object:
        page = selectors.protocol_page(protocols, now, 1)
        chairs = selectors.chair_page(protocols, now, 1)
        return selectors.protocol_rows(page), selectors.chair_rows(chairs)

    def sql_whole() -> object:
        return sql(PROTOCOLS_SQL)(), sql(CHAIRS_SQL)()

    ours = [(r["protocol"], *(r[k] for k in keys)) for r in orm_page()]
    assert ours == [tuple(row) for row in sql(PROTOCOLS_SQL)()], "the protocols disagree"
    ours_chairs = [(r["chair"], *(r[k] for k in keys)) for r in orm_chairs()]
    assert ours_chairs == [tuple(row[:6]) for row in sql(CHAIRS_SQL)()], "the chairs disagree"
    timings: dict[str, list[float]] = {}
    for name, orm, bare in (
        ("month's protocols, a page", orm_page, sql(PROTOCOLS_SQL)),
        ("chairs' figures", orm_chairs, sql(CHAIRS_SQL)),
        ("the page's whole read", orm_whole, sql_whole),
    ):
        ours_ms, bare_ms = timed_pair(orm, bare, runs)
        timings[f"{name}, ORM rules"] = ours_ms
        timings[f"{name}, bare SQL"] = bare_ms
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/akimat_meetings_control_bench",
    )
    parser.add_argument("--protocols", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    drop(args.database_url)
    configure(args.database_url)
    from django.db import connection
    from django.utils import timezone

    load = os.getloadavg()[0]
    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(month, dt.time(9)))
    deputy, chairs, worker = prepare()
    sizes = [args.protocols // 10, args.protocols]
    results: dict[int, dict[str, list[float]]] = {}
    built: dict[int, float] = {}
    made = 0
    for size in sizes:
        began = time.perf_counter()
        made = grow(size, start, chairs, worker, made)
        built[size] = time.perf_counter() - began
        results[size] = measure(deputy, month, args.runs)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_decision")
        decisions = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tasks_task")
        tasks = cursor.fetchone()[0]
    out = [
        f"meetings control benchmark, {timezone.localtime():%Y-%m-%d %H:%M}, {os.cpu_count()} "
        f"cores, {CHAIRS} chairs, {args.runs} warm runs each, one connection, load average "
        f"before the run {load:.1f} (the machine is shared)",
        f"x1 = {sizes[0]:,} protocols in the month (+ as many the month before; made in "
        f"{built[sizes[0]]:.0f} s), x10 = {sizes[1]:,} (topped up in {built[sizes[1]]:.0f} s); "
        f"at x10 {decisions:,} decisions among {tasks:,} tasks",
        f"{'query':<44} {'size':>7} {'p50 ms':>8} {'p95 ms':>8} {'ORM/SQL':>8}",
    ]
    for size in sizes:
        rows = results[size]
        names = list(rows)
        for n, name in enumerate(names):
            p50 = statistics.median(rows[name])
            ratio = ""
            if n % 2 == 0:
                ratio = f"{p50 / statistics.median(rows[names[n + 1]]):7.2f}x"
            out.append(
                f"{name:<44} {size:>7,} {p50:>8.1f} {percentile(rows[name], 0.95):>8.1f} {ratio:>8}"
            )
    for name in results[sizes[0]]:
        ratio = statistics.median(results[sizes[1]][name]) / statistics.median(
            results[sizes[0]][name]
        )
        out.append(f"x10 / x1 (p50) {name:<44} {ratio:7.2f}x")
    text = "\n".join(out)
    print(text)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "meetings_control.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
