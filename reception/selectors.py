"""Reads of the reception: who sees what, and the live queue (the estimated wait, each
directorate's queue, the hall screen). Views and services ask these, never the templates.

The estimated wait is one formula: average service time ÷ open desks × people ahead, where
people ahead are all the waiting tickets ahead that compete for the same open desks (whatever
their service), the desks are those serving the ticket's service, and the average is today's
real service time (start to finish) of the finished visits of those competing services, or
their norms while nobody has been served yet; a queue with no open desk has no estimate. The
ticket, the desk's and the staff's panels and the hall screen all read it from `_Hall`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from akimat.models import Department, Role, User
from reception.models import Case, Service, Shift, Visit, Visitor, VisitStatus, served_at_desk

# Who sees and does what


def is_receptionist(user: User) -> bool:
    return user.has_role(Role.RECEPTIONIST, Role.ADMIN)


def watches_all(user: User) -> bool:
    """The deputy, the methodologist and the admin see every directorate's reception."""
    return user.sees_every_directorate()


def serves_visitors(user: User) -> bool:
    """Staff of a directorate open desks and serve the visitors of their services."""
    return user.department_id is not None and user.has_role(Role.SPECIALIST, Role.HEAD)


def queue_departments(user: User) -> QuerySet[Department]:
    """Directorates whose queue a person may see: all for the reception and the watchers, their
    own for staff, none for anyone else."""
    if watches_all(user) or is_receptionist(user):
        return Department.objects.all()
    if user.department_id and user.has_role(Role.SPECIALIST, Role.HEAD):
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.none()


def case_scope(user: User) -> Q | None:
    """The filter on cases a person may see, or None for none: all for the watchers and the
    reception (a visitor back with the missing documents comes to the desk, whatever the
    directorate), the directorate's for its head, and for everyone else on the staff the cases
    they opened or whose task they now hold (an acting person after a hand-over)."""
    if watches_all(user) or is_receptionist(user):
        return Q()
    if user.has_role(Role.HEAD) and user.department_id:
        return Q(department_id=user.department_id)
    if user.department_id:
        return Q(responsible_id=user.pk) | Q(task__responsible_id=user.pk)
    return None


def sees_statistics(user: User) -> bool:
    return watches_all(user) or is_receptionist(user) or user.has_role(Role.HEAD)


def sees_contact_log(user: User) -> bool:
    """The anti-corruption record: the deputy, the methodologist, the admin and the heads."""
    return watches_all(user) or (user.has_role(Role.HEAD) and user.department_id is not None)


def may_see_full_iin(user: User, *, official_id: int | None) -> bool:
    """An IIN is whole only for the receptionist and the official who serves the visitor."""
    return is_receptionist(user) or (official_id is not None and official_id == user.pk)


# Follow-up cases at the desk

# A case is named by its visit's ticket: "K-7", "k007", "K-007".
CASE_TICKET = re.compile(r"^([A-Za-z])\s*-?\s*(\d{1,4})$")


def case_ticket(query: str) -> tuple[str, int] | None:
    """The prefix and number of a ticket typed at the desk, or None when it is not one."""
    match = CASE_TICKET.match(query.strip())
    if match is None:
        return None
    return match[1].upper(), int(match[2])


def with_open_cases(visitors: QuerySet[Visitor]) -> QuerySet[Visitor]:
    """Each visitor's open follow-up cases as `open_cases`, with the documents received of the
    total (one query for all the visitors)."""
    cases = (
        Case.objects.filter(state=Case.State.OPEN)
        .select_related("visit", "service")
        .annotate(
            total=Count("documents"),
            received=Count("documents", filter=Q(documents__received_at__isnull=False)),
        )
        .order_by("deadline", "pk")
    )
    return visitors.prefetch_related(Prefetch("cases", queryset=cases, to_attr="open_cases"))


# The live queue


def wait_minutes(*, average_service: float, desks: int, ahead: int) -> int | None:
    """Minutes until one's turn, rounded up; None while no desk serves the queue."""
    if desks <= 0:
        return None
    return math.ceil(average_service * ahead / desks)


@dataclass(frozen=True)
class Estimate:
    ahead: int
    desks: int
    average_service: float  # minutes
    minutes: int | None


@dataclass(frozen=True)
class _Line:
    """One service today: its waiting, its finished visits and the open desks serving it."""

    service: Service
    waiting: int
    served_total: dt.timedelta | None
    served_count: int
    desks: frozenset[int]
    wanted: bool  # of a directorate asked about


