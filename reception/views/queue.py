"""Staff's queue: open a desk, call the next visitor, start, finish with an outcome, hold,
resume, transfer, call again, no-show. The waiting list and the desks refresh themselves. Heads, the deputy and the methodologist watch a directorate's queue."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import query_text
from akimat.http import HtmxRequest, Level, first_error, toast_or_redirect
from akimat.models import Department
from reception import services
from reception.forms import FinishForm, OpenDeskForm, TransferForm
from reception.models import ACTIVE_STATUSES, Desk, Service, Shift, Visit, VisitStatus
from reception.selectors import (
    annotate_waits,
    directorate_queues,
    queue_departments,
    serves_visitors,
    waiting_list,
)
from reception.views.common import offered_services

TEMPLATE = "reception/queue.html"
# The waiting list and the desks poll as often as the hall screen does.
REFRESH_SECONDS = 5


def _department(request: HtmxRequest, allowed: list[Department]) -> Department:
    raw = query_text(request, "department") or request.POST.get("department")
    if raw:
        if not str(raw).isdecimal():
            raise Http404
        for department in allowed:
            if department.pk == int(raw):
                return department
        raise Http404
    own = [d for d in allowed if d.pk == request.user.department_id]
    return own[0] if own else allowed[0]


def queue_context(request: HtmxRequest, *, live: bool = False) -> dict[str, object]:
    """The queue page's context; `live` leaves out the forms of the official's own desk card,
    which the polled waiting list and desks do not show."""
    user, today = request.user, timezone.localdate()
    allowed = list(queue_departments(user).order_by("name_ru"))
    if not allowed:
        raise PermissionDenied
    department = _department(request, allowed)
    shift = services.current_shift(user) if serves_visitors(user) else None
    context: dict[str, object] = {
        "department": department,
        "departments": allowed,
        "shift": shift,
        "serves": serves_visitors(user) and user.department_id == department.pk,
        "refresh": REFRESH_SECONDS,
        "no_show_after": services.CALLS_BEFORE_NO_SHOW,
    }
    if shift is not None:
        shift_services = list(shift.services.select_related("department"))
        current = services.current_visit(user)
        waiting = [
            v for v in waiting_list(today, [department.pk]) if v.status == VisitStatus.WAITING
        ]
        mine = {s.pk for s in shift_services}
        context.update(
            shift_services=shift_services,
            current=current,
            on_hold=list(
                Visit.objects.filter(official=user, status=VisitStatus.ON_HOLD)
                .select_related("service", "visitor")
                .order_by("held_at")
            ),
            waiting=annotate_waits([v for v in waiting if v.service_id in mine]),
            others_waiting=sum(1 for v in waiting if v.service_id not in mine),
        )
        if current is not None and not live:
            context["finish_form"] = FinishForm()
            context["documents"] = list(current.service.documents.all())
            context["transfer_form"] = TransferForm(services=offered_services())
    else:
        context["waiting"] = annotate_waits(
            [v for v in waiting_list(today, [department.pk]) if v.status == VisitStatus.WAITING]
        )
        if context["serves"]:
            free = Desk.objects.filter(is_active=True).exclude(
                pk__in=Shift.objects.filter(closed_at__isnull=True).values("desk_id")
            )
            context["open_form"] = OpenDeskForm(
                desks=free,
                services=Service.objects.filter(is_active=True, department=department),
                initial={
                    "services": list(
                        Service.objects.filter(is_active=True, department=department).values_list(
                            "pk", flat=True
                        )
                    )
                },
            )
    context["at_desks"] = at_desks = list(
        Shift.objects.filter(closed_at__isnull=True, services__department=department)
        .distinct()
        .select_related("desk", "official")
        .order_by("desk__number")
    )
    serving = {
        v.official_id: v
        for v in Visit.objects.filter(
            day=today,
            department=department,
            status__in=ACTIVE_STATUSES,
        ).only("prefix", "number", "status", "official_id", "department_id")
    }
    for desk_shift in at_desks:
        desk_shift.serving = serving.get(desk_shift.official_id)
    context["queue"] = next((q for q in directorate_queues(today, [department.pk])), None)
    return context


@require_GET
@login_required
@vary_on_headers("HX-Request")
def queue(request: HtmxRequest) -> HttpResponse:
    """The page; with htmx the queue, or (`part=live`, polled) the waiting list and the desks."""
    live = bool(request.htmx) and query_text(request, "part") == "live"
    template = TEMPLATE
    if request.htmx:
        template += "#queue-live" if live else "#queue"
    return TemplateResponse(request, template, queue_context(request, live=live))


def _act(request: HtmxRequest, operation: Callable[[], str]) -> HttpResponse:
    """Run one service; answer with the queue in its new state and what happened."""
    if not serves_visitors(request.user):
        raise PermissionDenied
    level: Level
    try:
        text, level = operation(), "success"
    except ValidationError as error:
        text, level = first_error(error), "danger"
    except PermissionDenied as denied:
        text, level = str(denied) or _("You may not do this."), "danger"
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        template=TEMPLATE + "#queue",
        context=queue_context(request),
        redirect_to=reverse("reception:queue"),
    )


def _visit(pk: int) -> Visit:
    return get_object_or_404(Visit, pk=pk)


@require_POST
@login_required
def desk_open(request: HtmxRequest) -> HttpResponse:
    def run() -> str:
        form = OpenDeskForm(
            request.POST,
            desks=Desk.objects.all(),
            services=Service.objects.filter(is_active=True),
        )
        if not form.is_valid():
            raise ValidationError(first_error(form))
        shift = services.open_desk(
            official=request.user,
            desk=form.cleaned_data["desk"],
            services=form.cleaned_data["services"],
        )
        return _("%(desk)s is open. Call the first visitor.") % {"desk": shift.desk}

    return _act(request, run)


@require_POST
@login_required
def desk_close(request: HtmxRequest) -> HttpResponse:
    def run() -> str:
        shift = services.close_desk(official=request.user)
        return _("%(desk)s is closed.") % {"desk": shift.desk}

    return _act(request, run)


@require_POST
@login_required
def call_next(request: HtmxRequest) -> HttpResponse:
    def run() -> str:
        visit = services.call_next(official=request.user)
        return _("Ticket %(ticket)s is called to %(desk)s.") % {
            "ticket": visit.ticket,
            "desk": visit.desk,
        }

    return _act(request, run)


@require_POST
@login_required
def visit_start(request: HtmxRequest, pk: int) -> HttpResponse:
    def run() -> str:
        visit = services.start_service(official=request.user, visit=_visit(pk))
        return _("Serving ticket %(ticket)s.") % {"ticket": visit.ticket}

    return _act(request, run)


@require_POST
@login_required
def visit_finish(request: HtmxRequest, pk: int) -> HttpResponse:
    def run() -> str:
        form = FinishForm(request.POST)
        if not form.is_valid():
            raise ValidationError(first_error(form))
        visit = services.finish_visit(
            official=request.user,
            visit=_visit(pk),
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            missing_documents=list(form.cleaned_data["missing_documents"]),
            other_document=form.cleaned_data["other_document"],
        )
        if visit.outcome == "needs_documents":
            return _(
                "Ticket %(ticket)s is finished. A follow-up case and a task are in your My tasks."
            ) % {"ticket": visit.ticket}
        return _("Ticket %(ticket)s is finished.") % {"ticket": visit.ticket}

    return _act(request, run)


@require_POST
@login_required
def visit_hold(request: HtmxRequest, pk: int) -> HttpResponse:
    def run() -> str:
        visit = services.hold_visit(official=request.user, visit=_visit(pk))
        return _("Ticket %(ticket)s is on hold.") % {"ticket": visit.ticket}

    return _act(request, run)


@require_POST
@login_required
def visit_resume(request: HtmxRequest, pk: int) -> HttpResponse:
    def run() -> str:
        visit = services.resume_visit(official=request.user, visit=_visit(pk))
        return _("Serving ticket %(ticket)s again.") % {"ticket": visit.ticket}

    return _act(request, run)


@require_POST
@login_required
def visit_call_again(request: HtmxRequest, pk: int) -> HttpResponse:
    def run() -> str:
        visit = services.call_again(official=request.user, visit=_visit(pk))
        return _("Ticket %(ticket)s is called to %(desk)s again (call %(calls)s).") % {
            "ticket": visit.ticket,
            "desk": visit.desk,
            "calls": visit.calls,
        }

    return _act(request, run)


@require_POST
@login_required
def visit_no_show(request: HtmxRequest, pk: int) -> HttpResponse:
    def run() -> str:
        visit = services.mark_no_show(official=request.user, visit=_visit(pk))
        return _("Ticket %(ticket)s did not come.") % {"ticket": visit.ticket}

    return _act(request, run)
