"""The working calendar: Kazakhstan's public holidays plus the corrections an admin enters.

The calendar is a table (`CalendarDay`, one row per date) so that SQL can count working days as
well as Python. `fill_working_calendar` builds a year from the `holidays` library (pinned in
pyproject.toml) and the `DayTransfer` rows (the worked weekend day and the weekday off of a
transfer, a one-off holiday, a library holiday that does not apply); the helpers below read the
table and fill a missing year on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import DateField, ExpressionWrapper, F, IntegerField, Subquery, Value
from django.db.models.functions import Cast, ExtractIsoWeekDay

from akimat.models import CalendarDay, DayTransfer, library_holidays


def _corrected_day(day: dt.date, correction: DayTransfer) -> CalendarDay:
    """The row of a date an admin corrected: the correction wins over the library and the week."""
    if correction.kind == DayTransfer.Kind.HOLIDAY:
        kind = CalendarDay.Kind.HOLIDAY
    elif correction.kind == DayTransfer.Kind.NOT_HOLIDAY:
        kind = CalendarDay.Kind.WORKDAY if correction.is_working else CalendarDay.Kind.WEEKEND
    else:
        kind = CalendarDay.Kind.TRANSFER
    return CalendarDay(
        date=day, is_working=correction.is_working, kind=kind, note=correction.reason
    )


@transaction.atomic
def fill_working_calendar(*, year: int) -> int:
    """Rebuild one year's calendar rows from the holiday library and the corrections; return the day count."""
    public = library_holidays(year)
    corrections = {t.date: t for t in DayTransfer.objects.filter(date__year=year)}
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day in corrections:
            row = _corrected_day(day, corrections[day])
        elif day in public:
            row = CalendarDay(
                date=day,
                is_working=False,
                kind=CalendarDay.Kind.HOLIDAY,
                note=public[day],
            )
        elif day.weekday() >= 5:
            row = CalendarDay(date=day, is_working=False, kind=CalendarDay.Kind.WEEKEND)
        else:
            row = CalendarDay(date=day, is_working=True, kind=CalendarDay.Kind.WORKDAY)
        days.append(row)
        day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(
        days,
        update_conflicts=True,
        unique_fields=["date"],
        update_fields=["is_working", "kind", "note"],
    )
    return len(days)


def ensure_calendar(*, start: dt.date, end: dt.date) -> None:
    """Fill every year between `start` and `end` whose first or last day is missing (one query)."""
    years = range(start.year, end.year + 1)
    ends = [dt.date(y, 1, 1) for y in years] + [dt.date(y, 12, 31) for y in years]
    present = set(CalendarDay.objects.filter(date__in=ends).values_list("date", flat=True))
    for year in years:
        if dt.date(year, 1, 1) not in present or dt.date(year, 12, 31) not in present:
            fill_working_calendar(year=year)


def is_working_day(day: dt.date) -> bool:
    ensure_calendar(start=day, end=day)
    return CalendarDay.objects.filter(date=day, is_working=True).exists()


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (before it, for a negative count).

    `add_working_days(friday, 1)` is the next working Monday; a count of 0 gives `day` itself
    when it is a working day, else the next working day.
    """
    if count == 0:
        ensure_calendar(start=day, end=day + dt.timedelta(days=31))
        found = (
            CalendarDay.objects.filter(date__gte=day, is_working=True)
            .values_list("date", flat=True)
            .first()
        )
        assert found is not None  # the calendar was just filled 31 days ahead
        return found
    # Kazakhstan never has more than about ten days off in a row, so 3x + 31 calendar days
    # always hold enough working days.
    span = dt.timedelta(days=abs(count) * 3 + 31)
    if count > 0:
        ensure_calendar(start=day, end=day + span)
        dates = CalendarDay.objects.filter(date__gt=day, is_working=True).order_by("date")
    else:
        ensure_calendar(start=day - span, end=day)
        dates = CalendarDay.objects.filter(date__lt=day, is_working=True).order_by("-date")
    return dates.values_list("date", flat=True)[abs(count) - 1]


def working_day_after(day: dt.date, count: int) -> Subquery:
    """`add_working_days(day, count)` for a count of 1 or more, as SQL: the calendar table read
    inside the query that filters or annotates by it (no query of its own)."""
    return Subquery(
        CalendarDay.objects.filter(is_working=True, date__gt=day)
        .order_by("date")
        .values("date")[count - 1 : count],
        output_field=DateField(),
    )


def working_week_end(day: dt.date) -> Subquery:
    """The Sunday that closes the working week ahead on `day`, as SQL (like `working_day_after`):
    the calendar week of the first working day from `day` on. On a working day that is its own
    week; on a weekend (or holidays to the week's end) it is the coming week."""
    sunday = ExpressionWrapper(
        F("date") + Cast(Value(7) - ExtractIsoWeekDay("date"), IntegerField()),
        output_field=DateField(),
    )
    return Subquery(
        CalendarDay.objects.filter(is_working=True, date__gte=day)
        .order_by("date")
        .annotate(sunday=sunday)
        .values("sunday")[:1],
        output_field=DateField(),
    )


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    if end <= start:
        return 0
    ensure_calendar(start=start, end=end)
    return CalendarDay.objects.filter(date__gt=start, date__lte=end, is_working=True).count()


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter of `day` (the civil service's quarterly evaluation periods)."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    following = dt.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def working_days_among(days: Iterable[dt.date]) -> set[dt.date]:
    """Which of `days` are working days, in one query (an import checks thousands of deadlines)."""
    days = set(days)
    if not days:
        return set()
    ensure_calendar(start=min(days), end=max(days))
    return set(
        CalendarDay.objects.filter(date__in=days, is_working=True).values_list("date", flat=True)
    )
