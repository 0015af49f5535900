"""Full-text search with PostgreSQL's own configurations, no extensions: the one query builder
the logbook and the task search share.

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

from django.contrib.postgres.search import SearchQuery

WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_WORD_LENGTH = 40


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
