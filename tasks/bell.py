"""The bell in the page header: registered with `akimat.navigation` in `TasksConfig.ready()`."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from tasks.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
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

    return {"unread_notifications": unread_notifications}
