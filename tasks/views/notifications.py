"""The bell: a person's latest notifications, marking them read, the header's live count, and
the person's choice of e-mail per kind of notification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HTMX_STOP_POLLING

from akimat.cleaning import query_int
from akimat.http import HtmxRequest, notify, toast_or_redirect
from akimat.models import User
from tasks.forms import NotificationChannelsForm
from tasks.models import Notification
from tasks.selectors import notification_channels, unread_count
from tasks.services import mark_notifications_read, set_notification_channels

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


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's poll (tasks/bell.py): the bell's counter, swapped in out of band, and a toast
    (the page's polite live region) when the count has grown past what the page shows.

    One COUNT query besides the session's; the session is read, never written. Without a
    session (expired, or signed out in another tab) it answers 286, which stops htmx polling:
    never a login page inside the header, and the next click meets the login as usual."""
    if not request.user.is_authenticated:
        response = HttpResponse(status=HTMX_STOP_POLLING)
    else:
        count = unread_count(request.user)
        shown = query_int(request, "shown")
        # Drawn without the request: the page's context processors (the menu's roles) would
        # cost queries the counter does not need.
        response = HttpResponse(
            render_to_string(
                "tasks/_bell.html#bell-counter", {"unread_notifications": count, "bell_oob": True}
            )
        )
        if shown is not None and count > shown:
            new = count - shown
            text = ngettext("%(count)d new notification", "%(count)d new notifications", new) % {
                "count": new
            }
            notify(response, text, "info")
    patch_cache_control(response, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request: HtmxRequest) -> HttpResponse:
    """The person's choice, per kind of notification, of instant e-mail, the digest, or none."""
    form = NotificationChannelsForm(
        request.POST or None, channels=notification_channels(request.user)
    )
    if request.method == "POST" and form.is_valid():
        changed = set_notification_channels(user=request.user, channels=form.cleaned_data)
        return toast_or_redirect(
            request,
            text=_("Notification settings saved.") if changed else _("Nothing has changed."),
            level="success" if changed else "info",
            redirect_to=reverse("tasks:notification-settings"),
        )
    return TemplateResponse(request, "tasks/notification_settings.html", {"form": form})
