"""Gapless numbers (tickets, appeal coupons, protocols) taken from a counter row.

Written here once because three apps number their records the same way and no library does it
inside the caller's transaction: `next_number` upserts the counter row, which locks it until the
surrounding transaction ends, so concurrent callers queue on it one by one, and a caller that
fails later gives its number back with the rollback. The numbers stay unique and gapless.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def next_number(counter: type[models.Model], **key: object) -> int:
    """The next number of the counter row with `key` (its unique columns, plain fields named as
    their columns); the model has those columns and an integer `last`."""
    table = connection.ops.quote_name(counter._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(column) for column in key)
    placeholders = ", ".join(["%s"] * len(key))
    params: list[Any] = list(key.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quoted}, last) VALUES ({placeholders}, 1) "  # noqa: S608 -- names from the model's meta, values bound
            f"ON CONFLICT ({quoted}) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            params,
        )
        row = cursor.fetchone()
    assert row is not None  # RETURNING always gives the row
    return int(row[0])
