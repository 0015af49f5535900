"""The main menu (which sections each role sees) and the header's widgets.

Each later app adds its menu entry here when its pages exist, so the menu never links to a page
that is not there. A widget in the header (the bell) belongs to the app that owns its data: the
app registers it in its `AppConfig.ready()`, so the base template shows it without `akimat`
importing that app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from akimat.models import Role, User


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]  # empty: everyone signed in


_WATCHERS = frozenset({Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN})


# A section's name in the menu ("menu" context): where the full name is long (Kazakh's
# "Бірыңғай қабылдау орны"), the menu says it short, so a head's twelve sections stand on one
# line at 1366 px; the pages keep the full name in their headings.
MENU = [
    MenuItem(pgettext_lazy("menu", "Home"), "home", frozenset()),
    MenuItem(
        pgettext_lazy("menu", "My tasks"),
        "tasks:my-tasks",
        frozenset({Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN}),
    ),
    MenuItem(pgettext_lazy("menu", "Dashboard"), "dashboard", _WATCHERS),
    MenuItem(pgettext_lazy("menu", "Board"), "tasks:board", _WATCHERS),
    MenuItem(
        pgettext_lazy("menu", "12-week plans"),
        "plans:index",
        frozenset({Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN}),
    ),
    # Its own people read their directorate's stand-up and write their blockers there.
    MenuItem(
        pgettext_lazy("menu", "Stand-up"), "tasks:standup", frozenset({*_WATCHERS, Role.SPECIALIST})
    ),
    MenuItem(
        pgettext_lazy("menu", "Absences"),
        "tasks:absences",
        frozenset({Role.HEAD, Role.DEPUTY, Role.ADMIN}),
    ),
    MenuItem(pgettext_lazy("menu", "My score"), "score", frozenset({Role.SPECIALIST, Role.HEAD})),
    MenuItem(pgettext_lazy("menu", "Reception"), "reception:desk", frozenset(Role.values)),
    MenuItem(
        pgettext_lazy("menu", "Appeals"),
        "appeals:index",
        frozenset(
            {
                Role.SPECIALIST,
                Role.HEAD,
                Role.DEPUTY,
                Role.METHODOLOGIST,
                Role.RECEPTIONIST,
                Role.ADMIN,
            }
        ),
    ),
    MenuItem(
        pgettext_lazy("menu", "Meetings"),
        "meetings:list",
        frozenset({Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN}),
    ),
    # The specialists and heads read the entries shared with their directorate.
    MenuItem(
        pgettext_lazy("menu", "Logbook"), "journal:day", frozenset({*_WATCHERS, Role.SPECIALIST})
    ),
    MenuItem(pgettext_lazy("menu", "People"), "people", frozenset()),
    MenuItem(pgettext_lazy("menu", "Administration"), "admin:index", frozenset({Role.ADMIN})),
]


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    active: bool


def menu_for(user: User, *, current_path: str) -> list[NavLink]:
    """The person's sections in menu order, at most one of them active: the one whose address is
    the longest beginning of the current path (on /tasks/board/ the board, not My tasks)."""
    items = [
        (item.label, reverse(item.url_name))
        for item in MENU
        if not item.roles or user.has_role(*item.roles)
    ]
    matching = [
        url
        for _label, url in items
        if (current_path == url if url == "/" else current_path.startswith(url))
    ]
    current = max(matching, key=len, default=None)
    return [NavLink(label, url, url == current) for label, url in items]


@dataclass(frozen=True)
class HeaderWidget:
    """A template included in the header of every page for a signed-in person, and the provider
    of its context. A provider gets the request and returns the template's variables; it should
    cost no query until the template reads a value (return a callable the template calls)."""

    template: str
    context: Callable[[HttpRequest], Mapping[str, object]]


_header_widgets: list[HeaderWidget] = []


def register_header_widget(widget: HeaderWidget) -> HeaderWidget:
    if widget not in _header_widgets:
        _header_widgets.append(widget)
    return widget


def header_widgets() -> list[HeaderWidget]:
    """The registered widgets, in the order their apps registered them."""
    return list(_header_widgets)
