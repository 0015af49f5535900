"""The import of the akim's instructions from Excel; the pages are akimat.imports'."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akimat import imports
from akimat.http import HtmxRequest
from tasks import jobs
from tasks.imports import INSTRUCTIONS


@require_http_methods(["GET", "POST"])
@login_required
def instructions_import(request: HtmxRequest) -> HttpResponse:
    return imports.upload_page(request, INSTRUCTIONS)


@require_POST
@login_required
def instructions_import_confirm(request: HtmxRequest) -> HttpResponse:
    return imports.confirm(request, INSTRUCTIONS, jobs.import_instructions)


@require_GET
@login_required
def instructions_import_run(request: HtmxRequest, pk: int) -> HttpResponse:
    return imports.run_page(request, INSTRUCTIONS, pk)


@require_GET
@login_required
def instructions_import_template(request: HtmxRequest) -> HttpResponse:
    return imports.template_download(request, INSTRUCTIONS)
