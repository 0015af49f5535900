"""Every history table (django-simple-history) is append-only for the portal's role.

The history is the record of who changed what and when, and the figures of a past day are read
from it (`FIGURES_SQL`'s `tasks_then`, `users_then`); the portal only ever adds to it. So the
portal's role keeps SELECT and INSERT there and loses UPDATE and DELETE; TRUNCATE and DDL it never
had (it owns nothing: 0009_portal_role). A test (tests/akimat/test_history_append_only.py) walks
every tracked model, so a history table added by a later migration that forgets this fails it.
"""

from django.db import migrations
from psycopg import sql

APPS = ("akimat", "tasks", "plans", "reception", "journal")


def _history_tables(apps) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in APPS and model.__name__.startswith("Historical")
    )


def _each(statement: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        for table in _history_tables(apps):
            query = sql.SQL(statement).format(table=sql.Identifier(table))
            schema_editor.execute(query.as_string(schema_editor.connection.connection))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("akimat", "0010_submission_tokens_and_one_open_dispute"),
        ("tasks", "0002_attachment_history"),
        ("plans", "0002_versions_of_plans_goals_tactics_reviews"),
        ("reception", "0002_tamper_evidence"),
        ("journal", "0005_tamper_evidence"),
    ]

    operations = [
        migrations.RunPython(
            _each("REVOKE UPDATE, DELETE ON {table} FROM akimat_portal"),
            _each("GRANT UPDATE, DELETE ON {table} TO akimat_portal"),
        ),
    ]
