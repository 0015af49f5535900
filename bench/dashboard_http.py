"""Benchmark: the deputy's dashboard over HTTP at 1 M and 10 M tasks (goal: p95 ≤ 50 ms at 1 M).

Run from the repository root (needs PostgreSQL; makes its own databases, drops them after unless
--keep is given):

    .venv/bin/python bench/dashboard_http.py [--server URL] [--port 8160] [--sizes 1m,10m]

For each size, in one run, side by side:

- the data: 1 M = `seed_demo --scale 100` (COPY: 500 directorates, 10 000 people, ~1 M tasks,
  months of history) in `akimat_dashbench_1m`; 10 M = a copy of that database (CREATE DATABASE
  … TEMPLATE) where `INSERT … SELECT … CROSS JOIN generate_series(1, 9)` gives every task nine
  twins, so the same 10 000 people carry ten times the tasks (the shape the page's cost grows
  with). The cycle's history is one directorate snapshot a day, written with generate_series
  (the dashboard only reads snapshots; `bench/compute_scores.py` times writing them).
- counting today's figures (what the first request of the day waits for, and what a background
  thread does again once a minute per set of directorates, akimat.freshness): the nightly job's
  per-person SQL for today summed per directorate, and the ten oldest overdue tasks, timed
  in-process, three times each;
- over HTTP: gunicorn (production settings, 4 workers on 2 cores, the cache in Redis as in
  docker-compose.yml, so the figures are counted once for all workers and counted again in the
  background once a minute old; the runs are long enough to meet such recounts, which share the
  two cores with the requests and are in the figures), the load from locust
  (`bench/locustfile_dashboard.py`, FastHttpUser: the lightest client, as it shares the two
  cores): deputies opening /dashboard/ and drilling into a directorate
  and into a person, heads opening theirs. Paced (10 users, each a request every 0.5–1.5 s) and
  a burst (10 users, no pause: a saturation test, whose p95 is queueing on two cores).

The load tool is locust (a dev dependency); its percentiles are whole milliseconds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"1m": 100}
PACED_USERS, BURST_USERS = 10, 10
RUN_SECONDS = 30
PACED_REPEATS = 3


def env_for(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "akimat.settings",
        # The web workers share the minute's figures, as docker-compose.yml configures them.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13"),
    }


def psql(server: str, database: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/{database}", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return "" if cursor.description is None else str(cursor.fetchone()[0])


def exists(server: str, name: str) -> bool:
    return (
        psql(server, "postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{name}'")
        == "1"
    )


def manage(database_url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env_for(database_url), check=True
    )


def seed_1m(server: str, name: str) -> None:
    if (
        exists(server, name)
        and int(psql(server, name, "SELECT count(*) FROM tasks_task")) > 900_000
    ):
        return
    if not exists(server, name):
        psql(server, "postgres", f'CREATE DATABASE "{name}"')
    manage(f"{server}/{name}", "migrate", "--noinput", "-v0")
    manage(f"{server}/{name}", "seed_demo", "--scale", "100")


# Every task gets nine twins: the same person, author, directorate, deadline and status.
MULTIPLY = """
INSERT INTO tasks_task ({columns})
SELECT {columns} FROM tasks_task t CROSS JOIN generate_series(1, {times}) AS g
WHERE t.id <= {top}
"""


def seed_10m(server: str, name: str, source: str) -> None:
    if (
        exists(server, name)
        and int(psql(server, name, "SELECT count(*) FROM tasks_task")) > 9_000_000
    ):
        return
    if exists(server, name):
        psql(server, "postgres", f'DROP DATABASE "{name}"')
    psql(server, "postgres", f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    columns = psql(
        server,
        name,
        "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM "
        "information_schema.columns WHERE table_name = 'tasks_task' AND column_name <> 'id'",
    )
    top = psql(server, name, "SELECT max(id) FROM tasks_task")
    start = time.perf_counter()
    psql(server, name, MULTIPLY.format(columns=columns, times=9, top=top))
    psql(server, name, "VACUUM ANALYZE tasks_task")
    print(f"  10 M: tasks multiplied in {time.perf_counter() - start:.0f} s", flush=True)


# One snapshot a day per directorate from the cycle's start to yesterday, and a successful run.
HISTORY = """
INSERT INTO akimat_departmentsnapshot (
    date, department_id, policy_id, people, head_overdue, open, overdue, overdue_days,
    overdue_1_3, overdue_4_10, overdue_over_10, done_on_time, done_late, deadline_moves,
    period_start, week_due, week_on_time, week_score, bonus, computed_at)
