"""Request types for typed views."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from akimat.models import User


class HtmxRequest(HttpRequest):
    """A request that passed HtmxMiddleware and `login_required`."""

    htmx: HtmxDetails
    user: User  # type: ignore[assignment]
