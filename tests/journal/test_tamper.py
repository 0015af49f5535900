"""Tamper evidence that survives a database administrator (issue 15, finding 5).

The portal's role cannot empty, alter or switch off the guards of the append-only tables; the
owner, who can, is still refused a TRUNCATE, and what the owner rewrites behind the triggers'
backs the hash chains show: `verify_logbook` names the first broken link and exits non-zero.
"""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from akimat.roles import as_owner
from journal import jobs, services
from journal.integrity import verify_logbook
from journal.models import Entry, EntryVersion
from tests.factories import UserFactory
from tests.journal.conftest import ago

APPEND_ONLY = [
    "journal_entry",
    "journal_entryversion",
    "journal_entryattachment",
    "journal_historicalentry",
    "reception_contactlog",
]


def _refused(statement: str) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    return str(error.value)


def _as_owner(*statements: str) -> None:
    """One transaction as the owner: a trigger switched off comes back on whatever happens."""
    with as_owner(), transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys checked at once: a pending check would forbid the ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)


def _verify() -> str:
    """The command's output; it must fail."""
    with pytest.raises(CommandError):
        call_command("verify_logbook", stdout=(out := _Out()))
    return out.text


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


# --- what the portal's role may not do ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_portal_cannot_empty_alter_or_disarm_an_append_only_table(table):
    assert "permission denied" in _refused(f"TRUNCATE {table}")
    assert "must be owner" in _refused(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    assert "must be owner" in _refused(f"ALTER TABLE {table} ADD COLUMN forged text")
    assert "must be owner" in _refused(f"DROP TRIGGER {table}_no_truncate ON {table}")
    assert "permission denied" in _refused("SET session_replication_role = replica")


@pytest.mark.django_db
def test_the_portal_owns_nothing_and_is_no_superuser():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone() == (0,)


# --- what the owner may not do, and what the chain shows ---------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_even_the_owner_cannot_truncate_an_append_only_table(table):
    with pytest.raises(DatabaseError, match="TRUNCATE is not allowed"):
        _as_owner(f"TRUNCATE {table} CASCADE")


@pytest.fixture
def logbook(methodologist):
    """Three entries, the first edited after the grace period (so one version is kept)."""
    first = services.create_entry(author=methodologist, body="Первая", written_at=ago(days=2))
    entry = Entry.objects.get(pk=first.pk)
    services.update_entry(
        entry=entry,
        actor=methodologist,
        version=entry.version,
        body="Первая, исправленная",
        kind=entry.kind,
        title=entry.title,
        occurred_at=entry.occurred_at,
        tags=[],
        departments=[],
        people=[],
        tasks=[],
        participants=[],
        duration_minutes=None,
        shared_with=[],
    )
    second = services.create_entry(author=methodologist, body="Вторая", written_at=ago(days=2))
    third = services.create_entry(author=methodologist, body="Третья")
    return [first, second, third]


@pytest.mark.django_db(transaction=True)
def test_an_untouched_logbook_verifies(logbook):
    verdict = verify_logbook()
    assert verdict.ok, verdict.lines
    assert "Entries' history: 4 row(s), chain intact" in verdict.lines[0]
    assert "Kept versions: 1 row(s), chain intact" in verdict.lines[1]


@pytest.mark.django_db(transaction=True)
def test_a_text_rewritten_in_sql_after_the_grace_period_is_found(logbook):
    second = logbook[1]
    _as_owner(
        "ALTER TABLE journal_entry DISABLE TRIGGER USER",
        f"UPDATE journal_entry SET body = 'Переписано' WHERE id = {second.pk}",
        "ALTER TABLE journal_entry ENABLE TRIGGER USER",
    )
    output = _verify()
    assert f"Entry #{second.pk}" in output and "body differ(s)" in output


@pytest.mark.django_db(transaction=True)
def test_a_history_record_rewritten_behind_the_triggers_is_found(logbook):
    _as_owner(
        "ALTER TABLE journal_historicalentry DISABLE TRIGGER USER",
        f"UPDATE journal_historicalentry SET body = 'Переписано' WHERE id = {logbook[1].pk}",
        f"UPDATE journal_entry SET body = 'Переписано' WHERE id = {logbook[1].pk}",
        "ALTER TABLE journal_historicalentry ENABLE TRIGGER USER",
    )
    output = _verify()
    history_id = Entry.history.get(id=logbook[1].pk).history_id
    assert f"journal_historicalentry #{history_id}" in output
    assert "changed after it was written" in output


@pytest.mark.django_db(transaction=True)
def test_a_kept_version_removed_behind_the_triggers_is_found(logbook, methodologist):
    entry = Entry.objects.get(pk=logbook[1].pk)
    services.update_entry(
        entry=entry,
        actor=methodologist,
        version=entry.version,
        body="Вторая, исправленная",
        kind=entry.kind,
        title=entry.title,
        occurred_at=entry.occurred_at,
        tags=[],
        departments=[],
        people=[],
        tasks=[],
        participants=[],
        duration_minutes=None,
        shared_with=[],
    )
    first, second = EntryVersion.objects.order_by("pk")
    _as_owner(
        "ALTER TABLE journal_entryversion DISABLE TRIGGER USER",
        f"DELETE FROM journal_entryversion WHERE id = {first.pk}",
        "ALTER TABLE journal_entryversion ENABLE TRIGGER USER",
    )
    output = _verify()
    assert f"journal_entryversion #{second.pk}" in output and "a row was removed" in output


@pytest.mark.django_db(transaction=True)
def test_a_broken_chain_at_night_is_logged_and_mailed_to_the_admins(logbook, caplog):
    UserFactory(username="root", is_superuser=True, email="root@akimat.example")
    _as_owner(
        "ALTER TABLE journal_entry DISABLE TRIGGER USER",
        f"UPDATE journal_entry SET title = 'Чужой заголовок' WHERE id = {logbook[2].pk}",
        "ALTER TABLE journal_entry ENABLE TRIGGER USER",
    )
    assert jobs.verify_logbook.apply().get() is False
    assert "The logbook's hash chain is broken" in caplog.text
    assert [m.to for m in mail.outbox] == [["root@akimat.example"]]
    assert f"Entry #{logbook[2].pk}" in mail.outbox[0].body and "title" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_entries_written_at_once_do_not_fork_the_chain(methodologist):
    """Four methodologists' sessions write at the same moment, each on its own connection."""
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            services.create_entry(author=methodologist, body=f"Запись {n}")
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = verify_logbook()
    assert verdict.ok, verdict.lines
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(chain_position ORDER BY chain_position) FROM journal_historicalentry"
        )
        assert cursor.fetchone()[0] == [1, 2, 3, 4]
