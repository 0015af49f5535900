"""What the task views share: scoping by role and the department filter."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from akimat.models import Department, User


def departments_for(user: User, *, own: bool = False) -> QuerySet[Department]:
    """Directorates whose board and stand-up a person may open: those they oversee (with their
    heads). With `own`, also the person's own directorate: its stand-up is about its people, so
    each of them reads it (and changes only their own blockers) without overseeing it."""
    found = Department.objects.watched_by(user)
    if own and user.department_id:
        found = found | Department.objects.filter(pk=user.department_id)
    return found.select_related("head")


def chosen_department(
    user: User, raw: str | None, *, own: bool = False
) -> tuple[Department, list[Department]]:
    """The directorate picked by `?department=` among those the person may open (404 otherwise),
    or the first of them; with the list for the picker. `own` as in `departments_for`."""
    allowed = list(departments_for(user, own=own))
    if not allowed:
        raise Http404
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            raise Http404 from None
        for department in allowed:
            if department.pk == wanted:
                return department, allowed
        raise Http404
    return allowed[0], allowed


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of `today`'s week."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day`, local time (for `deadline__lt`)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
