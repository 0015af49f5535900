"""The contact log is append-only in the database itself: no UPDATE, no DELETE, however asked.
The portal's role holds no UPDATE or DELETE on it (akimat/roles.py), so the database refuses
it before the trigger does; the trigger stands for its owner (tests/journal/test_tamper.py)."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction

from reception.models import ContactLog, Outcome
from tests.reception.factories import VisitFactory, VisitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(official, service, desk):
    visit = VisitFactory(service=service, visitor=VisitorFactory(), official=official, desk=desk)
    return ContactLog.objects.create(
        visit=visit,
        ticket=visit.ticket,
        official=official,
        visitor=visit.visitor,
        service=service,
        department=service.department,
        desk=desk,
        kind=visit.kind,
        started_at=visit.arrived_at,
        ended_at=visit.arrived_at,
        outcome=Outcome.RESOLVED,
    )


def _refused(action) -> str:
    with pytest.raises(ProgrammingError) as error, transaction.atomic():
        action()
    return str(error.value)


def test_the_orm_cannot_change_or_delete_an_entry(entry):
    entry.outcome = Outcome.CONSULTATION
    refused = "permission denied for table reception_contactlog"
    assert refused in _refused(entry.save)
    assert refused in _refused(
        lambda: ContactLog.objects.filter(pk=entry.pk).update(outcome="consultation")
    )
    assert refused in _refused(entry.delete)
    assert refused in _refused(ContactLog.objects.all().delete)
    assert ContactLog.objects.get().outcome == Outcome.RESOLVED


def test_raw_sql_cannot_change_or_delete_an_entry(entry):
    def update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reception_contactlog SET outcome = 'consultation'")

    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM reception_contactlog WHERE id = %s", [entry.pk])

    assert "permission denied for table reception_contactlog" in _refused(update)
    assert "permission denied for table reception_contactlog" in _refused(delete)
    assert ContactLog.objects.filter(pk=entry.pk, outcome=Outcome.RESOLVED).exists()


def test_new_entries_are_still_written(entry):
    second = ContactLog.objects.create(
        visit=entry.visit,
        ticket=entry.ticket,
        official=entry.official,
        service=entry.service,
        department=entry.department,
        kind=entry.kind,
        started_at=entry.started_at,
        ended_at=entry.ended_at,
        outcome=Outcome.CONSULTATION,
    )
    assert ContactLog.objects.count() == 2 and second.pk != entry.pk