SELECT d::date, dep.id, (SELECT min(id) FROM akimat_bonuspolicy), 20,
       (dep.id + extract(doy FROM d)::int) %% 7, 400, 60 + (dep.id + extract(doy FROM d)::int) %% 25,
       400, 20, 20, 20 + dep.id %% 5, 300, 40, 5, %(start)s, 40, 34, 85, 70, now()
FROM akimat_department dep
CROSS JOIN generate_series(%(start)s::date, %(yesterday)s::date, interval '1 day') AS d
ON CONFLICT (date, department_id) DO NOTHING
"""


def fill_history(server: str, name: str) -> None:
    from zoneinfo import ZoneInfo

    import psycopg

    today = dt.datetime.now(ZoneInfo("Asia/Almaty")).date()
    start = today - dt.timedelta(days=today.weekday(), weeks=11)
    with psycopg.connect(f"{server}/{name}", autocommit=True) as conn:
        conn.execute(HISTORY, {"start": start, "yesterday": today - dt.timedelta(days=1)})
        conn.execute(
            "INSERT INTO akimat_scorerun (date, chunk_id, status, started_at, finished_at, rows, "
            "duration_ms, error, forced) SELECT %s, min(id), 'succeeded', now(), now(), 0, 0, '', "
            "false FROM akimat_department",
            [today - dt.timedelta(days=1)],
        )
        conn.execute("ANALYZE akimat_departmentsnapshot")


def counting(database_url: str) -> dict[str, object]:
    """Today's counting in a fresh process (what a page pays when its minute has expired), and
    the session cookies and ids the load needs."""
    code = r"""
import json, statistics, time
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django.utils import timezone
from scores import selectors
from akimat.models import Department, User
from tasks.models import Task

def cookie(username):
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

today = timezone.localdate()
ids = list(Department.objects.values_list("pk", flat=True))
sums, oldest = [], []
for _ in range(3):
    start = time.perf_counter(); selectors._directorate_sums(today, ids)
    sums.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter(); selectors.oldest_overdue(today, ids)
    oldest.append((time.perf_counter() - start) * 1000)
agriculture = Department.objects.get(slug="agriculture")
print(json.dumps({
    "tasks": Task.objects.count(),
    "directorates": len(ids),
    "people": User.objects.filter(is_active=True, department__isnull=False).count(),
    "sums": statistics.median(sums), "oldest": statistics.median(oldest),
    "deputy": cookie("deputy"), "head": cookie("head.agriculture"),
    "directorate": agriculture.pk, "person": agriculture.head_id,
}))
"""
    import json

    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env_for(database_url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env_for(database_url),
        check=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "akimat.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "4", "--log-level", "warning", "--timeout", "300"],
        cwd=ROOT, env=env_for(database_url),
    )  # fmt: skip
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def warm_up(port: int, figures: dict[str, object]) -> list[float]:
    """Every worker counts today's figures once (the first minute's misses), timed."""
    times = []
    for cookie in [figures["deputy"]] * 8 + [figures["head"]] * 8:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        start = time.perf_counter()
        conn.request("GET", "/dashboard/", headers={"Cookie": str(cookie)})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        times.append((time.perf_counter() - start) * 1000)
        conn.close()
    return times


def locust(port: int, figures: dict[str, object], *, paced: bool) -> list[dict[str, str]]:
    """One locust run; its rows (per page, and "Aggregated"), with the machine's load average
    at the end (the two cores are shared: other people's work shows in the tail)."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "run")
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile_dashboard.py"),
             "--headless", "--host", f"http://127.0.0.1:{port}",
             "-u", str(PACED_USERS if paced else BURST_USERS),
             "-r", str(PACED_USERS if paced else BURST_USERS),
             "-t", f"{RUN_SECONDS}s", "--csv", prefix, "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "5"],
            cwd=ROOT, check=True, capture_output=True,
            env={**os.environ, "PACED": "1" if paced else "0",
                 "BENCH_DEPUTY_COOKIE": str(figures["deputy"]),
                 "BENCH_HEAD_COOKIE": str(figures["head"]),
                 "BENCH_DIRECTORATE": str(figures["directorate"]),
                 "BENCH_PERSON": str(figures["person"])},
        )  # fmt: skip
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    for row in rows:
        row["load"] = f"{os.getloadavg()[0]:.1f}"
    return rows


def forget_cache() -> None:
    """Start every size with nothing counted, so the first requests pay for the counting."""
    import redis

    redis.Redis.from_url(env_for("")["CACHE_URL"]).flushdb()


def _p95(run: list[dict[str, str]], page: str = "Aggregated") -> float:
    return float(next(r for r in run if r["Name"] == page)["95%"])


