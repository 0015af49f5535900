"""Follow-up cases: the missing documents the official collects by the legal deadline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import query_text
from akimat.http import HtmxRequest
from reception import services
from reception.access import case_scope, may_see_full_iin
from reception.models import Case, CaseDocument
from reception.views.common import answer, first_error

CASES_SHOWN = 200


def _cases(request: HtmxRequest):  # type: ignore[no-untyped-def]
    scope = case_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return Case.objects.filter(**scope)


@require_GET
@login_required
def case_list(request: HtmxRequest) -> HttpResponse:
    state = query_text(request, "state") or Case.State.OPEN
    if state not in Case.State.values:
        state = Case.State.OPEN
    cases = list(
        _cases(request)
        .filter(state=state)
        .select_related("visit", "visitor", "service", "responsible", "task")
        .annotate(
            total=Count("documents"),
            received=Count("documents", filter=Q(documents__received_at__isnull=False)),
        )
        .order_by("deadline", "pk")[:CASES_SHOWN]
    )
    return TemplateResponse(
        request,
        "reception/case_list.html",
        {"cases": cases, "state": state, "states": Case.State.choices, "now": timezone.now()},
    )


def case_context(request: HtmxRequest, pk: int) -> dict[str, object]:
    case = get_object_or_404(
        _cases(request).select_related(
            "visit__desk", "visitor__organisation", "service", "responsible", "task"
        ),
        pk=pk,
    )
    return {
        "case": case,
        "documents": list(case.documents.select_related("received_by")),
        "can_tick": case.state == Case.State.OPEN and services.can_tick(request.user, case),
        "full_iin": may_see_full_iin(request.user, official_id=case.visit.official_id),
        "now": timezone.now(),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def case_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    template = "reception/case_detail.html"
    if request.htmx:
        template += "#case"
    return TemplateResponse(request, template, case_context(request, pk))


@require_POST
@login_required
def case_document_toggle(request: HtmxRequest, pk: int, document_pk: int) -> HttpResponse:
    case = get_object_or_404(_cases(request), pk=pk)
    document = get_object_or_404(CaseDocument, pk=document_pk, case=case)
    try:
        document = services.toggle_document(actor=request.user, document=document)
        case.refresh_from_db(fields=["state"])
        if case.state == Case.State.CLOSED:
            text = _("Every document is in: the case is closed and its task is done.")
        elif document.received_at:
            text = _("Received: %(document)s.") % {"document": document.name}
        else:
            text = _("Not received yet: %(document)s.") % {"document": document.name}
        level = "success"
    except ValidationError as error:
        text, level = first_error(error), "danger"
    except PermissionDenied as denied:
        text, level = str(denied), "danger"
    return answer(
        request,
        text=text,
        level=level,
        template="reception/case_detail.html#case",
        context=case_context(request, pk),
        redirect_to=reverse("reception:case-detail", args=[pk]),
    )
