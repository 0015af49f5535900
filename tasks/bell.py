"""The bell in the page header: registered with `akimat.navigation` in `TasksConfig.ready()`.

The count is live: every open page asks `tasks:bell` for it every BELL_POLL_SECONDS (htmx
`every 30s`; static/js/bell.js skips the poll while the tab is hidden and asks at once when it
comes back). Polling rather than server-sent events, measured by bench/bell_poll.py
(bench/results/bell_poll.txt): 1,000 open pages polling every 30 s are 33 requests a second,
each about 11.5 ms of CPU (web worker and database) against 0.3 ms for the bare COUNT it must
run anyway, so about 40 % of one core; bounded, and cut further by the hidden tabs that skip.
SSE would hold 1,000 connections open for hours, which the portal's 3 sync gunicorn workers (one
request each) cannot do at all: it needs an ASGI server beside them and a pub/sub channel from
the services to it, new moving parts for a count that may be 30 s late without harm.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest

from tasks.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Callable[[], int] | int]:
    """`unread_notifications` for a signed-in person (nothing before login).

    The template engine calls the value when it is first used and the result is cached, so a
    page with the bell pays one COUNT query and an htmx fragment without it pays none.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:
        return unread_count(user)

    return {
        "unread_notifications": unread_notifications,
        "bell_poll_seconds": settings.BELL_POLL_SECONDS,
    }
