"""Full-text search over the logbook with PostgreSQL's own configurations, no extensions.

Russian words are matched by their stems (`russian`: "совещание" finds "совещания"). PostgreSQL
has no Kazakh stemmer, so every word is also matched as a prefix of the `simple` (unstemmed)
words: Kazakh adds its endings to the end of a stem ("жиналыс" finds "жиналыстар",
"жиналысқа"), so a prefix finds the inflected forms. Each word the person typed must match in
one of the two ways.

What people type is never handed to PostgreSQL's query syntax: it is cut into words (letters
and digits), and the query is built from those, so quotes and operators are simply ignored.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchQueryField
from django.db.models import Expression, F, Func, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
START, STOP = "\ue000", "\ue001"


def words(text: str) -> list[str]:
    """The distinct words of a search, lower-cased, at most MAX_WORDS."""
    found: list[str] = []
    for word in WORD.findall((text or "").lower()):
        word = word[:MAX_WORD_LENGTH]
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def text_query(terms: list[str]) -> SearchQuery | None:
    """Every word, as a Russian stem or as the prefix of a word; None without words."""
    query = None
    for word in terms:
        either = SearchQuery(word, config="russian", search_type="plain") | SearchQuery(
            f"'{word}':*", config="simple", search_type="raw"
        )
        query = either if query is None else query & either
    return query


class HighlightQuery(Func):
    """A `simple` query for highlighting: each word and its Russian stem as prefixes, so that
    ts_headline marks both "совещания" for "совещание" and "жиналыстар" for "жиналыс". The
    stems come from PostgreSQL's own Russian dictionary in the same statement."""

    template = (
        "to_tsquery('simple', (SELECT string_agg(quote_literal(x) || ':*', ' | ') "
        "FROM unnest(%(expressions)s::text[]) AS t(w), "
        "unnest(array_append(ts_lexize('russian_stem', w), w)) AS x))"
    )
    output_field = SearchQueryField()


def headline(field: str, terms: list[str], *, whole: bool = False) -> Expression:
    options: dict[str, Any] = {"start_sel": START, "stop_sel": STOP}
    if whole:
        options["highlight_all"] = True
    else:
        options.update(max_words=30, min_words=12, max_fragments=2, fragment_delimiter=" … ")
    return SearchHeadline(
        Coalesce(F(field), Value("")),
        HighlightQuery(Value(terms)),
        config="simple",
        **options,
    )


def marked(text: str | None) -> SafeString:
    """A headline as HTML: the text escaped, the matches in <mark>."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    # Escaped above: the only markup in it is the <mark> put in here.
    return mark_safe(html)
