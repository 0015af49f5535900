"""Imports from Excel: upload, preview, confirm, progress. Shared by every import (the akim's
instructions in tasks, the staff list here), so the rules of a file have this one home:

- only an .xlsx of at most MAX_BYTES and MAX_ROWS rows; anything else, or a broken file, gets a
  clear message and is not kept;
- the uploaded file is kept between the preview and the confirmation under MEDIA_ROOT/imports/
  with a random name that only the uploader's session knows, never sent again; it is deleted when
  the import is done, when another file replaces it, or after KEPT_FOR (swept at every upload);
- nothing is written until the person confirms a preview without errors; the confirmation creates
  an `ImportRun` whose token is the file's, unique, so a second confirmation creates nothing;
- the import runs as a Celery job (the progress is the job's state in the result backend) and
  writes every row in one transaction: all or nothing.

An import is described by an `ImportSpec`: its columns, how rows are checked (every error of
every row, with one query per kind of lookup, never one per row), and how checked rows are
written. Each app owns its spec and its thin views; this module owns the pages.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from akimat.cleaning import (
    EARLIEST_DATE,
    LATEST_DATE,
    NUL,
    NUL_MESSAGE,
    clean_text,
    display_file_name,
    query_int,
)
from akimat.http import HtmxRequest, notify
from akimat.models import ImportRun, User

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An uploaded file waits this long for its confirmation.
KEPT_FOR = dt.timedelta(days=1)
# Row errors shown per page of the preview.
ERRORS_PER_PAGE = 50
SESSION_KEY = "imports"
FOLDER = "imports"

Planned = TypeVar("Planned")
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    example: object


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


Row = dict[str, Any]


@dataclass(frozen=True)
class Checked(Generic[Planned]):
    """The rows of a file as an import read them: what it would write, and every row's errors."""

    planned: list[Planned]
    errors: list[RowError]
    rows: int


@dataclass(frozen=True)
class Outcome:
    created: int
    updated: int = 0


@dataclass(frozen=True)
class ImportSpec(Generic[Planned]):
    """One kind of import: its columns, checks and writes, and its pages' names."""

    kind: str
    title: str | Promise
    columns: Sequence[Column]
    check: Callable[[list[Row], User], Checked[Planned]]
    write: Callable[[list[Planned], User, Progress], Outcome]
    may_import: Callable[[User], bool]
    url_name: str  # the upload page; "-confirm", "-run", "-template" are its siblings
    done_url: str | Promise  # where the finished import sends the person
    done_label: str | Promise

    def column_header(self, key: str) -> str:
        return next(str(c.header) for c in self.columns if c.key == key)


# --- the file --------------------------------------------------------------------------------


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def _path(token: str) -> Path:
    return _folder() / f"{uuid.UUID(token)}.xlsx"


def check_upload(upload: UploadedFile | None) -> None:
    """An .xlsx workbook of at most MAX_BYTES, or a ValidationError saying what is wrong."""
    if upload is None:
        raise ValidationError(_("Choose an .xlsx file to upload."))
    if (upload.size or 0) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    name = (upload.name or "").lower()
    head = upload.read(4)
    upload.seek(0)
    if not name.endswith(".xlsx") or head != b"PK\x03\x04":
        raise ValidationError(
            _("This is not an Excel workbook (.xlsx). Save the file as .xlsx and upload it again.")
        )


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value if NUL in value else clean_text(value)
    return value


def read_rows(source: Path | io.BytesIO, columns: Sequence[Column]) -> list[Row]:
    """The data rows (after the header row) as {column key: value, "_row": row number}; empty
    rows are skipped. A broken file or more than MAX_ROWS rows raises ValidationError."""
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationError(
            _(
                "The file cannot be read as an Excel workbook. Open it in Excel, save it as .xlsx and upload it again."
            )
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ValidationError(_("The workbook has no sheets."))
        rows: list[Row] = []
        for number, values in enumerate(
            sheet.iter_rows(min_row=2, max_col=len(columns), values_only=True), start=2
        ):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(limit)s rows. Split it into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}".replace(",", " ")}
                )
            row: Row = {"_row": number}
            for column, value in zip(columns, values, strict=False):
                row[column.key] = _cell(value)
            rows.append(row)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationError(
            _(
                "The file cannot be read as an Excel workbook. Open it in Excel, save it as .xlsx and upload it again."
            )
        ) from None
    finally:
        book.close()
    return rows


