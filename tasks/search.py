"""The task search's reads: the filters of `/tasks/search/` parsed from a query string, the
tasks they select among those a person may see, and the counts of a person's saved filters.

A filter is one Q built from the figures' rules of tasks.models (overdue, due soon), so the
list, a saved filter's badge and My tasks agree. The words are matched with akimat.search
(Russian stems, Kazakh prefixes) against the task's own text (title, description, document
number; an expression index) and its comments (an index of their own): the task's ids matching
either are read from the two indexes and united, so even the deputy's search over a million
tasks never computes a vector row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace

from django.contrib.postgres.search import SearchQuery, SearchVectorExact
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from akimat.cleaning import QUERY_MAX_LENGTH, clean_text, parse_date
from akimat.models import Department, User
from akimat.search import text_query, words
from tasks.models import (
    OPEN_STATUSES,
    Comment,
    SavedFilter,
    Source,
    Status,
    Task,
    TaskQuerySet,
    Watch,
    comment_search_vector,
    due_soon_at,
    overdue_at,
    task_search_vector,
)

MAX_SAVED_FILTERS = 20
# The tabs of the page: every task I may see, the open tasks I set, the tasks I watch.
TABS = ("all", "assigned", "watching")
# The status filter: any open one, or one status.
OPEN = "open"
STATUS_CHOICES = (OPEN, *Status.values)


@dataclass(frozen=True)
class Filters:
    """What a search asks for; every field empty (or False) means "any"."""

    tab: str = "all"
    q: str = ""
    status: str = ""
    overdue: bool = False
    due_soon: bool = False
    department: int | None = None
    responsible: int | None = None
    author: int | None = None
    source: str = ""
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    # What was given and not understood, in the person's language (not part of the search).
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def terms(self) -> list[str]:
        return words(self.q)

    def query_string(self) -> str:
        """The normalized query string: only what is set, in a fixed order, so that the same
        search is always the same text (a saved filter keeps it)."""
        pairs: list[tuple[str, str]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                f.name == "problems"
                or value in ("", None, False)
                or (f.name, value) == ("tab", "all")
            ):
                continue
            pairs.append((f.name, "1" if value is True else str(value)))
        return urlencode(pairs)

    @property
    def is_empty(self) -> bool:
        return replace(self, tab="all").query_string() == ""


def _ignored(label: str) -> str:
    return _("%(filter)s: the value was not understood and is ignored.") % {"filter": label}


def parse_filters(query: QueryDict) -> Filters:
    """The filters of a query string (already cleaned by akimat.cleaning.query_data). A value
    that is not understood (not a number, an unknown status, an impossible date, a directorate
    or person that does not exist: `verified`) is ignored and named in `problems`; never an
    error."""
    problems: list[str] = []

    def text(name: str, max_length: int = QUERY_MAX_LENGTH) -> str:
        raw = query.get(name, "")
        return "" if "\x00" in raw else clean_text(raw)[:max_length]

    def choice(name: str, allowed: tuple[str, ...], label: str, default: str = "") -> str:
        raw = text(name, 40)
        if raw and raw not in allowed:
            problems.append(_ignored(label))
            return default
        return raw or default

    def number(name: str, label: str) -> int | None:
        raw = text(name, 40)
        if not raw:
            return None
        if raw.isascii() and raw.isdecimal() and len(raw) <= 12:
            return int(raw)
        problems.append(_ignored(label))
        return None

    def day(name: str, label: str) -> dt.date | None:
        raw = text(name, 40)
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            problems.append(_ignored(label))
        return parsed

    def flag(name: str) -> bool:
        return text(name, 10) in ("1", "on", "true")

    department = number("department", _("Directorate"))
    responsible = number("responsible", _("Responsible"))
    author = number("author", _("Author"))
    deadline_from = day("deadline_from", _("Deadline from"))
    deadline_to = day("deadline_to", _("Deadline to"))
    if deadline_from and deadline_to and deadline_from > deadline_to:
        problems.append(_("The deadline range ends before it starts: the range is ignored."))
        deadline_from = deadline_to = None
    return Filters(
        tab=choice("tab", TABS, _("Tab"), default="all"),
        q=text("q", 200),
        status=choice("status", STATUS_CHOICES, _("Status")),
        overdue=flag("overdue"),
        due_soon=flag("due_soon"),
        department=department,
        responsible=responsible,
        author=author,
        source=choice("source", tuple(Source.values), _("Source")),
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        problems=tuple(problems),
    )


def verified(filters: Filters) -> Filters:
    """The filters without a directorate or person that does not exist (named in `problems`):
    an id that names nothing is said, not silently matched against nothing. Two queries at
    most; parse_filters itself reads nothing, so a saved filter's count costs no query."""
    problems = list(filters.problems)
    department = filters.department
    if department is not None and not Department.objects.filter(pk=department).exists():
        problems.append(_ignored(_("Directorate")))
        department = None
    asked = {pk for pk in (filters.responsible, filters.author) if pk is not None}
    known = set(User.objects.filter(pk__in=asked).values_list("pk", flat=True)) if asked else set()
    responsible, author = filters.responsible, filters.author
    if responsible is not None and responsible not in known:
        problems.append(_ignored(_("Responsible")))
        responsible = None
    if author is not None and author not in known:
        problems.append(_ignored(_("Author")))
        author = None
    return replace(
        filters,
        department=department,
        responsible=responsible,
        author=author,
        problems=tuple(problems),
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def matching_words(query: SearchQuery) -> Q:
    """Tasks whose own text or one of whose comments has every word: the ids from the task's
    index and from the comments' index, united."""
    # order_by(): no sorting inside the union (the models' default ordering).
    in_text = (
        Task.objects.filter(SearchVectorExact(task_search_vector(), query)).order_by().values("pk")
    )
    in_comments = (
        Comment.objects.filter(SearchVectorExact(comment_search_vector(), query))
        .order_by()
        .values("task_id")
    )
    return Q(pk__in=in_text.union(in_comments))


def condition(filters: Filters, *, user: User, at: dt.datetime) -> Q:
    """The filters as one condition on tasks (the person's visibility is not in it)."""
    q = Q()
    if filters.tab == "assigned":
        q &= Q(author=user, status__in=OPEN_STATUSES)
    elif filters.tab == "watching":
        q &= Q(pk__in=Watch.objects.filter(user=user).values("task_id"))
    query = text_query(filters.terms)
    if query is not None:
        q &= matching_words(query)
    if filters.status == OPEN:
        q &= Q(status__in=OPEN_STATUSES)
    elif filters.status:
        q &= Q(status=filters.status)
    if filters.overdue:
        q &= overdue_at(at)
    if filters.due_soon:
        q &= due_soon_at(at)
    if filters.department is not None:
        q &= Q(department_id=filters.department)
    if filters.responsible is not None:
        q &= Q(responsible_id=filters.responsible)
    if filters.author is not None:
        q &= Q(author_id=filters.author)
    if filters.source:
        q &= Q(source=filters.source)
    if filters.deadline_from:
        q &= Q(deadline__gte=_start_of(filters.deadline_from))
    if filters.deadline_to:
        q &= Q(deadline__lt=_start_of(filters.deadline_to + dt.timedelta(days=1)))
    return q


def found(filters: Filters, *, user: User, at: dt.datetime) -> TaskQuerySet:
    """The tasks the person may see (exactly as My tasks) that match, by deadline."""
    return (
        Task.objects.visible_to(user)
        .filter(condition(filters, user=user, at=at))
        .order_by("deadline", "pk")
    )


def saved_filters(user: User) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(owner=user).order_by("name", "pk"))


