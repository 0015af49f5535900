"""A Word export's own page: its progress while a worker writes it, then the download link.
Only the person who asked sees it; anyone else gets 404, as if it did not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat.http import HtmxRequest, serve_file
from journal.models import Export
from journal.views.common import nav


@require_GET
@login_required
@vary_on_headers("HX-Request")
def export_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export, pk=pk, owner=request.user)
    template = "journal/export_detail.html"
    if request.htmx:
        template += "#export-status"
    return TemplateResponse(request, template, {"export": export, **nav(request.user)})


@require_GET
@login_required
def export_download(request: HtmxRequest, pk: int) -> FileResponse:
    export = get_object_or_404(Export, pk=pk, owner=request.user, state=Export.State.DONE)
    return serve_file(export.file, filename=export.name)
