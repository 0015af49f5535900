"""Tamper evidence that survives a database administrator (issue 15, finding 5): no TRUNCATE
of the contact log even by the owner, no UPDATE or DELETE for the portal's role, and a hash
chain over it (akimat/chain.py) that `manage.py verify_contact_log` walks."""

from django.db import migrations

from akimat.chain import (
    append_only_grants_sql,
    drop_chain_sql,
    drop_refuse_truncate_sql,
    install_chain_sql,
    refuse_truncate_sql,
)

TABLE = "reception_contactlog"
# What the hash covers: who met whom, when, about what, with what outcome.
COLUMNS = [
    "id",
    "visit_id",
    "ticket",
    "official_id",
    "visitor_id",
    "organisation_id",
    "service_id",
    "department_id",
    "desk_id",
    "kind",
    "purpose",
    "started_at",
    "ended_at",
    "outcome",
    "recorded_at",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0001_initial"),
        ("akimat", "0009_portal_role"),
    ]

    operations = [
        migrations.RunSQL(
            "\n".join(
                [
                    refuse_truncate_sql(TABLE),
                    append_only_grants_sql(TABLE),
                    install_chain_sql(TABLE, COLUMNS, paused=("reception_contactlog_append_only",)),
                ]
            ),
            "\n".join(
                [
                    drop_chain_sql(TABLE),
                    f"GRANT UPDATE, DELETE ON {TABLE} TO akimat_portal;",
                    drop_refuse_truncate_sql(TABLE),
                ]
            ),
        )
    ]
