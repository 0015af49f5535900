"""The directorate board: per person, open, overdue, due this week and done this week, with a
drill-down into one person's open tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat import exports
from akimat.cleaning import query_data, query_int, query_text
from akimat.http import HtmxRequest
from akimat.models import Department, User
from tasks.exports import task_download
from tasks.models import OPEN_STATUSES, Priority, Source, Status, Task, TaskQuerySet, overdue_at
from tasks.views.common import chosen_department, end_of, week_bounds

TEMPLATE = "tasks/board.html"


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    due_this_week: int = 0
    done_this_week: int = 0
    overdue_days: int = 0


@dataclass
class Row(Counts):
    person: User | None = None


def task_filters(params: QueryDict) -> dict[str, int | str]:
    """Priority and source from the query string; an unknown value is ignored, not an error."""
    chosen: dict[str, int | str] = {}
    priority = params.get("priority", "")
    if priority in {str(value) for value in Priority.values}:
        chosen["priority"] = int(priority)
    source = params.get("source", "")
    if source in Source.values:
        chosen["source"] = source
    return chosen


def board_rows(department: Department, filters: dict[str, int | str]) -> tuple[list[Row], Counts]:
    """Every active person of the directorate with their counts, most overdue first, and the
    totals (two queries: the people, and one aggregate over the directorate's tasks)."""
    now = timezone.now()
    today = timezone.localdate(now)
    monday, sunday = week_bounds(today)
    week_start = end_of(monday - dt.timedelta(days=1))  # Monday's local midnight
    is_open = Q(status__in=OPEN_STATUSES)
    done_this_week = Q(status=Status.DONE, done_at__gte=week_start)
    per_person = (
        Task.objects.for_department(department.pk)
        .filter(is_open | done_this_week, **filters)
        .with_figures(now)
        .order_by()
        .values("responsible")
        .annotate(
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=overdue_at(now)),
            due_this_week=Count(
                "pk", filter=is_open & Q(deadline__gte=now, deadline__lt=end_of(sunday))
            ),
            done_this_week=Count("pk", filter=done_this_week),
            overdue_days=Sum("overdue_days", default=0),
        )
    )
    counts = {row.pop("responsible"): row for row in per_person}
    people = User.objects.filter(is_active=True, department=department)
    rows = [Row(person=person, **counts.get(person.pk, {})) for person in people]
    rows.sort(key=lambda row: (-row.overdue, str(row.person)))
    names = [f.name for f in fields(Counts)]
    totals = Counts(**{name: sum(getattr(row, name) for row in rows) for name in names})
    return rows, totals


def person_task_query(
    department: Department, person: User, filters: dict[str, int | str]
) -> TaskQuerySet:
    """The person's open tasks in the directorate, soonest deadline first."""
    return (
        Task.objects.for_department(department.pk)
        .open()
        .filter(responsible=person, **filters)
        .order_by("deadline", "pk")
    )


def person_tasks(department: Department, person: User, filters: dict[str, int | str]) -> list[Task]:
    """The person's open tasks in the directorate, soonest deadline first, with overdue days."""
    return list(person_task_query(department, person, filters).with_figures())


def export_rows(kind: str, department: Department, rows: list[Row], totals: Counts) -> HttpResponse:
    """The board's table as shown: a line per person, and the total."""
    headers = [
        _("Person"),
        _("Position"),
        _("Open"),
        _("Overdue"),
        _("Overdue working days"),
        _("Due this week"),
        _("Done this week"),
    ]

    def line(name: str, position: str, counts: Counts) -> list[object]:
        return [
            name,
            position,
            counts.open,
            counts.overdue,
            counts.overdue_days,
            counts.due_this_week,
            counts.done_this_week,
        ]

    lines = [
        line(str(row.person), row.person.localised_position, row) for row in rows if row.person
    ]
    lines.append(line(_("Total"), "", totals))
    name = " ".join([_("Directorate board"), department.name])
    return exports.list_download(kind, headers, lines, name=name, widths={"A": 40, "B": 40})


@require_GET
@login_required
@vary_on_headers("HX-Request")
def board(request: HtmxRequest) -> HttpResponse:
    department, departments = chosen_department(request.user, query_text(request, "department"))
    filters = task_filters(query_data(request))
    context: dict[str, object] = {
        "department": department,
        "departments": departments,
        "filters": filters,
        "priorities": Priority.choices,
        "sources": Source.choices,
        "week": week_bounds(timezone.localdate()),
    }
    kind = exports.export_kind(request)
    if query_text(request, "person"):
        person_pk = query_int(request, "person")
        if person_pk is None:
            raise Http404
        person = get_object_or_404(User, pk=person_pk, is_active=True, department=department)
        if kind is not None:
            return task_download(
                request,
                kind,
                person_task_query(department, person, filters),
                name=" ".join([_("Open tasks"), str(person)]),
            )
        context.update(person=person, person_tasks=person_tasks(department, person, filters))
        if request.htmx:
            return TemplateResponse(request, TEMPLATE + "#board-detail", context)
    rows, totals = board_rows(department, filters)
    if kind is not None:
        return export_rows(kind, department, rows, totals)
    context.update(rows=rows, totals=totals)
    template = TEMPLATE + "#board-table" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, context)
