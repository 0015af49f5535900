"""Reads of the control of execution: the protocols of a month with their decisions' figures,
the same summed per chair, one protocol's decisions with each one's state, and the days from a
protocol's sign-off to its decisions' acceptance (also the logbook's indicator "protocol_days").

A decision's state is its task's, by the tasks' own figures (tasks.models: `done_on_time`,
`overdue_at`, OPEN_STATUSES), never written again here:

- cancelled: the decision cancelled by an amendment, or its task cancelled; counted apart;
- done on time: `done_on_time()`; done late: done and not on time;
- overdue: `overdue_at(now)` (a result handed in on time and awaiting acceptance is not);
- open: open and not overdue.

Every figure is a `Count(filter=...)` over the decisions' Task rows grouped in SQL (by protocol,
or by chair), so a page costs the same few queries however many protocols and decisions there
are; the order (red first, then amber, then green) is computed in the same query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.functional import cached_property

from akimat.models import Role, User
from meetings.models import Protocol
from tasks.models import OPEN_STATUSES, Status, Task, done_on_time, overdue_at

# The colours of a protocol, in the order the month's list shows them.
RED, AMBER, GREEN = "red", "amber", "green"
# A protocol whose every decision is cancelled: nothing to do, nothing done; listed last.
GREY = "grey"
PAGE_SIZE = 20
DECISIONS_PAGE_SIZE = 50
SECONDS_PER_DAY = 86_400.0


class Epoch(Func):
    """Seconds in an interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


# --- the rules over a decision's task (Task rows joined to their decisions) -------------------


def cancelled() -> Q:
    """A decision out of the count: cancelled by an amendment, or its task cancelled."""
    return Q(protocol_decision__cancelled=True) | Q(status=Status.CANCELLED)


def live() -> Q:
    return ~cancelled()


def days_to_acceptance() -> CombinedExpression:
    """Days (a fraction) from the protocol's sign-off to the acceptance of the decision's task;
    meaningful for a task done."""
    return Epoch(F("done_at") - F("protocol_decision__protocol__signed_at")) / SECONDS_PER_DAY


def decision_tasks() -> QuerySet[Task]:
    """The tasks made of protocols' decisions."""
    return Task.objects.filter(protocol_decision__isnull=False)


def _figures(at: dt.datetime) -> dict[str, Any]:
    """The counts of a group of decisions' tasks at `at`, as aggregates."""
    alive = live()
    return {
        "on_time": Count("pk", filter=alive & done_on_time()),
        "done": Count("pk", filter=alive & Q(status=Status.DONE)),
        "open_all": Count("pk", filter=alive & Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=alive & overdue_at(at)),
        "cancelled": Count("pk", filter=cancelled()),
    }


