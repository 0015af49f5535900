"""Hash chains over append-only tables: tamper evidence that survives a database administrator.

Each chained row carries three columns the database fills in a BEFORE INSERT trigger, inside
the inserting transaction:

- `chain_position`: 1, 2, 3… in the order the rows were committed to the chain;
- `prev_hash`: the `row_hash` of the row before it (64 zeros for the first row);
- `row_hash`: SHA-256, in hex, of `prev_hash` followed by the row's canonical content.

The canonical content is the text of a `jsonb` object of the chained columns (named in the
migration that installs the chain), made by the function `<table>_chain_content(row)` with
the time zone fixed to UTC: PostgreSQL's `jsonb` orders the keys (shorter first, then
bytewise), writes timestamps in ISO 8601 and numbers and strings one way only, so the same
row always gives the same text. The trigger takes a transaction-level advisory lock on the
table's chain before it reads the last link, so two inserts at once cannot fork the chain.

The SQL is generated here, once, for the migrations that install a chain, and the verifier
runs the same content function, so the rule is written in one place. A database extension
(pgcrypto, pgaudit) or a ledger library would need more than plpgsql, which is all the
embedded PostgreSQL has; `sha256()` is built into PostgreSQL since version 11.

A chain shows a rewritten, removed or inserted row in its middle; a row removed from the end
(or a whole table emptied) leaves a shorter, valid chain, which is why the nightly check logs
the length and the last hash: compare them with the previous night's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.db import connection
from psycopg import sql

logger = logging.getLogger(__name__)

ZERO_HASH = "0" * 64
# The first key of the two-integer advisory locks that serialise appends to a chain.
LOCK_NAMESPACE = "akimat_chain"

LINK_FUNCTION = """
CREATE OR REPLACE FUNCTION akimat_chain_link() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_position bigint;
    last_hash text;
    content text;
