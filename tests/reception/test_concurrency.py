"""Fifty receptionists at once, on real PostgreSQL with a connection each: ticket numbers stay
unique and gapless, also when some registrations fail midway and roll back."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, connections

from reception import services
from reception.models import TicketCounter, Visit, Visitor, VisitorKind
from tests.factories import UserFactory
from tests.reception.factories import ServiceFactory, iin

pytestmark = pytest.mark.django_db(transaction=True)

RECEPTIONISTS = 50


def run_at_once(work: Callable[[int], object], count: int) -> list[object]:
    """Run `work(n)` in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = work(n)
        except Exception as error:  # the test inspects what each thread met
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def desk_staff():
    receptionists = [
        UserFactory(username=f"reception{n}", roles=["receptionist"]) for n in range(RECEPTIONISTS)
    ]
    return receptionists, ServiceFactory(prefix="A")


def test_fifty_concurrent_registrations_get_distinct_gapless_numbers(desk_staff):
    receptionists, service = desk_staff
    seen_backends: set[int] = set()
    lock = threading.Lock()

    def register(n: int) -> int:
        with lock:
            seen_backends.add(connection.cursor().connection.info.backend_pid)
        visit = services.register_visit(
            receptionist=receptionists[n],
            service=service,
            kind=VisitorKind.ENTREPRENEUR,
            consent=True,
            full_name=f"Посетитель {n}",
            iin=iin(n + 1),
        )
        return visit.number

    numbers = run_at_once(register, RECEPTIONISTS)
    assert all(isinstance(n, int) for n in numbers), numbers
    assert len(seen_backends) == RECEPTIONISTS  # fifty real connections
    assert sorted(numbers) == list(range(1, RECEPTIONISTS + 1))  # 0 duplicates, 0 missing
    assert sorted(Visit.objects.values_list("number", flat=True)) == list(
        range(1, RECEPTIONISTS + 1)
    )
    assert TicketCounter.objects.get().last == RECEPTIONISTS


def test_registrations_that_fail_midway_give_their_number_back(desk_staff):
    receptionists, service = desk_staff
    # A real failure inside the database, after the number is taken: the visit's INSERT is
    # refused for every visitor whose purpose says so.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_fail_visit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.purpose = 'сбой' THEN RAISE EXCEPTION 'simulated failure'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_fail_visit BEFORE INSERT ON reception_visit
                FOR EACH ROW EXECUTE FUNCTION test_fail_visit();
            """
        )
    try:

        def register(n: int) -> int:
            return services.register_visit(
                receptionist=receptionists[n],
                service=service,
                kind=VisitorKind.CITIZEN,
                consent=True,
                full_name=f"Посетитель {n}",
                iin=iin(n + 1),
                purpose="сбой" if n % 5 == 0 else "консультация",
            ).number

        results = run_at_once(register, RECEPTIONISTS)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_fail_visit ON reception_visit; DROP FUNCTION test_fail_visit();"
            )
    failed = [r for r in results if isinstance(r, DatabaseError)]
    numbers = sorted(r for r in results if isinstance(r, int))
    assert len(failed) == RECEPTIONISTS // 5
    assert len(numbers) == RECEPTIONISTS - len(failed)
    assert numbers == list(range(1, len(numbers) + 1))  # no gap where a registration failed
    assert TicketCounter.objects.get().last == len(numbers)
    # Nothing of the failed registrations stayed behind, not even their visitors.
    assert Visitor.objects.count() == len(numbers)