def template_bytes(spec: ImportSpec[Any]) -> bytes:
    """The template to fill: the headers in the active language and one example row."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = str(spec.title)[:31]
    sheet.append([str(c.header) for c in spec.columns])
    sheet.append([c.example for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(14, len(str(column.header)) + 4)
        if isinstance(column.example, dt.date):
            sheet.cell(row=2, column=n).number_format = "DD.MM.YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading cells (shared by the specs' checks) ----------------------------------------------


def text_cell(row: Row, key: str, *, max_length: int, required: bool = True) -> tuple[str, str]:
    """A cell as text, and the error ("" when none)."""
    value = row.get(key)
    if value is None:
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime | dt.date):
        return "", _("Text is expected here, not a date.")
    else:
        text = str(value)
    if NUL in text:
        return "", str(NUL_MESSAGE)
    text = clean_text(text)
    if required and not text:
        return "", _("This cannot be empty.")
    if len(text) > max_length:
        return "", _("At most %(limit)s characters, please.") % {"limit": max_length}
    return text, ""


def date_cell(row: Row, key: str) -> tuple[dt.date | None, str]:
    """A cell as a date (an Excel date, or text as 31.12.2026 or 2026-12-31), and the error."""
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and NUL not in value:
        for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007 (a bare date)
                break
            except ValueError:
                continue
    if day is None:
        return None, _("Not a date: write it as 31.12.2026.")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return None, _("Give a date between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST_DATE.strftime("%d.%m.%Y"),
            "latest": LATEST_DATE.strftime("%d.%m.%Y"),
        }
    return day, ""


# --- the kept file ---------------------------------------------------------------------------


def _stashes(request: HtmxRequest) -> dict[str, dict[str, str]]:
    return dict(request.session.get(SESSION_KEY, {}))


def stashed(request: HtmxRequest, kind: str) -> tuple[str, str] | None:
    """The (token, file name) of the file this person uploaded for `kind`, if still kept."""
    entry = _stashes(request).get(kind)
    if not entry:
        return None
    try:
        path = _path(entry["token"])
    except (KeyError, ValueError):
        return None
    return (entry["token"], entry["name"]) if path.exists() else None


def _forget(request: HtmxRequest, kind: str, *, delete: bool) -> None:
    stashes = _stashes(request)
    entry = stashes.pop(kind, None)
    request.session[SESSION_KEY] = stashes
    if delete and entry:
        _path(entry["token"]).unlink(missing_ok=True)


def sweep_stale_uploads(now: dt.datetime | None = None) -> int:
    """Delete the kept files older than KEPT_FOR; returns how many."""
    limit = (now or timezone.now()).timestamp() - KEPT_FOR.total_seconds()
    removed = 0
    if _folder().is_dir():
        for path in _folder().glob("*.xlsx"):
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def keep_upload(request: HtmxRequest, kind: str, upload: UploadedFile) -> None:
    """Keep the checked upload under a random name for this person's session."""
    sweep_stale_uploads()
    _forget(request, kind, delete=True)
    token = str(uuid.uuid4())
    _folder().mkdir(parents=True, exist_ok=True)
    with _path(token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    stashes = _stashes(request)
    stashes[kind] = {"token": token, "name": display_file_name(upload.name)}
    request.session[SESSION_KEY] = stashes


# --- running ---------------------------------------------------------------------------------


class AlreadyConfirmed(Exception):
    def __init__(self, run: ImportRun | None) -> None:
        super().__init__(_("This file has already been imported; nothing was added twice."))
        self.run = run


def start_run(*, user: User, kind: str, token: str, file_name: str, job: Any) -> ImportRun:
    """Record the confirmation and queue the job after commit; a second confirmation of the
    same file raises AlreadyConfirmed."""
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                token=uuid.UUID(token), kind=kind, user=user, file_name=file_name
            )
            job.apply_async_on_commit((run.pk,), task_id=str(run.token))
    except IntegrityError:
        raise AlreadyConfirmed(ImportRun.objects.filter(token=token, user=user).first()) from None
    return run


