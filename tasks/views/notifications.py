"""The bell: a person's latest notifications, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.http import HtmxRequest
from akimat.models import User
from tasks.models import Notification
from tasks.selectors import unread_count
from tasks.services import mark_notifications_read

LIST_LENGTH = 20


def _latest(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor", "task")[:LIST_LENGTH]


@require_GET
@login_required
@vary_on_headers("HX-Request")
def notification_list(request: HtmxRequest) -> HttpResponse:
    """The signed-in person's latest notifications: a page, or the bell's dropdown via htmx."""
    template = "tasks/notification_list.html"
    if request.htmx:
        template += "#notification-list"
    return TemplateResponse(request, template, {"notifications": _latest(request.user)})


@require_POST
@login_required
def notifications_read(request: HtmxRequest) -> HttpResponse:
    """Mark all of the person's notifications read; htmx gets the list and the bell's new count."""
    mark_notifications_read(user=request.user)
    if not request.htmx:
        return redirect("tasks:notifications")
    context = {
        "notifications": _latest(request.user),
        # Counted again rather than assumed zero: a notification may arrive in between.
        "unread_notifications": unread_count(request.user),
        "bell_oob": True,
    }
    return TemplateResponse(request, "tasks/notification_list.html#notification-list", context)
