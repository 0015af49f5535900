"""Benchmark: 50 receptionists registering at once (the reception's p95 ≤ 150 ms).

Run from the repository root (needs PostgreSQL and Redis; makes its own database):

    .venv/bin/python bench/reception_register.py [--database-url URL] [--port 8150]

It prints, side by side in one run:

- through the service: 50 threads, each with its own database connection, each registering
  new visitors back to back on ONE ticket prefix (the worst case: every registration queues on
  the same counter row), at data size x1 and x10 (visitors and past visits in the database);
- the bare SQL floor: the statements a registration cannot do without (the visitor's INSERT,
  the counter's upsert, the visit's INSERT, one transaction) from the same 50 threads;
- over HTTP: gunicorn (production settings, 4 workers on this 2-core machine) and 50 clients,
  each with its own session, posting the desk's htmx form: paced (each receptionist issues a
  ticket every second, i.e. 50 registrations a second offered, far above a real hall) and as a
  burst (no pause at all: a saturation test, whose figure is queueing on two cores).

Every mode ends by checking that the numbers it took are unique and gapless.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RECEPTIONISTS = 50
PER_RECEPTIONIST = 20
X1_VISITORS, X1_VISITS = 2_000, 6_000


def configure(database_url: str) -> None:
    os.environ.update(
        {
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
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akimat.settings")
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def at_once(count: int, work: Callable[[int, Callable[[int], None]], list[float]]) -> list[float]:
    """Run `work(n, sync)` in `count` threads; `sync(r)` holds each thread until all reach round
    r, so every round starts all `count` registrations at the same instant. Returns latencies."""
    from django.db import connections

    barrier = threading.Barrier(count)
    results: list[list[float]] = [[] for _ in range(count)]
    errors: list[BaseException] = []

    def sync(_round: int) -> None:
        barrier.wait(timeout=120)

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[n] = work(n, sync)
        except BaseException as error:  # reported after the run
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if errors:
        raise RuntimeError(f"{len(errors)} worker(s) failed: {errors[0]!r}")
    return [ms for chunk in results for ms in chunk]


def in_processes(
    count: int, work: Callable[[int, Callable[[int], None]], list[float]]
) -> list[float]:
    """Like `at_once`, but each receptionist is a process of its own (as gunicorn's workers
    are), so the figure is the database's and the service's, not one interpreter's lock."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(count)
    queue = context.Queue()

    def sync(_round: int) -> None:
        barrier.wait(timeout=120)

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            queue.put((n, work(n, sync), None))
        except BaseException as error:  # reported by the parent
            queue.put((n, [], repr(error)))
        finally:
            connections.close_all()

    children = [context.Process(target=run, args=(n,)) for n in range(count)]
    for child in children:
        child.start()
    results = [queue.get(timeout=600) for _ in children]
    for child in children:
        child.join(timeout=60)
    errors = [error for _n, _times, error in results if error]
    if errors:
        raise RuntimeError(f"{len(errors)} worker(s) failed: {errors[0]}")
    return [ms for _n, times, _error in results for ms in times]


