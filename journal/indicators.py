"""The experiment's indicators computed from the portal's own data, one value per week.

Each measure is one aggregation in SQL grouped by the local week (Monday to Sunday):

- internal meetings per week: meeting entries of the logbook (not withdrawn);
- meeting hours per week: the sum of those entries' durations;
- approval time: the average hours from a result's submission (`submitted_at`) to its
  acceptance (`done_at`) over tasks accepted that week, leaving out tasks one set for oneself
  (accepted at the moment of submission);
- done on time: the share, in per cent, of the tasks accepted that week whose `done_at` is not
  after the deadline.

Only whole weeks are computed, so a week still under way never shows as a drop.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, F, FloatField, Func, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_noop

from akimat.models import User
from journal.models import Entry, Indicator, Kind, Reading, Source
from tasks.models import Status, Task

DEFAULT_WEEKS = 12
CENT = Decimal("0.01")


class Epoch(Func):
    """Seconds in an interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def last_whole_week(today: dt.date) -> dt.date:
    """The Monday of the last week that has ended by `today`."""
    return today - dt.timedelta(days=today.weekday() + 7)


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=7), dt.time()))
    return start, end


def _meetings(
    indicator: Indicator, start: dt.datetime, end: dt.datetime
) -> QuerySet[Entry, dict[str, Any]]:
    entries = Entry.objects.current().filter(
        kind=Kind.MEETING, occurred_at__gte=start, occurred_at__lt=end
    )
    if indicator.department_id:
        entries = entries.filter(departments=indicator.department_id)
    return entries.annotate(week=TruncWeek("occurred_at")).values("week").order_by("week")


def _accepted(
    indicator: Indicator, start: dt.datetime, end: dt.datetime
) -> QuerySet[Task, dict[str, Any]]:
    tasks = Task.objects.filter(status=Status.DONE, done_at__gte=start, done_at__lt=end)
    if indicator.department_id:
        tasks = tasks.filter(department_id=indicator.department_id)
    return tasks.annotate(week=TruncWeek("done_at")).values("week").order_by("week")


def weekly_values(indicator: Indicator, first: dt.date, last: dt.date) -> dict[dt.date, Decimal]:
    """The indicator's value for each week from the Monday `first` to the Monday `last`."""
    start, end = _bounds(first, last)
    rows: QuerySet[Any, dict[str, Any]]
    if indicator.source == Source.MEETINGS:
        rows = _meetings(indicator, start, end).annotate(v=Count("pk", distinct=True))
    elif indicator.source == Source.MEETING_HOURS:
        rows = _meetings(indicator, start, end).annotate(v=Sum("duration_minutes") / 60.0)
    elif indicator.source == Source.APPROVAL_HOURS:
        rows = (
            _accepted(indicator, start, end)
            .filter(submitted_at__isnull=False)
            .exclude(author=F("responsible"))
            .annotate(v=Avg(Epoch(F("done_at") - F("submitted_at"))) / 3600.0)
        )
    elif indicator.source == Source.ON_TIME:
        rows = _accepted(indicator, start, end).annotate(
            v=Count("pk", filter=Q(done_at__lte=F("deadline"))) * 100.0 / Count("pk")
        )
    else:
        return {}
    found = {
        timezone.localtime(row["week"]).date() if isinstance(row["week"], dt.datetime) else row["week"]: row["v"]
        for row in rows
    }  # fmt: skip
    values: dict[dt.date, Decimal] = {}
    week = first
    while week <= last:
        value = found.get(week)
        if value is None and indicator.source in (Source.MEETINGS, Source.MEETING_HOURS):
            value = 0  # a week without meetings is a real zero
        if value is not None:
            values[week] = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
        week += dt.timedelta(days=7)
    return values


@transaction.atomic
def compute_indicator(
    *,
    indicator: Indicator,
    actor: User | None = None,
    weeks: int = DEFAULT_WEEKS,
    today: dt.date | None = None,
) -> int:
    """Recompute the last `weeks` whole weeks of a computed indicator; readings a person
    entered by hand for those weeks are left as they are. Returns the readings written."""
    if not indicator.is_computed:
        return 0
    last = last_whole_week(today or timezone.localdate())
    first = last - dt.timedelta(weeks=weeks - 1)
    values = weekly_values(indicator, first, last)
    existing = {
        r.date: r
        for r in Reading.objects.select_for_update().filter(
            indicator=indicator, date__gte=first, date__lte=last
        )
    }
    written = 0
    for date, value in values.items():
        reading = existing.get(date)
        if reading is not None and (not reading.is_computed or reading.value == value):
            continue
        reading = reading or Reading(indicator=indicator, date=date, is_computed=True)
        reading.value = value
        reading.entered_by = actor
        reading.entered_at = timezone.now()
        reading._change_reason = gettext_noop("computed")
        reading._history_user = actor
        reading.save()
        written += 1
    return written


def compute_indicators(*, weeks: int = DEFAULT_WEEKS, today: dt.date | None = None) -> int:
    """Recompute every computed indicator (the weekly job and its twin command)."""
    return sum(
        compute_indicator(indicator=indicator, weeks=weeks, today=today)
        for indicator in Indicator.objects.exclude(source=Source.MANUAL)
    )