def execute(run_id: int, spec: ImportSpec[Any], progress: Progress | None = None) -> ImportRun:
    """Read the confirmed file again, check it, and write every row in one transaction; the
    run records the outcome, or why nothing was written. The file is deleted either way."""
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.is_finished:
        return run
    run.state = ImportRun.State.RUNNING
    run.save(update_fields=["state"])
    path = _path(str(run.token))
    with translation.override(run.user.own_language):
        try:
            rows = read_rows(path, spec.columns)
            run.rows = len(rows)
            checked = spec.check(rows, run.user)
            if checked.errors:
                raise ValidationError(
                    ngettext(
                        "%(count)s row has errors; nothing was imported.",
                        "%(count)s rows have errors; nothing was imported.",
                        len({e.row for e in checked.errors}),
                    )
                    % {"count": len({e.row for e in checked.errors})}
                )
            with transaction.atomic():
                outcome = spec.write(checked.planned, run.user, progress or (lambda done: None))
            run.created, run.updated = outcome.created, outcome.updated
            run.state = ImportRun.State.DONE
        except ValidationError as error:
            run.state = ImportRun.State.FAILED
            run.error = " ".join(error.messages)[:500]
        except FileNotFoundError:
            run.state = ImportRun.State.FAILED
            run.error = _("The uploaded file is gone. Upload it again.")
        except Exception:
            # The transaction rolled back: say so on the page, then let Celery record the error.
            run.state = ImportRun.State.FAILED
            run.error = _("The import broke off; nothing was imported. Try again later.")
            run.finished_at = timezone.now()
            run.save(update_fields=["state", "rows", "error", "finished_at"])
            path.unlink(missing_ok=True)
            raise
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "rows", "created", "updated", "error", "finished_at"])
    path.unlink(missing_ok=True)
    # Counts only: the rows may hold personal data.
    logger.info(
        "import %s run %s: %s, %s created, %s updated",
        run.kind,
        run.pk,
        run.state,
        run.created,
        run.updated,
    )
    return run


def job_progress(job: Any) -> Progress:
    """What a Celery job reports its progress with: the rows written, in the result backend."""

    def report(done: int) -> None:
        if job.request.id and not job.request.is_eager:
            job.update_state(state="PROGRESS", meta={"done": done})

    return report


def run_progress(run: ImportRun) -> int:
    """Rows written so far by a running job (reported to the result backend)."""
    if run.state != ImportRun.State.RUNNING:
        return run.rows if run.state == ImportRun.State.DONE else 0
    try:
        info = current_app.AsyncResult(str(run.token)).info
    except Exception:  # the result backend is away: show no figure rather than fail the page
        return 0
    return int(info.get("done", 0)) if isinstance(info, dict) else 0


def summary(run: ImportRun) -> str:
    """The one line that says how the import went."""
    if run.state == ImportRun.State.FAILED:
        return run.error
    if run.state != ImportRun.State.DONE:
        return str(run.get_state_display())
    counts = [
        ngettext("%(count)s created", "%(count)s created", run.created) % {"count": run.created}
    ]
    if run.updated:
        counts.append(
            ngettext("%(count)s updated", "%(count)s updated", run.updated) % {"count": run.updated}
        )
    return _("Imported from %(file)s: %(counts)s.") % {
        "file": run.file_name,
        "counts": ", ".join(counts),
    }


# --- the pages -------------------------------------------------------------------------------


