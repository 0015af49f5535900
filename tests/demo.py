"""The demo for tests: `seed` runs `seed_demo`; `catch_up` moves a pinned clock on to when a shared
seeding was made; `seed_for_transactional_test` seeds once a session and restores after that.

`seed_demo` takes about twelve seconds, and some forty browser tests start from the demo in a
database that Django empties after each of them. The first such test runs `seed_demo` itself and
keeps a copy of every table in a schema of its own (SCHEMA, outside the search path, so Django
and the portal never see it); each later one gets that copy back in well under a second, with its
clock moved on to the moment the demo was made, so it sees what `seed_demo` would have left it.
Tests of `seed_demo` itself still run the command. Written here because no library restores a
PostgreSQL database's rows inside a test session (Django's serialized_rollback goes through the
ORM row by row, slower than seeding).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone
from psycopg import sql

from akimat.roles import as_owner

SCHEMA = "demo_snapshot"


@dataclass(frozen=True)
class Snapshot:
    # The hour the demo was made in (the pinned clock's), and the moment seeding ended.
    hour: dt.datetime
    made_at: dt.datetime
    # Each table with the columns it is restored by (generated columns are computed again).
    columns: dict[str, list[str]]
    # The tables with triggers of their own (append-only guards, hash chains): set aside while
    # the rows they already checked go back in as they were.
    triggered: list[str]


# The session's one snapshot, once the first transactional test has seeded the demo.
_taken: Snapshot | None = None


def seed(*args: str) -> str:
    """Run `seed_demo` with `args`; what it printed."""
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def catch_up(traveller, made_at: dt.datetime) -> None:
    """Move the test's pinned clock (`traveller`) on to `made_at`, the moment a shared seeding of
    the demo ended, as if the test had seeded it itself."""
    behind = made_at - timezone.now()
    if behind > dt.timedelta(0):
        traveller.shift(behind)


def _hour() -> dt.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def _tables() -> list[str]:
    connection = connections["default"]
    with connection.cursor():
        return sorted(connection.introspection.django_table_names(only_existing=True))


def _take() -> Snapshot:
    tables = _tables()
    made_at = timezone.now()
    with as_owner(), connections["default"].cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").format(
                schema=sql.Identifier(SCHEMA)
            )
        )
        columns: dict[str, list[str]] = {}
        for table in tables:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "'public' AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns[table] = [name for (name,) in cursor.fetchall()]
            cursor.execute(
                sql.SQL("CREATE TABLE {copy} AS SELECT * FROM {table}").format(
                    copy=sql.Identifier(SCHEMA, table), table=sql.Identifier(table)
                )
            )
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        )
        triggered = sorted(name for (name,) in cursor.fetchall() if name in columns)
    return Snapshot(hour=_hour(), made_at=made_at, columns=columns, triggered=triggered)


def _restore(snapshot: Snapshot) -> None:
    tables = list(snapshot.columns)
    with as_owner(), transaction.atomic(), connections["default"].cursor() as cursor:
        for table in snapshot.triggered:
            cursor.execute(
                sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table))
            )
        cursor.execute(
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
        )
        # Django's foreign keys are deferrable: checked once every row is back.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, names in snapshot.columns.items():
            listed = sql.SQL(", ").join(map(sql.Identifier, names))
            cursor.execute(
                sql.SQL("INSERT INTO {table} ({cols}) SELECT {cols} FROM {copy}").format(
                    table=sql.Identifier(table), cols=listed, copy=sql.Identifier(SCHEMA, table)
                )
            )
        # Checked now, every row being back: a table cannot be altered with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in snapshot.triggered:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(sql.Identifier(table))
            )
    # The content types came back with the ids they had when the demo was made.
    ContentType.objects.clear_cache()


def seed_for_transactional_test(traveller) -> None:
    """The database as `seed_demo` leaves it at this hour of the pinned clock (`traveller`, the
    pinned_clock fixture's), in a transactional test."""
    global _taken
    assert not connections["default"].in_atomic_block, "for transactional tests only"
    if _taken is None or _taken.hour != _hour():
        seed()
        _taken = _take()
        return
    _restore(_taken)
    catch_up(traveller, _taken.made_at)
