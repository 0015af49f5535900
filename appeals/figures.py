"""The directorates' appeal figures "as of the end of a day", written once a night.

`record_day(day)` writes one `AppealSnapshot` per directorate for a day that is over: the
appeals under consideration at its end, the overdue ones, the extensions whose applicant was not
told in time and the late redirects (appeals.models' figures' rules, repeated in
appeals/nightly_sql.py as one INSERT … SELECT … GROUP BY, so the cost is one pass over the
appeals per day, never a Python loop). Every figure reads the appeals' own dates, and a day
already written is left as it is (ON CONFLICT DO NOTHING): a past figure never changes when an
appeal is answered, extended or redirected later.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appeals import nightly_sql
from appeals.models import Appeal


class FiguresError(ValueError):
    """Bad input to the computation (the message is translated); nothing was written."""


def yesterday() -> dt.date:
    """The day that ended: the one the night computes."""
    return timezone.localdate() - dt.timedelta(days=1)


def _check(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise FiguresError(_("The first date must not be after the last one."))
    if end >= timezone.localdate():
        raise FiguresError(
            _("%(date)s has not ended yet: appeal figures are computed for days that are over.")
            % {"date": date_format(end)}
        )


@transaction.atomic
def record_days(*, start: dt.date, end: dt.date, departments: list[int] | None = None) -> int:
    """Write the snapshots every directorate (or those of `departments`) lacks for each day
    from `start` to `end`, all days over (one statement); the number of rows written."""
    _check(start, end)
    params = {
        "start": start,
        "end": end,
        "departments": departments,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(nightly_sql.render(nightly_sql.record()), params)
        return cursor.rowcount


def record_day(day: dt.date, *, departments: list[int] | None = None) -> int:
    """The snapshots of one day that is over; the number of rows written (0 when the day was
    written already)."""
    return record_days(start=day, end=day, departments=departments)


def back_fill(start: dt.date, end: dt.date) -> int:
    """The snapshots of every day from `start` to `end` not written yet, from the first
    registered appeal on and up to yesterday at most (the demo's back-fill); rows written."""
    first = Appeal.objects.order_by("registered_on").values_list("registered_on", flat=True)
    found = first.first()
    if found is None:
        return 0
    start, end = max(start, found), min(end, yesterday())
    if end < start:
        return 0
    # Like scores.scoring.back_fill: a bulk load's rows are not analysed yet in the loader's
    # transaction, and without statistics the planner takes the appeals for a handful.
    with connection.cursor() as cursor:
        cursor.execute("SELECT akimat_analyze(%s::regclass)", [Appeal._meta.db_table])
    return record_days(start=start, end=end)