def _median_run(runs: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    """The run whose overall p95 is the median of the repeats."""
    return sorted(runs, key=_p95)[len(runs) // 2]


def measure(server: str, name: str, port: int) -> dict[str, object]:
    url = f"{server}/{name}"
    figures = counting(url)
    forget_cache()
    process = start_gunicorn(url, port)
    try:
        figures["cold"] = warm_up(port, figures)
        figures["paced_runs"] = [locust(port, figures, paced=True) for _ in range(PACED_REPEATS)]
        figures["paced"] = _median_run(figures["paced_runs"])
        figures["burst"] = locust(port, figures, paced=False)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return figures


def report(results: dict[str, dict[str, object]]) -> str:
    sizes = list(results)
    lines = [
        f"dashboard HTTP benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"gunicorn 4 workers, locust {RUN_SECONDS} s per load",
        "",
        "data".ljust(44) + "".join(s.rjust(24) for s in sizes),
    ]

    def row(label: str, values: list[object]) -> None:
        lines.append(label.ljust(44) + "".join(str(v).rjust(24) for v in values))

    row("tasks", [f"{results[s]['tasks']:,}" for s in sizes])
    row(
        "directorates / people",
        [f"{results[s]['directorates']}/{results[s]['people']}" for s in sizes],
    )
    lines += ["", "counting today's figures (once a minute), ms"]
    row(
        "  job's per-person SQL summed per directorate",
        [f"{results[s]['sums']:.0f}" for s in sizes],
    )
    row("  the ten oldest overdue tasks", [f"{results[s]['oldest']:.0f}" for s in sizes])
    row(
        "  first request of each worker, max",
        [f"{max(results[s]['cold']):.0f}" for s in sizes],
    )
    lines.append(
        "  (then the kept figures serve every request; once a minute old, a background thread"
        " counts them again)"
    )
    row(
        f"paced: p95 of each of {PACED_REPEATS} runs, all pages",
        ["/".join(f"{_p95(run):.0f}" for run in results[s]["paced_runs"]) for s in sizes],
    )
    row(
        "  the same, deputy's /dashboard/",
        [
            "/".join(f"{_p95(run, 'deputy: /dashboard/'):.0f}" for run in results[s]["paced_runs"])
            for s in sizes
        ],
    )
    row(
        "  load average (1 min) after each run",
        ["/".join(run[0]["load"] for run in results[s]["paced_runs"]) for s in sizes],
    )
    for load, title in (
        ("paced", f"paced (the median run): {PACED_USERS} users, a request every 0.5-1.5 s each"),
        ("burst", f"burst: {BURST_USERS} users, no pause (saturation)"),
    ):
        lines += ["", f"{title}: requests / p50 / p95 / max, ms"]
        names = [r["Name"] for r in results[sizes[0]][load] if r["Name"] != "Aggregated"]
        names.append("Aggregated")
        for page in names:
            cells = []
            for s in sizes:
                stats = next((r for r in results[s][load] if r["Name"] == page), None)
                cells.append(
                    "-"
                    if stats is None
                    else f"{stats['Request Count']}/{stats['50%']}/{stats['95%']}/"
                    f"{float(stats['Max Response Time']):.0f}"
                    + (
                        f" ({stats['Failure Count']} failed)"
                        if stats["Failure Count"] != "0"
                        else ""
                    )
                )
            row(f"  {page}", cells)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]

        def p95(s: str) -> float:
            stats = next(r for r in results[s]["paced"] if r["Name"] == "deputy: /dashboard/")
            return float(stats["95%"])

        lines += [
            "",
            f"growth {last} / {first}: counting x{results[last]['sums'] / results[first]['sums']:.1f}, "
            f"deputy's paced p95 x{p95(last) / p95(first):.2f}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--sizes", default="1m,10m")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "dashboard_http.txt"))
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    names = {size: f"akimat_dashbench_{size}" for size in sizes}
    results = {}
    try:
        for size in sizes:
            print(f"{size}: seeding …", flush=True)
            if size == "1m":
                seed_1m(args.server, names[size])
            else:
                seed_1m(args.server, "akimat_dashbench_1m")
                seed_10m(args.server, names[size], "akimat_dashbench_1m")
            fill_history(args.server, names[size])
            print(f"{size}: measuring …", flush=True)
            results[size] = measure(args.server, names[size], args.port)
    finally:
        if not args.keep:
            for name in {*names.values(), "akimat_dashbench_1m"}:
                if exists(args.server, name):
                    psql(args.server, "postgres", f'DROP DATABASE "{name}" WITH (FORCE)')
    text = report(results)
    print(text)
    Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
