"""What the plans views share: scoping by role, and answering a POST with or without htmx."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from akimat.http import HtmxRequest, Level, toast_or_redirect
from akimat.models import Department, Role, User
from plans.models import Cycle, Plan


def managed_departments(user: User) -> QuerySet[Department]:
    """Directorates whose cycles a person opens and runs: all for the deputy and the admin,
    the ones they head for a head."""
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return Department.objects.all()
    if user.has_role(Role.HEAD):
        return Department.objects.filter(head=user)
    return Department.objects.none()


def visible_plan(request: HtmxRequest, pk: int) -> Plan:
    return get_object_or_404(
        Plan.objects.visible_to(request.user).select_related(
            "cycle__department__head", "owner", "approved_by"
        ),
        pk=pk,
    )


def visible_cycle(request: HtmxRequest, pk: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.visible_to(request.user).select_related("department__head"), pk=pk
    )


def respond(
    request: HtmxRequest,
    plan: Plan,
    text: str,
    level: Level,
) -> HttpResponse:
    """After a POST on the plan page: the one responder with the plan's scorecard as region."""
    from plans.views.plan import plan_context

    return toast_or_redirect(
        request,
        text=text,
        level=level,
        redirect_to=plan.get_absolute_url(),
        template="plans/plan_detail.html#plan-scorecard",
        context=lambda: plan_context(request, plan.pk),
    )
