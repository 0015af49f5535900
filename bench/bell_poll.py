"""Benchmark: the live bell's poll (`/tasks/notifications/bell/`) as 1,000 open pages ask for it
every 30 s (≈ 33 requests a second), against the bare SQL COUNT it must run anyway, given the
same number of connections.

Run from the repository root (needs PostgreSQL; makes its own database, drops it after unless
--keep is given):

    .venv/bin/python bench/bell_poll.py [--server URL] [--port 8170] [--people 1000] [--seconds 30]

Side by side, in one run:

- the data: `--people` people (1,000: the open sessions), each with 100 notifications of which
  20 unread, plus the same again for people who are not polling; one signed-in session per
  polling person (django_session rows, as a login makes them).
- over HTTP: gunicorn as docker-compose.yml runs it (production settings, 3 sync workers, so 3
  database connections), the polls paced at people ÷ 30 s a second (open loop: each request
  leaves at its moment whether or not the one before has answered), each with one person's
  session cookie in turn, `HX-Request` and the `shown` count; then the same with no pause
  (saturation: how many polls a second the two cores can answer).
- the floor: the bare `SELECT count(*) … WHERE recipient_id = %s AND read_at IS NULL` the poll
  runs, from 3 connections (the same number), paced at the same rate, then with no pause.
- the cost: wall-clock latency p50/p95 of each, and the CPU seconds the web workers and the
  PostgreSQL server processes serving this database used during the paced run (from /proc),
  per request; the load generator's own CPU is in neither.

The ratio printed is the poll's to the floor's, per request: what the portal adds (the session
lookup, the user, the middleware, the rendering, HTTP) on top of the COUNT.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "akimat_bellbench"
WORKERS = 3  # docker-compose.yml's gunicorn --workers
PER_PERSON, UNREAD = 100, 20
POLL_EVERY = 30  # seconds: BELL_POLL_SECONDS' default
BELL = "/tasks/notifications/bell/"
FLOOR_SQL = "SELECT count(*) FROM tasks_notification WHERE recipient_id = %s AND read_at IS NULL"


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
    }


def admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def seed(server: str, people: int) -> list[tuple[int, str]]:
    """The database, its people and notifications, and one session each: [(user id, key)]."""
    admin(server, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    admin(server, f'CREATE DATABASE "{DATABASE}"')
    url = f"{server}/{DATABASE}"
    env = env_for(url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from akimat.models import User

    password = make_password("bench")
    users = User.objects.bulk_create(
        User(username=f"bench{n:05}", password=password, email=f"bench{n}@akimat.example")
        for n in range(2 * people)
    )
    with connection.cursor() as cursor:
        # PER_PERSON lines each, the last UNREAD of them unread, over the last month.
        cursor.execute(
            """
            INSERT INTO tasks_notification (recipient_id, kind, text, link, created_at, read_at)
            SELECT u.id, 'assigned', 'bench', '', now() - g * interval '7 hours',
                   CASE WHEN g > %s THEN now() END
            FROM akimat_user u CROSS JOIN generate_series(1, %s) AS g
            WHERE u.username LIKE 'bench%%'
            """,
            [UNREAD, PER_PERSON],
        )
        cursor.execute("ANALYZE tasks_notification")
    sessions = []
    for user in users[:people]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((user.pk, store.session_key or ""))
    connection.close()
    return sessions


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "akimat.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning"],
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


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (/proc/<pid>/stat, clock ticks)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def backend_pids(server: str) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database (persistent connections:
    CONN_MAX_AGE), so other databases' load on a shared server does not count."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DATABASE]
        ).fetchall()
    return [row[0] for row in rows]


def paced(call: Callable[[int], None], rate: float, seconds: float, threads: int) -> list[float]:
    """Open loop: request i leaves at start + i / rate (a free thread takes it); latencies, ms."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def run() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            began = time.perf_counter()
            call(i)
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies


