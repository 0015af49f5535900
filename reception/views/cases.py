"""Follow-up cases: the missing documents the official collects by the legal deadline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat import exports
from akimat.cleaning import query_int, query_text
from akimat.http import HtmxRequest, Level, first_error, toast_or_redirect
from reception import services
from reception.forms import VisitorBackForm
from reception.models import Case, CaseDocument
from reception.selectors import case_scope, is_receptionist, may_see_full_iin
from tasks.models import Task

CASES_PER_PAGE = 50


def _cases(request: HtmxRequest) -> QuerySet[Case]:
    scope = case_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return Case.objects.filter(scope)


@require_GET
@login_required
def case_list(request: HtmxRequest) -> HttpResponse:
    state = query_text(request, "state") or Case.State.OPEN
    if state not in Case.State.values:
        state = Case.State.OPEN
    cases = (
        _cases(request)
        .filter(state=state)
        .select_related("visit", "visitor", "service", "responsible")
        .annotate(
            total=Count("documents"),
            received=Count("documents", filter=Q(documents__received_at__isnull=False)),
        )
        .order_by("deadline", "pk")
    )
    kind = exports.export_kind(request)
    if kind is not None:
        return _export_cases(request, kind, cases, Case.State(state))
    page = Paginator(cases, CASES_PER_PAGE).get_page(query_int(request, "page"))
    return TemplateResponse(
        request,
        "reception/case_list.html",
        {"page": page, "state": state, "states": Case.State.choices, "now": timezone.now()},
    )


def _export_cases(
    request: HtmxRequest, kind: str, cases: QuerySet[Case], state: Case.State
) -> HttpResponse:
    """The cases of the state shown, as the page lists them (the visitor by name, no IIN, BIN
    or phone); two queries (the count, the lines)."""
    count = cases.count()
    if count > exports.MAX_ROWS:
        return exports.too_many(request, count)
    now = timezone.now()
    headers = [
        _("Ticket"),
        _("Date"),
        _("Visitor"),
        _("Service"),
        _("Responsible"),
        _("Legal deadline"),
        _("Overdue"),
        _("Documents received"),
        _("Documents asked for"),
    ]
    lines = (
        [
            case.visit.ticket,
            case.visit.day,
            case.visitor.full_name,
            case.service.name,
            str(case.responsible),
            timezone.localdate(case.deadline),
            pgettext("overdue", "yes")
            if case.state == Case.State.OPEN and case.deadline < now
            else pgettext("overdue", "no"),
            case.received,  # type: ignore[attr-defined]
            case.total,  # type: ignore[attr-defined]
        ]
        for case in cases[: exports.MAX_ROWS]
    )
    name = " ".join([_("Follow-up cases"), str(state.label)])
    return exports.list_download(kind, headers, lines, name=name, widths={"C": 30, "D": 40})


def case_context(
    request: HtmxRequest, pk: int, *, back_form: VisitorBackForm | None = None
) -> dict[str, object]:
    case = get_object_or_404(
        _cases(request).select_related(
            "visit__desk", "visitor__organisation", "service", "responsible", "task__responsible"
        ),
        pk=pk,
    )
    is_open = case.state == Case.State.OPEN
    return {
        "case": case,
        "documents": list(case.documents.select_related("received_by")),
        "can_tick": is_open and services.can_tick(request.user, case),
        # The reception reads a case to help its visitor, not the work on it: the task opens
        # only for whom the tasks' own rule lets in.
        "task_visible": case.task_id is not None
        and Task.objects.visible_to(request.user).filter(pk=case.task_id).exists(),
        "can_report_back": is_open and is_receptionist(request.user),
        "back_form": back_form or VisitorBackForm(),
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
    level: Level
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
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        template="reception/case_detail.html#case",
        context=case_context(request, pk),
        redirect_to=reverse("reception:case-detail", args=[pk]),
    )


@require_POST
@login_required
def case_visitor_back(request: HtmxRequest, pk: int) -> HttpResponse:
    """The reception tells the case's official that the visitor is back with documents."""
    case = get_object_or_404(
        _cases(request).select_related("visit", "visitor", "task__responsible", "responsible"),
        pk=pk,
    )
    form = VisitorBackForm(request.POST)
    level: Level = "danger"
    if not form.is_valid():
        text = first_error(form)
    else:
        try:
            told = services.report_visitor_back(
                receptionist=request.user, case=case, note=form.cleaned_data["note"]
            )
            text = _("%(official)s is told that the visitor is back with documents.") % {
                "official": told
            }
            level, form = "success", VisitorBackForm()
        except ValidationError as error:
            text = first_error(error)
        except PermissionDenied as denied:
            text = str(denied)
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        template="reception/case_detail.html#case",
        context=lambda: case_context(request, pk, back_form=form),
        redirect_to=reverse("reception:case-detail", args=[pk]),
    )
