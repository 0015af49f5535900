"""The main menu: which sections each role sees.

Each later app adds its entry here when its pages exist, so the menu never links to a page
that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from akimat.models import Role, User


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]  # empty: everyone signed in


_WATCHERS = frozenset({Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN})

MENU = [
    MenuItem(_("Home"), "home", frozenset()),
    MenuItem(
        _("My tasks"),
        "tasks:my-tasks",
        frozenset({Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN}),
    ),
    MenuItem(_("Dashboard"), "dashboard", _WATCHERS),
    MenuItem(_("Board"), "tasks:board", _WATCHERS),
    MenuItem(
        _("12-week plans"),
        "plans:index",
        frozenset({Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN}),
    ),
    # Its own people read their directorate's stand-up and write their blockers there.
    MenuItem(_("Stand-up"), "tasks:standup", frozenset({*_WATCHERS, Role.SPECIALIST})),
    MenuItem(_("Absences"), "tasks:absences", frozenset({Role.HEAD, Role.DEPUTY, Role.ADMIN})),
    MenuItem(_("My score"), "score", frozenset({Role.SPECIALIST, Role.HEAD})),
    MenuItem(_("Reception"), "reception:desk", frozenset(Role.values)),
    # The specialists and heads read the entries shared with their directorate.
    MenuItem(_("Logbook"), "journal:day", frozenset({*_WATCHERS, Role.SPECIALIST})),
    MenuItem(_("People"), "people", frozenset()),
    MenuItem(_("Administration"), "admin:index", frozenset({Role.ADMIN})),
]


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    active: bool


def menu_for(user: User, *, current_path: str) -> list[NavLink]:
    links = []
    for item in MENU:
        if item.roles and not user.has_role(*item.roles):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        links.append(NavLink(item.label, url, active))
    return links
