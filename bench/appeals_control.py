"""Benchmark: the appeals' control figures at 1 M appeals, against the bare SQL, x1 vs x10.

Run from the repository root (needs PostgreSQL; makes its own scratch database):

    .venv/bin/python bench/appeals_control.py [--database-url URL] [--rows 1000000] [--runs 15]

The rows are made by SQL `generate_series` (x1 = rows / 10, then topped up to x10 = rows),
spread over 500 directorates and four months of registrations, in every state an appeal has
(in work, answered on time and late, redirected, extended). For each size it times, on one
connection, warm, `runs` times each:

- overdue by directorate (the deputy's control figure): the ORM query built from the model's
  own rule `overdue_on(today)` (`Appeal.objects.filter(overdue_on(d)).values("department")
  .annotate(Count)`), against the same figure written by hand in SQL;
- one directorate's overdue page (25 rows, by term): the ORM rule against the hand-written SQL.

It prints p50/p95 in ms, the ORM's ratio to the bare SQL, and the x10 / x1 ratio of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reception_register import configure, percentile  # noqa: E402

DEPARTMENTS = 500

# The rows: registered over the 120 days before today, the law's term 21 days after. One in
# twenty is redirected; of the rest, those registered over a month ago are answered and closed
# but one in fifty (overdue now), and a third of the recent ones are answered (one in five of
# the answers after the term). One in ten is extended by 20 days. The rest is in work.
CLOSED = "(g % 20 <> 0 AND ((reg < %(today)s::date - 30 AND g % 50 <> 1) OR g % 3 = 0))"
GENERATE = """
INSERT INTO appeals_appeal (
    year, number, secret, kind, channel, status, anonymous, applicant_name, applicant_iin,
    applicant_phone, applicant_email, applicant_address, organisation_name, organisation_bin,
    language, summary, text, protocol, topic_id, department_id, received_at, registered_on,
    registered_at, registered_by_id, deadline, legal_deadline, redirect_due, extended_on,
    extension_reason, extension_notice_due, redirected_on, redirected_to, redirect_reason,
    answer, decision, answered_on
)
SELECT 3000 + g / 1000000, g % 1000000, 'BENCH1', 'statement', 'written',
       CASE WHEN g % 20 = 0 THEN 'redirected' WHEN {closed} THEN 'closed' ELSE 'in_work' END,
       false, 'Бенчмарк', '', '+77050000000', '', '', '', '', 'ru', 'Бенчмарк', '', '',
       t.id, t.department_id, reg::timestamptz, reg, reg::timestamptz, %(user)s,
       reg + 21 + CASE WHEN g % 10 = 1 THEN 20 ELSE 0 END, reg + 21, reg + 3,
       CASE WHEN g % 10 = 1 THEN reg + 10 END, '', CASE WHEN g % 10 = 1 THEN reg + 13 END,
       CASE WHEN g % 20 = 0 THEN reg + 2 + g % 3 END,
       CASE WHEN g % 20 = 0 THEN 'Орган' ELSE '' END, '',
       CASE WHEN {closed} THEN 'Ответ' ELSE '' END,
       CASE WHEN {closed} THEN 'explained' ELSE '' END,
       CASE WHEN {closed} THEN GREATEST(reg, LEAST(%(today)s::date - 1,
           reg + CASE WHEN g % 15 = 0 THEN 25 ELSE 12 END)) END
FROM generate_series(%(first)s, %(last)s) AS g
CROSS JOIN LATERAL (SELECT %(today)s::date - (g::bigint * 7919 % 120)::int AS reg) AS r
JOIN appeals_topic AS t ON t.position = g % %(departments)s
""".replace("{closed}", CLOSED)
# psycopg's placeholders: every other % is the modulo operator.
GENERATE = re.sub(r"%(?!\()", "%%", GENERATE)

# The same rule as appeals.models.overdue_on(D), by hand: under consideration on D (registered
# by D, neither answered nor redirected by D) and the term in force (the extended one from the
# day of the extension, else the law's) ended before D.
OVERDUE = """
registered_on <= %(d)s
AND NOT (answered_on IS NOT NULL AND answered_on <= %(d)s)
AND NOT (redirected_on IS NOT NULL AND redirected_on <= %(d)s)
AND CASE WHEN extended_on IS NOT NULL AND extended_on <= %(d)s
         THEN deadline < %(d)s ELSE legal_deadline < %(d)s END
