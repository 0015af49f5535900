"""The logbook for the Academy: a date range as a Word document (python-docx) or as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from itertools import groupby

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from akimat.models import User
from journal.models import Entry
from journal.selectors import with_links
from tasks.digest import DEFAULT_PORTAL_URL

EXPORT_LIMIT = 5000
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
# Characters XML 1.0 (and so a .docx) cannot hold.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def entries(selection: QuerySet[Entry], user: User) -> list[Entry]:
    """The chosen entries in time order with their links (a fixed number of queries)."""
    return list(with_links(selection, user).order_by("occurred_at", "pk")[:EXPORT_LIMIT])


def _names(items: object) -> str:
    return "; ".join(str(getattr(i, "name", i)) for i in items.all())  # type: ignore[attr-defined]


def _tasks(entry: Entry) -> str:
    return "; ".join(f"№ {t.pk} {t.title}" for t in entry.tasks.all())


def _visits(entry: Entry) -> str:
    return "; ".join(f"{v.ticket} {v.day:%d.%m.%Y}" for v in entry.visits.all())


def _url(entry: Entry) -> str:
    base = os.environ.get("PORTAL_URL") or DEFAULT_PORTAL_URL
    return base.rstrip("/") + entry.get_absolute_url()


def to_csv(rows: list[Entry]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that Excel reads the Cyrillic."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Date"), _("Time"), _("Kind"), _("Title"), _("Text"), _("Tags"),
            _("Duration, minutes"), _("Participants"), _("About directorates"),
            _("About people"), _("About tasks"), _("About visits"), _("Author"), _("Address"),
        ]
    )  # fmt: skip
    for entry in rows:
        when = timezone.localtime(entry.occurred_at)
        writer.writerow(
            [
                when.date().isoformat(), f"{when:%H:%M}", entry.get_kind_display(), entry.heading,
                _safe_cell(entry.body), _names(entry.tags), entry.duration_minutes or "",
                _names(entry.participants), _names(entry.departments), _names(entry.people),
                _tasks(entry), _visits(entry), str(entry.author), _url(entry),
            ]
        )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _body(document: Document, text: str) -> None:  # type: ignore[valid-type]
    """Markdown as plain Word paragraphs: lists become list items, headings bold lines."""
    for block in re.split(r"\n\s*\n", _clean(text)):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) or _NUMBERED.match(line) for line in lines):
            for line in lines:
                style = "List Bullet" if _BULLET.match(line) else "List Number"
                plain = _EMPHASIS.sub("", _NUMBERED.sub("", _BULLET.sub("", line)))
                document.add_paragraph(plain, style=style)  # type: ignore[attr-defined]
            continue
        paragraph = document.add_paragraph()  # type: ignore[attr-defined]
        for number, line in enumerate(lines):
            heading = bool(_HEADING.match(line))
            run = paragraph.add_run(_EMPHASIS.sub("", _HEADING.sub("", line)))
            run.bold = heading
            if number < len(lines) - 1:
                run.add_break()


def to_docx(rows: list[Entry], *, first: dt.date, last: dt.date) -> bytes:
    """A Word document: the range as its title, a heading per day, each entry with its time,
    kind, title, text, tags and links."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(_("Methodologist's logbook"), level=0)
    document.add_paragraph(
        _("%(first)s – %(last)s: %(count)s entries")
        % {
            "first": formats.date_format(first, "DATE_FORMAT"),
            "last": formats.date_format(last, "DATE_FORMAT"),
            "count": len(rows),
        }
    )
    for day, group in groupby(rows, key=lambda e: timezone.localtime(e.occurred_at).date()):
        document.add_heading(formats.date_format(day, "l, j E Y").capitalize(), level=1)
        for entry in group:
            when = timezone.localtime(entry.occurred_at)
            heading = document.add_paragraph()
            heading.add_run(f"{when:%H:%M} · {entry.get_kind_display()} · ").italic = True
            heading.add_run(_clean(entry.heading)).bold = True
            _body(document, entry.body)
            details = []
            if entry.duration_minutes:
                details.append(_("Duration: %(minutes)s min") % {"minutes": entry.duration_minutes})
            for label, value in (
                (_("Participants"), _names(entry.participants)),
                (_("Tags"), _names(entry.tags)),
                (_("About directorates"), _names(entry.departments)),
                (_("About people"), _names(entry.people)),
                (_("About tasks"), _tasks(entry)),
                (_("About visits"), _visits(entry)),
            ):
                if value:
                    details.append(f"{label}: {value}")
            if details:
                note = document.add_paragraph()
                note.add_run(_clean("\n".join(details))).font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
