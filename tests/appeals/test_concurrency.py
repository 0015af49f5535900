"""Up to fifty officials registering appeals at once, on real PostgreSQL with a connection each:
coupon numbers stay unique and gapless within the year, also when some registrations fail after
taking their number and roll back. Sized to the server's free connections, as the tickets' test."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import DatabaseError, connection

from akimat.roles import as_owner
from appeals import services
from appeals.models import Appeal, AppealCounter, Channel, Kind
from tests.appeals.factories import TopicFactory, received
from tests.factories import UserFactory
from tests.reception.test_concurrency import crowd_size, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = received(dt.date(2026, 11, 23))


@pytest.fixture
def registrars():
    people = [
        UserFactory(username=f"registrar{n}", roles=["receptionist"]) for n in range(crowd_size())
    ]
    return people, TopicFactory()


def _register(registrar, topic, n: int, summary: str = "Прошу выдать справку") -> int:
    return services.register_appeal(
        registrar=registrar,
        kind=Kind.STATEMENT,
        channel=Channel.WRITTEN,
        topic=topic,
        summary=summary,
        text="Текст обращения.",
        applicant=services.Applicant(name=f"Заявитель {n}", phone=f"+7701{n:07d}"),
    ).number


def test_concurrent_registrations_get_distinct_gapless_numbers(registrars):
    people, topic = registrars
    seen_backends: set[int] = set()
    lock = threading.Lock()

    def register(n: int) -> int:
        with lock:
            seen_backends.add(connection.cursor().connection.info.backend_pid)
        return _register(people[n], topic, n)

    with time_machine.travel(MONDAY, tick=True):
        numbers = run_at_once(register, len(people))
    assert all(isinstance(n, int) for n in numbers), numbers
    assert len(seen_backends) == len(people)  # a real connection each
    assert sorted(numbers) == list(range(1, len(people) + 1))  # 0 duplicates, 0 missing
    assert AppealCounter.objects.get(year=2026).last == len(people)


def test_registrations_that_fail_midway_give_their_number_back(registrars):
    people, topic = registrars
    # A real failure inside the database after the number is taken: the appeal's INSERT is
    # refused when its summary says so (a trigger only the owner may add).
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_fail_appeal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.summary = 'сбой' THEN RAISE EXCEPTION 'simulated failure'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_fail_appeal BEFORE INSERT ON appeals_appeal
                FOR EACH ROW EXECUTE FUNCTION test_fail_appeal();
            """
        )
    try:

        def register(n: int) -> int:
            return _register(people[n], topic, n, summary="сбой" if n % 5 == 0 else "Справка")

        with time_machine.travel(MONDAY, tick=True):
            results = run_at_once(register, len(people))
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_fail_appeal ON appeals_appeal; DROP FUNCTION test_fail_appeal();"
            )
    numbers = sorted(r for r in results if isinstance(r, int))
    for n, result in enumerate(results):
        if n % 5 == 0:
            assert isinstance(result, DatabaseError), (n, result)
        else:
            assert isinstance(result, int | DatabaseError), (n, result)
    assert len(numbers) >= len(results) // 2
    assert numbers == list(range(1, len(numbers) + 1))
    assert AppealCounter.objects.get(year=2026).last == len(numbers)
    assert sorted(Appeal.objects.values_list("number", flat=True)) == numbers
