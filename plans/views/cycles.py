"""The plans home, a directorate's cycle, and the cycle's steps: open, activate, review, close."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akimat import exports as akimat_exports
from akimat.cleaning import query_int
from akimat.http import HtmxRequest, add_errors, first_error
from akimat.models import Role, User
from akimat.once import AlreadySaved, already_saved, once
from plans import execution, exports, forms, services
from plans.models import Cycle, Plan
from plans.views.common import managed_departments, visible_cycle


@require_GET
@login_required
def plan_index(request: HtmxRequest) -> HttpResponse:
    """My plan and my directorate's cycle; plans waiting for my approval; and for the deputy,
    the methodologist and the admin every directorate side by side."""
    user = request.user
    sees_all = user.sees_every_directorate()
    if not (sees_all or user.department_id or user.has_role(Role.HEAD)):
        raise PermissionDenied
    kind = akimat_exports.export_kind(request)
    if kind is not None:
        return exports.plan_list_download(request, kind, Plan.objects.visible_to(user))
    mine = execution.current_cycles([user.department_id]) if user.department_id else []
    my_cycle = mine[0] if mine else None
    my_plan = (
        Plan.objects.filter(cycle=my_cycle, owner=user).first() if my_cycle is not None else None
    )
    # The deputy and the admin may open a cycle anywhere; a head in the directorates they head.
    managed = [] if sees_all else list(managed_departments(user).values_list("pk", flat=True))
    awaiting = Plan.objects.filter(status=Plan.Status.SUBMITTED).exclude(owner=user)
    if not user.has_role(Role.DEPUTY, Role.ADMIN):
        awaiting = awaiting.filter(kind=Plan.Kind.INDIVIDUAL, cycle__department__head=user)
    context: dict[str, object] = {
        "my_cycle": my_cycle,
        "cycle": my_cycle,
        "my_plan": my_plan,
        "can_draft": my_cycle is not None
        and my_plan is None
        and my_cycle.status == Cycle.Status.PLANNING,
        "awaiting": list(
            awaiting.select_related("cycle__department", "owner").order_by("submitted_at")[:50]
        ),
        "can_open": bool(managed) or user.has_role(Role.DEPUTY, Role.ADMIN),
        "headed": execution.current_cycles(managed) if managed else [],
    }
    if sees_all:
        context["rollup"] = execution.rollup(execution.current_cycles())
    return TemplateResponse(request, "plans/plan_index.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def cycle_create(request: HtmxRequest) -> HttpResponse:
    departments = managed_departments(request.user)
    if not departments.exists():
        raise PermissionDenied
    initial = {"start": forms.next_monday(), "department": query_int(request, "department")}
    if request.user.department_id and not initial["department"]:
        initial["department"] = request.user.department_id
    form = forms.CycleForm(
        request.POST if request.method == "POST" else None, departments=departments, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            with once(request) as submission:
                cycle = services.open_cycle(
                    department=form.cleaned_data["department"],
                    start=form.cleaned_data["start"],
                    actor=request.user,
                )
                submission.location = cycle.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("plans:index"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The cycle is open for planning: each person drafts a plan.")
            )
            return HttpResponseRedirect(cycle.get_absolute_url())
    return TemplateResponse(request, "plans/cycle_form.html", {"form": form})


@require_GET
@login_required
def cycle_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    user = request.user
    cycle = visible_cycle(request, pk)
    plans = list(
        Plan.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("owner", "approved_by")
        .order_by("kind", "owner__last_name", "owner__first_name", "pk")
    )
    overview = execution.cycle_overview(cycle, plans)
    manages = services.can_manage_cycle(user, cycle)
    without_plan: list[User] = []
    if manages:
        with_plan = {p.owner_id for p in plans}
        without_plan = [
            person
            for person in User.objects.filter(is_active=True, department_id=cycle.department_id)
            if person.pk not in with_plan
        ]
    mine = next((p for p in plans if p.owner_id == user.pk), None)
    return TemplateResponse(
        request,
        "plans/cycle_detail.html",
        {
            "cycle": cycle,
            "overview": overview,
            "manages": manages,
            "without_plan": without_plan,
            "my_plan": mine,
            "can_draft": mine is None
            and user.department_id == cycle.department_id
            and cycle.status == Cycle.Status.PLANNING,
            "can_add_directorate_plan": manages
            and overview.directorate_plan is None
            and cycle.status in (Cycle.Status.PLANNING, Cycle.Status.ACTIVE),
            "other_cycles": list(
                Cycle.objects.filter(department_id=cycle.department_id).exclude(pk=cycle.pk)
            ),
            "week_chart": {
                "labels": list(range(1, 13)),
                "scores": [s.percent for s in overview.scores],
                "target": 85,
            },
        },
    )


def _step(request: HtmxRequest, pk: int, step: Callable[..., object], done: str) -> HttpResponse:
    cycle = visible_cycle(request, pk)
    try:
        step(cycle=cycle, actor=request.user)
    except ValidationError as error:
        messages.error(request, first_error(error))
    except PermissionDenied:
        messages.error(
            request, _("Only the head of the directorate or the deputy akim can do this.")
        )
    else:
        messages.success(request, done)
    return HttpResponseRedirect(cycle.get_absolute_url())


@require_POST
@login_required
def cycle_activate(request: HtmxRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.activate_cycle, _("The cycle is active."))


@require_POST
@login_required
def cycle_review(request: HtmxRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.start_review, _("The review week has begun."))


@require_http_methods(["GET", "POST"])
@login_required
def cycle_close(request: HtmxRequest, pk: int) -> HttpResponse:
    """Close a cycle in review, offering its unfinished tactics for the next one."""
    cycle = visible_cycle(request, pk)
    if not services.can_manage_cycle(request.user, cycle):
        raise PermissionDenied
    candidates = services.unfinished_tactics(cycle)
    form = forms.CloseForm(
        request.POST if request.method == "POST" else None,
        tactics=candidates,
        initial={"next_start": cycle.end + dt.timedelta(days=1)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            following = services.close_cycle(
                cycle=cycle,
                actor=request.user,
                carry_over=list(form.cleaned_data["tactics"]),
                next_start=form.cleaned_data["next_start"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if following is not None:
                messages.success(
                    request, _("The cycle is closed; the chosen tactics wait in the next one.")
                )
                return HttpResponseRedirect(following.get_absolute_url())
            messages.success(request, _("The cycle is closed."))
            return HttpResponseRedirect(cycle.get_absolute_url())
    return TemplateResponse(
        request,
        "plans/cycle_close.html",
        {"cycle": cycle, "form": form, "candidates": candidates},
    )
