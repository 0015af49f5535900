"""The control pages: "Appeals" (what awaits whom today, section by section, for the person's
scope) and the share answered on time over a period by directorate and topic; both export to
CSV and XLSX with the filters shown.

The two filter forms live here, beside the only views that read them: they are GET filters of
these pages, not forms of an appeal's life (appeals/forms.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat import exports
from akimat.calendar import quarter_bounds
from akimat.cleaning import query_data, query_int, query_text
from akimat.forms import PortalForm, label_choices, model_choice_field
from akimat.http import HtmxRequest
from akimat.models import Department, User
from appeals import selectors
from appeals.models import Appeal, Kind, Status, Topic

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EXPORTS = ("csv", "xlsx")


class PeriodForm(PortalForm):
    """A period of days, both ends included; an empty end is the quarter's."""

    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The chosen days: this quarter when no end is given; a missing end is the quarter's
        of the end that is given, so the period never runs backwards."""
        start: dt.date | None = self.cleaned_data.get("date_from")
        end: dt.date | None = self.cleaned_data.get("date_to")
        if start is None and end is None:
            return quarter_bounds(today)
        if start is None:
            assert end is not None
            return quarter_bounds(end)[0], end
        return start, end or quarter_bounds(start)[1]


class ControlFilterForm(PeriodForm):
    """The control page's filters: the directorate (for who sees several), topic, kind, status,
    and the period of the late redirects."""

    department = forms.ModelChoiceField(
        label=gettext_lazy("Directorate"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "There is no such directorate: choose one from the list."
            )
        },
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=gettext_lazy("Any"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no such topic: choose one from the list.")
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Kind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Status.choices],
    )

    field_order = ("department", "topic", "kind", "status", "date_from", "date_to")

    def __init__(self, *args: Any, user: User, visible: QuerySet[Appeal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].label = _("Redirects from")
        self.fields["date_to"].label = _("to")
        if selectors.may_choose_directorate(user):
            label_choices(model_choice_field(self, "department"), lambda d: d.name)
        else:
            del self.fields["department"]
            # The topics of the person's directorate and of the appeals they see elsewhere.
            model_choice_field(self, "topic").queryset = Topic.objects.filter(
                Q(department_id=user.department_id) | Q(pk__in=visible.values("topic"))
            )
        label_choices(model_choice_field(self, "topic"), lambda t: t.name)

    def filters(self, today: dt.date) -> selectors.Filters:
        start, end = self.period(today)
        data = self.cleaned_data
        return selectors.Filters(
            start=start,
            end=end,
            department=data.get("department"),
            topic=data.get("topic"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
        )


def _download(content: str | bytes, *, name: str, kind: str) -> HttpResponse:
    """The file named as every export of the portal is (`akimat.exports.file_name`)."""
    return exports.download(content, name=exports.file_name(name, kind), kind=kind)


def _export_control(
    appeals: QuerySet[Appeal],
    sections: tuple[selectors.Section, ...],
    counts: dict[str, int],
    today: dt.date,
    filters: selectors.Filters,
    kind: str,
) -> HttpResponse | str:
    """The lines of the chosen sections, or the message why there would be too many."""
    total = sum(counts[section.key] for section in sections)
    if total > selectors.EXPORT_MAX_ROWS:
        return _(
            "%(count)s lines are more than one export holds (%(limit)s): narrow the filters, please."
        ) % {"count": total, "limit": selectors.EXPORT_MAX_ROWS}
    rows = [
        (section, appeal)
        for section in sections
        for appeal in selectors.section_rows(appeals, section, today, filters)
    ]
    headers = selectors.export_headers()
    lines = selectors.export_lines(rows, total=total)
    name = _("Appeals")
    if kind == "csv":
        return _download(selectors.as_csv(headers, lines), name=name, kind=kind)
    return _download(selectors.as_xlsx(headers, lines, title=name), name=name, kind=kind)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def index(request: HtmxRequest) -> HttpResponse:
    """What awaits the person today among the appeals they see: each section's count and its
    first rows (or one section, paginated), filtered; exported as shown."""
    today = timezone.localdate()
    visible = Appeal.objects.visible_to(request.user)
    form = ControlFilterForm(query_data(request), user=request.user, visible=visible)
    section = selectors.section_by_key(query_text(request, "section", max_length=20))
    context: dict[str, object] = {
        "form": form,
        "section": section,
        "today": today,
    }
    if form.is_valid():
        filters = form.filters(today)
        appeals = selectors.control_scope(request.user, filters)
        context["period"] = (filters.start, filters.end)
        selectors.prepare_calendar(today)
        export = query_text(request, "export", max_length=10)
        if export in EXPORTS:
            counts = selectors.section_counts(appeals, today, filters)
            chosen = (section,) if section is not None else selectors.SECTIONS
            exported = _export_control(appeals, chosen, counts, today, filters, export)
            if isinstance(exported, HttpResponse):
                return exported
            context["export_error"] = exported
        if section is not None:
            rows = selectors.section_rows(appeals, section, today, filters)
            context["page"] = Paginator(rows, selectors.SECTION_PAGE_SIZE).get_page(
                query_int(request, "page")
            )
        else:
            counts = selectors.section_counts(appeals, today, filters)
            context["sections"] = [
                (
                    item,
                    counts[item.key],
                    list(
                        selectors.section_rows(appeals, item, today, filters)[
                            : selectors.SECTION_PAGE_SIZE
                        ]
                    )
                    if counts[item.key]
                    else [],
                )
                for item in selectors.SECTIONS
            ]
    template = "appeals/control.html"
    if request.htmx:
        template += "#control-sections"
    return TemplateResponse(request, template, context)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def stats(request: HtmxRequest) -> HttpResponse:
    """The share answered on time over a period (this quarter unless chosen), by directorate and
    topic, beside the overdue today, the redirected and the extended; CSV or XLSX as shown."""
    today = timezone.localdate()
    form = PeriodForm(query_data(request))
    context: dict[str, object] = {"form": form, "today": today}
    if form.is_valid():
        start, end = form.period(today)
        statistics = selectors.appeal_statistics(
            user=request.user, start=start, end=end, today=today
        )
        export = query_text(request, "export", max_length=10)
        if export in EXPORTS:
            headers, lines = selectors.stats_headers(), selectors.stats_lines(statistics)
            title = _("Appeals answered on time")
            name = f"{title} {start:%d.%m.%Y}–{end:%d.%m.%Y}"
            if export == "csv":
                return _download(selectors.as_csv(headers, lines), name=name, kind=export)
            return _download(selectors.as_xlsx(headers, lines, title=title), name=name, kind=export)
        context.update(statistics=statistics, start=start, end=end)
    template = "appeals/stats.html"
    if request.htmx:
        template += "#stats-tables"
    return TemplateResponse(request, template, context)


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("stats/", stats, name="stats"),
]
