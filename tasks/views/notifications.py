from __future__ import annotations

from django.http import Http404

# Placeholder until this module is written; every view here answers 404.


def notification_list(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def notifications_read(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
