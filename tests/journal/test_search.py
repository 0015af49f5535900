"""Full-text search in Russian and Kazakh, with filters, highlighting and hostile input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from akimat import search as text_search
from journal import search, services
from journal.models import Entry, Kind
from journal.selectors import filtered, tag_counts
from tests.journal.conftest import ago

pytestmark = pytest.mark.django_db


def find(text: str, **filters) -> list[Entry]:
    return list(filtered(Entry.objects.all(), {"q": text, **filters}).order_by("pk"))


@pytest.fixture
def logbook(methodologist, department, other_department, specialist):
    write = services.create_entry
    return {
        "meetings": write(
            author=methodologist, kind=Kind.MEETING, title="Два совещания до обеда",
            body="Совещания в стеклянной переговорной шли по сорок минут.",
            tags=["совещание"], departments=[department], occurred_at=ago(days=2),
        ),
        "decision": write(
            author=methodologist, kind=Kind.DECISION,
            body="Решили согласовывать ответы в один круг, без промежуточных виз.",
            tags=["согласование"], departments=[other_department], people=[specialist],
            occurred_at=ago(days=9),
        ),
        "kazakh": write(
            author=methodologist, kind=Kind.MEETING,
            body="Кәсіпкерлермен жиналыста жер учаскелерін беру мәселесі талқыланды. Әкімдікте кезек қысқарды.",
            tags=["жиналыс"], departments=[department], occurred_at=ago(days=1),
        ),
        "reception": write(
            author=methodologist, kind=Kind.OBSERVATION,
            body="На рецепции очередь из пяти предпринимателей, все приняты за час.",
            occurred_at=ago(hours=3),
        ),
    }  # fmt: skip


# --- Russian: word forms through the `russian` stemmer ---------------------------------------


@pytest.mark.parametrize("query", ["совещание", "совещаний", "СОВЕЩАНИЯМИ", "совещанием"])
def test_russian_finds_other_forms_of_the_word(logbook, query):
    assert find(query) == [logbook["meetings"]]


@pytest.mark.parametrize("query", ["согласование", "согласованием", "согласовывали"])
def test_russian_finds_forms_of_a_verb_and_of_its_tag(logbook, query):
    assert logbook["decision"] in find(query)


def test_every_word_must_match(logbook):
    assert find("совещание переговорная") == [logbook["meetings"]]
    assert find("совещание рецепция") == []


def test_a_beginning_of_a_word_finds_it_while_typing(logbook):
    assert find("предприним") == [logbook["reception"]]


# --- Kazakh: `simple` words, matched as prefixes ---------------------------------------------
# PostgreSQL has no Kazakh stemmer. Kazakh adds endings to the stem, so the bare stem (or any
# shorter form) finds the longer forms: жиналыс → жиналыста, кәсіпкер → кәсіпкерлермен,
# әкімдік → әкімдікте, жер → жер. What does not match: a longer form does not find a shorter one
# (жиналыстар does not find жиналыста), and a stem whose last consonant changes before an
# ending (кітап → кітабы) is found only by the shorter prefix (кіта).


@pytest.mark.parametrize(
    "query",
    ["жиналыс", "жиналыста", "кәсіпкер", "Кәсіпкерлермен", "әкімдік", "ӘКІМДІКТЕ", "учаске"],
)
def test_kazakh_finds_the_forms_that_grow_from_the_stem(logbook, query):
    assert find(query) == [logbook["kazakh"]]


@pytest.mark.parametrize("query", ["жиналыстар", "кәсіпкерлерге"])
def test_kazakh_longer_forms_do_not_find_shorter_ones(logbook, query):
    assert find(query) == []


def test_a_kazakh_tag_is_searched_too(logbook):
    assert logbook["kazakh"] in find("жиналыс")


# --- filters ---------------------------------------------------------------------------------


def test_filters_by_date_range_kind_tag_directorate_and_person(logbook, department, specialist):
    today = timezone.localdate()
    assert set(find("", date_from=today - dt.timedelta(days=3))) == {
        logbook["meetings"], logbook["kazakh"], logbook["reception"]
    }  # fmt: skip
    assert find("", date_to=today - dt.timedelta(days=5)) == [logbook["decision"]]
    assert find("", kind=Kind.MEETING) == [logbook["meetings"], logbook["kazakh"]]
    tag = logbook["meetings"].tags.get()
    assert find("", tag=tag) == [logbook["meetings"]]
    assert find("", department=department) == [logbook["meetings"], logbook["kazakh"]]
    assert find("", person=specialist) == [logbook["decision"]]
    assert find("совещание", department=department, kind=Kind.MEETING) == [logbook["meetings"]]


def test_tag_counts_follow_the_filters(logbook, department):
    counts = {
        t.name: t.n for t in tag_counts(filtered(Entry.objects.all(), {"department": department}))
    }
    assert counts == {"совещание": 1, "жиналыс": 1}
    everything = {t.name: t.n for t in tag_counts(Entry.objects.all())}
    assert everything == {"совещание": 1, "жиналыс": 1, "согласование": 1}


# --- hostile search text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"',
        "&|!",
        "':*",
        "совещание & | ! (",
        "(((",
        "a:* | !b",
        "\\",
        "' OR 1=1 --",
        "<script>",
    ],
)
def test_operators_and_quotes_are_ignored_never_an_error(logbook, query):
    found = find(query)
    if text_search.words(query):
        assert all(isinstance(e, Entry) for e in found)
    else:
        assert len(found) == 4  # no words at all: nothing to narrow by


def test_operators_around_a_word_still_find_it(logbook):
    assert find("!совещание:*") == [logbook["meetings"]]
    assert find('"совещание" & (переговорная)') == [logbook["meetings"]]


def test_a_search_is_at_most_eight_words_of_forty_letters():
    terms = text_search.words(" ".join(f"слово{n}" for n in range(20)) + " " + "я" * 100)
    assert len(terms) == 8
    assert all(len(t) <= 40 for t in text_search.words("я" * 100))


# --- highlighting ----------------------------------------------------------------------------


def test_matches_are_highlighted_in_both_languages_and_the_text_is_escaped(methodologist):
    services.create_entry(
        author=methodologist, title="Совещания <b>в пятницу</b>",
        body="Два совещания подряд. <script>alert(1)</script> Жиналыстар қысқарды.",
    )  # fmt: skip
    terms = text_search.words("совещание жиналыс")
    entry = (
        Entry.objects.annotate(
            t=search.headline("title", terms, whole=True), b=search.headline("body", terms)
        )
        .filter(search_vector=text_search.text_query(text_search.words("совещание")))
        .get()
    )
    title, body = search.marked(entry.t), search.marked(entry.b)
    assert "<mark>Совещания</mark>" in title
    assert "&lt;b&gt;" in title  # the typed tag is shown, not obeyed
    assert "<mark>совещания</mark>" in body and "<mark>Жиналыстар</mark>" in body
    assert "<script" not in body