def prepare() -> tuple[list, object]:
    """Migrate, create 50 receptionists and the benchmark's own service (prefix B)."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from akimat.models import Department, User
    from reception.models import Service

    call_command("migrate", verbosity=0)
    group, _ = Group.objects.get_or_create(name="receptionist")
    department, _ = Department.objects.get_or_create(
        slug="bench",
        defaults={"name_ru": "Управление (бенчмарк)", "name_kk": "Басқарма (бенчмарк)"},
    )
    people = []
    for n in range(RECEPTIONISTS):
        user, made = User.objects.get_or_create(username=f"bench.reception{n:02d}")
        if made:
            user.set_password("bench")
            user.save()
            user.groups.add(group)
        people.append(user)
    service, _ = Service.objects.get_or_create(
        prefix="B",
        department=department,
        defaults={"name_ru": "Консультация (бенчмарк)", "name_kk": "Кеңес (бенчмарк)"},
    )
    return people, service


def fill(visitors: int, visits: int, service: object, receptionist: object) -> None:
    """Bring the database up to `visitors` visitors and `visits` past visits (not today)."""
    from django.utils import timezone

    from reception.models import Visit, Visitor

    have = Visitor.objects.filter(full_name__startswith="Наполнение").count()
    now = timezone.now()
    Visitor.objects.bulk_create(
        [
            Visitor(
                full_name=f"Наполнение {n}",
                iin=serial_iin(n, female=False),
                phone=f"+7700{n:07d}",
                consent_at=now,
                consent_recorded_by=receptionist,
            )
            for n in range(have, visitors)
        ],
        batch_size=5000,
    )
    have = Visit.objects.filter(purpose="наполнение").count()
    days = [timezone.localdate() - dt.timedelta(days=1 + n // 500) for n in range(have, visits)]
    Visit.objects.bulk_create(
        [
            Visit(
                day=day, prefix="F", number=n + 1, service=service,
                department_id=service.department_id, kind="citizen", purpose="наполнение",
                status="done", outcome="resolved", registered_by=receptionist, arrived_at=now,
            )
            for n, day in zip(range(have, visits), days, strict=True)
        ],
        batch_size=5000,
    )  # fmt: skip


_next_block = 0


def take_block() -> int:
    """The first serial of a block of 100 000 for one mode: 1 000 per receptionist."""
    global _next_block
    first = _next_block
    _next_block += 100_000
    return first


# Benchmark visitors are born from this day on (akimat.identifiers.nth_iin): numbers never
# collide and grow with n. Women are the visitors registered under load, men the ones that fill
# the table.
BORN_FROM = dt.date(1950, 1, 1)


def serial_iin(n: int, *, female: bool) -> str:
    """The n-th of a run of valid, distinct IINs."""
    from akimat.identifiers import nth_iin

    return nth_iin(n, born_from=BORN_FROM, female=female)


def iin_serial(iin: str) -> int:
    """The n that serial_iin turned into this IIN (nth_iin's ten serials a slot, backwards)."""
    born = dt.date(1900 + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    return ((born - BORN_FROM).days * 10_000 + int(iin[7:11])) // 10


def new_identity(serial: int, tag: str) -> tuple[str, str, str]:
    """A visitor of its own for every serial: name, a valid IIN, a phone."""
    return (
        f"Бенчмарк {tag} {serial}",
        serial_iin(serial, female=True),
        f"+7705{serial % 10**7:07d}",
    )


def through_service(people: list, service: object, tag: str) -> list[float]:
    from reception import services

    first = take_block()

    def work(k: int, sync: Callable[[int], None]) -> list[float]:
        times = []
        for r in range(PER_RECEPTIONIST):
            name, iin, phone = new_identity(first + k * 1000 + r, tag)
            sync(r)
            start = time.perf_counter()
            services.register_visit(
                receptionist=people[k], service=service, kind="entrepreneur", consent=True,
                full_name=name, iin=iin, phone=phone, purpose="бенчмарк",
            )  # fmt: skip
            times.append((time.perf_counter() - start) * 1000)
        return times

    return in_processes(RECEPTIONISTS, work)


def bare_sql(database_url: str, people: list, service: object, tag: str) -> list[float]:
    """The floor: the three statements a registration needs, in one transaction, nothing else."""
    import psycopg
    from django.utils import timezone

    today, now = timezone.localdate(), timezone.now()
    first = take_block()

    def work(k: int, sync: Callable[[int], None]) -> list[float]:
        times = []
        with psycopg.connect(database_url) as conn:
            for r in range(PER_RECEPTIONIST):
                name, iin, phone = new_identity(first + k * 1000 + r, tag)
                sync(r)
                start = time.perf_counter()
                with conn.transaction():
                    visitor = conn.execute(
                        "INSERT INTO reception_visitor (full_name, iin, phone, language, "
                        "consent_at, consent_recorded_by_id, created_at) "
                        "VALUES (%s, %s, %s, 'ru', %s, %s, %s) RETURNING id",
                        [name, iin, phone, now, people[k].pk, now],
                    ).fetchone()[0]
                    number = conn.execute(
                        "INSERT INTO reception_ticketcounter (day, prefix, last) VALUES (%s, 'C', 1) "
                        "ON CONFLICT (day, prefix) DO UPDATE SET last = reception_ticketcounter.last + 1 "
                        "RETURNING last",
                        [today],
                    ).fetchone()[0]
                    conn.execute(
                        "INSERT INTO reception_visit (day, prefix, number, service_id, department_id, "
                        "visitor_id, kind, language, purpose, priority, status, outcome, note, "
                        "registered_by_id, arrived_at) VALUES (%s, 'C', %s, %s, %s, %s, "
                        "'entrepreneur', 'ru', 'бенчмарк', '', 'waiting', '', '', %s, %s)",
                        [
                            today,
                            number,
                            service.pk,
                            service.department_id,
                            visitor,
                            people[k].pk,
                            now,
                        ],
                    )
                times.append((time.perf_counter() - start) * 1000)
        return times

    return in_processes(RECEPTIONISTS, work)


def http_clients(port: int, people: list, service: object, tag: str, paced: bool) -> list[float]:
    """Paced: each receptionist issues a ticket a second from a random moment of the first
    second (50 a second in all); otherwise rounds of 50 posted at the same instant."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    cookies = []
    for user in people:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    first = take_block()

    def work(k: int, sync: Callable[[int], None]) -> list[float]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        conn.request("GET", "/reception/", headers={"Cookie": cookies[k]})
        page = conn.getresponse()
        body = page.read().decode()
        assert page.status == 200, page.status
        token = re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)
        csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "").group(1)
        headers = {
            "Cookie": f"{cookies[k]}; csrftoken={csrf_cookie}",
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        times = []
        sync(-1)
        begin = time.perf_counter() + random.Random(k).random()
        for r in range(PER_RECEPTIONIST):
            name, iin, phone = new_identity(first + k * 1000 + r, tag)
            if paced:
                time.sleep(max(0.0, begin + r - time.perf_counter()))
            else:
                sync(r)
            form = urllib.parse.urlencode(
                {
                    "full_name": name, "iin": iin, "phone": phone, "consent": "on",
                    "kind": "entrepreneur", "service": service.pk, "language": "ru",
                    "purpose": "бенчмарк",
                }
            )  # fmt: skip
            start = time.perf_counter()
            conn.request("POST", "/reception/", body=form, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status == 200 and 'data-testid="ticket-number">B-' in text, (
                response.status,
                text[:300],
            )
            times.append(elapsed)
        conn.close()
        return times

    return at_once(RECEPTIONISTS, work)


def start_gunicorn(port: int) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "akimat.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "4", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def check_gapless(prefix: str) -> str:
    from django.db.models import Count, Max
    from django.utils import timezone

    from reception.models import Visit

    row = Visit.objects.filter(day=timezone.localdate(), prefix=prefix).aggregate(
        n=Count("pk"), top=Max("number"), distinct=Count("number", distinct=True)
    )
    assert row["n"] == row["top"] == row["distinct"], row
    return f"{prefix}: {row['n']} tickets, numbers 1..{row['top']}, 0 duplicates, 0 missing"


def line(label: str, times: list[float], floor: float | None = None) -> str:
    p95 = percentile(times, 0.95)
    ratio = f"{p95 / floor:6.2f}x" if floor else "      "
    return (
        f"{label:<44} {len(times):>6} {statistics.median(times):>8.1f} {p95:>8.1f} "
        f"{max(times):>8.1f} {ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/akimat_reception_bench"
    )
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    configure(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from reception.models import TicketCounter, Visitor

    people, service = prepare()
    # A fresh day for the benchmark's prefixes, so the gapless checks see only this run.
    today = timezone.localdate()
    # Raw statements: the benchmark's own rows, without writing deletion history.
    with connection.cursor() as cursor:
        for table in ("reception_historicalvisit", "reception_visit"):
            cursor.execute(
                f"DELETE FROM {table} WHERE day = %s AND prefix IN ('B', 'C')",  # noqa: S608
                [today],
            )
    TicketCounter.objects.filter(day=today, prefix__in=["B", "C"]).delete()
    global _next_block
    last = (
        Visitor.objects.filter(full_name__startswith="Бенчмарк")
        .order_by("-iin")
        .values_list("iin", flat=True)
        .first()
    )
    _next_block = iin_serial(last) + 100_000 if last else 0

    out = [
        f"reception registration benchmark, {timezone.localtime():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} cores, {RECEPTIONISTS} receptionists x {PER_RECEPTIONIST} registrations",
        f"{'mode':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'vs floor':>7}",
    ]
    fill(X1_VISITORS, X1_VISITS, service, people[0])
    floor = bare_sql(args.database_url, people, service, "floor")
    floor_p95 = percentile(floor, 0.95)
    out.append(line("bare SQL floor: 50 at the same instant", floor))
    x1 = through_service(people, service, "x1")
    out.append(line(f"service, 50 at once, x1 ({X1_VISITORS} visitors)", x1, floor_p95))
    fill(10 * X1_VISITORS, 10 * X1_VISITS, service, people[0])
    x10 = through_service(people, service, "x10")
    out.append(line(f"service, 50 at once, x10 ({10 * X1_VISITORS} visitors)", x10, floor_p95))
    out.append(
        f"{'x10 / x1 (p95)':<44} {'':>6} {'':>8} "
        f"{percentile(x10, 0.95) / percentile(x1, 0.95):>7.2f}x"
    )
    if not args.skip_http:
        server = start_gunicorn(args.port)
        try:
            paced = http_clients(args.port, people, service, "paced", paced=True)
            out.append(line("HTTP, 50 working at once, 1 ticket/s each", paced, floor_p95))
            burst = http_clients(args.port, people, service, "burst", paced=False)
            out.append(line("HTTP, 50 pressing Enter at the same instant", burst, floor_p95))
        finally:
            server.terminate()
            server.wait(timeout=30)
    out.append(check_gapless("B"))
    out.append(check_gapless("C"))
    text = "\n".join(out)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "reception_register.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
