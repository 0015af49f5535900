"""The bell in the page header: registered with `akimat.navigation` in `TasksConfig.ready()`.

The count is live: every open page asks `tasks:bell` for it every BELL_POLL_SECONDS (htmx
`every 30s`; static/js/bell.js skips the poll while the tab is hidden and asks at once when it
comes back). Polling rather than server-sent events: bench/bell_poll.py measured a poll at
about POLL_COST of the bare COUNT it must run anyway, and 1,000 open pages cost LOAD of one core
at 33 polls a second, while SSE would hold 1,000 connections open, which the portal's sync
gunicorn workers (one request each) cannot do without an ASGI server and a pub/sub channel of
its own. A new notification shows within 30 s, which is what a head waiting on results needs.
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