"""
BY_DIRECTORATE_SQL = (
    f"SELECT department_id, count(*) FROM appeals_appeal WHERE {OVERDUE} GROUP BY department_id"
)
PAGE_SQL = (
    f"SELECT id, year, number, deadline FROM appeals_appeal WHERE department_id = %(dep)s "
    f"AND {OVERDUE} ORDER BY deadline, id LIMIT 25"
)


def drop(database_url: str) -> None:
    """A scratch database, made anew each run (x1 is timed on exactly x1 rows)."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def prepare() -> tuple[int, list[int]]:
    from django.core.management import call_command

    from akimat.models import Department, User
    from appeals.models import Topic

    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench.control")
    have = Department.objects.filter(slug__startswith="bench-control-").count()
    Department.objects.bulk_create(
        [
            Department(slug=f"bench-control-{n:03d}", name_ru=f"Управление {n}", name_kk=f"{n}")
            for n in range(have, DEPARTMENTS)
        ]
    )
    departments = list(
        Department.objects.filter(slug__startswith="bench-control-")
        .order_by("slug")
        .values_list("pk", flat=True)
    )
    if not Topic.objects.filter(name_ru__startswith="bench-control").exists():
        Topic.objects.bulk_create(
            [
                Topic(department_id=pk, name_ru=f"bench-control {n}", name_kk="-", position=n)
                for n, pk in enumerate(departments)
            ]
        )
    return user.pk, departments


def grow(to: int, user: int, today: dt.date) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appeals_appeal WHERE secret = 'BENCH1'")
        have = cursor.fetchone()[0]
        if have >= to:
            return
        cursor.execute(
            GENERATE,
            {"first": have + 1, "last": to, "user": user, "today": today,
             "departments": DEPARTMENTS},
        )  # fmt: skip
        cursor.execute("ANALYZE appeals_appeal")


def timed(run: Callable[[], object], runs: int) -> list[float]:
    run()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(today: dt.date, department: int, runs: int) -> dict[str, list[float]]:
    from django.db import connection
    from django.db.models import Count

    from appeals.models import Appeal, overdue_on

    def orm_by_directorate() -> object:
        return list(
            Appeal.objects.filter(overdue_on(today))
            .values("department")
            .annotate(n=Count("pk"))
            .order_by()
        )

    def sql_by_directorate() -> object:
        with connection.cursor() as cursor:
            cursor.execute(BY_DIRECTORATE_SQL, {"d": today})
            return cursor.fetchall()

    def orm_page() -> object:
        return list(
            Appeal.objects.filter(overdue_on(today), department_id=department)
            .order_by("deadline", "pk")
            .values_list("pk", "year", "number", "deadline")[:25]
        )

    def sql_page() -> object:
        with connection.cursor() as cursor:
            cursor.execute(PAGE_SQL, {"d": today, "dep": department})
            return cursor.fetchall()

    orm = sorted((r["department"], r["n"]) for r in orm_by_directorate())  # type: ignore[attr-defined]
    assert orm == sorted(sql_by_directorate()), "the ORM rule and the SQL disagree"  # type: ignore[arg-type]
    assert orm_page() == sql_page(), "the pages disagree"
    return {
        "overdue by directorate, ORM rule": timed(orm_by_directorate, runs),
        "overdue by directorate, bare SQL": timed(sql_by_directorate, runs),
        "one directorate's overdue page, ORM": timed(orm_page, runs),
        "one directorate's overdue page, SQL": timed(sql_page, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/akimat_appeals_control_bench",
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    drop(args.database_url)
    configure(args.database_url)
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    load = os.getloadavg()[0]
    user, departments = prepare()
    sizes = [args.rows // 10, args.rows]
    results: dict[int, dict[str, list[float]]] = {}
    built: dict[int, float] = {}
    for size in sizes:
        start = time.perf_counter()
        grow(size, user, today)
        built[size] = time.perf_counter() - start
        results[size] = measure(today, departments[7], args.runs)
    with connection.cursor() as cursor:
        cursor.execute(BY_DIRECTORATE_SQL.replace("count(*)", "count(*) AS n"), {"d": today})
        overdue = sum(n for _dep, n in cursor.fetchall())
    out = [
        f"appeals control benchmark, {timezone.localtime():%Y-%m-%d %H:%M}, {os.cpu_count()} "
        f"cores, {DEPARTMENTS} directorates, {args.runs} warm runs each, one connection, load average before the run "
        f"{load:.1f} (the machine is shared)",
        f"x1 = {sizes[0]:,} appeals (made in {built[sizes[0]]:.0f} s), x10 = {sizes[1]:,} "
        f"(topped up in {built[sizes[1]]:.0f} s); overdue today at x10: {overdue:,}",
        f"{'query':<40} {'size':>9} {'p50 ms':>8} {'p95 ms':>8} {'ORM/SQL':>8}",
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
                f"{name:<40} {size:>9,} {p50:>8.1f} {percentile(rows[name], 0.95):>8.1f} {ratio:>8}"
            )
    for name in results[sizes[0]]:
        ratio = statistics.median(results[sizes[1]][name]) / statistics.median(
            results[sizes[0]][name]
        )
        out.append(f"x10 / x1 (p50) {name:<40} {ratio:7.2f}x")
    text = "\n".join(out)
    print(text)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "appeals_control.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
