"""What the reception views share: answering an action with a toast, the service lists."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from akimat.http import HtmxRequest, Level, toast_or_redirect
from reception.models import Closure, Service


def first_error(error: ValidationError | forms.Form) -> str:
    if isinstance(error, forms.Form):
        return next(
            iter(e for errors in error.errors.values() for e in errors), _("Check the form.")
        )
    return next(iter(error.messages), _("Check the form."))


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def offered_services() -> list[Service]:
    """Every offered service, by directorate (one query); closed directorates are marked."""
    today = timezone.localdate()
    closed = set(
        Closure.objects.filter(first_day__lte=today, last_day__gte=today).values_list(
            "department_id", flat=True
        )
    )
    services = list(
        Service.objects.filter(is_active=True)
        .select_related("department")
        .order_by("department__name_ru", "position", "name_ru")
    )
    for service in services:
        service.is_closed = service.department_id in closed  # type: ignore[attr-defined]
    return services


def answer(
    request: HtmxRequest,
    *,
    text: str,
    level: Level,
    template: str,
    context: dict[str, object],
    redirect_to: str,
) -> HttpResponse:
    """An htmx action gets its region in the new state and a toast; a plain one a redirect."""
    region = TemplateResponse(request, template, context) if request.htmx else None
    return toast_or_redirect(
        request, text=text, level=level, redirect_to=redirect_to, region=region
    )
