"""Reads of the live queue: the estimated wait, each directorate's queue, the hall screen.

The estimated wait is the issue's formula: average service time ÷ open desks × people ahead.
The average is today's real service time (start to finish) of the finished visits, or the
service's norm while nobody has been served yet; a queue with no open desk has no estimate.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from akimat.models import Department
from reception.models import Service, Shift, Visit, VisitStatus


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


def _minutes(duration: dt.timedelta | None, norm: float) -> float:
    return duration.total_seconds() / 60 if duration else float(norm)


def ticket_estimate(visit: Visit) -> Estimate:
    """People ahead of a waiting ticket in its service's queue, and its estimated wait."""
    same_rank = Q(priority="") if not visit.priority else ~Q(priority="")
    earlier = Q(arrived_at__lt=visit.arrived_at) | Q(arrived_at=visit.arrived_at, pk__lt=visit.pk)
    before = same_rank & earlier
    if not visit.priority:
        before |= ~Q(priority="")
    today = Visit.objects.filter(day=visit.day, service_id=visit.service_id).exclude(pk=visit.pk)
    figures = today.aggregate(
        ahead=Count("pk", filter=Q(status=VisitStatus.WAITING) & before),
        served=Avg(F("finished_at") - F("started_at"), filter=Q(status=VisitStatus.DONE)),
    )
    ahead = figures["ahead"]
    desks = Shift.objects.filter(closed_at__isnull=True, services=visit.service_id).count()
    average = _minutes(figures["served"], visit.service.service_minutes)
    return Estimate(
        ahead, desks, average, wait_minutes(average_service=average, desks=desks, ahead=ahead)
    )


@dataclass(frozen=True)
class DirectorateQueue:
    department: Department
    waiting: int
    desks: int
    average_service: float
    minutes: int | None  # the estimated wait of someone registered now


def directorate_queues(day: dt.date, departments: object = None) -> list[DirectorateQueue]:
    """Every directorate that offers services: waiting, open desks, the average service time
    and the estimated wait for a newcomer (one query, whatever the size of the queue)."""
    waiting = (
        Visit.objects.filter(day=day, status=VisitStatus.WAITING, department=OuterRef("pk"))
        .order_by()
        .values("department")
        .annotate(n=Count("pk"))
        .values("n")
    )
    desks = (
        Shift.services.through.objects.filter(
            shift__closed_at__isnull=True, service__department=OuterRef("pk")
        )
        .order_by()
        .values("service__department")
        .annotate(n=Count("shift", distinct=True))
        .values("n")
    )
    served = (
        Visit.objects.filter(day=day, status=VisitStatus.DONE, department=OuterRef("pk"))
        .order_by()
        .values("department")
        .annotate(a=Avg(F("finished_at") - F("started_at")))
        .values("a")
    )
    norm = (
        Service.objects.filter(is_active=True, department=OuterRef("pk"))
        .order_by()
        .values("department")
        .annotate(a=Avg("service_minutes"))
        .values("a")
    )
    rows = Department.objects.filter(
        Exists(Service.objects.filter(is_active=True, department=OuterRef("pk")))
    )
    if departments is not None:
        rows = rows.filter(pk__in=departments)
    rows = rows.annotate(
        waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), 0),
        desks=Coalesce(Subquery(desks, output_field=IntegerField()), 0),
        served=Subquery(served, output_field=DurationField()),
        norm=Subquery(norm),
    ).order_by("name_ru")
    result = []
    for row in rows:
        average = _minutes(row.served, float(row.norm or 15))
        result.append(
            DirectorateQueue(
                department=row,
                waiting=row.waiting,
                desks=row.desks,
                average_service=average,
                minutes=wait_minutes(average_service=average, desks=row.desks, ahead=row.waiting),
            )
        )
    return result


def last_called(day: dt.date, limit: int = 8) -> list[Visit]:
    """The latest calls of the day, newest first, for the hall screen."""
    return list(
        Visit.objects.filter(day=day, called_at__isnull=False)
        .exclude(status=VisitStatus.WAITING)
        .select_related("desk")
        .only("prefix", "number", "status", "called_at", "desk__number")
        .order_by("-called_at", "-pk")[:limit]
    )


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
        visit.waited = visit.waited_minutes(now)  # type: ignore[attr-defined]
        visit.level = wait_level(visit, now)  # type: ignore[attr-defined]
    return visits
