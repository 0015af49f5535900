"""The estimated wait on hand-built scenarios, worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reception import services
from reception.models import Outcome, TicketCounter, VisitStatus
from reception.selectors import directorate_queues, now_called, ticket_estimate, wait_minutes
from tests.factories import UserFactory
from tests.reception.factories import (
    MIDDAY,
    DeskFactory,
    ServiceFactory,
    ShiftFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def test_the_formula_rounds_up_and_has_no_answer_without_a_desk():
    assert wait_minutes(average_service=12, desks=2, ahead=5) == 30  # 12 × 5 ÷ 2
    assert wait_minutes(average_service=10, desks=3, ahead=2) == 7  # 6.67 rounded up
    assert wait_minutes(average_service=10, desks=1, ahead=0) == 0
    assert wait_minutes(average_service=10, desks=0, ahead=4) is None


def _done(service, minutes: int, official) -> None:
    start = timezone.now() - dt.timedelta(hours=1)
    VisitFactory(
        service=service,
        status=VisitStatus.DONE,
        outcome=Outcome.RESOLVED,
        official=official,
        desk=DeskFactory(),
        arrived_at=start - dt.timedelta(minutes=5),
        first_called_at=start,
        called_at=start,
        started_at=start,
        finished_at=start + dt.timedelta(minutes=minutes),
    )


@time_machine.travel(MIDDAY, tick=True)
def test_a_ticket_behind_five_people_with_two_desks_and_twelve_minute_services(service):
    """Two desks serve the service; today's services took 10 and 14 minutes (average 12); five
    people arrived earlier: 12 × 5 ÷ 2 = 30 minutes."""
    officials = [UserFactory(department=service.department, roles=["specialist"]) for _ in range(3)]
    ShiftFactory(official=officials[0], desk=DeskFactory(number=1), services=[service])
    ShiftFactory(official=officials[1], desk=DeskFactory(number=2), services=[service])
    closed = ShiftFactory(official=officials[2], desk=DeskFactory(number=3), services=[service])
    closed.closed_at = timezone.now()
    closed.save()
    _done(service, 10, officials[0])
    _done(service, 14, officials[1])
    now = timezone.now()
    for minutes in (25, 20, 15, 10, 5):
        VisitFactory(service=service, arrived_at=now - dt.timedelta(minutes=minutes))
    VisitFactory(service=ServiceFactory(prefix="Z"), arrived_at=now - dt.timedelta(minutes=30))
    mine = VisitFactory(service=service, arrived_at=now)
    estimate = ticket_estimate(mine)
    assert (estimate.ahead, estimate.desks, estimate.average_service) == (5, 2, 12.0)
    assert estimate.minutes == 30
    # A resident the deputy received in person away from the desk (no service time at a desk)
    # is no sample of the desk's average. (The factory's tickets bypass the day's counter.)
    TicketCounter.objects.create(day=mine.day, prefix=service.prefix, last=1_000)
    services.receive_in_person(
        official=UserFactory(roles=["deputy"]),
        service=service,
        kind="citizen",
        consent=False,
        purpose="Вопрос на выездном приёме",
    )
    assert ticket_estimate(mine).average_service == 12.0


@time_machine.travel(MIDDAY, tick=True)
def test_a_priority_visitor_has_only_earlier_priority_visitors_ahead(service):
    ShiftFactory(desk=DeskFactory(number=1), services=[service])
    now = timezone.now()
    VisitFactory(service=service, arrived_at=now - dt.timedelta(minutes=20))
    VisitFactory(service=service, priority="veteran", arrived_at=now - dt.timedelta(minutes=10))
    mine = VisitFactory(service=service, priority="disability", arrived_at=now)
    plain = VisitFactory(service=service, arrived_at=now + dt.timedelta(seconds=1))
    # Nobody served yet: the norm (12 minutes) stands in for the average.
    assert ticket_estimate(mine) == ticket_estimate(mine).__class__(1, 1, 12.0, 12)
    assert ticket_estimate(plain).ahead == 3


def test_each_directorate_counts_its_waiting_desks_and_average(service, other_service):
    ShiftFactory(desk=DeskFactory(number=1), services=[service])
    ShiftFactory(desk=DeskFactory(number=2), services=[service])
    for _ in range(4):
        VisitFactory(service=service)
    VisitFactory(service=other_service)
    _done(service, 9, None)
    queues = {q.department.slug: q for q in directorate_queues(timezone.localdate())}
    agriculture, land = queues["agriculture"], queues["land"]
    assert (agriculture.waiting, agriculture.desks, agriculture.average_service) == (4, 2, 9.0)
    assert agriculture.minutes == 18  # 9 × 4 ÷ 2
    assert (land.waiting, land.desks, land.minutes) == (1, 0, None)


@time_machine.travel(MIDDAY, tick=True)
def test_a_ticket_waits_behind_every_ticket_for_its_desk_as_the_panels_and_the_hall_say(
    client, service
):
    """Two P services, one desk serving both: six older tickets of either service are all ahead
    of a new one. The ticket says what the hall and the desk's panel said for that place: 6
    ahead, 12 × 6 ÷ 1 = 72 minutes (not "1 ahead" of its own service only)."""
    permits = ServiceFactory(department=service.department, prefix="P", service_minutes=12)
    notices = ServiceFactory(department=service.department, prefix="P", service_minutes=12)
    service.is_active = False
    service.save()
    ShiftFactory(desk=DeskFactory(number=7), services=[permits, notices])
    now = timezone.now()
    for minutes, kind in [(60, permits), (50, permits), (40, permits), (30, notices)]:
        VisitFactory(service=kind, arrived_at=now - dt.timedelta(minutes=minutes))
    VisitFactory(service=notices, arrived_at=now - dt.timedelta(minutes=20))
    VisitFactory(service=permits, arrived_at=now - dt.timedelta(minutes=10))
    [panel] = directorate_queues(timezone.localdate(), [service.department_id])
    hall = client.get(reverse("reception:board")).context_data["queues"][0]
    assert (panel.ahead, panel.desks, panel.minutes) == (6, 1, 72)
    assert (hall.ahead, hall.minutes) == (6, 72)
    mine = VisitFactory(service=notices, arrived_at=now)
    estimate = ticket_estimate(mine)
    assert (estimate.ahead, estimate.desks, estimate.minutes) == (6, 1, panel.minutes)
    # Today's services of either kind make the average of both.
    _done(permits, 10, None)
    _done(notices, 20, None)
    assert ticket_estimate(mine).minutes == 90  # 15 × 6
    [panel] = directorate_queues(timezone.localdate(), [service.department_id])
    assert panel.ahead == 7 and panel.minutes == 105  # a newcomer now waits behind mine too


@time_machine.travel(MIDDAY, tick=True)
def test_a_ticket_ahead_at_another_desk_does_not_count(service):
    """Desk 1 serves K, desk 2 serves B only: B's queue is not ahead of a K ticket."""
    other = ServiceFactory(department=service.department, prefix="B")
    ShiftFactory(desk=DeskFactory(number=1), services=[service])
    ShiftFactory(desk=DeskFactory(number=2), services=[other])
    now = timezone.now()
    for minutes in (30, 20):
        VisitFactory(service=other, arrived_at=now - dt.timedelta(minutes=minutes))
    VisitFactory(service=service, arrived_at=now - dt.timedelta(minutes=10))
    mine = VisitFactory(service=service, arrived_at=now)
    assert (ticket_estimate(mine).ahead, ticket_estimate(mine).desks) == (1, 1)