BEGIN
    -- One writer per chain at a time, until its transaction ends: the next writer then reads
    -- the link this one wrote (READ COMMITTED gives each statement a fresh snapshot).
    PERFORM pg_advisory_xact_lock(hashtext('akimat_chain'), hashtext(TG_TABLE_NAME));
    EXECUTE format(
        'SELECT chain_position, row_hash FROM %I ORDER BY chain_position DESC LIMIT 1',
        TG_TABLE_NAME
    ) INTO last_position, last_hash;
    NEW.chain_position := coalesce(last_position, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
    EXECUTE format('SELECT %I($1)', TG_TABLE_NAME || '_chain_content') USING NEW INTO content;
    NEW.row_hash := encode(sha256(convert_to(NEW.prev_hash || content, 'UTF8')), 'hex');
    RETURN NEW;
END;
$$;
"""

REFUSE_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION akimat_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: TRUNCATE is not allowed: the table is append-only', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def refuse_truncate_sql(table: str) -> str:
    """A BEFORE TRUNCATE trigger: an append-only table is never emptied, even by its owner."""
    return (
        sql.SQL(
            "CREATE TRIGGER {trigger} BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION akimat_refuse_truncate();"
        )
        .format(trigger=sql.Identifier(f"{table}_no_truncate"), table=sql.Identifier(table))
        .as_string(None)
    )


def drop_refuse_truncate_sql(table: str) -> str:
    return (
        sql.SQL("DROP TRIGGER IF EXISTS {trigger} ON {table};")
        .format(trigger=sql.Identifier(f"{table}_no_truncate"), table=sql.Identifier(table))
        .as_string(None)
    )


def append_only_grants_sql(table: str) -> str:
    """The portal's role may read and add rows, never change or remove them."""
    return (
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM akimat_portal;")
        .format(table=sql.Identifier(table))
        .as_string(None)
    )


def install_chain_sql(
    table: str, columns: list[str], *, pk: str = "id", paused: tuple[str, ...] = ()
) -> str:
    """Add the chain columns, the content function and the trigger to `table`, and link the rows
    it already has, oldest first (`paused`: the table's triggers that refuse the UPDATE)."""
    identifiers = {
        "pk": sql.Identifier(pk),
        "table": sql.Identifier(table),
        "content": sql.Identifier(f"{table}_chain_content"),
        "trigger": sql.Identifier(f"{table}_chain_link"),
        "position_unique": sql.Identifier(f"{table}_chain_position_unique"),
    }
    pairs = sql.SQL(", ").join(
        sql.SQL("{key}, r.{column}").format(key=sql.Literal(c), column=sql.Identifier(c))
        for c in columns
    )
    pause = sql.SQL(" ").join(
        sql.SQL("ALTER TABLE {table} DISABLE TRIGGER {name};").format(
            table=sql.Identifier(table), name=sql.Identifier(name)
        )
        for name in paused
    )
    resume = sql.SQL(" ").join(
        sql.SQL("ALTER TABLE {table} ENABLE TRIGGER {name};").format(
            table=sql.Identifier(table), name=sql.Identifier(name)
        )
        for name in paused
    )
    statements = sql.SQL(
        """
        {pause}
        ALTER TABLE {table}
            ADD COLUMN chain_position bigint,
            ADD COLUMN prev_hash char(64),
            ADD COLUMN row_hash char(64);
        CREATE FUNCTION {content}(r {table}) RETURNS text
        LANGUAGE sql STABLE SET "TimeZone" TO 'UTC'
        AS $$ SELECT jsonb_build_object({pairs})::text $$;
        DO $$
        DECLARE
            link record;
            previous text := repeat('0', 64);
            last_position bigint := 0;
        BEGIN
            FOR link IN SELECT t.{pk} AS pk, {content}(t) AS content FROM {table} t ORDER BY t.{pk}
            LOOP
                last_position := last_position + 1;
                UPDATE {table} SET chain_position = last_position, prev_hash = previous,
                    row_hash = encode(sha256(convert_to(previous || link.content, 'UTF8')), 'hex')
                    WHERE {pk} = link.pk RETURNING row_hash INTO previous;
            END LOOP;
        END;
        $$;
        ALTER TABLE {table}
            ALTER COLUMN chain_position SET NOT NULL,
            ALTER COLUMN prev_hash SET NOT NULL,
            ALTER COLUMN row_hash SET NOT NULL,
            ADD CONSTRAINT {position_unique} UNIQUE (chain_position);
        CREATE TRIGGER {trigger} BEFORE INSERT ON {table}
            FOR EACH ROW EXECUTE FUNCTION akimat_chain_link();
        {resume}
        """
    ).format(pairs=pairs, pause=pause, resume=resume, **identifiers)
    return statements.as_string(None)


def drop_chain_sql(table: str) -> str:
    return (
        sql.SQL(
            """
            DROP TRIGGER IF EXISTS {trigger} ON {table};
            DROP FUNCTION IF EXISTS {content}({table});
            ALTER TABLE {table} DROP COLUMN chain_position, DROP COLUMN prev_hash,
                DROP COLUMN row_hash;
            """
        )
        .format(
            table=sql.Identifier(table),
            content=sql.Identifier(f"{table}_chain_content"),
            trigger=sql.Identifier(f"{table}_chain_link"),
        )
        .as_string(None)
    )


@dataclasses.dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold."""

    table: str
    pk: int
    position: int | None
    when: dt.datetime | None
    reason: str


@dataclasses.dataclass(frozen=True)
class Report:
    table: str
    length: int
    head: str
    broken: Break | None


def verify_chain(table: str, date_column: str, *, pk: str = "id") -> Report:
    """Walk the chain of `table` in position order and return the first link that does not
    hold: a row whose content no longer gives its hash (rewritten), a row whose `prev_hash`
    is not the previous row's hash, or a gap in the positions (a row removed or slipped in)."""
    query = sql.SQL(
        """
        WITH walk AS (
            SELECT t.{pk} AS id, t.chain_position, t.{date} AS happened, t.prev_hash, t.row_hash,
                   encode(sha256(convert_to(t.prev_hash || {content}(t), 'UTF8')), 'hex')
                       AS recomputed,
                   lag(t.row_hash) OVER (ORDER BY t.chain_position, t.id) AS previous_hash,
                   lag(t.chain_position) OVER (ORDER BY t.chain_position, t.id)
                       AS previous_position
            FROM {table} t
        )
        SELECT id, chain_position, happened,
               CASE
                   WHEN chain_position IS NULL OR row_hash IS NULL THEN 'unlinked'
                   WHEN chain_position <> coalesce(previous_position, 0) + 1 THEN 'gap'
                   WHEN prev_hash <> coalesce(previous_hash, {zero}) THEN 'link'
                   WHEN recomputed <> row_hash THEN 'content'
               END AS reason
        FROM walk
        WHERE chain_position IS NULL OR row_hash IS NULL
           OR chain_position <> coalesce(previous_position, 0) + 1
           OR prev_hash <> coalesce(previous_hash, {zero})
           OR recomputed <> row_hash
        ORDER BY chain_position NULLS FIRST, id
        LIMIT 1
        """
    ).format(
        table=sql.Identifier(table),
        content=sql.Identifier(f"{table}_chain_content"),
        date=sql.Identifier(date_column),
        zero=sql.Literal(ZERO_HASH),
        pk=sql.Identifier(pk),
    )
    summary = sql.SQL(
        "SELECT count(*), (SELECT row_hash FROM {table} ORDER BY chain_position DESC LIMIT 1) "
        "FROM {table}"
    ).format(table=sql.Identifier(table))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None))
        row = cursor.fetchone()
        cursor.execute(summary.as_string(None))
        length, head = cursor.fetchone()
    broken = Break(table, row[0], row[1], row[2], row[3]) if row else None
    return Report(table=table, length=length, head=head or ZERO_HASH, broken=broken)


REASONS = {
    "unlinked": "it carries no link: it was inserted with the chain's trigger switched off",
    "gap": "its position does not follow the row before: a row was removed or slipped in",
    "link": "it does not point at the hash of the row before: that row was removed or rewritten",
    "content": "its content no longer gives its hash: it was changed after it was written",
}


def describe(report: Report, what: str) -> str:
    """One line for a person: the chain's length and last hash, or its first broken link."""
    if report.broken is None:
        return f"{what}: {report.length} row(s), chain intact, last hash {report.head}."
    link = report.broken
    when = f"{link.when:%Y-%m-%d %H:%M:%S %Z}" if link.when else "no date"
    return (
        f"{what}: BROKEN at {report.table} #{link.pk} (position {link.position}, {when}): "
        f"{REASONS[link.reason]}."
    )


def chain_content(table: str, key: int, *, pk: str = "id") -> str:
    """The canonical content of one row, as its hash covers it (for messages and tests)."""
    query = sql.SQL("SELECT {content}(t) FROM {table} t WHERE t.{pk} = %s").format(
        table=sql.Identifier(table),
        content=sql.Identifier(f"{table}_chain_content"),
        pk=sql.Identifier(pk),
    )
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), [key])
        return cursor.fetchone()[0]


def raise_alarm(subject: str, lines: list[str]) -> None:
    """A broken chain is logged as an error and mailed to the administrators."""
    from django.core.mail import send_mail
    from django.db.models import Q

    from akimat.models import Role, User

    logger.error("%s\n%s", subject, "\n".join(lines))
    recipients = list(
        User.objects.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        send_mail(subject, "\n".join(lines), None, recipients)
