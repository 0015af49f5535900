"""Markdown to safe HTML: `markdown` renders, `nh3` (the Ammonia sanitiser) keeps only what a
logbook entry needs. Raw HTML, scripts, event handlers and `javascript:` links never survive."""

from __future__ import annotations

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
# An entry sits under the page's own headings: its "#" is a third-level heading.
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_TAG = re.compile(r"<[^>]*>")


def _demote(match: re.Match[str]) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + 2, 6)}"


def render_markdown(text: str) -> str:
    """The entry's Markdown as sanitised HTML."""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = _HEADING.sub(_demote, html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def visible_text(html: str) -> str:
    """What a reader would see of sanitised HTML, for telling an empty entry from a real one."""
    return _TAG.sub("", html).replace("&nbsp;", " ").strip()
