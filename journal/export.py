"""The logbook for the Academy: a date range as a Word document (python-docx) or as CSV.

CSV is written at once. A Word document is written by a Celery job (`start_docx_export`, then
`write_docx_export` on a worker) into a file kept for the person who asked, so a large range
never holds a web worker. Both are bounded (`check_size`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Manager, QuerySet, Sum
from django.db.models.functions import Length
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from akimat import exports
from akimat.formats import long_date
from akimat.models import User
from journal import jobs
from journal.models import Entry, Export
from journal.rendering import BULLET, CODE, HEADING, NUMBER, QUOTE, blocks
from journal.selectors import filtered, with_links

# What one export may hold; a larger range is refused with a message, never cut short. Ten
# entries a working day make about 2,500 a year; at the bound, loading and writing took 7 s
# for CSV and 13 s for Word on two shared, busy cores (README, "Export").
MAX_ENTRIES = 5000
MAX_CHARACTERS = 2_000_000
# A job not finished this long after it was asked for died with its worker (the job's hard
# time limit is 15 minutes): it no longer stops the same export from being asked for again.
STALE_AFTER = dt.timedelta(minutes=30)
# How long a finished export is kept: the person's next export clears their older ones.
KEPT_FOR = dt.timedelta(days=7)
# How often a running export reports its progress (every this many entries at least).
PROGRESS_STEPS = 50
# Characters XML 1.0 (and so a .docx) cannot hold.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_size(selection: QuerySet[Entry]) -> int:
    """The number of entries chosen; ValidationError (a message for the person) when they are
    more than an export may hold."""
    size = selection.order_by().aggregate(
        entries=Count("pk"), characters=Sum(Length("title") + Length("body"))
    )
    entries, characters = size["entries"], size["characters"] or 0
    if entries > MAX_ENTRIES or characters > MAX_CHARACTERS:
        numbers = {
            "entries": formats.number_format(entries, force_grouping=True),
            "characters": formats.number_format(characters, force_grouping=True),
            "max_entries": formats.number_format(MAX_ENTRIES, force_grouping=True),
            "max_characters": formats.number_format(MAX_CHARACTERS, force_grouping=True),
        }
        held = ngettext(
            "The range holds %(entries)s entry, %(characters)s characters of text.",
            "The range holds %(entries)s entries, %(characters)s characters of text.",
            entries,
        )
        bound = _(
            "An export takes at most %(max_entries)s entries and %(max_characters)s characters: "
            "choose fewer days or add a filter."
        )
        raise ValidationError(f"{held % numbers} {bound % numbers}")
    return entries


def entries(selection: QuerySet[Entry], user: User) -> list[Entry]:
    """The chosen entries in time order with their links (a fixed number of queries)."""
    return list(with_links(selection, user).order_by("occurred_at", "pk")[:MAX_ENTRIES])


def file_name(data: dict[str, Any]) -> str:
    return f"logbook-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"


def _selection(data: dict[str, Any]) -> dict[str, object]:
    """A valid ExportForm's filters as JSON: ids and ISO dates."""
    return {
        "q": data.get("q") or "",
        "kind": data.get("kind") or "",
        "tag": data["tag"].pk if data.get("tag") else None,
        "department": data["department"].pk if data.get("department") else None,
        "person": data["person"].pk if data.get("person") else None,
        "date_from": data["date_from"].isoformat(),
        "date_to": data["date_to"].isoformat(),
    }


def _filters(selection: dict[str, Any]) -> dict[str, Any]:
    """The filters `selectors.filtered` takes, back from `_selection`'s JSON."""
    return {
        **selection,
        "date_from": dt.date.fromisoformat(selection["date_from"]),
        "date_to": dt.date.fromisoformat(selection["date_to"]),
    }


def start_docx_export(*, owner: User, data: dict[str, Any]) -> Export:
    """Start writing a valid ExportForm's selection as a Word document on a worker; the same
    person's same selection already under way is returned instead (a double click, a second
    tab), so it runs once."""
    selection = _selection(data)
    key = hashlib.sha256(json.dumps(selection, sort_keys=True).encode()).hexdigest()
    Export.objects.filter(
        owner=owner,
        key=key,
        state__in=Export.UNFINISHED,
        created_at__lt=timezone.now() - STALE_AFTER,
    ).update(state=Export.State.FAILED, finished_at=timezone.now())
    forget_old_exports(owner=owner)
    try:
        with transaction.atomic():
            export = Export.objects.create(
                owner=owner,
                selection=selection,
                key=key,
                name=f"{file_name(data)}.docx",
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            # Celery 5.4's delay_on_commit is missing from celery-types' stubs.
            jobs.write_docx_export.delay_on_commit(export.pk)  # type: ignore[attr-defined]
    except IntegrityError:  # the same export is queued or running: the constraint said so
        export = Export.objects.filter(owner=owner, key=key).latest("created_at")
    return export


def forget_old_exports(*, owner: User | None = None) -> int:
    """Delete finished exports older than KEPT_FOR, files and all: the person's when they start
    a new one, everyone's at night (journal.jobs.forget_old_exports). Returns how many."""
    old = Export.objects.filter(
        state__in=[Export.State.DONE, Export.State.FAILED],
        finished_at__lt=timezone.now() - KEPT_FOR,
    )
    if owner is not None:
        old = old.filter(owner=owner)
    count = 0
    for stale in old:
        if stale.file:
            stale.file.delete(save=False)
        stale.delete()
        count += 1
    return count


def write_docx_export(*, export_id: int) -> None:
    """Write the export's entries (those its owner may read now, with the links the owner may
    follow) into its file, reporting progress as it goes."""
    export = Export.objects.select_related("owner").get(pk=export_id)
    if export.is_finished:  # a redelivered job whose work is done
        return
    owner, filters = export.owner, _filters(export.selection)
    rows = entries(filtered(Entry.objects.visible_to(owner), filters), owner)
    step = max(1, len(rows) // PROGRESS_STEPS)
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING, total=len(rows))

    def progress(written: int) -> None:
        if written % step == 0:
            Export.objects.filter(pk=export.pk).update(written=written)

    try:
        with translation.override(export.language):
            content = to_docx(
                rows, first=filters["date_from"], last=filters["date_to"], progress=progress
            )
        export.file.save(f"{uuid.uuid4().hex}.docx", ContentFile(content), save=False)
    except Exception:
        Export.objects.filter(pk=export.pk).update(
            state=Export.State.FAILED, finished_at=timezone.now()
        )
        raise
    export.state, export.total, export.written = Export.State.DONE, len(rows), len(rows)
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "state", "total", "written", "finished_at"])


