"""Every page of every role, in Kazakh and in Russian, in real Chromium: a kk page shows no Russian
(a string of a ru catalogue that the kk one does not have) and a ru page no English (an English
msgid shown untranslated); neither shows English months, a 12-hour clock, English date order or
a decimal point in a figure. One check per language and role lists everything it found."""

from __future__ import annotations

import html
import re
import time
from collections import defaultdict

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext

from akimat.models import User
from tests.leaks import NUMBER, Leak, leaks, normal
from tests.pages import build_demo, urls

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

# Every role of the portal, by its demo login; "anonymous" reads the pages open to everyone.
ROLES = [
    "anonymous",
    "specialist.agriculture",
    "head.agriculture",
    "deputy",
    "reception",
    "methodologist",
    "admin",
]
# The superuser's admin pages: the index, and per model its list, one change form and one
# object's history (each model's pages share their templates, so one object is enough).
ADMIN_PAGES = re.compile(r"admin:(index|\w+_(changelist|change|history))$")

# What a reader sees: the text, the page title, tooltips, placeholders, labels read aloud and
# the options of every select (a closed select shows one; the person opens it to read the rest).
# A part marked in another language (a visitor's ticket printed in the visitor's language) is
# left out: it is meant to be in that language.
VISIBLE_TEXT = """() => {
    const own = document.documentElement.lang;
    const foreign = e => e.closest('[lang]') && e.closest('[lang]').lang !== own;
    const marked = Array.from(document.body.querySelectorAll('[lang]')).filter(foreign);
    marked.forEach(e => { e.style.display = 'none'; });
    const read = (selector, attribute) => Array.from(document.querySelectorAll(selector))
        .filter(e => !foreign(e))
        .map(e => attribute ? e.getAttribute(attribute) : e.textContent);
    const text = [
        document.title,
        document.body.innerText,
        ...read('[title]', 'title'),
        ...read('[placeholder]', 'placeholder'),
        ...read('[aria-label]', 'aria-label'),
        ...read('option'),
    ].join('\\n');
    marked.forEach(e => { e.style.display = ''; });
    return text;
}"""


def pages_of(role: str, every: list[tuple[str, str]]) -> list[str]:
    found = []
    for name, url in every:
        if name.startswith("admin:") and (role != "admin" or not ADMIN_PAGES.match(name)):
            continue
        if url not in found:
            found.append(url)
    return found


def open_context(browser: Browser, base: str, role: str, language: str) -> BrowserContext:
    """A browser signed in as `role` (its account set to `language`), or an anonymous one with
    the language cookie."""
    context = browser.new_context(base_url=base, accept_downloads=False)
    if role == "anonymous":
        cookie = (settings.LANGUAGE_COOKIE_NAME, language)
    else:
        user = User.objects.get(username=role)
        user.language = language
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        cookie = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base}])
    return context


TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
ATTRIBUTES = re.compile(r'\s(?:title|placeholder|aria-label|value|label)="([^"]*)"', re.I)


def answers_in_english(role: str, pages: list[str]) -> dict[str, tuple[str, str]]:
    """How each page answers the role (its address asked without following a redirect: "200",
    "redirect", the refusal's status, or "file"), and an HTML page's text as the same person
    reads it in English. Only an HTML page answered 200 at its own address is then opened in the
    browser, once per language; the answer does not depend on the language, so it is asked once.

    The portal's own words change with the language; what people typed (a task's title, a
    logbook entry, a tag) does not. So a Russian text that a kk page shows and the English page
    shows too is the demo's data, typed in Russian as people here type it, not a string the
    interface forgot to translate."""
    client = Client()
    if role != "anonymous":
        user = User.objects.get(username=role)
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
    else:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answers = {}
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            redirect = 300 <= response.status_code < 400
            answers[url] = ("redirect" if redirect else str(response.status_code), "")
        elif not response["Content-Type"].startswith("text/html") or response.has_header(
            "Content-Disposition"
        ):
            answers[url] = ("file", "")
        else:
            page = response.content.decode()
            shown = " ".join([TAGS.sub(" ", page), *ATTRIBUTES.findall(page)])
            answers[url] = ("200", NUMBER.sub("0 ", normal(html.unescape(shown))))
    return answers


def is_data(leak: Leak, english: str) -> bool:
    return leak.kind == "Russian" and normal(leak.fragment) in english


def read(context: BrowserContext, url: str) -> str:
    """The visible text of an HTML page the role is answered 200 at (answers_in_english)."""
    page = context.pages[0] if context.pages else context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (url, response and response.status)
    return page.evaluate(VISIBLE_TEXT)


def describe(found: dict[Leak, list[str]], answers: dict[str, list[str]]) -> str:
    """Every catalogue string found, with its pages; format leaks (dates, clocks, decimals)
    one line per kind, with examples."""
    counts = {answer: len(pages) for answer, pages in answers.items()}
    lines = [f"{len(found)} leaks; pages answered {counts}"]
    formats: dict[str, list[Leak]] = defaultdict(list)
    for leak, pages in sorted(found.items(), key=lambda item: (item[0].kind, -len(item[1]))):
        if leak.source is None:
            formats[leak.kind].append(leak)
            continue
        shown = ", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
        lines.append(f"  {leak}\n      on {len(pages)} pages: {shown}")
    for kind, leaks_of_kind in formats.items():
        pages = sorted({page for leak in leaks_of_kind for page in found[leak]})
        examples = ", ".join(repr(leak.fragment) for leak in leaks_of_kind[:5])
        lines.append(
            f"  {kind}: {len(leaks_of_kind)} different, e.g. {examples}\n"
            f"      on {len(pages)} pages: {', '.join(pages[:3])}"
            + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
        )
    return "\n".join(lines)


def test_no_page_of_any_role_shows_another_language(
    browser: Browser, live_server, settings, tmp_path, subtests
):
    settings.MEDIA_ROOT = tmp_path
    build_demo()
    every = urls()
    started = time.monotonic()
    visited = 0
    skipped: dict[tuple[str, str], dict[str, list[str]]] = {}
    asked: dict[str, dict[str, tuple[str, str]]] = {}
    for language in ("kk", "ru"):
        for role in ROLES:
            if role not in asked:
                asked[role] = answers_in_english(role, pages_of(role, every))
            context = open_context(browser, live_server.url, role, language)
            answers: dict[str, list[str]] = defaultdict(list)
            found: dict[Leak, list[str]] = defaultdict(list)
            for url, (answer, english) in asked[role].items():
                answers[answer].append(url)
                if answer != "200":
                    continue
                for leak in dict.fromkeys(leaks(read(context, url), language)):
                    if not is_data(leak, english):
                        found[leak].append(url)
            context.close()
            visited += len(answers["200"])
            skipped[(language, role)] = {a: p for a, p in answers.items() if a != "200"}
            with subtests.test(msg=f"{language} {role}"):
                # The role's own pages were read: its home, or the login page for anyone.
                home = "/accounts/login/" if role == "anonymous" else "/"
                assert home in answers["200"], describe(found, answers)
                assert not found, f"{language}, {role}: " + describe(found, answers)
    print(f"{visited} pages read in {time.monotonic() - started:.0f} s; not read:")
    for (language, role), answers in skipped.items():
        print(language, role, {answer: len(pages) for answer, pages in answers.items()})
