"""Benchmark: 50 clients registering appeals at once (coupon numbers unique and gapless per year).

Run from the repository root (needs PostgreSQL; makes its own database):

    .venv/bin/python bench/appeals_register.py [--database-url URL] [--per-client 10]

It prints, side by side in one run and with the same number of connections (50 processes, each
with its own database connection, every round started at the same instant):

- the bare SQL floor: what a registration cannot do without — the year's counter upsert (the
  row lock every registration queues on) and the appeal's INSERT, in one transaction;
- through the service: `appeals.services.register_appeal` (the law's terms from the working
  calendar, the repeat check, the counter, the row and its history record);

each with p50/p95/max latency and the throughput (registrations a second over the whole run),
and ends by checking that the year's numbers are 1..N with no duplicate and none missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# The process pool, the barrier and the percentile of the reception's benchmark.
from reception_register import configure, in_processes, percentile  # noqa: E402

CLIENTS = 50
# The floor's rows go to a year of their own, so the two modes' numbers are checked apart.
FLOOR_YEAR = 2999


def prepare() -> tuple[list, object]:
    """Migrate; the benchmark's directorate, topic and 50 registrars (the reception's role)."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from akimat.calendar import ensure_calendar
    from akimat.models import Department, User
    from appeals.models import Topic

    call_command("migrate", verbosity=0)
    # The working calendar of this year and the next, as the nightly job keeps it: otherwise the
    # first 50 registrations would all queue on filling next year's calendar.
    today = timezone.localdate()
    ensure_calendar(start=today.replace(month=1, day=1), end=today.replace(year=today.year + 1))
    group, _ = Group.objects.get_or_create(name="receptionist")
    department, _ = Department.objects.get_or_create(
        slug="bench-appeals",
        defaults={"name_ru": "Управление (бенчмарк)", "name_kk": "Басқарма (бенчмарк)"},
    )
    people = []
    for n in range(CLIENTS):
        user, made = User.objects.get_or_create(username=f"bench.appeals{n:02d}")
        if made:
            user.groups.add(group)
        people.append(user)
    topic, _ = Topic.objects.get_or_create(
        name_ru="Тема (бенчмарк)", department=department, defaults={"name_kk": "Тақырып"}
    )
    return people, topic


def reset(year: int) -> None:
    """Empty the years the run writes (the benchmark's own database: raw deletes, no history)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM appeals_historicalappeal WHERE year IN (%s, %s)", [year, FLOOR_YEAR]
        )
        cursor.execute("DELETE FROM appeals_appeal WHERE year IN (%s, %s)", [year, FLOOR_YEAR])
        cursor.execute(
            "DELETE FROM appeals_appealcounter WHERE year IN (%s, %s)", [year, FLOOR_YEAR]
        )


def through_service(people: list, topic: object, per_client: int) -> list[float]:
    from appeals import services

    def work(k: int, sync: Callable[[int], None]) -> list[float]:
        times = []
        for r in range(per_client):
            applicant = services.Applicant(
                name=f"Бенчмарк Заявитель {k}-{r}", phone=f"+7705{k:03d}{r:04d}"
            )
            sync(r)
            start = time.perf_counter()
            services.register_appeal(
                registrar=people[k], kind="statement", channel="written", topic=topic,
                summary="Бенчмарк", applicant=applicant, text="Прошу рассмотреть.",
            )  # fmt: skip
            times.append((time.perf_counter() - start) * 1000)
        return times

    return in_processes(CLIENTS, work)


def bare_sql(database_url: str, template_id: int, per_client: int) -> list[float]:
    """The counter's upsert and the appeal's INSERT (a copy of one registered row with the new
    year and number), one transaction, nothing else."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        columns = [
            name
            for (name,) in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'appeals_appeal' AND column_name NOT IN "
                "('id', 'year', 'number', 'secret') ORDER BY ordinal_position"
            ).fetchall()
        ]
    listed = ", ".join(columns)
    insert = (
        f"INSERT INTO appeals_appeal (year, number, secret, {listed}) "  # noqa: S608
        f"SELECT %s, %s, substr(md5(random()::text), 1, 6), {listed} "
        "FROM appeals_appeal WHERE id = %s"
    )

    def work(k: int, sync: Callable[[int], None]) -> list[float]:
        times = []
        with psycopg.connect(database_url) as conn:
            for r in range(per_client):
                sync(r)
                start = time.perf_counter()
                with conn.transaction():
                    number = conn.execute(
                        "INSERT INTO appeals_appealcounter (year, last) VALUES (%s, 1) "
                        "ON CONFLICT (year) DO UPDATE SET last = appeals_appealcounter.last + 1 "
                        "RETURNING last",
                        [FLOOR_YEAR],
                    ).fetchone()[0]
                    conn.execute(insert, [FLOOR_YEAR, number, template_id])
                times.append((time.perf_counter() - start) * 1000)
        return times

    return in_processes(CLIENTS, work)


def check_gapless(year: int) -> str:
    from django.db.models import Count, Max

    from appeals.models import Appeal, AppealCounter

    row = Appeal.objects.filter(year=year).aggregate(
        n=Count("pk"), top=Max("number"), distinct=Count("number", distinct=True)
    )
    counter = AppealCounter.objects.get(year=year).last
    duplicates = row["n"] - row["distinct"]
    missing = row["top"] - row["distinct"]
    assert duplicates == 0 and missing == 0 and counter == row["top"], (row, counter)
    return (
        f"year {year}: {row['n']} appeals, numbers 1..{row['top']}, "
        f"{duplicates} duplicate, {missing} missing, counter at {counter}"
    )


def line(label: str, times: list[float], seconds: float, floor: float | None = None) -> str:
    p95 = percentile(times, 0.95)
    ratio = f"{p95 / floor:6.2f}x" if floor else "      "
    return (
        f"{label:<40} {len(times):>5} {statistics.median(times):>8.1f} {p95:>8.1f} "
        f"{max(times):>8.1f} {len(times) / seconds:>8.1f} {ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/akimat_appeals_bench"
    )
    parser.add_argument("--per-client", type=int, default=10)
    args = parser.parse_args()
    configure(args.database_url)
    from django.utils import timezone

    from appeals import services
    from appeals.models import Appeal

    people, topic = prepare()
    year = services.terms(timezone.now()).registered_on.year
    reset(year)
    out = [
        f"appeals registration benchmark, {timezone.localtime():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} cores, {CLIENTS} clients x {args.per_client} registrations, "
        f"{CLIENTS} connections in each mode, load average before the run "
        f"{os.getloadavg()[0]:.1f} (the machine is shared)",
        f"{'mode':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'per s':>8} vs floor",
    ]
    started = time.perf_counter()
    service = through_service(people, topic, args.per_client)
    service_seconds = time.perf_counter() - started
    template = Appeal.objects.filter(year=year).order_by("pk").values_list("pk", flat=True)[0]
    started = time.perf_counter()
    floor = bare_sql(args.database_url, template, args.per_client)
    floor_seconds = time.perf_counter() - started
    floor_p95 = percentile(floor, 0.95)
    out.append(line("bare SQL floor: 50 at the same instant", floor, floor_seconds))
    out.append(line("register_appeal: 50 at the same instant", service, service_seconds, floor_p95))
    out.append(
        f"{'throughput service / floor':<40} {'':>5} {'':>8} {'':>8} {'':>8} "
        f"{(len(service) / service_seconds) / (len(floor) / floor_seconds):>7.2f}x"
    )
    out.append(check_gapless(year))
    out.append(check_gapless(FLOOR_YEAR))
    text = "\n".join(out)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "appeals_register.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
