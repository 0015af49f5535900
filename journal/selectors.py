"""Reads of the logbook shared by the pages, the export and the indicators."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from akimat import search
from akimat.models import User
from journal.models import Entry, Tag
from reception.models import Visit
from reception.selectors import queue_departments
from tasks.models import Task


def day_bounds(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the start of the day after `last`, local time."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(
        dt.datetime.combine((last or first) + dt.timedelta(days=1), dt.time())
    )
    return start, end


def visible_visits(user: User) -> QuerySet[Visit]:
    """Reception visits a person may see, by the reception's own rule: every directorate's for
    the reception, the deputy, the methodologist and the admin; their own directorate's for its
    staff; none for anyone else."""
    return Visit.objects.filter(department__in=queue_departments(user))


def with_links(entries: QuerySet[Entry], user: User) -> QuerySet[Entry]:
    """Entries with what a card or an export shows: author, tags, links, and counts of files
    and versions. Linked tasks and visits follow their own apps' rules of who sees them; a link
    the reader may not follow is left out, as if it were not there."""
    visits = visible_visits(user).select_related("service").order_by("day", "prefix", "number")
    tasks = Task.objects.visible_to(user).order_by("pk")
    return (
        entries.select_related("author")
        .prefetch_related(
            "tags",
            "departments",
            Prefetch("people", queryset=User.objects.order_by("last_name", "first_name")),
            Prefetch("participants", queryset=User.objects.order_by("last_name", "first_name")),
            Prefetch("tasks", queryset=tasks),
            Prefetch("visits", queryset=visits),
        )
        .annotate(
            attachment_count=Count("attachments", distinct=True),
            version_count=Count("versions", distinct=True),
        )
    )


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    entries: int
    in_month: bool


def month_calendar(visible: QuerySet[Entry], day: dt.date) -> list[list[CalendarDay]]:
    """The weeks of `day`'s month (Monday first), each day with its number of entries."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)
    start, end = day_bounds(weeks[0][0], weeks[-1][-1])
    counts = dict(
        visible.filter(occurred_at__gte=start, occurred_at__lt=end)
        .annotate(day=TruncDate("occurred_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        [CalendarDay(d, counts.get(d, 0), d.month == day.month) for d in week] for week in weeks
    ]


def _linked(relation: str, **match: object) -> Exists:
    through = getattr(Entry, relation).through
    return Exists(through.objects.filter(entry=OuterRef("pk"), **match))


def filtered(entries: QuerySet[Entry], data: dict[str, Any]) -> QuerySet[Entry]:
    """Entries matching a valid FilterForm's data (words, dates, kind, tag, directorate,
    person); the person matches as author, as someone the entry is about or as participant."""
    terms = search.words(str(data.get("q") or ""))
    query = search.text_query(terms)
    if query is not None:
        entries = entries.filter(search_vector=query)
    if data.get("date_from"):
        entries = entries.filter(occurred_at__gte=day_bounds(data["date_from"])[0])
    if data.get("date_to"):
        entries = entries.filter(occurred_at__lt=day_bounds(data["date_to"])[1])
    if data.get("kind"):
        entries = entries.filter(kind=data["kind"])
    if data.get("tag"):
        entries = entries.filter(_linked("tags", tag=data["tag"]))
    if data.get("department"):
        entries = entries.filter(_linked("departments", department=data["department"]))
    if person := data.get("person"):
        entries = entries.filter(
            Q(author=person) | _linked("people", user=person) | _linked("participants", user=person)
        )
    return entries


def tag_counts(entries: QuerySet[Entry], limit: int = 40) -> list[Tag]:
    """The tags of these entries with how many carry each, the most used first."""
    return list(
        Tag.objects.filter(entries__in=entries.order_by().values("pk"))
        .annotate(n=Count("entries"))
        .order_by("-n", "name")[:limit]
    )


def linked_people(entries: QuerySet[Entry]) -> QuerySet[User]:
    """People who wrote, are written about or took part in these entries (the person filter)."""
    ids = entries.order_by().values("pk")
    return User.objects.filter(
        Exists(Entry.objects.filter(author=OuterRef("pk"), pk__in=ids))
        | Exists(Entry.people.through.objects.filter(user=OuterRef("pk"), entry__in=ids))
        | Exists(Entry.participants.through.objects.filter(user=OuterRef("pk"), entry__in=ids))
    ).order_by("last_name", "first_name")