@time_machine.travel(MIDDAY, tick=True)
def test_the_hall_shows_only_the_tickets_called_now_one_per_desk(
    receptionist, official, second_official, service, desk
):
    """L-009 did not come after two calls and L-010 was called to the same desk: only L-010 is
    on the screen; a ticket whose visitor has come leaves it too."""
    register = lambda: services.register_visit(  # noqa: E731
        receptionist=receptionist, service=service, kind="entrepreneur", consent=False
    )
    absent, present, other = register(), register(), register()
    services.open_desk(official=official, desk=desk, services=[service])
    services.open_desk(official=second_official, desk=DeskFactory(number=9), services=[service])
    services.call_next(official=official)
    services.call_next(official=second_official)
    assert [v.ticket for v in now_called(timezone.localdate())] == [present.ticket, absent.ticket]
    services.call_again(official=official, visit=absent)
    assert [v.ticket for v in now_called(timezone.localdate())] == [absent.ticket, present.ticket]
    services.mark_no_show(official=official, visit=absent)
    services.call_next(official=official)
    assert [(v.ticket, v.desk.number) for v in now_called(timezone.localdate())] == [
        (other.ticket, desk.number),
        (present.ticket, 9),
    ]
    services.start_service(official=second_official, visit=present)
    assert [v.ticket for v in now_called(timezone.localdate())] == [other.ticket]
