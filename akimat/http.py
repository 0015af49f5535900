"""Request types for typed views, and the one way an action tells the person how it went."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any, Literal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from akimat.models import User

# The toast's colour; a version conflict is a warning, refused input danger.
Level = Literal["success", "info", "warning", "danger"]
MESSAGE_LEVELS: dict[str, int] = {
    "success": messages.SUCCESS,
    "info": messages.INFO,
    "warning": messages.WARNING,
    "danger": messages.ERROR,
}
# A region's context, or what computes it: called only when the region is drawn (htmx).
Context = dict[str, Any] | Callable[[], dict[str, Any]]


class HtmxRequest(HttpRequest):
    """A request that passed HtmxMiddleware and `login_required`."""

    htmx: HtmxDetails
    user: User


def notify(response: HttpResponse, text: str, level: Level) -> HttpResponse:
    """The toast an htmx action shows (static/js/app.js listens for `notify`)."""
    return trigger_client_event(response, "notify", {"text": text, "level": level})


def announce(response: HttpResponse, event: str) -> HttpResponse:
    """An event other parts of the page listen for (`hx-trigger="<event> from:body"`)."""
    return trigger_client_event(response, event)


def toast_or_redirect(
    request: HtmxRequest,
    *,
    text: str,
    level: Level,
    redirect_to: str,
    region: HttpResponse | None = None,
    template: str | None = None,
    context: Context | None = None,
) -> HttpResponse:
    """After an action: htmx gets its region (the page's part in its new state) with a toast; a
    plain request is sent to `redirect_to` with the same message at the same level (Post/
    Redirect/Get), so a conflict is a warning with or without htmx.

    The region is either a ready `region` or drawn from `template` (a partial) and `context`;
    a callable context is computed only when the region is drawn."""
    if request.htmx and region is None and template is not None:
        values = context() if callable(context) else context
        region = TemplateResponse(request, template, values)
    if not request.htmx or region is None:
        messages.add_message(request, MESSAGE_LEVELS[level], text)
        return HttpResponseRedirect(redirect_to)
    return notify(region, text, level)


def first_error(error: ValidationError | forms.Form) -> str:
    """The one message a toast shows for a refused form or a service's ValidationError."""
    if isinstance(error, forms.Form):
        return str(
            next(iter(e for errors in error.errors.values() for e in errors), _("Check the form."))
        )
    return next(iter(error.messages), _("Check the form."))


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: on its field where the form has one, else on
    top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def serve_file(file: FieldFile, *, filename: str, inline: bool = False) -> FileResponse:
    """A stored file (an attachment, an export) under its own name: downloaded, or shown in the
    browser when `inline`; 404 when it is gone from the disk. The caller has already fetched its
    record through the visibility check of the record it belongs to."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=not inline, filename=filename)


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from: the connection's, or behind TRUSTED_PROXY_COUNT reverse
    proxies the one the outermost proxy appended to X-Forwarded-For (counted from the right).

    Hand-written because django-ipware, which django-axes offers, skips private addresses in
    favour of public ones: on an office network a client could type a public address into the
    header and be counted as someone else. Entries left of the proxies' are never read.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")