def saved_counts(saved: list[SavedFilter], *, user: User, at: dt.datetime) -> dict[int, int]:
    """How many tasks each saved filter finds now, in one query (conditional counts over the
    tasks the person may see; at most MAX_SAVED_FILTERS of them)."""
    if not saved:
        return {}
    counts = Task.objects.visible_to(user).aggregate(
        **{
            f"f{s.pk}": Count(
                "pk", filter=condition(parse_filters(QueryDict(s.query)), user=user, at=at)
            )
            for s in saved
        }
    )
    return {s.pk: counts[f"f{s.pk}"] for s in saved}


def people_choices(user: User, filters: Filters) -> QuerySet[User]:
    """The people offered as responsible or author: the chosen directorate's, else the
    person's own directorate's, and whoever the filters name."""
    department = filters.department or user.department_id
    named = [pk for pk in (filters.responsible, filters.author) if pk is not None]
    offered = Q(pk__in=named)
    if department is not None:
        offered |= Q(department_id=department, is_active=True)
    return User.objects.filter(offered).order_by("last_name", "first_name", "pk")


def department_choices(user: User) -> QuerySet[Department]:
    """The directorates offered: every one to those who see every directorate, else the
    person's own and the one they head."""
    departments = Department.objects.order_by("name_ru", "pk")
    if user.sees_every_directorate():
        return departments
    return departments.filter(Q(pk=user.department_id) | Q(head=user))
