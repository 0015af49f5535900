"""Weekly, mid-cycle and final reviews of a plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from akimat.http import HtmxRequest, add_errors
from akimat.versions import Conflict
from plans import forms, services
from plans.execution import plan_scorecard
from plans.models import Review
from plans.views.common import visible_plan


@require_http_methods(["GET", "POST"])
@login_required
def review_form(request: HtmxRequest, pk: int, kind: str, week: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    if kind not in Review.Kind.values or week not in services.review_weeks(kind):
        raise Http404
    review = Review.objects.filter(plan=plan, kind=kind, week=week).select_related("author").first()
    can_write = services.can_review(request.user, plan) and plan.cycle.status != "closed"
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    initial: dict[str, object] = {"version": 0}
    if review is not None:
        initial = {name: getattr(review, name) for name in forms.ReviewForm.FIELDS[kind]}
        initial["version"] = review.version
    form = forms.ReviewForm(
        request.POST if request.method == "POST" else None, initial=initial, kind=kind
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_review(
                plan=plan, actor=request.user, kind=kind, week=week, **form.cleaned_data
            )
        except Conflict as conflict:
            # Nothing saved: the form shows the review as it is now, with the warning.
            messages.warning(request, str(conflict))
            current = conflict.current
            initial = {name: getattr(current, name) for name in forms.ReviewForm.FIELDS[kind]}
            initial["version"] = current.version
            form = forms.ReviewForm(initial=initial, kind=kind)
            review = current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The review has been saved."))
            return HttpResponseRedirect(plan.get_absolute_url() + "#reviews")
    card = plan_scorecard(plan)
    return TemplateResponse(
        request,
        "plans/review_form.html",
        {
            "plan": plan,
            "cycle": plan.cycle,
            "kind": kind,
            "kind_label": Review.Kind(kind).label,
            "week": week,
            "review": review,
            "form": form,
            "can_write": can_write,
            "card": card,
            "score": card.scores[week - 1] if kind == Review.Kind.WEEKLY else None,
        },
    )
