"""Is the logbook as it was written? The checks behind `manage.py verify_logbook` and the
nightly job: the hash chains over the entries' history and the kept versions
(akimat/chain.py), and every entry in the state its last history record holds (so a text
rewritten in SQL, past the portal and its history, shows)."""

from __future__ import annotations

import dataclasses

from django.db import connection, transaction

from akimat.chain import Report, describe, verify_chain

# The history record's own columns; the rest of its chained content is the entry's state.
_HISTORY_KEYS = [
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
]

# Each entry beside its latest history record (by chain position), both as jsonb over the
# columns the history chain covers; the first entry whose columns differ, or that has none.
_STATE_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (h.id) h.id, h.history_id,
           journal_historicalentry_chain_content(h)::jsonb - %(history_keys)s::text[] AS recorded
    FROM journal_historicalentry h
    ORDER BY h.id, h.chain_position DESC
), compared AS (
    SELECT e.id, e.created_at, latest.history_id, latest.recorded,
           (SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(e))
             WHERE latest.recorded ? key) AS current
    FROM journal_entry e LEFT JOIN latest ON latest.id = e.id
)
SELECT id, created_at, history_id,
       ARRAY(SELECT key FROM jsonb_each(recorded)
             WHERE recorded -> key IS DISTINCT FROM current -> key ORDER BY key)
FROM compared
WHERE recorded IS NULL OR recorded <> current
ORDER BY id
LIMIT 1
"""


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    lines: list[str]


def _entry_state() -> str | None:
    with transaction.atomic(), connection.cursor() as cursor:
        # jsonb writes timestamps in the session's time zone; the chain's content is in UTC.
        cursor.execute("SET LOCAL TimeZone TO 'UTC'")
        cursor.execute(_STATE_SQL, {"history_keys": _HISTORY_KEYS})
        row = cursor.fetchone()
    if row is None:
        return None
    pk, created_at, history_id, fields = row
    if history_id is None:
        return f"Entry #{pk} (written {created_at:%Y-%m-%d}): BROKEN: it has no history record."
    return (
        f"Entry #{pk} (written {created_at:%Y-%m-%d}): BROKEN: {', '.join(fields)} differ(s) "
        f"from its last history record #{history_id}: changed past the portal."
    )


def verify_logbook() -> Verdict:
    """Walk the logbook's chains and compare every entry with its last history record."""
    reports: list[tuple[Report, str]] = [
        (
            verify_chain("journal_historicalentry", "history_date", pk="history_id"),
            "Entries' history",
        ),
        (verify_chain("journal_entryversion", "replaced_at"), "Kept versions"),
    ]
    lines = [describe(report, what) for report, what in reports]
    state = _entry_state()
    lines.append(state or "Entries: each is in the state its last history record holds.")
    ok = state is None and all(report.broken is None for report, _ in reports)
    return Verdict(ok=ok, lines=lines)
