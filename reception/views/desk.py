"""The reception desk: one keyboard-first form, the ticket, and the live waiting lists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import clean_data, query_int, query_present, query_text
from akimat.http import HtmxRequest, Level, add_errors, announce, first_error, toast_or_redirect
from akimat.models import Department, Language
from akimat.once import AlreadySaved, already_saved, once
from reception import services
from reception.forms import RegisterForm, TransferForm
from reception.models import Case, Service, Visit, Visitor
from reception.selectors import (
    annotate_waits,
    case_ticket,
    directorate_queues,
    is_receptionist,
    serves_visitors,
    ticket_estimate,
    waiting_list,
    watches_all,
    with_open_cases,
)
from reception.views.common import offered_services

TEMPLATE = "reception/desk.html"
LOOKUP_LIMIT = 8


def _may_see_desk(request: HtmxRequest) -> None:
    if not (is_receptionist(request.user) or watches_all(request.user)):
        raise PermissionDenied


def waiting_context() -> dict[str, object]:
    """Each directorate's queue with its waiting visitors (two queries)."""
    today = timezone.localdate()
    queues = directorate_queues(today)
    visits = annotate_waits(waiting_list(today, Department.objects.all()))
    by_department: dict[int, list[Visit]] = {}
    for visit in visits:
        by_department.setdefault(visit.department_id, []).append(visit)
    return {
        "queues": [(q, by_department.get(q.department.pk, [])) for q in queues],
        "waiting_total": sum(q.waiting for q in queues),
    }


def desk_context(
    request: HtmxRequest,
    *,
    form: RegisterForm | None = None,
    ticket: Visit | None = None,
    waiting: bool = True,
    offered: list[Service] | None = None,
) -> dict[str, object]:
    offered = offered if offered is not None else offered_services()
    if form is None:
        form = RegisterForm(initial=_initial(request), services=offered)
    context: dict[str, object] = {
        "form": form,
        "can_register": is_receptionist(request.user),
        "transfer_form": TransferForm(services=offered),
        "lookup_url": reverse("reception:visitor-lookup"),
    }
    if waiting:
        context.update(waiting_context())
    if ticket is not None:
        context["ticket"] = ticket
        context["estimate"] = ticket_estimate(ticket)
    return context


def visitor_language() -> str:
    """A new visitor's language: the desk's own when it speaks Kazakh or Russian; an English
    desk is a colleague's setting, not the visitor's, so Russian, the model's default."""
    current = get_language()
    return current if current in (Language.KK, Language.RU) else Language.RU


def _initial(request: HtmxRequest) -> dict[str, object]:
    """A returning visitor chosen from the lookup fills the form; what was picked stays."""
    picked = {k: query_text(request, k) for k in ("kind", "service", "purpose", "priority")}
    initial: dict[str, object] = {k: v for k, v in picked.items() if v}
    initial["language"] = visitor_language()
    visitor_pk = query_int(request, "visitor")
    if visitor_pk is not None:
        visitor = Visitor.objects.select_related("organisation").filter(pk=visitor_pk).first()
        if visitor is not None:
            initial.update(
                visitor=visitor.pk,
                full_name=visitor.full_name,
                iin=visitor.iin,
                phone=visitor.phone,
                language=visitor.language,
                consent=True,
                organisation_name=visitor.organisation.name if visitor.organisation else "",
                bin=visitor.organisation.bin if visitor.organisation else "",
            )
    return initial


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def desk(request: HtmxRequest) -> HttpResponse:
    if serves_visitors(request.user) and not (
        is_receptionist(request.user) or watches_all(request.user)
    ):
        return HttpResponseRedirect(reverse("reception:queue"))
    _may_see_desk(request)
    if request.method == "POST":
        return _register(request)
    ticket = None
    ticket_pk = query_int(request, "ticket")
    if ticket_pk is not None:
        ticket = Visit.objects.select_related("service__department").filter(pk=ticket_pk).first()
    context = desk_context(request, ticket=ticket)
    if request.htmx and query_text(request, "part") == "waiting":
        return TemplateResponse(request, TEMPLATE + "#waiting", context)
    if request.htmx and query_present(request, "visitor"):
        return TemplateResponse(request, TEMPLATE + "#register", context)
    return TemplateResponse(request, TEMPLATE, context)


def _register(request: HtmxRequest) -> HttpResponse:
    if not is_receptionist(request.user):
        raise PermissionDenied
    offered = offered_services()
    form = RegisterForm(request.POST, services=offered)
    visit = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once(request) as submission:
                visit = services.register_visit(
                    receptionist=request.user,
                    service=data["service"],
                    kind=data["kind"],
                    consent=data["consent"],
                    full_name=data["full_name"],
                    iin=data["iin"],
                    phone=data["phone"],
                    organisation_name=data["organisation_name"],
                    bin=data["bin"],
                    language=data["language"],
                    purpose=data["purpose"],
                    priority=data["priority"] or "",
                    visitor=data["visitor"],
                )
                submission.location = f"{reverse('reception:desk')}?ticket={visit.pk}"
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("reception:desk"))
        except ValidationError as error:
            add_errors(form, error)
    if visit is None:
        if request.htmx:
            context = desk_context(request, form=form, waiting=False, offered=offered)
            return TemplateResponse(request, TEMPLATE + "#register", context)
        return TemplateResponse(
            request, TEMPLATE, desk_context(request, form=form, offered=offered)
        )
    if not request.htmx:
        return HttpResponseRedirect(submission.location)
    # The fresh form and the ticket; the waiting list fetches itself on the event, so the
    # receptionist does not wait for it.
    response = TemplateResponse(
        request,
        TEMPLATE + "#registered",
        desk_context(request, ticket=visit, waiting=False, offered=offered),
    )
    return announce(response, "reception-changed")


