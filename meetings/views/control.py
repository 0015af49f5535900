"""The control of execution: "protocols of this month" (each protocol's decisions done on time,
late, open, overdue, cancelled; red ones first) with the same summed per chair, and one
protocol's control page (each decision's state, and the banner that turns green when all are
done). The figures are the tasks' own (meetings/selectors.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import EARLIEST_DATE, LATEST_DATE, query_int, query_text
from akimat.http import HtmxRequest
from meetings import selectors
from meetings.models import Meeting


def _month(raw: str, today: dt.date) -> tuple[dt.date, str]:
    """The month asked for (`YYYY-MM`), or this month with the reason the one asked is refused."""
    this_month = today.replace(day=1)
    if not raw:
        return this_month, ""
    try:
        month = dt.date.fromisoformat(f"{raw}-01")
    except ValueError:
        return this_month, _("Give the month as YYYY-MM, for example %(example)s.") % {
            "example": f"{today:%Y-%m}"
        }
    if not EARLIEST_DATE <= month <= LATEST_DATE:
        return this_month, _("There is no such month in the register.")
    return month, ""


@require_GET
@login_required
@vary_on_headers("HX-Request")
def control(request: HtmxRequest) -> HttpResponse:
    """The protocols signed in a month among those the person follows, red ones first, and the
    chairs' figures; both paginated (`page`, `chairs`)."""
    now = timezone.now()
    today = timezone.localdate(now)
    month, month_error = _month(query_text(request, "month", max_length=7), today)
    protocols = selectors.signed_in(selectors.followed_protocols(request.user), month)
    page = selectors.protocol_page(protocols, now, query_int(request, "page"))
    chairs = selectors.chair_page(protocols, now, query_int(request, "chairs"))
    context = {
        "month": month,
        "month_error": month_error,
        "previous_month": selectors.shift_month(month, -1),
        "next_month": selectors.shift_month(month, 1) if month < today.replace(day=1) else None,
        "page": page,
        "rows": selectors.protocol_rows(page),
        "chairs": chairs,
        "chair_rows": selectors.chair_rows(chairs),
    }
    template = "meetings/control/index.html"
    if request.htmx:
        template += "#control-month"
    return TemplateResponse(request, template, context)


@require_GET
@login_required
def protocol_control(request: HtmxRequest, pk: int) -> HttpResponse:
    """One protocol's decisions with each one's state and the figures; a draft has none yet."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("chair", "protocol"), pk=pk
    )
    protocol = getattr(meeting, "protocol", None)
    context: dict[str, object] = {"meeting": meeting, "protocol": protocol}
    if protocol is not None and protocol.is_signed:
        now = timezone.now()
        context["counts"] = selectors.protocol_counts(protocol, now)
        context["page"] = Paginator(
            selectors.protocol_decisions(protocol, now), selectors.DECISIONS_PAGE_SIZE
        ).get_page(query_int(request, "page"))
    return TemplateResponse(request, "meetings/control/protocol.html", context)


urlpatterns: list[URLPattern] = [
    path("control/", control, name="control"),
    path("<int:pk>/protocol/control/", protocol_control, name="protocol-control"),
]
