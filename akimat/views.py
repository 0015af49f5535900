"""The frame of the house: the role-aware home page, the people directory, language, health."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat import calendar, health, imports, jobs
from akimat.cleaning import query_text
from akimat.http import HtmxRequest
from akimat.models import Department, Language, Role, User
from akimat.services import set_user_language
from akimat.staff import STAFF

PEOPLE_PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100


class LoginView(auth_views.LoginView):
    """Django's login; a language picked on the login page becomes the person's language."""

    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in Language.values:
            set_user_language(user=form.get_user(), language=chosen)
        return response


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The sign-in page again, saying until when this login is refused from this computer.

    django-axes calls this (AXES_LOCKOUT_CALLABLE) instead of its own English text, for the
    portal's login and the admin's alike. The lockout ends a cool-off after the last counted
    failure; retries during the lockout are not counted, so the time named stays true.
    """
    last_failure = (
        AxesProxyHandler.get_implementation()
        .get_user_attempts(request, credentials)[0]
        .aggregate(last=Max("attempt_time"))["last"]
    )
    until = timezone.localtime((last_failure or timezone.now()) + get_cool_off(request))
    message = _(
        "Too many wrong passwords for this login from this computer. Sign-in is paused until "
        "%(time)s; try again then, or ask the administrator to unlock it sooner."
    ) % {"time": formats.time_format(until, "H:i")}
    form = AuthenticationForm(
        request, initial={"username": get_client_username(request, credentials)}
    )
    context = {"form": form, "lockout_message": message, "next": request.POST.get("next", "")}
    # Rendered here: django-axes returns it from a middleware, past the template-response phase.
    return render(request, "registration/login.html", context, status=429)


@require_GET
@login_required
def home(request: HtmxRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context: dict[str, object] = {
        "today": today,
        "today_is_working": calendar.is_working_day(today),
        "next_working_day": calendar.add_working_days(today, 1),
        "has_roles": bool(user.roles),
        # A role named as the position is said once, by the position.
        "roles": [
            label
            for label in (str(Role(r).label) for r in Role.values if r in user.roles)
            if label.casefold() != user.localised_position.strip().casefold()
        ],
    }
    if user.has_role(Role.DEPUTY, Role.METHODOLOGIST, Role.RECEPTIONIST, Role.ADMIN):
        context["departments"] = Department.objects.select_related("head").annotate(
            people=Count("members", filter=Q(members__is_active=True))
        )
    if user.has_role(Role.HEAD):
        context["team"] = (
            User.objects.filter(is_active=True, department__head=user)
            .select_related("department")
            .order_by("department__name_ru", "last_name", "first_name")
        )
    if user.department_id:
        context["my_department"] = Department.objects.select_related("head").get(
            pk=user.department_id
        )
    return TemplateResponse(request, "akimat/home.html", context)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def people(request: HtmxRequest) -> HttpResponse:
    """The staff directory with search-as-you-type (name, position, login)."""
    query = query_text(request, "q", max_length=SEARCH_MAX_LENGTH)
    found = User.objects.filter(is_active=True).select_related("department")
    for word in query.split():
        found = found.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(middle_name__icontains=word)
            | Q(position__icontains=word)
            | Q(position_kk__icontains=word)
            | Q(username__icontains=word)
        )
    results = list(found[: PEOPLE_PAGE_SIZE + 1])
    context = {
        "query": query,
        "results": results[:PEOPLE_PAGE_SIZE],
        "more": len(results) > PEOPLE_PAGE_SIZE,
        "may_import": STAFF.may_import(request.user),
    }
    template = "akimat/people.html"
    if request.htmx:
        template += "#people-results"
    return TemplateResponse(request, template, context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person keeps the choice on their account."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        set_user_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when both the database and the broker answer, 503 when either does not."""
    checks = {
        "database": "ok" if health.database_ok() else "unavailable",
        "broker": "ok" if health.broker_ok() else "unavailable",
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )


# --- the staff list from Excel (the pages are akimat.imports') --------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def people_import(request: HtmxRequest) -> HttpResponse:
    return imports.upload_page(request, STAFF)


@require_POST
@login_required
def people_import_confirm(request: HtmxRequest) -> HttpResponse:
    return imports.confirm(request, STAFF, jobs.import_staff)


@require_GET
@login_required
def people_import_run(request: HtmxRequest, pk: int) -> HttpResponse:
    return imports.run_page(request, STAFF, pk)


@require_GET
@login_required
def people_import_template(request: HtmxRequest) -> HttpResponse:
    return imports.template_download(request, STAFF)
