"""The day view ("the ship's log"): one day's entries in time order, the month's calendar, and
the quick-entry form that saves with Ctrl+Enter without a reload."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import parse_date, query_text
from akimat.http import HtmxRequest, notify
from akimat.once import AlreadySaved, already_saved, once
from journal import services
from journal.forms import QuickEntryForm
from journal.models import Entry
from journal.selectors import day_bounds, month_calendar, with_links
from journal.views.common import nav


def parse_day(raw: str | None) -> dt.date | None:
    """`?date=YYYY-MM-DD`; None for anything else (then today is shown, with a message)."""
    return parse_date(raw)


def day_context(request: HtmxRequest, day: dt.date) -> dict[str, object]:
    visible = Entry.objects.visible_to(request.user)
    start, end = day_bounds(day)
    entries = list(
        with_links(
            visible.filter(occurred_at__gte=start, occurred_at__lt=end), request.user
        ).order_by("occurred_at", "pk")
    )
    first_of_month = day.replace(day=1)
    previous_month = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    next_month = (first_of_month + dt.timedelta(days=32)).replace(day=1)
    return {
        "day": day,
        "today": timezone.localdate(),
        "entries": entries,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "weeks": month_calendar(visible, day),
        "previous_month": previous_month,
        "next_month": next_month,
        **nav(request.user),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def day_view(request: HtmxRequest) -> HttpResponse:
    raw = query_text(request, "date")
    day = parse_day(raw)
    if day is None:
        if raw:
            messages.warning(request, _("There is no such date; here is today."))
        day = timezone.localdate()
    context = day_context(request, day)
    context["form"] = QuickEntryForm()
    template = "journal/day.html"
    if request.htmx and request.htmx.target == "day-log":
        template += "#day-log"
    return TemplateResponse(request, template, context)


@require_POST
@login_required
def quick_entry(request: HtmxRequest) -> HttpResponse:
    """Save a quick entry (now, a kind, tags); htmx gets the fresh form and the day's list."""
    if not services.can_write(request.user):
        raise PermissionDenied
    shown = parse_day(request.POST.get("day")) or timezone.localdate()
    form = QuickEntryForm(request.POST)
    entry = None
    if form.is_valid():
        try:
            with once(request) as submission:
                entry = services.create_entry(
                    author=request.user,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data["kind"],
                    tags=form.cleaned_data["tags"],
                )
                day = timezone.localtime(entry.occurred_at).date()
                submission.location = (
                    f"{reverse('journal:day')}?date={day:%Y-%m-%d}#entry-{entry.pk}"
                )
        except AlreadySaved as repeat:
            context = day_context(request, shown)
            context.update(form=QuickEntryForm(), oob=True, saved_on_shown_day=True)
            region = TemplateResponse(request, "journal/_quick_saved.html", context)
            return already_saved(request, repeat, redirect_to=reverse("journal:day"), region=region)
        except ValidationError as error:
            form.add_error(None, error)
    if entry is not None and not request.htmx:
        messages.success(request, _("The entry has been saved."))
        return HttpResponseRedirect(submission.location)
    context = day_context(request, shown)
    if entry is None:
        context["form"] = form
        template = "journal/day.html" + ("#quick-entry" if request.htmx else "")
        return TemplateResponse(request, template, context)
    on_this_day = timezone.localtime(entry.occurred_at).date() == shown
    context.update(
        form=QuickEntryForm(initial={"kind": entry.kind}),
        oob=True,
        saved=entry,
        saved_on_shown_day=on_this_day,
    )
    response = TemplateResponse(request, "journal/_quick_saved.html", context)
    text = (
        _("The entry has been saved.")
        if on_this_day
        else _("The entry has been saved under today.")
    )
    return notify(response, text, "success")
