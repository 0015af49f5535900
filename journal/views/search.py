"""Search: full-text words with filters, highlighted matches, tags counted over the results;
and the export of the same selection to Word or CSV."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import query_data, query_int
from akimat.http import HtmxRequest
from akimat.search import words
from journal import export, search
from journal.forms import ExportForm, FilterForm
from journal.models import Entry
from journal.selectors import filtered, linked_people, tag_counts
from journal.views.common import nav

PAGE_SIZE = 20
EXPORT_DEFAULT_DAYS = 14


@require_GET
@login_required
@vary_on_headers("HX-Request")
def search_view(request: HtmxRequest) -> HttpResponse:
    visible = Entry.objects.visible_to(request.user)
    form = FilterForm(query_data(request), people=linked_people(visible))
    context: dict[str, object] = {"form": form, **nav(request.user)}
    if form.is_valid():
        data = form.cleaned_data
        terms = words(data["q"])
        found = filtered(visible, data)
        if terms:
            found = found.annotate(
                title_marked=search.headline("title", terms, whole=True),
                body_marked=search.headline("body_text", terms),
            )
        found = found.select_related("author").prefetch_related("tags")
        page = Paginator(found.order_by("-occurred_at", "-pk"), PAGE_SIZE).get_page(
            query_int(request, "page")
        )
        for entry in page:
            entry.title_html = search.marked(getattr(entry, "title_marked", None))
            entry.body_html_marked = search.marked(getattr(entry, "body_marked", None))
        query = query_data(request).copy()
        query.pop("page", None)
        untagged = query.copy()
        untagged.pop("tag", None)
        context.update(
            page=page,
            terms=terms,
            ignored_everything=bool(data["q"].strip()) and not terms,
            tags=tag_counts(found),
            querystring=query.urlencode(),
            untagged=untagged.urlencode(),
        )
    context["export_query"] = _export_query(form)
    template = "journal/search.html"
    if request.htmx and request.htmx.target == "search-results":
        template += "#search-results"
    return TemplateResponse(request, template, context)


def _export_query(form: FilterForm) -> str:
    """The export link for what is shown; the last two weeks when no range is chosen."""
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    params = {
        "q": data.get("q") or "",
        "kind": data.get("kind") or "",
        "tag": data["tag"].pk if data.get("tag") else "",
        "department": data["department"].pk if data.get("department") else "",
        "person": data["person"].pk if data.get("person") else "",
        "date_from": (
            data.get("date_from") or today - dt.timedelta(days=EXPORT_DEFAULT_DAYS - 1)
        ).isoformat(),
        "date_to": (data.get("date_to") or today).isoformat(),
    }
    return urlencode({k: v for k, v in params.items() if v})


@require_http_methods(["GET", "POST"])
@login_required
def export_view(request: HtmxRequest) -> HttpResponse:
    """The entries of a date range (with the search's filters, in the query string): CSV at
    once; a Word document is written by a worker, started by a POST (the page's button), and
    followed on its own page."""
    visible = Entry.objects.visible_to(request.user)
    form = ExportForm(query_data(request), people=linked_people(visible))
    if form.is_valid():
        try:
            export.check_size(filtered(visible, form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
        return HttpResponseRedirect(reverse("journal:search"))
    data = form.cleaned_data
    if data["format"] == "csv":
        entries = export.entries(filtered(visible, data), request.user)
        response = HttpResponse(export.to_csv(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.file_name(data)}.csv"'
        return response
    if request.method != "POST":
        messages.info(request, _("Press “Export to Word” to have the document prepared."))
        return HttpResponseRedirect(reverse("journal:search"))
    job = export.start_docx_export(owner=request.user, data=data)
    return HttpResponseRedirect(job.get_absolute_url())
