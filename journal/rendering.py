"""Markdown to safe HTML: `markdown` renders, `nh3` (the Ammonia sanitiser) keeps only what a
logbook entry needs. Raw HTML, scripts, event handlers and `javascript:` links never survive.

The same HTML read back as blocks of text (`blocks`) is the one way an entry loses its
Markdown: the plain text of search snippets and of a quick entry's title (`plain_text`), and
the Word export's paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

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


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """One paragraph as a reader sees it: a heading, a quote, a list item, code or text."""

    kind: str
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        joined = "".join(run.text for run in self.runs)
        if self.kind == CODE:
            return joined.strip("\n")
        return "\n".join(_SPACES.sub(" ", line).strip() for line in joined.split("\n")).strip()


HEADING, QUOTE, BULLET, NUMBER, CODE, PARAGRAPH = (
    "heading", "quote", "bullet", "number", "code", "paragraph",
)  # fmt: skip
_BLOCKS = {"p", "h3", "h4", "h5", "h6", "li", "pre", "tr", "hr", "ul", "ol", "blockquote"}
_BOLD = {"b", "strong", "th"}
_ITALIC = {"em", "i"}
_SPACES = re.compile(r"\s+")


class _Reader(HTMLParser):
    """Sanitised HTML (see ALLOWED_TAGS) as blocks, each run of text with its emphasis."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.open: list[str] = []
        self.current: Block | None = None

    def _kind(self) -> str:
        for tag in reversed(self.open):
            if tag in {"h3", "h4", "h5", "h6"}:
                return HEADING
            if tag == "li":
                return NUMBER if self._nearest_list() == "ol" else BULLET
            if tag == "pre":
                return CODE
        return QUOTE if "blockquote" in self.open else PARAGRAPH

    def _nearest_list(self) -> str:
        return next((tag for tag in reversed(self.open) if tag in {"ol", "ul"}), "ul")

    def _close(self) -> None:
        if self.current is not None and self.current.text:
            self.blocks.append(self.current)
        self.current = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            if self.current is not None:
                self.current.runs.append(Run("\n"))
            return
        if tag in {"td", "th"} and self.current is not None and self.current.text:
            self.handle_data(" | ")
        # A loose list's <li><p>: the paragraph is the item itself.
        loose_item = tag == "p" and self.current is not None and not self.current.text
        if tag in _BLOCKS and not loose_item:
            self._close()
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open and self.open.pop() != tag:
            pass
        if tag in _BLOCKS:
            self._close()

    def handle_data(self, data: str) -> None:
        if self.current is None:
            if not data.strip():
                return
            self.current = Block(self._kind())
        if self.current.kind != CODE:
            data = _SPACES.sub(" ", data)
        self.current.runs.append(
            Run(data, bold=bool(_BOLD & set(self.open)), italic=bool(_ITALIC & set(self.open)))
        )


def blocks(html: str) -> list[Block]:
    """The paragraphs of an entry's sanitised HTML, with no markup left."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader._close()
    return reader.blocks


def visible_text(html: str) -> str:
    """What a reader would see of sanitised HTML, one line a paragraph or list item."""
    return "\n".join(block.text for block in blocks(html))


def plain_text(text: str) -> str:
    """Markdown as the plain text a reader sees: no "#", ">", "*" or list markers."""
    return visible_text(render_markdown(text))
