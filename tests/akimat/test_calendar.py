from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from akimat.calendar import (
    add_working_days,
    fill_working_calendar,
    is_working_day,
    working_days_between,
)
from akimat.models import CalendarDay, DayTransfer

pytestmark = pytest.mark.django_db

# 2026: Nowruz is 21-23 March (Sat-Mon) with 24-25 March observed; Victory Day 9 May is a
# Saturday, observed on Monday 11 May.


def test_fill_marks_weekends_holidays_and_working_days():
    assert fill_working_calendar(year=2026) == 365
    days = {d.date: d for d in CalendarDay.objects.filter(date__year=2026)}
    assert days[dt.date(2026, 3, 20)].is_working  # Friday
    assert days[dt.date(2026, 3, 23)].kind == CalendarDay.Kind.HOLIDAY
    assert not days[dt.date(2026, 3, 25)].is_working  # observed Nowruz
    assert days[dt.date(2026, 3, 28)].kind == CalendarDay.Kind.WEEKEND
    assert not days[dt.date(2026, 12, 16)].is_working  # Independence Day
    assert (
        sum(d.is_working for d in days.values()) == 365 - 104 - 14
    )  # 14 holidays fall on weekdays


def test_refill_is_idempotent():
    fill_working_calendar(year=2026)
    fill_working_calendar(year=2026)
    assert CalendarDay.objects.filter(date__year=2026).count() == 365


def test_transfer_overrides_weekend_and_weekday():
    DayTransfer.objects.create(date=dt.date(2026, 3, 28), is_working=True, reason="Перенос")
    DayTransfer.objects.create(date=dt.date(2026, 3, 26), is_working=False, reason="Перенос")
    fill_working_calendar(year=2026)
    assert is_working_day(dt.date(2026, 3, 28))
    assert not is_working_day(dt.date(2026, 3, 26))
    assert CalendarDay.objects.get(date=dt.date(2026, 3, 28)).kind == CalendarDay.Kind.TRANSFER


def test_add_working_days_skips_weekends_and_holidays():
    friday = dt.date(2026, 3, 20)
    # Sat 21, Sun 22, Mon 23 (Nowruz), Tue 24, Wed 25 (observed) are all off.
    assert add_working_days(friday, 1) == dt.date(2026, 3, 26)
    assert add_working_days(friday, 2) == dt.date(2026, 3, 27)
    assert add_working_days(dt.date(2026, 3, 26), -1) == friday
    assert add_working_days(dt.date(2026, 3, 21), 0) == dt.date(2026, 3, 26)
    assert add_working_days(friday, 0) == friday


def test_add_working_days_crosses_the_new_year_and_fills_the_calendar():
    # 1-2 January 2027 are holidays; 2 January is a Saturday, so Monday 4 January is off too.
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 5)
    assert CalendarDay.objects.filter(date__year=2027).count() == 365


def test_working_days_between_counts_in_sql_as_in_python():
    start, end = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
    counted = working_days_between(start, end)
    python_count = sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM akimat_calendarday WHERE date > %s AND date <= %s AND is_working",
            [start, end],
        )
        (sql_count,) = cursor.fetchone()
    assert counted == python_count == sql_count
    assert working_days_between(end, start) == 0
