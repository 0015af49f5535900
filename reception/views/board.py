"""The hall screen: no login, ticket numbers and desks only, never a name, IIN or phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from reception.selectors import directorate_queues, now_called

REFRESH_SECONDS = 5


@require_GET
@never_cache
@vary_on_headers("HX-Request")
def board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    calls = now_called(today)
    context = {
        "now": timezone.localtime(),
        "latest": calls[0] if calls else None,
        "calls": calls,
        "queues": directorate_queues(today),
        "refresh": REFRESH_SECONDS,
    }
    template = "reception/board.html"
    if getattr(request, "htmx", False):
        template += "#board"
    return TemplateResponse(request, template, context)
