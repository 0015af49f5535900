"""The contact log's hash chain (issue 15, finding 5): what the owner rewrites or removes behind
the triggers' backs, `verify_contact_log` names, and exits non-zero."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from akimat.roles import as_owner
from reception.models import ContactLog, Outcome
from tests.reception.factories import VisitFactory, VisitorFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contact_log(official, service, desk):
    """Three meetings of an official with visitors, written one after another."""
    rows = []
    for n in range(3):
        visit = VisitFactory(
            service=service, visitor=VisitorFactory(), official=official, desk=desk
        )
        rows.append(
            ContactLog.objects.create(
                visit=visit,
                ticket=visit.ticket,
                official=official,
                visitor=visit.visitor,
                service=service,
                department=service.department,
                desk=desk,
                kind=visit.kind,
                purpose=f"Вопрос {n}",
                started_at=visit.arrived_at,
                ended_at=visit.arrived_at,
                outcome=Outcome.RESOLVED,
            )
        )
    return rows


def _behind_the_triggers(*statements: str) -> None:
    """The owner switches the table's triggers off, does the deed and switches them back on."""
    with as_owner(), transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys checked at once: a pending check would forbid the ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE reception_contactlog DISABLE TRIGGER USER")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("ALTER TABLE reception_contactlog ENABLE TRIGGER USER")


def _verify() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_contact_log", stdout=out)
    return out.getvalue()


def test_an_untouched_contact_log_verifies(contact_log):
    out = io.StringIO()
    call_command("verify_contact_log", stdout=out)
    assert "Contact log: 3 row(s), chain intact" in out.getvalue()


def test_an_outcome_rewritten_by_the_owner_is_found(contact_log):
    middle = contact_log[1]
    _behind_the_triggers(
        f"UPDATE reception_contactlog SET outcome = 'consultation' WHERE id = {middle.pk}"
    )
    output = _verify()
    assert f"reception_contactlog #{middle.pk} (position 2," in output
    assert "changed after it was written" in output


def test_a_rewrite_with_its_hash_recomputed_breaks_the_next_link(contact_log):
    middle, last = contact_log[1], contact_log[2]
    _behind_the_triggers(
        f"UPDATE reception_contactlog SET outcome = 'consultation' WHERE id = {middle.pk}",
        "UPDATE reception_contactlog t SET row_hash = encode(sha256(convert_to("
        "t.prev_hash || reception_contactlog_chain_content(t), 'UTF8')), 'hex')"
        f" WHERE id = {middle.pk}",
    )
    output = _verify()
    assert f"reception_contactlog #{last.pk}" in output and "removed or rewritten" in output


def test_a_meeting_removed_by_the_owner_is_found(contact_log):
    _behind_the_triggers(f"DELETE FROM reception_contactlog WHERE id = {contact_log[0].pk}")
    output = _verify()
    assert f"reception_contactlog #{contact_log[1].pk}" in output and "a row was removed" in output


def test_a_meeting_slipped_in_with_the_chain_switched_off_is_found(contact_log):
    """Forged as the next meeting after the first, with the first's hash as its link."""
    first = contact_log[0]
    _behind_the_triggers(
        "INSERT INTO reception_contactlog (visit_id, ticket, official_id, service_id,"
        " department_id, kind, purpose, started_at, ended_at, outcome, recorded_at,"
        " chain_position, prev_hash, row_hash)"
        " SELECT visit_id, ticket, official_id, service_id, department_id, kind, 'задним числом',"
        " started_at, ended_at, outcome, recorded_at, 4, row_hash, row_hash"
        f" FROM reception_contactlog WHERE id = {first.pk}"
    )
    output = _verify()
    assert "position 4" in output and "does not point at the hash of the row before" in output
