"""The experiment's indicators: the list with each one's change against its baseline, and an
indicator's page with the chart (readings, baseline, target, the entries tagged to it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akimat.http import HtmxRequest
from akimat.once import AlreadySaved, already_saved, once
from journal import indicators, services
from journal.forms import IndicatorForm, ReadingForm
from journal.models import Entry, Indicator, Reading
from journal.selectors import day_bounds

MARKER_LIMIT = 200


def _require_reader(request: HtmxRequest) -> None:
    if not services.can_read_indicators(request.user):
        raise PermissionDenied


def _latest(field: str) -> Subquery:
    return Subquery(
        Reading.objects.filter(indicator=OuterRef("pk")).order_by("-date").values(field)[:1]
    )


def describe(indicator: Indicator, value: Decimal | None) -> dict[str, object]:
    """The change against the baseline as the page states it ("−20 %"), and whether it is good."""
    change = indicator.change_percent(value)
    return {
        "value": value,
        "value_text": indicator.amount(value) if value is not None else "",
        "change": change,
        "change_text": _signed(change),
        "good": indicator.is_improvement(value),
    }


def _signed(change: Decimal | None) -> str:
    if change is None:
        return ""
    rounded = round(change)
    if rounded == 0:
        return "0 %"
    return f"{'+' if rounded > 0 else '−'}{abs(rounded)} %"


@require_GET
@login_required
def indicator_list(request: HtmxRequest) -> HttpResponse:
    _require_reader(request)
    rows = list(
        Indicator.objects.select_related("department", "tag").annotate(
            latest_value=_latest("value"), latest_date=_latest("date")
        )
    )
    for row in rows:
        row.summary = describe(row, row.latest_value)
    return TemplateResponse(
        request,
        "journal/indicator_list.html",
        {"indicators": rows, "can_write": services.can_write(request.user)},
    )


def chart_data(indicator: Indicator, readings: list[Reading], markers: list[Entry]) -> dict:
    """What the chart script draws: points as [milliseconds, value], the two levels, markers."""

    def ms(day: dt.date) -> int:
        return int(timezone.make_aware(dt.datetime.combine(day, dt.time(12))).timestamp() * 1000)

    return {
        "unit": indicator.unit,
        "readings": [{"x": ms(r.date), "y": float(r.value)} for r in readings],
        "baseline": float(indicator.baseline_value),
        "target": float(indicator.target_value) if indicator.target_value is not None else None,
        "markers": [
            {
                "x": int(e.occurred_at.timestamp() * 1000),
                "title": e.heading,
                "url": e.get_absolute_url(),
            }
            for e in markers
        ],
        "labels": {
            "readings": indicator.name,
            "baseline": _("Baseline"),
            "target": _("Target"),
            "markers": _("Logbook entries"),
        },
    }


@require_GET
@login_required
def indicator_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    indicator = get_object_or_404(Indicator.objects.select_related("department", "tag"), pk=pk)
    readings = list(indicator.readings.select_related("entered_by").order_by("date"))
    markers: list[Entry] = []
    if indicator.tag_id:
        first = min([indicator.baseline_start, *(r.date for r in readings[:1])])
        start, end = day_bounds(first, timezone.localdate())
        markers = list(
            Entry.objects.visible_to(request.user)
            .filter(tags=indicator.tag_id, occurred_at__gte=start, occurred_at__lt=end)
            .order_by("occurred_at", "pk")[:MARKER_LIMIT]
        )
    latest = readings[-1] if readings else None
    context = {
        "indicator": indicator,
        "readings": readings,
        "markers": markers,
        "latest": latest,
        "summary": describe(indicator, latest.value if latest else None),
        "chart": chart_data(indicator, readings, markers),
        "can_write": services.can_write(request.user),
        "reading_form": ReadingForm(initial={"date": timezone.localdate()}),
    }
    return TemplateResponse(request, "journal/indicator_detail.html", context)


@require_POST
@login_required
def reading_add(request: HtmxRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    if not services.can_write(request.user):
        raise PermissionDenied
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            with once(request):
                services.record_reading(
                    indicator=indicator, actor=request.user, **form.cleaned_data
                )
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=indicator.get_absolute_url())
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The reading has been saved."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return HttpResponseRedirect(indicator.get_absolute_url())


@require_POST
@login_required
def indicator_compute(request: HtmxRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    if not services.can_write(request.user):
        raise PermissionDenied
    if not indicator.is_computed:
        messages.warning(request, _("This indicator's readings are entered by hand."))
        return HttpResponseRedirect(indicator.get_absolute_url())
    written = indicators.compute_indicator(indicator=indicator, actor=request.user)
    messages.success(
        request,
        ngettext(
            "Recomputed from the portal's data: %(count)d reading updated.",
            "Recomputed from the portal's data: %(count)d readings updated.",
            written,
        )
        % {"count": written},
    )
    return HttpResponseRedirect(indicator.get_absolute_url())


@require_http_methods(["GET", "POST"])
@login_required
def indicator_form(request: HtmxRequest, pk: int | None = None) -> HttpResponse:
    if not services.can_write(request.user):
        raise PermissionDenied
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved._change_reason = gettext_noop("edited") if indicator else gettext_noop("created")
        saved._history_user = request.user
        try:
            with once(request) as submission:
                saved.save()
                submission.location = saved.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("journal:indicator-list"))
        messages.success(request, _("The indicator has been saved."))
        return HttpResponseRedirect(saved.get_absolute_url())
    return TemplateResponse(
        request, "journal/indicator_form.html", {"form": form, "indicator": indicator}
    )
