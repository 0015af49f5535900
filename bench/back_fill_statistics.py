"""Benchmark: the demo's back-fill right after the load, with and without planner statistics.

Run from the repository root (a laptop's embedded PostgreSQL by default; makes its own database):

    .venv/bin/python bench/back_fill_statistics.py [--database-url URL] [--timeout 120]

The demo's last step back-fills the nightly scores for the cycle so far, straight after the
bulk load of the other apps. Inside the loading transaction (a test's, or a loader's) and right
after a COPY (`make run` on a slow laptop, before autovacuum wakes), PostgreSQL has no
statistics on the new rows and may take thousands of tasks and people for a handful. This
prints, side by side in one run, on the same freshly loaded data inside one transaction:

- as loaded: the back-fill as the planner sees the new rows (cancelled after `--timeout`
  seconds per statement);
- planner settings: the same, with nested loops off for the transaction (the other cure);
- ANALYZE first: what `scores.scoring.back_fill` does, the ANALYZE's own time included;

twice: on tables never analysed (a fresh database), and on tables analysed while empty (a
database migrated and analysed before the load). The unanalysed variants run first because
ANALYZE writes part of its figures outside the transaction (pg_class's row counts).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "akimat_bench_statistics"


def database_url(given: str | None) -> str:
    if given:
        return given
    from akimat.embedded import postgres_url

    return postgres_url(ROOT / "var")


def recreate(url: str) -> str:
    """A fresh database beside the one `url` names; its URL."""
    import psycopg

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{server}/{DATABASE}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: the embedded PostgreSQL under var/")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per statement")
    args = parser.parse_args()

    url = recreate(database_url(args.database_url))
    os.environ.update(
        {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "memory://"),
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "localhost",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akimat.settings")
    import django

    django.setup()
    import importlib
    import io

    from django.core.management import call_command
    from django.db import OperationalError, connection, transaction

    from scores import demo, nightly_sql, scoring
    from scores.management.commands.seed_demo import DEMO_MODULES
    from scores.models import PersonSnapshot

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"PostgreSQL {version}; the demo at scale 1, loaded and back-filled in one transaction")
    print(f"(each statement cancelled after {args.timeout} s)\n")

    analysed = scoring.ANALYSED_FOR_BACK_FILL
    rows: list[tuple[str, str, str]] = []

    def run(label: str, setup: list[str], analyse: bool) -> None:
        scoring.ANALYSED_FOR_BACK_FILL = analysed if analyse else ()
        began = time.monotonic()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = '{args.timeout}s'")
                for statement in setup:
                    cursor.execute(statement)
                summary = demo.seed_scores()
                snapshots = PersonSnapshot.objects.count()
                transaction.set_rollback(True)  # the next variant starts from the same rows
            rows.append((label, f"{time.monotonic() - began:8.1f} s", f"{snapshots} rows"))
            print(f"{label}: {summary}")
        except OperationalError as error:
            first = str(error).splitlines()[0]
            rows.append((label, f"> {args.timeout} s", f"cancelled ({first})"))
        finally:
            scoring.ANALYSED_FOR_BACK_FILL = analysed

    def load() -> None:
        started = time.monotonic()
        for name in DEMO_MODULES:
            importlib.import_module(name).seed(scale=1, progress=lambda items: items)
        print(f"load: {time.monotonic() - started:.1f} s")

    # 1. Tables never analysed (a fresh database: a laptop's first `make run`, a new test run).
    with transaction.atomic():
        load()
        run("never analysed", [], analyse=False)
        run("never analysed, enable_nestloop off", ["SET LOCAL enable_nestloop = off"], False)
        run("never analysed, ANALYZE first (back_fill's way)", [], analyse=True)
        transaction.set_rollback(True)

    # 2. Statistics of the empty tables (analysed before the load, as a reused test database or
    # a database migrated long before the load has them): the planner trusts "no rows".
    with connection.cursor() as cursor:
        for table in analysed:
            cursor.execute(f"ANALYZE {nightly_sql.tables()[table]}")
    with transaction.atomic():
        load()
        run("analysed empty", [], analyse=False)
        run("analysed empty, enable_nestloop off", ["SET LOCAL enable_nestloop = off"], False)
        run("analysed empty, ANALYZE first (back_fill's way)", [], analyse=True)
        transaction.set_rollback(True)

    print()
    width = max(len(label) for label, _, _ in rows)
    for label, took, what in rows:
        print(f"{label:<{width}}  {took:>12}  {what}")


if __name__ == "__main__":
    main()
