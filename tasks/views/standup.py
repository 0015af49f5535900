from __future__ import annotations

from django.http import Http404

# Placeholder until this module is written; every view here answers 404.


def standup(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def standup_blockers(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
