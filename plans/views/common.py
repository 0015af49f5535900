"""What the plans views share: scoping by role, and answering a POST with or without htmx."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

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


def first_error(error: ValidationError | forms.Form) -> str:
    if isinstance(error, forms.Form):
        return next(
            iter(e for errors in error.errors.values() for e in errors), _("Check the form.")
        )
    return next(iter(error.messages), _("Check the form."))


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's error on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def respond(
    request: HtmxRequest,
    plan: Plan,
    text: str,
    level: Level,
) -> HttpResponse:
    """After a POST on the plan page: htmx gets the scorecard again with a toast; a plain
    request goes back to the plan page with the message (Post/Redirect/Get)."""
    region = None
    if request.htmx:
        from plans.views.plan import plan_context

        region = TemplateResponse(
            request, "plans/plan_detail.html#plan-scorecard", plan_context(request, plan.pk)
        )
    return toast_or_redirect(
        request, text=text, level=level, redirect_to=plan.get_absolute_url(), region=region
    )
