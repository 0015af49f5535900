"""The main menu marks exactly one section as the current one: the most specific address."""

from __future__ import annotations

import pytest

from akimat.navigation import menu_for

pytestmark = pytest.mark.django_db


def _active(user, path: str) -> list[str]:
    return [link.url for link in menu_for(user, current_path=path) if link.active]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ["/"]),
        ("/tasks/", ["/tasks/"]),
        ("/tasks/12/", ["/tasks/"]),
        ("/tasks/board/", ["/tasks/board/"]),
        ("/tasks/standup/", ["/tasks/standup/"]),
        ("/tasks/absences/", ["/tasks/absences/"]),
        ("/dashboard/", ["/dashboard/"]),
        ("/healthz", []),
    ],
)
def test_a_head_sees_one_active_section_the_most_specific(head, path, expected):
    assert _active(head, path) == expected


def test_the_menu_keeps_its_order_and_every_section_of_the_role(head, specialist):
    head_urls = [link.url for link in menu_for(head, current_path="/tasks/board/")]
    assert head_urls.index("/tasks/") < head_urls.index("/tasks/board/")
    assert "/tasks/absences/" in head_urls
    assert "/tasks/absences/" not in [link.url for link in menu_for(specialist, current_path="/")]
