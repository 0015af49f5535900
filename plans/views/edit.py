"""Goals and tactics: their forms (plain pages that work on a phone) and removal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from akimat.http import HtmxRequest, add_errors, first_error
from akimat.models import User
from akimat.once import AlreadySaved, already_saved, once
from akimat.versions import Conflict
from plans import forms, services
from plans.models import Goal, Plan, Tactic
from plans.views.common import respond, visible_plan


def _editable(request: HtmxRequest, plan_pk: int) -> Plan:
    plan = visible_plan(request, plan_pk)
    if not services.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


@require_http_methods(["GET", "POST"])
@login_required
def goal_form(request: HtmxRequest, pk: int, goal_pk: int | None = None) -> HttpResponse:
    """Add a goal to plan `pk`, or edit its goal `goal_pk`."""
    plan = _editable(request, pk)
    goal = get_object_or_404(Goal, pk=goal_pk, plan=plan) if goal_pk else None
    if goal is not None:
        initial = forms.GoalForm.initial_for(goal)
    else:
        taken = sum(g.weight for g in plan.goals.all())
        initial = {"weight": max(100 - taken, 1)}
    form = forms.GoalForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if goal is None:
                with once(request):
                    services.add_goal(plan=plan, actor=request.user, **data)
            else:
                services.update_goal(goal=goal, actor=request.user, version=version, **data)
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=plan.get_absolute_url())
        except Conflict as conflict:
            # Nothing saved: the form shows the goal as it is now, with the warning.
            messages.warning(request, str(conflict))
            form = forms.GoalForm(initial=forms.GoalForm.initial_for(conflict.current))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The goal has been saved."))
            return HttpResponseRedirect(plan.get_absolute_url())
    return TemplateResponse(
        request,
        "plans/goal_form.html",
        {"form": form, "plan": plan, "cycle": plan.cycle, "goal": goal},
    )


@require_POST
@login_required
def goal_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk)
    plan = visible_plan(request, goal.plan_id)
    try:
        services.delete_goal(goal=goal, actor=request.user, version=_drawn_version(request))
    except Conflict as conflict:
        return respond(request, plan, str(conflict), "warning")
    except (ValidationError, PermissionDenied) as error:
        text = first_error(error) if isinstance(error, ValidationError) else str(error)
        return respond(request, plan, text, "danger")
    return respond(request, plan, _("The goal has been removed."), "success")


def _drawn_version(request: HtmxRequest) -> int | None:
    """The version a remove button was drawn with (None when not sent: nothing to compare)."""
    form = forms.VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


def _people(plan: Plan) -> QuerySet[User]:
    """Who can carry a tactic: the owner of an individual plan, anyone of the directorate for
    the directorate's plan."""
    if plan.is_directorate:
        return User.objects.filter(is_active=True, department_id=plan.cycle.department_id)
    return User.objects.filter(Q(pk=plan.owner_id))  # Q(): no owner matches nobody


@require_http_methods(["GET", "POST"])
@login_required
def tactic_form(
    request: HtmxRequest, pk: int | None = None, tactic_pk: int | None = None
) -> HttpResponse:
    """Add a tactic under goal `pk`, or edit tactic `tactic_pk`."""
    if tactic_pk:
        tactic = get_object_or_404(Tactic.objects.select_related("goal"), pk=tactic_pk)
        goal = tactic.goal
        initial = forms.TacticForm.initial_for(tactic)
    else:
        tactic = None
        goal = get_object_or_404(Goal, pk=pk)
        initial = {}
    plan = _editable(request, goal.plan_id)
    if not plan.is_directorate:
        initial.setdefault("responsible", plan.owner_id)
    form = forms.TacticForm(
        request.POST if request.method == "POST" else None, initial=initial, people=_people(plan)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "title": data["title"],
            "responsible": data["responsible"],
            "weekday": data["weekday"],
            "weeks": data["weeks"],
        }
        try:
            if tactic is None:
                with once(request):
                    services.add_tactic(goal=goal, actor=request.user, **values)
            else:
                services.update_tactic(
                    tactic=tactic, actor=request.user, version=data["version"], **values
                )
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=plan.get_absolute_url())
        except Conflict as conflict:
            # Nothing saved: the form shows the tactic as it is now, with the warning.
            messages.warning(request, str(conflict))
            form = forms.TacticForm(
                initial=forms.TacticForm.initial_for(conflict.current), people=_people(plan)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if plan.status == Plan.Status.APPROVED:
                messages.success(
                    request,
                    _("The tactic has been saved; its tasks change from next week on."),
                )
            else:
                messages.success(request, _("The tactic has been saved."))
            return HttpResponseRedirect(plan.get_absolute_url())
    return TemplateResponse(
        request,
        "plans/tactic_form.html",
        {"form": form, "plan": plan, "cycle": plan.cycle, "goal": goal, "tactic": tactic},
    )


@require_POST
@login_required
def tactic_remove(request: HtmxRequest, pk: int) -> HttpResponse:
    tactic = get_object_or_404(Tactic.objects.select_related("goal"), pk=pk)
    plan = visible_plan(request, tactic.goal.plan_id)
    approved = plan.status == Plan.Status.APPROVED
    try:
        services.remove_tactic(tactic=tactic, actor=request.user, version=_drawn_version(request))
    except Conflict as conflict:
        return respond(request, plan, str(conflict), "warning")
    except (ValidationError, PermissionDenied) as error:
        text = first_error(error) if isinstance(error, ValidationError) else str(error)
        return respond(request, plan, text, "danger")
    text = (
        _("The tactic is stopped: it sets no tasks after this week.")
        if approved
        else _("The tactic has been removed.")
    )
    return respond(request, plan, text, "success")
