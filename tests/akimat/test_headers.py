"""Every URL pattern of the project answers with the Content-Security-Policy, and every page a
signed-in person gets is kept out of caches (a shared reception PC's back button)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.cache import get_max_age

from akimat.models import User
from plans.models import Plan
from tasks.models import Task
from tests.pages import build_demo, pk, urls

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

# The exact policy, written out here rather than read from settings, so that a change to it is
# a decision this test has to be told about. (django-csp writes the directives in any order.)
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sorted(sources) for name, *sources in directives}


# Who fetches a pattern: the person whose work it is, so the page itself answers (not a 403).
PERSONA_BY_PREFIX: list[tuple[str, str]] = [
    ("admin:", "admin"),
    # The contact log is the deputy's, not the desk's; cases are both's (the deputy fetches them).
    ("reception:case", "deputy"),
    ("reception:contact-log", "deputy"),
    ("reception:", "reception"),
    ("journal:", "methodologist"),
    ("dashboard", "deputy"),
    ("score-dispute", "head.agriculture"),
    ("tasks:", "head.agriculture"),
    ("plans:", "head.agriculture"),
]


def persona(name: str) -> str:
    return next((who for prefix, who in PERSONA_BY_PREFIX if name.startswith(prefix)), "deputy")


# Patterns a GET cannot fetch as a signed-in person, and why: none. A POST-only action answers a
# GET with 405, a refused one (the admin's add and delete of read-only records, a task action its
# state does not allow) with 403, and those answers carry the headers too, so they are fetched.
NOT_FETCHED_SIGNED_IN: dict[str, str] = {}

# Pages (no placeholders to guess) that a signed-in person must get whole, not only headers.
PAGES = {
    "home": "/",
    "tasks:my-tasks": "/tasks/",
    "plans:index": "/plans/",
    "reception:desk": "/reception/",
    "journal:day": "/journal/",
    "dashboard": "/dashboard/",
    "score": "/score/",
    "admin:index": "/admin/",
}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_demo()


def assert_policy(response, url: str) -> None:
    assert policy_of(response) == POLICY, url


def test_every_url_pattern_answers_with_the_policy_and_signed_in_pages_are_not_cached(demo):
    signed_in: dict[str, Client] = {}
    anonymous = Client()
    statuses: dict[str, int] = {}
    for name, url in urls():
        # Anonymously: the public pages themselves, the rest the way to the login page.
        response = anonymous.get(url)
        assert response.status_code < 500, (name, url, response.status_code)
        assert_policy(response, url)

        if name in NOT_FETCHED_SIGNED_IN:
            continue
        who = persona(name)
        if who not in signed_in:
            signed_in[who] = Client()
            signed_in[who].force_login(User.objects.get(username=who))
        response = signed_in[who].get(url)
        statuses[url] = response.status_code
        assert response.status_code < 500, (name, url, response.status_code)
        assert_policy(response, url)
        cache_control = {
            part.strip() for part in response.headers.get("Cache-Control", "").split(",")
        }
        assert {"private", "no-store"} <= cache_control, (url, cache_control)
        assert "public" not in cache_control and not get_max_age(response), url
    # The issue counted 342 patterns; with django-axes' admin there are more, never fewer.
    assert len(statuses) >= 342
    for name, url in PAGES.items():
        assert statuses[url] == 200, (name, url, statuses[url])


# A style attribute, a script that runs without src (json_script data does not run), an on*
# handler attribute.
INLINE = re.compile(
    r'<[^>]+\sstyle=|<script(?![^>]*\ssrc=)(?![^>]*type="application/json")[^>]*>|<[^>]+\son[a-z]+='
)


def test_a_page_has_no_inline_style_or_script_the_policy_would_refuse(demo):
    client = Client()
    client.force_login(User.objects.get(username="head.agriculture"))
    for url in (
        "/",
        "/tasks/",
        "/plans/",
        f"/plans/{pk(Plan, cycle__department__slug='agriculture')}/",
        f"/tasks/{pk(Task, department__slug='agriculture', description__gt='')}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert INLINE.findall(response.content.decode()) == [], url
