"""The deputy akim's overdue dashboard and its drill-down: directorate → person → overdue tasks.

Each level is a page of its own (it works without JavaScript) and, asked by htmx, only the
fragment that replaces the panel below the ranking.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import query_present, query_text
from akimat.http import HtmxRequest
from akimat.models import Department, User
from scores import scoring, selectors

TEMPLATE = "scores/dashboard/dashboard.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def refuse(request: HtmxRequest, message: str, *, status: int = 403) -> HttpResponse:
    """A clear page (or, for htmx, a clear fragment) saying why nothing is shown."""
    return TemplateResponse(
        request,
        "scores/dashboard/refused.html",
        {"message": message, "status": status},
        status=status,
    )


def _not_for_you(request: HtmxRequest) -> HttpResponse:
    return refuse(
        request,
        _(
            "The dashboard is for the deputy akim and the heads of directorates. "
            "Your own figures are on the My score page."
        ),
    )


def _directorate(request: HtmxRequest, pk: int) -> Department | HttpResponse:
    """The directorate asked for, if it is on the person's dashboard; a clear refusal if not."""
    department = Department.objects.select_related("head").filter(pk=pk).first()
    if department is None:
        return refuse(request, _("There is no such directorate."), status=404)
    if not selectors.dashboard_departments(request.user).filter(pk=pk).exists():
        return refuse(
            request,
            _(
                "This directorate is not yours: a head sees only the dashboard of their own "
                "directorate."
            ),
        )
    return department


@require_GET
@login_required
@vary_on_headers("HX-Request")
def dashboard_page(request: HtmxRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_see_dashboard(user):
        return _not_for_you(request)
    scope = selectors.dashboard_departments(user)
    departments = list(scope.values_list("pk", flat=True))
    today = timezone.localdate()
    try:
        counted = selectors.directorate_figures(today, departments)
    except scoring.ScoringError as error:  # no bonus policy in force: nothing can be counted
        return refuse(request, str(error), status=503)
    rows, total, start = counted.rows, counted.total, counted.start
    export = query_text(request, "export")
    if export in {"csv", "xlsx"}:
        selectors.attach_departments(rows)
        return _export(rows, total, today, export)
    show_all = query_text(request, "all") == "1"
    shown = rows if show_all else rows[: selectors.DIRECTORATES_SHOWN]
    selectors.attach_departments(shown)
    context: dict[str, object] = {
        "today": today,
        "rows": shown,
        "hidden": len(rows) - len(shown),
        "total": total,
        "counted_at": counted.counted_at,
    }
    selectors.sparklines(today, start, shown)
    if request.htmx and query_present(request, "all"):
        return TemplateResponse(request, TEMPLATE + "#dashboard-ranking", context)
    context.update(
        trend=counted.trend.as_json(),
        trend_rows=counted.trend.rows(),
        has_trend=bool(counted.trend.dates),
        oldest=counted.oldest,
        reception=selectors.reception_today(today, scope),
        # as of D, the last day the nightly job has written: yesterday
        appeals=selectors.appeals_as_of(today - dt.timedelta(days=1), departments),
        run=selectors.run_state(),
    )
    if len(departments) == 1:
        # A head's dashboard opens on their directorate's people.
        mine = shown[0].directorate
        context.update(department=mine, people=selectors.person_rows(today, mine))
    return TemplateResponse(request, TEMPLATE, context)


def _export(
    rows: list[selectors.DirectorateRow], total: selectors.Figures, today: dt.date, kind: str
) -> HttpResponse:
    name = f"dashboard-{today:%Y%m%d}"
    if kind == "csv":
        response = HttpResponse(
            selectors.as_csv(rows, total), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            selectors.as_xlsx(rows, total, title=_("Overdue dashboard")), content_type=XLSX
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@require_GET
@login_required
@vary_on_headers("HX-Request")
def dashboard_directorate(request: HtmxRequest, pk: int) -> HttpResponse:
    """A directorate's people with their figures, the head first among equals."""
    if not selectors.may_see_dashboard(request.user):
        return _not_for_you(request)
    department = _directorate(request, pk)
    if isinstance(department, HttpResponse):
        return department
    try:
        people = selectors.person_rows(timezone.localdate(), department)
    except scoring.ScoringError as error:
        return refuse(request, str(error), status=503)
    context = {"department": department, "people": people}
    template = "scores/dashboard/directorate.html"
    if request.htmx:
        template += "#dashboard-detail"
    return TemplateResponse(request, template, context)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def dashboard_person(request: HtmxRequest, pk: int, person: int) -> HttpResponse:
    """One person's overdue tasks in the directorate, oldest first."""
    if not selectors.may_see_dashboard(request.user):
        return _not_for_you(request)
    department = _directorate(request, pk)
    if isinstance(department, HttpResponse):
        return department
    who = get_object_or_404(User, pk=person, department=department)
    context = {
        "department": department,
        "person": who,
        "tasks": selectors.overdue_tasks(person=who, department=department),
    }
    template = "scores/dashboard/person.html"
    if request.htmx:
        template += "#dashboard-person"
    return TemplateResponse(request, template, context)
