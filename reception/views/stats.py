"""Statistics of the reception with CSV and XLSX export, and the contact log."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from akimat import exports
from akimat.cleaning import parse_date, query_int, query_text
from akimat.http import HtmxRequest
from akimat.models import Department, Role
from reception import statistics
from reception.models import ContactLog
from reception.selectors import may_see_full_iin, sees_contact_log, sees_statistics, watches_all

LOG_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _departments(request: HtmxRequest) -> QuerySet[Department]:
    """A head's statistics are their directorate's; the others see every directorate."""
    user = request.user
    if watches_all(user) or user.has_role(Role.RECEPTIONIST):
        return Department.objects.all()
    # Q(): a person without a directorate (department_id None) matches nothing.
    return Department.objects.filter(Q(pk=user.department_id))


def _period(raw: str | None) -> tuple[str, dt.date, dt.date]:
    today = timezone.localdate()
    if raw == "week":
        return "week", today - dt.timedelta(days=today.weekday()), today
    return "today", today, today


@require_GET
@login_required
def stats(request: HtmxRequest) -> HttpResponse:
    if not sees_statistics(request.user):
        raise PermissionDenied
    period, start, end = _period(query_text(request, "period"))
    rows, total = statistics.visit_statistics(
        start=start, end=end, departments=_departments(request)
    )
    export = query_text(request, "export")
    name = f"reception-{start:%Y%m%d}-{end:%Y%m%d}"
    if export == "csv":
        response = HttpResponse(
            statistics.as_csv(rows, total), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            statistics.as_xlsx(rows, total, title=_("Reception")), content_type=XLSX
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return TemplateResponse(
        request,
        "reception/stats.html",
        {"rows": rows, "total": total, "period": period, "start": start, "end": end},
    )


@require_GET
@login_required
def contact_log(request: HtmxRequest) -> HttpResponse:
    """The anti-corruption record, read-only, newest first; IINs masked."""
    if not sees_contact_log(request.user):
        raise PermissionDenied
    entries = ContactLog.objects.select_related(
        "official", "visitor", "organisation", "service", "department", "desk"
    )
    if not watches_all(request.user):
        entries = entries.filter(Q(department_id=request.user.department_id))
    raw = query_text(request, "day", max_length=20)
    day = parse_date(raw)
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        entries = entries.filter(started_at__gte=start, started_at__lt=start + dt.timedelta(days=1))
    kind = exports.export_kind(request)
    if kind is not None:
        return _export_log(request, kind, entries.order_by("-started_at", "-pk"), day)
    page = Paginator(entries.order_by("-started_at", "-pk"), LOG_PAGE_SIZE).get_page(
        query_int(request, "page")
    )
    return TemplateResponse(
        request,
        "reception/contact_log.html",
        {
            "page": page,
            "day": day,
            "bad_day": bool(raw) and day is None,
            "full_iin": may_see_full_iin(request.user, official_id=None),
        },
    )


def _export_log(
    request: HtmxRequest, kind: str, entries: QuerySet[ContactLog], day: dt.date | None
) -> HttpResponse:
    """The log as the page shows it (the day's or all, newest first), IINs masked as on the
    page, BINs and phones left out; two queries (the count, the lines)."""
    count = entries.count()
    if count > exports.MAX_ROWS:
        return exports.too_many(request, count)
    headers = [
        capfirst(ContactLog._meta.get_field("started_at").verbose_name),
        capfirst(ContactLog._meta.get_field("ended_at").verbose_name),
        _("Ticket"),
        _("Official"),
        _("Desk"),
        _("Visitor"),
        _("IIN"),
        _("Organisation"),
        _("Service"),
        _("Purpose"),
        _("Outcome"),
    ]
    lines = (
        [
            entry.started_at,
            entry.ended_at,
            entry.ticket,
            str(entry.official),
            str(entry.desk) if entry.desk else "",
            entry.visitor.full_name if entry.visitor else _("anonymous"),
            entry.visitor.masked_iin if entry.visitor else "",
            entry.organisation.name if entry.organisation else "",
            entry.service.name,
            entry.purpose,
            entry.get_outcome_display(),
        ]
        for entry in entries[: exports.MAX_ROWS]
    )
    name = _("Contact log")
    if day is not None:
        name = f"{name} {day:%d.%m.%Y}"
    return exports.list_download(
        kind, headers, lines, name=name, widths={"D": 30, "F": 30, "I": 40, "J": 40}
    )
