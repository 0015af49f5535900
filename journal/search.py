"""The logbook's search highlighting: the matches of a search marked in titles and texts.

The query itself (Russian stems, Kazakh prefixes) is built by `akimat.search`, which the task
search shares.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQueryField
from django.db.models import Expression, F, Func, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START, STOP = "\ue000", "\ue001"


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
