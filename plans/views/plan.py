"""A plan's page (the scorecard) and what is done on it: submit, approve, return, weights,
lag readings."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat import exports as akimat_exports
from akimat.http import HtmxRequest, first_error
from akimat.models import User
from akimat.versions import Conflict
from plans import exports, forms, services
from plans.execution import plan_scorecard
from plans.models import REVIEW_WEEK, WEEKS, Goal, Plan, Review
from plans.views.common import respond, visible_cycle, visible_plan

TEMPLATE = "plans/plan_detail.html"


def plan_context(request: HtmxRequest, pk: int) -> dict[str, object]:
    user = request.user
    plan = visible_plan(request, pk)
    card = plan_scorecard(plan)
    reviews = {(r.kind, r.week): r for r in plan.reviews.all()}
    week = card.current_week
    can_review = services.can_review(user, plan)
    review_slots = []
    for n in range(1, min(week, WEEKS) + 1):
        review_slots.append((Review.Kind.WEEKLY, n, reviews.get((Review.Kind.WEEKLY, n))))
    if week >= 6:
        review_slots.append((Review.Kind.MIDCYCLE, 6, reviews.get((Review.Kind.MIDCYCLE, 6))))
    if week >= REVIEW_WEEK:
        review_slots.append(
            (Review.Kind.FINAL, REVIEW_WEEK, reviews.get((Review.Kind.FINAL, REVIEW_WEEK)))
        )
    can_edit = services.can_edit_plan(user, plan)
    return {
        "plan": plan,
        "cycle": plan.cycle,
        "card": card,
        "weeks": [(n, plan.cycle.week_bounds(n)) for n in range(1, WEEKS + 1)],
        "can_edit": can_edit,
        "can_submit": can_edit and plan.status == Plan.Status.DRAFT and bool(card.goals),
        "can_approve": services.can_approve(user, plan) and plan.status == Plan.Status.SUBMITTED,
        "can_review": can_review,
        "can_read": can_review and plan.cycle.status != "closed" and week >= 1,
        "reading_weeks": range(1, min(week, REVIEW_WEEK) + 1),
        "review_slots": [s for s in review_slots if s[2] or can_review],
        "weights_form": forms.WeightsForm(
            goals=[c.goal for c in card.goals], initial={"version": plan.version}
        )
        if can_edit and card.goals
        else None,
        "return_form": forms.ReasonForm(),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def plan_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    kind = akimat_exports.export_kind(request)
    if kind is not None:
        return exports.scorecard_download(kind, plan_scorecard(visible_plan(request, pk)))
    template = TEMPLATE + "#plan-scorecard" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, plan_context(request, pk))


@require_POST
@login_required
def plan_create(request: HtmxRequest, pk: int) -> HttpResponse:
    """Draft a plan in a cycle: one's own (`owner` = oneself), a colleague's (a head), or the
    directorate's (`kind=directorate`)."""
    cycle = visible_cycle(request, pk)
    owner: User | None = None
    if request.POST.get("kind") != "directorate":
        raw = request.POST.get("owner", str(request.user.pk))
        if not raw.isdecimal():
            raise Http404
        owner = get_object_or_404(User, pk=raw, is_active=True)
    existing = Plan.objects.filter(cycle=cycle, owner=owner).first()
    if existing is not None and existing.kind == (
        Plan.Kind.DIRECTORATE if owner is None else Plan.Kind.INDIVIDUAL
    ):
        return HttpResponseRedirect(existing.get_absolute_url())
    try:
        plan = services.create_plan(cycle=cycle, actor=request.user, owner=owner)
    except ValidationError as error:
        messages.error(request, first_error(error))
        return HttpResponseRedirect(cycle.get_absolute_url())
    except PermissionDenied:
        messages.error(request, _("You may not draft this plan."))
        return HttpResponseRedirect(cycle.get_absolute_url())
    messages.success(request, _("The draft is ready: add one to three goals."))
    return HttpResponseRedirect(plan.get_absolute_url())


def _act(request: HtmxRequest, pk: int, action: Callable[[Plan], str]) -> HttpResponse:
    plan = visible_plan(request, pk)
    try:
        done = action(plan)
    except Conflict as conflict:
        return respond(request, plan, str(conflict), "warning")
    except ValidationError as error:
        return respond(request, plan, first_error(error), "danger")
    except PermissionDenied as denied:
        return respond(request, plan, str(denied), "danger")
    return respond(request, plan, done, "success")


@require_POST
@login_required
def plan_submit(request: HtmxRequest, pk: int) -> HttpResponse:
    def submit(plan: Plan) -> str:
        services.submit_plan(plan=plan, actor=request.user)
        return _("The plan has been sent for approval.")

    return _act(request, pk, submit)


@require_POST
@login_required
def plan_approve(request: HtmxRequest, pk: int) -> HttpResponse:
    def approve(plan: Plan) -> str:
        made = services.approve_plan(plan=plan, actor=request.user)
        return ngettext(
            "The plan is approved: %(count)d task has been set.",
            "The plan is approved: %(count)d tasks have been set.",
            made,
        ) % {"count": made}

    return _act(request, pk, approve)


@require_POST
@login_required
def plan_return(request: HtmxRequest, pk: int) -> HttpResponse:
    form = forms.ReasonForm(request.POST)

    def send_back(plan: Plan) -> str:
        if not form.is_valid():
            raise ValidationError(first_error(form))
        services.return_plan(plan=plan, actor=request.user, reason=form.cleaned_data["reason"])
        return _("The plan has been returned to its author.")

    return _act(request, pk, send_back)


@require_POST
@login_required
def plan_weights(request: HtmxRequest, pk: int) -> HttpResponse:
    def reweigh(plan: Plan) -> str:
        form = forms.WeightsForm(request.POST, goals=list(plan.goals.all()))
        if not form.is_valid():
            raise ValidationError(first_error(form))
        services.set_weights(
            plan=plan,
            actor=request.user,
            weights=form.weights(),
            version=form.cleaned_data["version"],
        )
        return _("The weights have been saved.")

    return _act(request, pk, reweigh)


@require_POST
@login_required
def reading_save(request: HtmxRequest, pk: int) -> HttpResponse:
    """Record a week's value of a goal's lag measure (inline on the scorecard)."""
    goal = get_object_or_404(Goal, pk=pk)
    plan = visible_plan(request, goal.plan_id)
    form = forms.ReadingForm(request.POST)

    def record(_plan: Plan) -> str:
        if not form.is_valid():
            raise ValidationError(first_error(form))
        services.record_reading(
            goal=goal,
            actor=request.user,
            week=form.cleaned_data["week"],
            value=form.cleaned_data["value"],
            version=form.cleaned_data["version"],
        )
        return _("The reading has been saved.")

    return _act(request, plan.pk, record)
