from __future__ import annotations

from django.http import Http404

# Placeholder until this module is written; every view here answers 404.


def task_create(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def people_options(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_edit(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
