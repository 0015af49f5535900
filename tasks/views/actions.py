from __future__ import annotations

from django.http import Http404

# Placeholder until this module is written; every view here answers 404.


def task_start(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_submit(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_accept(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_return(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_cancel(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_comment(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_move_request(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def task_move_decide(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def checklist_add(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def checklist_toggle(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def attachment_upload(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