class _Hall:
    """Today's queue of every service, read in one query, and the one rule that turns it into
    an estimate: a ticket competes with every waiting ticket of every service that the same
    open desks serve, so people ahead, desks and the average service time are all taken over
    that pool (the desks serving the ticket's services and everything those desks serve)."""

    def __init__(self, day: dt.date, departments: object = None) -> None:
        wanted = (
            Value(True)
            if departments is None
            else ExpressionWrapper(Q(department__in=departments), output_field=BooleanField())
        )
        visits = Visit.objects.filter(day=day, service=OuterRef("pk")).order_by()
        done = visits.filter(served_at_desk()).values("service")
        rows = (
            Service.objects.select_related("department")
            .annotate(
                wanted=wanted,
                waiting_now=Coalesce(
                    Subquery(
                        visits.filter(status=VisitStatus.WAITING)
                        .values("service")
                        .annotate(n=Count("pk"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    0,
                ),
                served_total=Subquery(
                    done.annotate(t=Sum(F("finished_at") - F("started_at"))).values("t"),
                    output_field=DurationField(),
                ),
                served_count=Coalesce(
                    Subquery(done.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                    0,
                ),
                open_desks=ArraySubquery(
                    Shift.services.through.objects.filter(
                        service=OuterRef("pk"), shift__closed_at__isnull=True
                    ).values("shift_id")
                ),
            )
            .order_by("department__name_ru", "position", "pk")
        )
        self.lines = [
            _Line(
                service=row,
                waiting=row.waiting_now,
                served_total=row.served_total,
                served_count=row.served_count,
                desks=frozenset(row.open_desks),
                wanted=row.wanted,
            )
            for row in rows
        ]

    def pool(self, lines: list[_Line]) -> tuple[list[_Line], int]:
        """The services competing for the desks that serve `lines`, and how many desks."""
        desks = frozenset().union(*(line.desks for line in lines))
        return [line for line in self.lines if line.desks & desks], len(desks)

    @staticmethod
    def average(pool: list[_Line], fallback: list[_Line]) -> float:
        """Today's average service time over the pool, or the mean of its norms until someone
        is served (of the fallback's norms while no desk is open)."""
        count = sum(line.served_count for line in pool)
        if count:
            total = sum((line.served_total or dt.timedelta() for line in pool), dt.timedelta())
            return float(total.total_seconds() / 60 / count)
        norms = [line.service.service_minutes for line in pool or fallback]
        return sum(norms) / len(norms) if norms else 15.0


def ticket_estimate(visit: Visit) -> Estimate:
    """People ahead of a waiting ticket among all who compete for its desks, and its wait."""
    hall = _Hall(visit.day)
    own = [line for line in hall.lines if line.service.pk == visit.service_id]
    pool, desks = hall.pool(own)
    services = [line.service.pk for line in pool] or [visit.service_id]
    same_rank = Q(priority="") if not visit.priority else ~Q(priority="")
    earlier = Q(arrived_at__lt=visit.arrived_at) | Q(arrived_at=visit.arrived_at, pk__lt=visit.pk)
    before = same_rank & earlier
    if not visit.priority:
        before |= ~Q(priority="")
    ahead = (
        Visit.objects.filter(day=visit.day, status=VisitStatus.WAITING, service__in=services)
        .exclude(pk=visit.pk)
        .filter(before)
        .count()
    )
    average = hall.average(pool, own)
    return Estimate(
        ahead, desks, average, wait_minutes(average_service=average, desks=desks, ahead=ahead)
    )


@dataclass(frozen=True)
class DirectorateQueue:
    department: Department
    waiting: int  # the directorate's own waiting tickets
    desks: int
    average_service: float
    minutes: int | None  # the estimated wait of someone registered now
    ahead: int = 0  # everyone a newcomer would wait behind, whatever their service


def directorate_queues(day: dt.date, departments: object = None) -> list[DirectorateQueue]:
    """Every directorate that offers services: waiting, open desks, the average service time
    and the estimated wait for a newcomer, by the ticket's own rule (one query)."""
    hall = _Hall(day, departments)
    by_department: dict[int, list[_Line]] = {}
    for line in hall.lines:
        by_department.setdefault(line.service.department_id, []).append(line)
    result = []
    for lines in by_department.values():
        department = lines[0].service.department
        offered = [line for line in lines if line.service.is_active]
        if not offered or not lines[0].wanted:
            continue
        pool, desks = hall.pool(offered)
        ahead = sum(line.waiting for line in pool)
        average = hall.average(pool, offered)
        result.append(
            DirectorateQueue(
                department=department,
                waiting=sum(line.waiting for line in lines),
                desks=desks,
                average_service=average,
                minutes=wait_minutes(average_service=average, desks=desks, ahead=ahead),
                ahead=ahead,
            )
        )
    return result


def now_called(day: dt.date, limit: int = 8) -> list[Visit]:
    """The tickets called now, the latest call first, one per desk, for the hall screen: a
    ticket leaves the screen once its visitor has come, has not come or has been served."""
    calls = list(
        Visit.objects.filter(day=day, status=VisitStatus.CALLED, desk__isnull=False)
        .select_related("desk")
        .only("prefix", "number", "status", "calls", "called_at", "desk__number")
        .order_by("desk_id", "-called_at", "-pk")
        .distinct("desk_id")
    )
    calls.sort(key=lambda visit: (visit.called_at, visit.pk), reverse=True)
    return calls[:limit]


def waiting_list(day: dt.date, departments: object) -> list[Visit]:
    """Who is waiting (or on hold) in the given directorates, in call order."""
    return list(
        Visit.objects.on_day(day)
        .filter(status__in=[VisitStatus.WAITING, VisitStatus.ON_HOLD], department__in=departments)
        .select_related("service", "department", "visitor")
        .in_call_order()
    )


def wait_level(visit: Visit, now: dt.datetime) -> str:
    """How a waiting time compares with the service's norm: ok, near (over ¾ of it), over."""
    waited = visit.waited_minutes(now)
    norm = visit.service.wait_minutes
    if waited > norm:
        return "over"
    if waited * 4 > norm * 3:
        return "near"
    return "ok"


def annotate_waits(visits: list[Visit], now: dt.datetime | None = None) -> list[Visit]:
    now = now or timezone.now()
    for visit in visits:
        visit.waited = visit.waited_minutes(now)
        visit.level = wait_level(visit, now)
    return visits
