"""Search-as-you-type for the entry forms: existing tags, and people and tasks to link."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from akimat.cleaning import query_text
from akimat.http import HtmxRequest
from akimat.models import User
from journal import services
from journal.models import TAG_MAX_LENGTH, Tag
from journal.selectors import visible_visits
from reception.models import Visit
from tasks.models import Task

LIMIT = 12
QUERY_MAX_LENGTH = 100


@require_GET
@login_required
def tag_options(request: HtmxRequest) -> HttpResponse:
    """Existing tags that start with (or contain) the last word of the tags typed so far."""
    if not services.can_write(request.user):
        raise PermissionDenied
    typed = query_text(request, "tags", max_length=600)
    field = query_text(request, "field", max_length=40)
    word = typed.rsplit(",", 1)[-1].strip().lstrip("#").strip()[:TAG_MAX_LENGTH]
    tags: list[Tag] = []
    if word:
        tags = list(
            Tag.objects.filter(name__icontains=word)
            .annotate(n=Count("entries"))
            .order_by("-n", "name")[:LIMIT]
        )
    return TemplateResponse(
        request, "journal/_tag_options.html", {"tags": tags, "word": word, "field": field}
    )


def _people(query: str) -> list[User]:
    people = User.objects.filter(is_active=True).select_related("department")
    for word in query.split()[:5]:
        people = people.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(middle_name__icontains=word)
            | Q(position__icontains=word)
            | Q(position_kk__icontains=word)
        )
    return list(people.order_by("last_name", "first_name")[:LIMIT])


# A ticket ("A-012", "а12", "12") and/or a date ("25.11", "25.11.2026", "2026-11-25").
_TICKET = re.compile(r"(?<![\w.])([A-Za-zА-Яа-я])?-?(\d{1,3})(?![\w.])")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?")
# Cyrillic letters that look like the Latin ticket prefixes, as people type them.
_LATIN = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")


def _visit_day(query: str) -> tuple[dt.date | None, str]:
    match = _DAY.search(query)
    if not match:
        return None, query
    rest = query[: match.start()] + " " + query[match.end() :]
    try:
        if match.group(1):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))), rest
        year = int(match.group(6) or timezone.localdate().year)
        return dt.date(year, int(match.group(5)), int(match.group(4))), rest
    except ValueError:  # 31.02: no such day, so nothing matches
        return dt.date.min, rest


def _visits(user: User, query: str) -> list[Visit]:
    """Visits by ticket and/or date, the latest first, among those the person may see."""
    visits = visible_visits(user).select_related("service")
    day, rest = _visit_day(query)
    if day == dt.date.min:
        return []
    if day is not None:
        visits = visits.filter(day=day)
    ticket = _TICKET.search(rest)
    if ticket:
        if ticket.group(1):
            visits = visits.filter(prefix=ticket.group(1).upper().translate(_LATIN))
        visits = visits.filter(number=int(ticket.group(2)))
    elif day is None:
        return []
    return list(visits.order_by("-day", "prefix", "number")[:LIMIT])


def _tasks(user: User, query: str) -> list[Task]:
    tasks = Task.objects.visible_to(user).select_related("responsible")
    number = query.lstrip("#№ ").strip()
    if number.isdigit() and len(number) < 12:
        tasks = tasks.filter(Q(pk=int(number)) | Q(title__icontains=number))
    else:
        for word in query.split()[:5]:
            tasks = tasks.filter(title__icontains=word)
    return list(tasks.order_by("-created_at", "-pk")[:LIMIT])


@require_GET
@login_required
def link_options(request: HtmxRequest, kind: str) -> HttpResponse:
    """The matches to link for what was typed; each is a button that adds a chip."""
    if not services.can_write(request.user):
        raise PermissionDenied
    if kind not in ("people", "participants", "tasks", "visits"):
        raise Http404
    query = query_text(request, f"{kind}_q", max_length=QUERY_MAX_LENGTH) or query_text(
        request, "q", max_length=QUERY_MAX_LENGTH
    )
    items: list[tuple[int, str, str]] = []
    if len(query) >= 2 or query.isdigit():
        if kind == "visits":
            items = [
                (v.pk, f"{v.ticket} · {v.day:%d.%m.%Y}", v.service.name)
                for v in _visits(request.user, query)
            ]
        elif kind == "tasks":
            items = [
                (t.pk, f"№ {t.pk} · {t.title}", str(t.responsible))
                for t in _tasks(request.user, query)
            ]
        else:
            items = [
                (
                    p.pk,
                    str(p),
                    p.department.name if p.department_id and p.department else p.localised_position,
                )
                for p in _people(query)
            ]
    return TemplateResponse(
        request, "journal/_link_options.html", {"items": items, "kind": kind, "query": query}
    )
