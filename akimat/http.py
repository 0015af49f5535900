"""Request types for typed views, and the one way an action tells the person how it went."""

from __future__ import annotations

import ipaddress
from typing import Literal

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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


class HtmxRequest(HttpRequest):
    """A request that passed HtmxMiddleware and `login_required`."""

    htmx: HtmxDetails
    user: User  # type: ignore[assignment]


def notify(response: HttpResponse, text: str, level: Level) -> HttpResponse:
    """The toast an htmx action shows (static/js/app.js listens for `notify`)."""
    return trigger_client_event(response, "notify", {"text": text, "level": level})


def toast_or_redirect(
    request: HtmxRequest,
    *,
    text: str,
    level: Level,
    redirect_to: str,
    region: HttpResponse | None = None,
) -> HttpResponse:
    """After an action: htmx gets `region` (the page's part in its new state) with a toast; a
    plain request is sent to `redirect_to` with the same message at the same level (Post/
    Redirect/Get), so a conflict is a warning with or without htmx."""
    if not request.htmx or region is None:
        messages.add_message(request, MESSAGE_LEVELS[level], text)
        return HttpResponseRedirect(redirect_to)
    return notify(region, text, level)


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
