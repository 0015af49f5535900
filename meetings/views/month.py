"""The deputy's month: the calendar of district visits and reception days, planning one, and a
visit's page with its meetings, the residents received and the problem sites."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akimat.calendar import ensure_calendar
from akimat.cleaning import query_int, query_text
from akimat.http import HtmxRequest, add_errors, serve_file
from akimat.models import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, CalendarDay, Role, User
from akimat.once import AlreadySaved, already_saved, once
from meetings import visits
from meetings.forms_month import HoldForm, PlanVisitForm, RescheduleForm, ResidentForm, SiteForm
from meetings.models import FieldVisit, SitePhoto
from meetings.selectors import shift_month

LIST_PER_PAGE = 20
RESIDENTS_PER_PAGE = 20
# The meetings of one visit shown on its page: its collegial meeting, seldom a second one.
MEETINGS_SHOWN = 10


# --- the month ---------------------------------------------------------------------------------


def _month(request: HtmxRequest, today: dt.date) -> tuple[dt.date, bool]:
    """The first day of the month asked for (`?month=2026-12`), or this month's; and whether
    what was asked for was not understood."""
    if not request.GET.get("month"):
        return today.replace(day=1), False
    raw = query_text(request, "month", max_length=8)
    year, _dash, number = raw.partition("-")
    if not (year.isdigit() and number.isdigit() and len(year) == 4 and 1 <= int(number) <= 12):
        return today.replace(day=1), True
    if not CALENDAR_FIRST_YEAR <= int(year) <= CALENDAR_LAST_YEAR:
        return today.replace(day=1), True
    return dt.date(int(year), int(number), 1), False


def _deputy(request: HtmxRequest, choices: list[User]) -> User | None:
    """The deputy whose month is shown: `?deputy=<pk>` among those one may see (404 for anyone
    else), else oneself if a deputy, else the first deputy."""
    wanted = query_int(request, "deputy")
    if wanted is not None:
        for person in choices:
            if person.pk == wanted:
                return person
        raise Http404(_("Choose a deputy akim from the list."))
    for person in choices:
        if person.pk == request.user.pk:
            return person
    return choices[0] if choices else None


def _weeks(first: dt.date, rows: list[FieldVisit], today: dt.date) -> list[list[dict[str, Any]]]:
    """The month's grid, Monday first: each day with its calendar row and its visits."""
    start = first - dt.timedelta(days=first.weekday())
    last = shift_month(first, 1) - dt.timedelta(days=1)
    end = last + dt.timedelta(days=6 - last.weekday())
    ensure_calendar(start=start, end=end)
    calendar = {d.date: d for d in CalendarDay.objects.filter(date__range=(start, end))}
    by_day: dict[dt.date, list[FieldVisit]] = {}
    for visit in rows:
        by_day.setdefault(visit.planned_on, []).append(visit)
    weeks, day = [], start
    while day <= end:
        week = []
        for _offset in range(7):
            row = calendar.get(day)
            week.append(
                {
                    "date": day,
                    "in_month": day.month == first.month,
                    "is_today": day == today,
                    "working": row.is_working if row else day.weekday() < 5,
                    "note": row.note if row else "",
                    "visits": by_day.get(day, []),
                }
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    return weeks


@require_GET
@login_required
def month(request: HtmxRequest) -> HttpResponse:
    """The deputy's month as a calendar and, below it, the same visits as a list."""
    user = request.user
    if visits.sees_every_month(user):
        choices = list(visits.deputies())
    elif user.has_role(Role.DEPUTY):
        choices = [user]
    else:
        raise PermissionDenied
    today = timezone.localdate()
    first, misread = _month(request, today)
    deputy = _deputy(request, choices)
    last = shift_month(first, 1) - dt.timedelta(days=1)
    rows = list(visits.month_visits(deputy, first, last, today)) if deputy else []
    page = Paginator(rows, LIST_PER_PAGE).get_page(query_int(request, "page"))
    weeks = _weeks(first, rows, today)
    context = {
        "first": first,
        "weeks": weeks,
        "weekdays": [date_format(day["date"], "D") for day in weeks[0]],
        "previous": shift_month(first, -1),
        "next": shift_month(first, 1),
        "deputy": deputy,
        "deputies": choices,
        "page": page,
        "misread": misread,
        "can_plan": deputy is not None and visits.can_plan(request.user, deputy),
    }
    return TemplateResponse(request, "meetings/month/month.html", context)


# --- planning ----------------------------------------------------------------------------------


def _plan_deputies(user: User) -> list[User] | None:
    """The deputies an admin plans for (None: a deputy plans their own month)."""
    if user.has_role(Role.ADMIN):
        return list(visits.deputies())
    if user.has_role(Role.DEPUTY):
        return None
    raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def visit_plan(request: HtmxRequest) -> HttpResponse:
    """Plan a visit: the deputy for themself, an admin for a chosen deputy."""
    choices = _plan_deputies(request.user)
    deputies = visits.deputies() if choices is not None else None
    if request.method != "POST":
        initial = {"planned_on": query_text(request, "date", max_length=10) or None}
        form = PlanVisitForm(initial=initial, deputies=deputies)
        return TemplateResponse(request, "meetings/month/plan.html", {"form": form})
    form = PlanVisitForm(request.POST, deputies=deputies)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once(request) as submission:
                visit = visits.plan_visit(
                    actor=request.user,
                    deputy=data.get("deputy") or request.user,
                    kind=data["kind"],
                    district=data["district"],
                    sphere=data["sphere"],
                    planned_on=data["planned_on"],
                )
                submission.location = visit.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("meetings:month"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The visit is planned for %(day)s.")
                % {"day": date_format(visit.planned_on, "SHORT_DATE_FORMAT")},
            )
            return HttpResponseRedirect(submission.location)
    return TemplateResponse(request, "meetings/month/plan.html", {"form": form})


# --- a visit -----------------------------------------------------------------------------------


def _visit(request: HtmxRequest, pk: int) -> FieldVisit:
    today = timezone.localdate()
    return get_object_or_404(
        visits.visits_visible_to(request.user)
        .select_related("district", "deputy")
        .annotate(late=visits.late(today)),
        pk=pk,
    )


def _visit_context(request: HtmxRequest, visit: FieldVisit, **forms: Any) -> dict[str, Any]:
    keeps = visits.keeps_visit(request.user, visit)
    residents = visit.residents.select_related(
        "reception_visit__visitor", "reception_visit__service"
    ).order_by("-pk")
    return {
        "visit": visit,
        "keeps": keeps,
        "can_plan": visits.can_plan(request.user, visit.deputy) and visit.held_on is None,
        "sees_month": visits.sees_every_month(request.user) or keeps,
        "begun": visit.planned_on <= timezone.localdate(),
        "meetings": list(visit.meetings.order_by("starts_at", "pk")[:MEETINGS_SHOWN]),
        "page": Paginator(residents, RESIDENTS_PER_PAGE).get_page(query_int(request, "page")),
        "sites": list(visit.sites.prefetch_related("photos")),
        "hold_form": forms.get("hold_form") or HoldForm(initial={"held_on": timezone.localdate()}),
        "reschedule_form": forms.get("reschedule_form") or RescheduleForm(),
    }


@require_GET
@login_required
def visit_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    return TemplateResponse(request, "meetings/month/visit.html", _visit_context(request, visit))


@require_POST
@login_required
def visit_hold(request: HtmxRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    if not visits.keeps_visit(request.user, visit):
        raise PermissionDenied
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            with once(request) as submission:
                visits.hold_visit(
                    actor=request.user,
                    visit=visit,
                    held_on=form.cleaned_data["held_on"],
                    assessment=form.cleaned_data["assessment"],
                )
                submission.location = visit.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=visit.get_absolute_url())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The visit is marked as held."))
            return HttpResponseRedirect(visit.get_absolute_url())
    return TemplateResponse(
        request, "meetings/month/visit.html", _visit_context(request, visit, hold_form=form)
    )


@require_POST
@login_required
def visit_reschedule(request: HtmxRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    if not visits.can_plan(request.user, visit.deputy):
        raise PermissionDenied
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            with once(request) as submission:
                visits.reschedule_visit(
                    actor=request.user, visit=visit, planned_on=form.cleaned_data["planned_on"]
                )
                submission.location = visit.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=visit.get_absolute_url())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The visit is moved."))
            return HttpResponseRedirect(visit.get_absolute_url())
    return TemplateResponse(
        request,
        "meetings/month/visit.html",
        _visit_context(request, visit, reschedule_form=form),
    )


def _kept_visit(request: HtmxRequest, pk: int) -> FieldVisit:
    visit = _visit(request, pk)
    if not visits.keeps_visit(request.user, visit):
        raise PermissionDenied
    return visit


@require_http_methods(["GET", "POST"])
@login_required
def resident_add(request: HtmxRequest, pk: int) -> HttpResponse:
    """Record a resident received on the visit."""
    visit = _kept_visit(request, pk)
    template = "meetings/month/resident_form.html"
    if request.method != "POST":
        return TemplateResponse(request, template, {"visit": visit, "form": ResidentForm()})
    form = ResidentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once(request) as submission:
                visits.receive_resident(
                    actor=request.user,
                    visit=visit,
                    service=data["service"],
                    kind=data["kind"],
                    consent=data["consent"],
                    purpose=data["purpose"],
                    outcome=data["outcome"],
                    full_name=data["full_name"],
                    iin=data["iin"],
                    phone=data["phone"],
                )
                submission.location = visit.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=visit.get_absolute_url())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The resident is recorded."))
            return HttpResponseRedirect(submission.location)
    return TemplateResponse(request, template, {"visit": visit, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def site_add(request: HtmxRequest, pk: int) -> HttpResponse:
    """Record a problem site seen on the visit, with its photos."""
    visit = _kept_visit(request, pk)
    template = "meetings/month/site_form.html"
    if request.method != "POST":
        return TemplateResponse(request, template, {"visit": visit, "form": SiteForm()})
    form = SiteForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with once(request) as submission:
                visits.add_problem_site(
                    actor=request.user,
                    visit=visit,
                    name=data["name"],
                    address=data["address"],
                    found=data["found"],
                    photos=data["photos"],
                )
                submission.location = visit.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=visit.get_absolute_url())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The problem site is recorded."))
            return HttpResponseRedirect(submission.location)
    return TemplateResponse(request, template, {"visit": visit, "form": form})


@require_GET
@login_required
def site_photo(request: HtmxRequest, pk: int, photo_pk: int) -> FileResponse:
    """A photo is served only to people who see its visit."""
    visit = get_object_or_404(visits.visits_visible_to(request.user), pk=pk)
    photo = get_object_or_404(SitePhoto, pk=photo_pk, site__visit=visit)
    return serve_file(photo.file, filename=photo.name, inline=True)


urlpatterns: list[URLPattern] = [
    path("month/", month, name="month"),
    path("month/plan/", visit_plan, name="visit-plan"),
    path("visits/<int:pk>/", visit_detail, name="visit"),
    path("visits/<int:pk>/hold/", visit_hold, name="visit-hold"),
    path("visits/<int:pk>/reschedule/", visit_reschedule, name="visit-reschedule"),
    path("visits/<int:pk>/residents/add/", resident_add, name="visit-resident-add"),
    path("visits/<int:pk>/sites/add/", site_add, name="visit-site-add"),
    path("visits/<int:pk>/photos/<int:photo_pk>/", site_photo, name="visit-photo"),
]
