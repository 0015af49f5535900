"""The experiment's indicators computed from the portal's own data, one value per week.

Each measure is one aggregation in SQL grouped by the local week (Monday to Sunday):

- internal meetings per week: the meeting register's internal meetings
  (`meetings.models.internal_meeting()`: not the stand-ups, not the district visits, receptions
  or briefings), of the indicator's directorate by the meeting's directorate, from the week the
  register starts being used (the Monday of the week of its first internal meeting, of that
  directorate or of any for the whole department); before that week, the logbook's meeting
  entries (not withdrawn), as the experiment counted them until the register existed. A week is
  counted from one source only, so a meeting written in both is never counted twice;
- meeting hours per week: the same meetings' durations summed (`duration_minutes`), the
  logbook's entries' before the register's first week;
- approval time: the average hours from a result's submission (`submitted_at`) to its
  acceptance (`done_at`) over tasks accepted that week, leaving out tasks one set for oneself
  (accepted at the moment of submission);
- done on time: the share, in per cent, of the tasks accepted that week whose `done_at` is not
  after the deadline;
- protocol days: the average days (one decimal) from a protocol's sign-off to the acceptance of
  its decisions' tasks accepted that week (`meetings.selectors.days_to_acceptance`; cancelled
  decisions left out), of the indicator's directorate by the meeting's directorate.

Only whole weeks are computed, so a week still under way never shows as a drop.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, F, FloatField, Func, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_noop

from akimat.models import User
from journal.models import Entry, Indicator, Kind, Reading, Source
from meetings.models import Meeting, internal_meeting
from meetings.selectors import days_to_acceptance, decision_tasks, live
from tasks.models import Status, Task

DEFAULT_WEEKS = 12
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


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


def _register(
    indicator: Indicator, start: dt.datetime, end: dt.datetime
) -> QuerySet[Meeting, dict[str, Any]]:
    meetings = Meeting.objects.filter(internal_meeting(), starts_at__gte=start, starts_at__lt=end)
    if indicator.department_id:
        meetings = meetings.filter(department_id=indicator.department_id)
    return meetings.annotate(week=TruncWeek("starts_at")).values("week").order_by("week")


def register_start(indicator: Indicator) -> dt.date | None:
    """The Monday of the week of the register's first internal meeting (of the indicator's
    directorate, or of any): from it on the register is the source, the logbook before it."""
    meetings = Meeting.objects.filter(internal_meeting())
    if indicator.department_id:
        meetings = meetings.filter(department_id=indicator.department_id)
    first = meetings.aggregate(first=Min("starts_at"))["first"]
    if first is None:
        return None
    day = timezone.localdate(first)
    return day - dt.timedelta(days=day.weekday())


def _meeting_rows(
    indicator: Indicator, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """The weeks' meetings (count or hours): the logbook's before the register's first week,
    the register's from it."""
    hours = indicator.source == Source.MEETING_HOURS
    first = register_start(indicator)
    switch = end if first is None else max(start, min(end, _bounds(first, first)[0]))
    rows: list[dict[str, Any]] = []
    if start < switch:
        entries = _meetings(indicator, start, switch)
        rows += entries.annotate(
            v=Sum("duration_minutes") / 60.0 if hours else Count("pk", distinct=True)
        )
    if switch < end:
        meetings = _register(indicator, switch, end)
        rows += meetings.annotate(v=Sum("duration_minutes") / 60.0 if hours else Count("pk"))
    return rows


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
    rows: QuerySet[Any, dict[str, Any]] | list[dict[str, Any]]
    if indicator.source in (Source.MEETINGS, Source.MEETING_HOURS):
        rows = _meeting_rows(indicator, start, end)
    elif indicator.source == Source.PROTOCOL_DAYS:
        decisions = decision_tasks().filter(
            live(), status=Status.DONE, done_at__gte=start, done_at__lt=end
        )
        if indicator.department_id:
            decisions = decisions.filter(
                protocol_decision__protocol__meeting__department_id=indicator.department_id
            )
        rows = (
            decisions.annotate(week=TruncWeek("done_at"))
            .values("week")
            .order_by("week")
            .annotate(v=Avg(days_to_acceptance()))
        )
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
            precision = TENTH if indicator.source == Source.PROTOCOL_DAYS else CENT
            values[week] = Decimal(str(value)).quantize(precision, rounding=ROUND_HALF_UP)
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
