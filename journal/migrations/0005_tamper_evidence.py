"""Tamper evidence that survives a database administrator (issue 15, finding 5).

- No TRUNCATE of an entry, a kept version, an attachment or an entry's history, even by the
  owner (BEFORE TRUNCATE triggers), and the portal's role holds no UPDATE or DELETE where the
  triggers refuse them.
- An entry's history (every state it was written, edited or withdrawn in) is append-only too.
- Hash chains (akimat/chain.py) over the entry's history and over the kept versions:
  `manage.py verify_logbook` walks them and checks that every entry is in the state its last
  history record says, so a text rewritten in SQL after the grace period shows.
"""

from django.db import migrations

from akimat.chain import (
    append_only_grants_sql,
    drop_chain_sql,
    drop_refuse_truncate_sql,
    install_chain_sql,
    refuse_truncate_sql,
)

APPEND_ONLY = [
    "journal_entry",
    "journal_entryversion",
    "journal_entryattachment",
    "journal_historicalentry",
]

# The columns each chain's hash covers; what a person wrote and when.
HISTORY_COLUMNS = [
    "history_id",
    "id",
    "occurred_at",
    "kind",
    "title",
    "body",
    "duration_minutes",
    "created_at",
    "edited_at",
    "withdrawn_at",
    "withdrawal_reason",
    "author_id",
    "withdrawn_by_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
]
VERSION_COLUMNS = [
    "id",
    "entry_id",
    "number",
    "occurred_at",
    "kind",
    "title",
    "body",
    "body_html",
    "tags",
    "written_at",
    "replaced_at",
    "replaced_by_id",
]

FORWARD = "\n".join(
    [
        *(refuse_truncate_sql(table) for table in APPEND_ONLY),
        "REVOKE DELETE ON journal_entry, journal_entryattachment FROM akimat_portal;",
        *(
            append_only_grants_sql(table)
            for table in ["journal_entryversion", "journal_historicalentry"]
        ),
        install_chain_sql("journal_historicalentry", HISTORY_COLUMNS, pk="history_id"),
        "CREATE TRIGGER journal_historicalentry_no_change BEFORE UPDATE OR DELETE"
        " ON journal_historicalentry FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();",
        install_chain_sql(
            "journal_entryversion", VERSION_COLUMNS, paused=("journal_entryversion_no_change",)
        ),
    ]
)

REVERSE = "\n".join(
    [
        drop_chain_sql("journal_entryversion"),
        drop_chain_sql("journal_historicalentry"),
        "DROP TRIGGER IF EXISTS journal_historicalentry_no_change ON journal_historicalentry;",
        "GRANT UPDATE, DELETE ON journal_entry, journal_entryattachment, journal_entryversion,"
        " journal_historicalentry TO akimat_portal;",
        *(drop_refuse_truncate_sql(table) for table in APPEND_ONLY),
    ]
)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0004_word_export_jobs"),
        ("akimat", "0009_portal_role"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