def flat_out(call: Callable[[int], None], seconds: float, threads: int) -> float:
    """Closed loop, no pause, `threads` at once: answers a second."""
    stop = time.perf_counter() + seconds
    done = [0] * threads

    def run(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            call(i)
            done[k] += 1
            i += threads

    pool = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done) / seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    rate = args.people / POLL_EVERY
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    sessions = seed(args.server, args.people)
    seeded = time.perf_counter() - started
    url = f"{args.server}/{DATABASE}"

    def poll(i: int) -> None:
        _user, key = sessions[i % len(sessions)]
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        conn.request(
            "GET",
            f"{BELL}?shown={UNREAD}",
            headers={"Cookie": f"sessionid={key}", "HX-Request": "true"},
        )
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status != 200 or b"bell-counter" not in body:
            raise RuntimeError(f"the poll answered {response.status}: {body[:200]!r}")

    import psycopg

    connections = [psycopg.connect(url, autocommit=True) for _ in range(WORKERS)]
    free = list(connections)
    pool_lock = threading.Lock()

    def floor(i: int) -> None:
        with pool_lock:
            conn = free.pop()
        try:
            conn.execute(FLOOR_SQL, [sessions[i % len(sessions)][0]]).fetchone()
        finally:
            with pool_lock:
                free.append(conn)

    server = start_gunicorn(url, args.port)
    try:
        workers = children(server.pid)
        # Warm-up: every worker imports and connects, every page of the table is in memory.
        for i in range(200):
            poll(i)
            floor(i)

        floor_pids = [conn.info.backend_pid for conn in connections]
        pg = [pid for pid in backend_pids(args.server) if pid not in floor_pids]
        web = workers
        cpu_pg, cpu_web = cpu_seconds(pg), cpu_seconds(web)
        poll_latency = paced(poll, rate, args.seconds, threads=16)
        poll_cpu_pg, poll_cpu_web = cpu_seconds(pg) - cpu_pg, cpu_seconds(web) - cpu_web

        cpu_pg = cpu_seconds(floor_pids)
        floor_latency = paced(floor, rate, args.seconds, threads=WORKERS)
        floor_cpu_pg = cpu_seconds(floor_pids) - cpu_pg

        poll_max = flat_out(poll, 10, threads=WORKERS * 2)
        floor_max = flat_out(floor, 10, threads=WORKERS)
    finally:
        server.terminate()
        server.wait(timeout=30)
        for conn in connections:
            conn.close()
        if not args.keep:
            admin(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}"')

    n = len(poll_latency)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    poll_cpu = (poll_cpu_pg + poll_cpu_web) / n * 1000
    floor_cpu = floor_cpu_pg / len(floor_latency) * 1000
    lines = [
        f"bell poll benchmark, {now}, {os.cpu_count()} cores, gunicorn {WORKERS} sync workers, "
        f"PostgreSQL on the same machine; load average before: "
        f"{load_before}",
        f"data: {args.people} open sessions (polling), {2 * args.people} people, "
        f"{2 * args.people * PER_PERSON:,} notifications ({UNREAD} unread each); seeded in "
        f"{seeded:.1f} s",
        f"paced: {rate:.1f} requests a second for {args.seconds:.0f} s "
        f"(= {args.people} pages polling every {POLL_EVERY} s), open loop",
        "",
        f"{'':34}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'CPU ms/req':>12}",
        f"{'poll over HTTP (web + database)':34}{n:>9}{statistics.median(poll_latency):>9.2f}"
        f"{percentile(poll_latency, 0.95):>9.2f}{max(poll_latency):>9.2f}{poll_cpu:>12.2f}",
        f"{'bare SQL COUNT, 3 connections':34}{len(floor_latency):>9}"
        f"{statistics.median(floor_latency):>9.2f}{percentile(floor_latency, 0.95):>9.2f}"
        f"{max(floor_latency):>9.2f}{floor_cpu:>12.2f}",
        "",
        f"CPU during the paced poll run: web workers {poll_cpu_web:.2f} s, PostgreSQL "
        f"{poll_cpu_pg:.2f} s over {args.seconds:.0f} s = "
        f"{(poll_cpu_web + poll_cpu_pg) / args.seconds * 100:.1f} % of one core "
        f"({(poll_cpu_web + poll_cpu_pg) / args.seconds / (os.cpu_count() or 1) * 100:.1f} % of "
        f"the machine)",
        f"no pause (saturation): poll {poll_max:.0f} requests a second; bare COUNT "
        f"{floor_max:.0f} a second; headroom over the paced load: x{poll_max / rate:.1f}",
        "",
        f"ratio poll / bare COUNT: p50 x{statistics.median(poll_latency) / statistics.median(floor_latency):.1f}, "
        f"CPU per request x{poll_cpu / floor_cpu:.1f}, saturation throughput "
        f"x{floor_max / poll_max:.1f}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
