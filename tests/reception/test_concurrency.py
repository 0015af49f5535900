"""Up to fifty receptionists at once, on real PostgreSQL with a connection each: ticket numbers
stay unique and gapless, also when some registrations fail midway and roll back.

The crowd is sized to the connections the server has free when the test starts (other clients,
the live server of a browser test, a laptop's embedded server with its own limit), so a busy
server makes the test smaller, never red."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, connections

from akimat.roles import as_owner
from reception import services
from reception.models import TicketCounter, Visit, Visitor, VisitorKind
from tests.factories import UserFactory
from tests.reception.factories import ServiceFactory, iin

pytestmark = pytest.mark.django_db(transaction=True)

MOST = 50
# Kept free for the test's own connection and whatever else connects meanwhile.
MARGIN = 5


def free_connections() -> int:
    """Client connections the server would still accept now (superuser slots not counted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT current_setting('max_connections')::int
                 - current_setting('superuser_reserved_connections')::int
                 - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')
            """
        )
        return int(cursor.fetchone()[0])


def crowd_size() -> int:
    size = min(MOST, free_connections() - MARGIN)
    assert size >= 10, f"only {size + MARGIN} free connections: too few for a concurrency test"
    return size


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
        UserFactory(username=f"reception{n}", roles=["receptionist"]) for n in range(crowd_size())
    ]
    return receptionists, ServiceFactory(prefix="A")


def test_concurrent_registrations_get_distinct_gapless_numbers(desk_staff):
    receptionists, service = desk_staff
    crowd = len(receptionists)
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

    numbers = run_at_once(register, crowd)
    assert all(isinstance(n, int) for n in numbers), numbers
    assert len(seen_backends) == crowd  # a real connection each
    assert sorted(numbers) == list(range(1, crowd + 1))  # 0 duplicates, 0 missing
    assert sorted(Visit.objects.values_list("number", flat=True)) == list(range(1, crowd + 1))
    assert TicketCounter.objects.get().last == crowd


def test_registrations_that_fail_midway_give_their_number_back(desk_staff):
    receptionists, service = desk_staff
    # A real failure inside the database, after the number is taken: the visit's INSERT is
    # refused for every visitor whose purpose says so (a trigger only the owner may add).
    with as_owner(), connection.cursor() as cursor:
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

        results = run_at_once(register, len(receptionists))
    finally:
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_fail_visit ON reception_visit; DROP FUNCTION test_fail_visit();"
            )
    # What must hold, however many registrations the server let through: every one meant to
    # fail failed, the numbers given out are 1..N with no gap where one failed, and nothing of
    # a failed registration stayed behind, not even its visitor.
    numbers = sorted(r for r in results if isinstance(r, int))
    for n, result in enumerate(results):
        if n % 5 == 0:
            assert isinstance(result, DatabaseError), (n, result)
        else:
            assert isinstance(result, int | DatabaseError), (n, result)
    assert len(numbers) >= len(results) // 2  # most registrations went through
    assert numbers == list(range(1, len(numbers) + 1))
    assert TicketCounter.objects.get().last == len(numbers)
    assert Visitor.objects.count() == len(numbers)
    assert sorted(Visit.objects.values_list("number", flat=True)) == numbers
