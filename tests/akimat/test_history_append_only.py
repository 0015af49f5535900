"""Every history table is append-only for the portal's role (akimat 0011_history_append_only):
a history row rewritten or removed by the portal would rewrite the past the figures are read
from. The walk covers every model django-simple-history tracks, so a new one cannot forget."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from simple_history.models import registered_models

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HISTORY_TABLES = sorted(
    model.history.model._meta.db_table
    for model in registered_models.values()
    if hasattr(model, "history")
)


def test_the_walk_finds_the_history_of_tasks_people_and_the_logbook():
    assert {"tasks_historicaltask", "akimat_historicaluser", "journal_historicalentry"} <= set(
        HISTORY_TABLES
    )


@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_the_portal_may_add_history_but_not_change_or_remove_it(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'SELECT'), has_table_privilege(%s, 'INSERT'),"
            " has_table_privilege(%s, 'UPDATE'), has_table_privilege(%s, 'DELETE')",
            [table] * 4,
        )
        assert cursor.fetchone() == (True, True, False, False)


def test_a_person_s_past_cannot_be_rewritten_by_the_portal():
    person = UserFactory(last_name="Ахметова")
    person.last_name = "Ахметова-Серикова"
    person.save()  # the portal adds a history row: allowed
    assert person.history.count() == 2
    for statement in (
        "UPDATE akimat_historicaluser SET last_name = 'Подделка' WHERE id = %s",
        "DELETE FROM akimat_historicaluser WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [person.pk])
    assert [h.last_name for h in person.history.order_by("history_id")] == [
        "Ахметова",
        "Ахметова-Серикова",
    ]