def _names(items: Manager[Any]) -> str:
    return "; ".join(str(getattr(i, "name", i)) for i in items.all())


def _tasks(entry: Entry) -> str:
    return "; ".join(f"№ {t.pk} {t.title}" for t in entry.tasks.all())


def _visits(entry: Entry) -> str:
    return "; ".join(f"{v.ticket} {v.day:%d.%m.%Y}" for v in entry.visits.all())


def _url(entry: Entry) -> str:
    base = settings.PORTAL_URL
    return base.rstrip("/") + entry.get_absolute_url()


def to_csv(rows: list[Entry]) -> bytes:
    """CSV in UTF-8 for Excel in the active language (see akimat.exports.csv_text)."""
    headers = [
        _("Date"), _("Time"), _("Kind"), _("Title"), _("Text"), _("Tags"),
        _("Duration, minutes"), _("Participants"), _("About directorates"),
        _("About people"), _("About tasks"), _("About visits"), _("Author"), _("Address"),
    ]  # fmt: skip
    lines = (
        [
            when.date().isoformat(), f"{when:%H:%M}", entry.get_kind_display(), entry.heading,
            entry.body, _names(entry.tags), entry.duration_minutes,
            _names(entry.participants), _names(entry.departments), _names(entry.people),
            _tasks(entry), _visits(entry), str(entry.author), _url(entry),
        ]
        for entry in rows
        for when in [timezone.localtime(entry.occurred_at)]
    )  # fmt: skip
    return exports.csv_text(headers, lines).encode("utf-8")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


class _Writer:
    """Appends paragraphs to a Word document in constant time each. python-docx's
    `add_paragraph` looks for the section properties among all the body's children on every
    call (quadratic: 41 s for one entry of 20,000 list items) and resolves a style given by name
    by scanning every style (about 1.4 ms a paragraph); no option of the library avoids either,
    so the paragraph goes straight before the section properties and the style ids are looked
    up once."""

    STYLES = ("Title", "Heading 1", "List Bullet", "List Number", "Quote")

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self._body = document.element.body
        # Found once: finding it is itself a walk over all the body's children.
        self._end = self._body.sectPr
        self._styles = {name: document.styles[name].style_id for name in self.STYLES}

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        if self._end is None:
            self._body.append(element)
        else:
            self._end.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if style:
            element.style = self._styles[style]
        if text:
            paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")


_STYLES = {BULLET: "List Bullet", NUMBER: "List Number", QUOTE: "Quote"}


def _body(writer: _Writer, html: str) -> None:
    """The entry's text as Word paragraphs (read from its sanitised HTML, so no Markdown
    marker is left): lists as list items, quotes as quotes, headings bold, emphasis kept."""
    for block in blocks(html):
        paragraph = writer.paragraph(style=_STYLES.get(block.kind))
        line_start = True
        for run in block.runs:
            if run.text == "\n":
                if paragraph.runs:
                    paragraph.runs[-1].add_break()
                line_start = True
                continue
            text = _clean(run.text)
            if line_start and block.kind != CODE:
                text = text.lstrip()
            if not text:
                continue
            line_start = False
            added = paragraph.add_run(text)
            added.bold = run.bold or block.kind == HEADING or None
            added.italic = run.italic or None
            if block.kind == CODE:
                added.font.name = "Consolas"


def to_docx(
    rows: list[Entry],
    *,
    first: dt.date,
    last: dt.date,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A Word document: the range as its title, a heading per day, each entry with its time,
    kind, title, text, tags and links. `progress` hears how many entries are written so far."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    writer = _Writer(document)
    writer.heading(_("Methodologist's logbook"), 0)
    writer.paragraph(
        _("%(first)s – %(last)s: %(count)s entries")
        % {
            "first": formats.date_format(first, "DATE_FORMAT"),
            "last": formats.date_format(last, "DATE_FORMAT"),
            "count": len(rows),
        }
    )
    written = 0
    for day, group in groupby(rows, key=lambda e: timezone.localtime(e.occurred_at).date()):
        writer.heading(capfirst(long_date(day)), 1)
        for entry in group:
            when = timezone.localtime(entry.occurred_at)
            heading = writer.paragraph()
            heading.add_run(f"{when:%H:%M} · {entry.get_kind_display()} · ").italic = True
            heading.add_run(_clean(entry.heading)).bold = True
            _body(writer, entry.body_html)
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
                note = writer.paragraph()
                note.add_run(_clean("\n".join(details))).font.size = Pt(9)
            written += 1
            if progress:
                progress(written)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