def _rank() -> Case:
    """Red (any overdue) 0, amber (any open) 1, green (all done) 2, grey (all cancelled) 3."""
    return Case(
        When(overdue__gt=0, then=Value(0)),
        When(open_all__gt=0, then=Value(1)),
        When(done__gt=0, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Counts:
    """A group's figures: what the pages show for a protocol, a chair, a decision list."""

    on_time: int = 0
    done: int = 0
    open_all: int = 0
    overdue: int = 0
    cancelled: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Counts:
        return cls(**{name: row.get(name) or 0 for name in cls.__dataclass_fields__})

    @property
    def late(self) -> int:
        return self.done - self.on_time

    @property
    def open(self) -> int:
        """Open and not overdue."""
        return self.open_all - self.overdue

    @property
    def total(self) -> int:
        """The live decisions (the cancelled ones apart)."""
        return self.done + self.open_all

    @property
    def remaining(self) -> int:
        return self.open_all

    @property
    def share_done(self) -> int | None:
        """Per cent of the live decisions done, rounded down; None without any."""
        return self.done * 100 // self.total if self.total else None

    @property
    def all_done(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def colour(self) -> str:
        if self.overdue:
            return RED
        if self.open_all:
            return AMBER
        return GREEN if self.total else GREY


# --- the scope ---------------------------------------------------------------------------------


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local month starting on `month` (its first day), as aware moments [start, end)."""
    first = month.replace(day=1)
    following = shift_month(first, 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(following, dt.time()))


def followed_protocols(user: User) -> QuerySet[Protocol]:
    """The signed protocols a person follows on the control page: the deputy, the methodologist
    and the admin every one; a head their directorate's meetings'; anyone those of the meetings
    they chair or keep (as secretary)."""
    signed = Protocol.objects.filter(status=Protocol.Status.SIGNED)
    if user.sees_every_directorate():
        return signed
    mine = Q(meeting__chair=user) | Q(meeting__secretary=user)
    if user.has_role(Role.HEAD):
        mine |= Q(meeting__department__head=user)
    return signed.filter(mine)


def signed_in(protocols: QuerySet[Protocol], month: dt.date) -> QuerySet[Protocol]:
    start, end = month_bounds(month)
    return protocols.filter(signed_at__gte=start, signed_at__lt=end)


# --- the month's protocols and the chairs ------------------------------------------------------


class _Paginator(Paginator):
    """A paginator of grouped figures that counts its rows on the protocols (an index scan), not
    by running the aggregation twice: every signed protocol has its decisions' tasks (the
    sign-off makes them and nothing deletes them), so the groups are as many."""

    def __init__(self, rows: QuerySet[Task, Any], count: QuerySet[Any]) -> None:
        super().__init__(rows, PAGE_SIZE)
        self._counted = count

    @cached_property
    def count(self) -> int:
        return self._counted.count()


@dataclass(frozen=True)
class ProtocolRow:
    protocol: Protocol
    counts: Counts


def protocol_figures(protocols: QuerySet[Protocol], at: dt.datetime) -> QuerySet[Task, Any]:
    """One row per protocol with its figures, red ones first, then amber, then green; within a
    colour the most overdue, then the latest signed."""
    return (
        decision_tasks()
        .filter(protocol_decision__protocol__in=protocols)
        .values(
            protocol=F("protocol_decision__protocol"),
            signed_at=F("protocol_decision__protocol__signed_at"),
        )
        .annotate(**_figures(at))
        .annotate(rank=_rank())
        .order_by("rank", "-overdue", "-signed_at", "-protocol")
    )


def protocol_page(protocols: QuerySet[Protocol], at: dt.datetime, number: int | None) -> Page[Any]:
    """A page of `protocol_figures` (two queries: the protocols' count, the page's figures)."""
    return _Paginator(protocol_figures(protocols, at), protocols).get_page(number)


def protocol_rows(page: Page[Any]) -> list[ProtocolRow]:
    """The protocols of a page of `protocol_figures`, in its order (one query)."""
    figures = list(page.object_list)
    found = {
        protocol.pk: protocol
        for protocol in Protocol.objects.filter(
            pk__in=[row["protocol"] for row in figures]
        ).select_related("meeting__chair")
    }
    return [ProtocolRow(found[row["protocol"]], Counts.of(row)) for row in figures]


@dataclass(frozen=True)
class ChairRow:
    chair: User
    counts: Counts
    average_days: float | None


def chair_figures(protocols: QuerySet[Protocol], at: dt.datetime) -> QuerySet[Task, Any]:
    """One row per chair: the figures of their protocols summed, and the average days from a
    protocol's sign-off to its decisions' acceptance (the live decisions done); the chairs with
    most overdue first."""
    return (
        decision_tasks()
        .filter(protocol_decision__protocol__in=protocols)
        .values(chair=F("protocol_decision__protocol__meeting__chair"))
        .annotate(
            **_figures(at),
            average_days=Avg(days_to_acceptance(), filter=live() & Q(status=Status.DONE)),
        )
        .order_by("-overdue", "-open_all", "chair")
    )


def chair_page(protocols: QuerySet[Protocol], at: dt.datetime, number: int | None) -> Page[Any]:
    """A page of `chair_figures` (two queries: the chairs' count, the page's figures)."""
    chairs = protocols.order_by().values("meeting__chair").distinct()
    return _Paginator(chair_figures(protocols, at), chairs).get_page(number)


def chair_rows(page: Page[Any]) -> list[ChairRow]:
    figures = list(page.object_list)
    found = {user.pk: user for user in User.objects.filter(pk__in=[r["chair"] for r in figures])}
    return [ChairRow(found[row["chair"]], Counts.of(row), row["average_days"]) for row in figures]


# --- one protocol ------------------------------------------------------------------------------


def state(at: dt.datetime) -> Case:
    """Each decision's state at `at` by the rules above, as a key."""
    return Case(
        When(cancelled(), then=Value("cancelled")),
        When(done_on_time(), then=Value("on_time")),
        When(status=Status.DONE, then=Value("late")),
        When(overdue_at(at), then=Value("overdue")),
        default=Value("open"),
    )


def protocol_decisions(protocol: Protocol, at: dt.datetime) -> QuerySet[Task]:
    """The protocol's decisions' tasks in the decisions' order, each with `state` and its
    decision (`protocol_decision`) and responsible person."""
    return (
        decision_tasks()
        .filter(protocol_decision__protocol=protocol)
        .select_related("protocol_decision", "responsible")
        .annotate(state=state(at))
        .order_by("protocol_decision__position", "pk")
    )


def protocol_counts(protocol: Protocol, at: dt.datetime) -> Counts:
    """The protocol's figures (one aggregate query)."""
    return Counts.of(
        decision_tasks().filter(protocol_decision__protocol=protocol).aggregate(**_figures(at))
    )
