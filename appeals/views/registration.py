"""Registration of an appeal (APPC art. 63): by an official for a written, electronic or oral
appeal, or in one click from a reception visit; and the coupon the applicant takes away."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from akimat.cleaning import query_int, query_text
from akimat.http import HtmxRequest, add_errors
from akimat.models import Language, User
from akimat.once import AlreadySaved, already_saved, once
from appeals import services
from appeals.forms import RegisterForm, initial_from
from appeals.models import Appeal, Topic
from reception.models import Visit
from reception.selectors import is_receptionist, watches_all

TEMPLATE = "appeals/register.html"
# The public status page, printed on every coupon: a fixed address, since a coupon printed today
# must still lead there years later (the page itself is appeals/views/public.py's).
STATUS_PAGE = "/appeals/status/"


def visits_of(user: User) -> QuerySet[Visit]:
    """The visits a person may register an appeal from: every one for the reception and the
    watchers; for the staff of a directorate its own queue's and the ones they served (as the
    reception's queue shows them)."""
    if is_receptionist(user) or watches_all(user):
        return Visit.objects.all()
    seen = Q(official=user)
    if user.department_id is not None:
        seen |= Q(department_id=user.department_id)
    return Visit.objects.filter(seen)


def coupons_of(user: User) -> QuerySet[Appeal]:
    """The coupons a person may open: the appeals they registered, and the ones they see."""
    return Appeal.objects.visible_to(user) | Appeal.objects.filter(registered_by=user)


def _visit(request: HtmxRequest, pk: int) -> Visit:
    return get_object_or_404(
        visits_of(request.user).select_related("visitor", "organisation"), pk=pk
    )


def _topics() -> list[Topic]:
    return list(
        Topic.objects.filter(is_active=True)
        .select_related("department")
        .order_by("position", "name_ru", "pk")
    )


def _registered(appeal: Appeal) -> str:
    """What the registrar is told: the number, the day it is registered on and its term."""
    text = _(
        "Appeal %(code)s is registered on %(day)s; the term of its consideration is %(term)s."
    ) % {
        "code": appeal.code,
        "day": date_format(appeal.registered_on, "SHORT_DATE_FORMAT"),
        "term": date_format(appeal.deadline, "SHORT_DATE_FORMAT"),
    }
    if appeal.registered_on != timezone.localdate(appeal.received_at):
        text += " " + _(
            "It was received on a non-working day, so it is registered on the next working day."
        )
    if appeal.repeat_of is not None:
        text += " " + _(
            "A repeat appeal: the same applicant wrote on this topic within a year (%(code)s)."
        ) % {"code": appeal.repeat_of.code}
    return text


@require_http_methods(["GET", "POST"])
@login_required
def register(request: HtmxRequest) -> HttpResponse:
    """The registration form; `?visit=<pk>` carries a reception visitor's data over."""
    if not services.can_register(request.user):
        raise PermissionDenied
    topics = _topics()
    if request.method == "POST":
        return _register(request, topics)
    initial: dict[str, object] = {
        "received_at": timezone.localtime().replace(second=0, microsecond=0)
    }
    visit = None
    visit_pk = query_int(request, "visit")
    if visit_pk is not None:
        visit = _visit(request, visit_pk)
        initial.update(initial_from(services.Applicant.from_visit(visit)), visit=visit.pk)
    form = RegisterForm(initial=initial, topics=topics)
    return TemplateResponse(request, TEMPLATE, {"form": form, "visit": visit})


def _register(request: HtmxRequest, topics: list[Topic]) -> HttpResponse:
    form = RegisterForm(request.POST, request.FILES, topics=topics)
    valid = form.is_valid()
    visit_pk = form.cleaned_data.get("visit")
    # Someone else's visit is not there for this person, on a sent form as on the link.
    visit = _visit(request, visit_pk) if visit_pk else None
    if valid:
        data = form.cleaned_data
        try:
            with once(request) as submission:
                appeal = services.register_appeal(
                    registrar=request.user,
                    kind=data["kind"],
                    channel=data["channel"],
                    topic=data["topic"],
                    summary=data["summary"],
                    applicant=form.applicant(),
                    anonymous=data["anonymous"],
                    text=data["text"],
                    protocol=data["protocol"],
                    visit=visit,
                    received_at=data["received_at"],
                    files=data["files"],
                )
                submission.location = reverse("appeals:coupon", args=[appeal.pk])
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("appeals:register"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _registered(appeal))
            return HttpResponseRedirect(submission.location)
    return TemplateResponse(request, TEMPLATE, {"form": form, "visit": visit})


@require_GET
@login_required
def coupon(request: HtmxRequest, pk: int) -> HttpResponse:
    """The coupon in the applicant's language: A4 by default, `?format=receipt` for the 80 mm
    receipt printer."""
    appeal = get_object_or_404(
        coupons_of(request.user).select_related("topic", "registered_by", "repeat_of"), pk=pk
    )
    return TemplateResponse(
        request,
        "appeals/coupon.html",
        {
            "appeal": appeal,
            "receipt": query_text(request, "format") == "receipt",
            "coupon_language": Language.KK if appeal.language == Language.KK else Language.RU,
            "status_url": request.build_absolute_uri(STATUS_PAGE),
            "day_off": appeal.registered_on != timezone.localdate(appeal.received_at),
        },
    )


urlpatterns: list[URLPattern] = [
    path("new/", register, name="register"),
    path("<int:pk>/coupon/", coupon, name="coupon"),
]