def _lookup_query(request: HtmxRequest) -> str:
    """The value of the field being typed in (htmx names it), else the first one filled;
    cleaned like every input, a NUL counting as nothing typed."""
    fields = ("iin", "phone", "full_name", "bin")
    typed, nul_keys = clean_data(request.POST)

    def value(field: str) -> str:
        return "" if field in nul_keys else str(typed.get(field, ""))[:100]

    name = request.htmx.trigger_name if request.htmx else None
    if name in fields:
        return value(name)
    return next((v for v in map(value, fields) if v), "")


@require_POST
@login_required
def visitor_lookup(request: HtmxRequest) -> HttpResponse:
    """Returning visitors whose IIN, BIN, phone or name matches what is being typed, or whose
    open follow-up case has the ticket typed in the name field ("K-7"), each with their open
    cases to open from the desk.

    A POST, though it changes nothing: what is typed is an IIN, a BIN or a phone, and a query
    string would write it into every access log and proxy on the way."""
    if not is_receptionist(request.user):
        raise PermissionDenied
    query = _lookup_query(request)
    digits = "".join(c for c in query if c.isdigit())
    found = Visitor.objects.none()
    if ticket := case_ticket(query):
        prefix, number = ticket
        found = Visitor.objects.filter(
            Exists(
                Case.objects.filter(
                    visitor=OuterRef("pk"),
                    state=Case.State.OPEN,
                    visit__prefix=prefix,
                    visit__number=number,
                )
            )
        )
    elif digits and len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 4:
        phone = digits if not digits.startswith("8") else "7" + digits[1:]
        found = Visitor.objects.filter(
            Q(iin__startswith=digits)
            | Q(organisation__bin__startswith=digits)
            | Q(phone__contains=digits)
            | Q(phone__contains=phone)
        )
    elif len(query) >= 2:
        words = query.split()
        condition = Q()
        for word in words:
            condition &= Q(full_name__icontains=word) | Q(organisation__name__icontains=word)
        found = Visitor.objects.filter(condition)
    results = list(
        with_open_cases(found.select_related("organisation")).order_by("full_name", "pk")[
            :LOOKUP_LIMIT
        ]
    )
    return TemplateResponse(
        request, "reception/_lookup_results.html", {"results": results, "query": query}
    )


@require_GET
@login_required
def ticket(request: HtmxRequest, pk: int) -> HttpResponse:
    """A ticket on its own, to print again (the reception and the watchers)."""
    _may_see_desk(request)
    visit = get_object_or_404(Visit.objects.select_related("service__department"), pk=pk)
    return TemplateResponse(
        request,
        "reception/ticket.html",
        {"ticket": visit, "estimate": ticket_estimate(visit)},
    )


@require_POST
@login_required
def visit_left(request: HtmxRequest, pk: int) -> HttpResponse:
    """The reception marks a waiting visitor as gone."""
    if not is_receptionist(request.user):
        raise PermissionDenied
    visit = get_object_or_404(Visit, pk=pk)
    level: Level
    try:
        services.mark_left(receptionist=request.user, visit=visit)
        text, level = (
            _("Ticket %(ticket)s: the visitor has left.") % {"ticket": visit.ticket},
            "success",
        )
    except ValidationError as error:
        text, level = first_error(error), "danger"
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        template=TEMPLATE + "#waiting",
        context=desk_context(request),
        redirect_to=reverse("reception:desk"),
    )


@require_POST
@login_required
def visit_transfer(request: HtmxRequest, pk: int) -> HttpResponse:
    """Send a visitor to another service: from the desk (waiting) or by the serving official."""
    from reception.views.queue import queue_context

    visit = get_object_or_404(Visit, pk=pk)
    from_queue = request.POST.get("from") == "queue"
    if not from_queue and not is_receptionist(request.user):
        raise PermissionDenied
    form = TransferForm(request.POST, services=offered_services())
    level: Level = "success"
    text = ""
    if not form.is_valid():
        text, level = first_error(form), "danger"
    else:
        service: Service = form.cleaned_data["service"]
        try:
            services.transfer_visit(actor=request.user, visit=visit, service=service)
            text = _("Ticket %(ticket)s is now in the queue of %(service)s.") % {
                "ticket": visit.ticket,
                "service": service.name,
            }
        except ValidationError as error:
            text, level = first_error(error), "danger"
        except PermissionDenied as denied:
            text, level = str(denied), "danger"
    if from_queue:
        return toast_or_redirect(
            request,
            text=text,
            level=level,
            template="reception/queue.html#queue",
            context=queue_context(request),
            redirect_to=reverse("reception:queue"),
        )
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        template=TEMPLATE + "#waiting",
        context=desk_context(request),
        redirect_to=reverse("reception:desk"),
    )