def _require(request: HtmxRequest, spec: ImportSpec[Any]) -> None:
    if not spec.may_import(request.user):
        raise PermissionDenied


def upload_page(request: HtmxRequest, spec: ImportSpec[Any]) -> HttpResponse:
    """GET: the upload form and, for a kept file, its preview (row errors paginated).
    POST: check and keep a new file, then show its preview."""
    _require(request, spec)
    here = reverse(spec.url_name)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            check_upload(upload)
            assert upload is not None
            read_rows(io.BytesIO(upload.read()), spec.columns)
            upload.seek(0)
        except ValidationError as error:
            _forget(request, spec.kind, delete=True)
            refused = {"spec": spec, "upload_error": " ".join(error.messages)}
            return TemplateResponse(request, "akimat/import.html", refused)
        keep_upload(request, spec.kind, upload)
        return HttpResponseRedirect(here)
    context: dict[str, Any] = {"spec": spec}
    kept = stashed(request, spec.kind)
    if kept:
        token, name = kept
        checked = spec.check(read_rows(_path(token), spec.columns), request.user)
        page = Paginator(checked.errors, ERRORS_PER_PAGE).get_page(query_int(request, "page"))
        context.update(
            file_name=name,
            checked_token=token,
            checked=checked,
            error_page=page,
            bad_rows=len({e.row for e in checked.errors}),
        )
    return TemplateResponse(request, "akimat/import.html", context)


def confirm(request: HtmxRequest, spec: ImportSpec[Any], job: Any) -> HttpResponse:
    """Queue the import of the kept file; refused while it has errors, once only."""
    _require(request, spec)
    here = reverse(spec.url_name)
    token = request.POST.get("token", "")
    kept = stashed(request, spec.kind)
    if kept is None or kept[0] != token:
        parsed = _uuid_or_none(token)
        earlier = (
            ImportRun.objects.filter(token=parsed, user=request.user).first() if parsed else None
        )
        if earlier:
            messages.info(request, str(AlreadyConfirmed(earlier)))
            return HttpResponseRedirect(reverse(f"{spec.url_name}-run", args=[earlier.pk]))
        messages.warning(request, _("Upload the file again: the one you saw is no longer kept."))
        return HttpResponseRedirect(here)
    checked = spec.check(read_rows(_path(token), spec.columns), request.user)
    if checked.errors or not checked.planned:
        messages.error(
            request,
            _("Nothing was imported: correct the rows with errors in the file and upload it again.")
            if checked.errors
            else _("The file has no rows to import."),
        )
        return HttpResponseRedirect(here)
    try:
        run = start_run(user=request.user, kind=spec.kind, token=token, file_name=kept[1], job=job)
    except AlreadyConfirmed as repeat:
        messages.info(request, str(repeat))
        return HttpResponseRedirect(
            reverse(f"{spec.url_name}-run", args=[repeat.run.pk]) if repeat.run else here
        )
    _forget(request, spec.kind, delete=False)
    return HttpResponseRedirect(reverse(f"{spec.url_name}-run", args=[run.pk]))


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def run_page(request: HtmxRequest, spec: ImportSpec[Any], pk: int) -> HttpResponse:
    """The progress of a confirmed import; htmx polls the region until it ends with a toast."""
    run = get_object_or_404(ImportRun, pk=pk, user=request.user, kind=spec.kind)
    line = summary(run)
    context = {"spec": spec, "run": run, "done_rows": run_progress(run), "summary": line}
    if request.htmx:
        response = TemplateResponse(request, "akimat/import_run.html#import-progress", context)
        if run.is_finished:
            notify(response, line, "success" if run.state == ImportRun.State.DONE else "danger")
        return response
    return TemplateResponse(request, "akimat/import_run.html", context)


def template_download(request: HtmxRequest, spec: ImportSpec[Any]) -> HttpResponse:
    _require(request, spec)
    response = HttpResponse(
        template_bytes(spec),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{spec.kind}-template.xlsx"'
    return response
