"""A table as a CSV or XLSX download: a header row, the lines, and a total as the last line.

Shared by every export of a table (the reception's statistics, the dashboard, the logbook, and
every list: tasks, the board, plans, the contact log, appeals, My score), so the rule that no
text cell runs as a spreadsheet formula has this one home, and so have the file's name (the
list's name in the reader's language and the day), dates as dd.mm.yyyy and the bound on rows. A CSV is written for
Excel in the reader's language: in Russian and Kazakh locales Excel separates cells with ";" (the
comma is the decimal separator there), in English with ",".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from akimat.cleaning import query_data, query_text

# What makes Excel or LibreOffice read a text cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The byte-order mark: without it Excel reads a UTF-8 file as the locale's code page.
BOM = "\ufeff"
# The kinds of file a list exports to (`?export=xlsx`, `?export=csv`).
KINDS = ("xlsx", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
# The longest list one export writes, at once (XLSX in openpyxl's write-only mode, which keeps no
# cell objects); past it the person is asked to narrow the filters. Not measured at the bound yet.
MAX_ROWS = 100_000
DATE = "%d.%m.%Y"
DATE_TIME = "%d.%m.%Y %H:%M"


def uses_decimal_comma() -> bool:
    """Whether the active language writes 7,5 (Russian, Kazakh) rather than 7.5 (English)."""
    return not (get_language() or settings.LANGUAGE_CODE).startswith("en")


def csv_cell(value: object, *, decimal_comma: bool = False) -> object:
    """A value as a CSV cell: None is empty; text a spreadsheet would run as a formula gets a
    leading quote, so it shows as typed. Numbers stay numbers (-5 is a figure, not a formula);
    fractions take a decimal comma when `decimal_comma`, as Excel in that locale reads them."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:{DATE_TIME}}"
    if isinstance(value, dt.date):
        return f"{value:{DATE}}"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if decimal_comma and isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


def csv_text(headers: Sequence[str], lines: Iterable[Sequence[object]]) -> str:
    """The table as CSV text for Excel in the active language, with a byte-order mark: ";"
    between cells and decimal commas in Russian and Kazakh, "," and decimal points in English.
    Every cell goes through `csv_cell`; a cell holding the separator is quoted."""
    comma = uses_decimal_comma()
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";" if comma else ",")
    writer.writerow([csv_cell(header) for header in headers])
    for line in lines:
        writer.writerow([csv_cell(value, decimal_comma=comma) for value in line])
    return out.getvalue()


def xlsx_bytes(
    headers: Sequence[str],
    lines: Sequence[Sequence[object]],
    *,
    title: str,
    widths: dict[str, int] | None = None,
) -> bytes:
    """The table as an XLSX workbook of one sheet: the header row and the last line (the total)
    in bold; `widths` sets column widths by letter."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append(list(headers))
    for line in lines:
        sheet.append(list(line))
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # openpyxl reads text starting with "=" as a formula
                cell.data_type = "s"
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for column, width in (widths or {}).items():
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_kind(request: HttpRequest) -> str | None:
    """The file asked for by `?export=`: "xlsx", "csv", or None (the page itself)."""
    kind = query_text(request, "export", max_length=10)
    return kind if kind in KINDS else None


def _xlsx_cell(sheet: Worksheet, value: object) -> object:
    """A value as a write-only cell: dates and local times shown dd.mm.yyyy (Excel keeps them
    dates, so they sort and filter), text never read as a formula."""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, local.replace(tzinfo=None))
        cell.number_format = "DD.MM.YYYY HH:MM"
        return cell
    if isinstance(value, dt.date):
        # openpyxl writes a date as a date; its stubs name only datetime.
        cell = WriteOnlyCell(sheet, value)  # type: ignore[arg-type]
        cell.number_format = "DD.MM.YYYY"
        return cell
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # openpyxl reads text starting with "=" as a formula
        return cell
    return value


def list_xlsx(
    headers: Sequence[str],
    lines: Iterable[Sequence[object]],
    *,
    title: str,
    widths: dict[str, int] | None = None,
) -> bytes:
    """A list (no total line) as an XLSX workbook of one sheet, written row by row (openpyxl's
    write-only mode keeps no cell objects: a list of the full MAX_ROWS fits in memory); the
    header row bold and frozen."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit for a sheet name
    for column, width in (widths or {}).items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, str(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for line in lines:
        sheet.append([_xlsx_cell(sheet, value) for value in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(name: str | Promise, kind: str, day: dt.date | None = None) -> str:
    """The download's name: the list's name in the reader's language and the day
    («Мои задачи 07.12.2026.xlsx»)."""
    return f"{name} {day or timezone.localdate():{DATE}}.{kind}"


def download(content: str | bytes, *, name: str, kind: str) -> HttpResponse:
    """The file as an attachment; a name beyond ASCII (Russian, Kazakh) is sent as RFC 6266
    says, so every browser saves it under that name."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


def list_download(
    kind: str,
    headers: Sequence[str | Promise],
    lines: Iterable[Sequence[object]],
    *,
    name: str | Promise,
    widths: dict[str, int] | None = None,
) -> HttpResponse:
    """A list as the XLSX or CSV file `kind`, named `name` and today's date; the sheet takes
    the name too."""
    texts = [str(header) for header in headers]
    if kind == "csv":
        content: str | bytes = csv_text(texts, lines).encode("utf-8")
    else:
        content = list_xlsx(texts, lines, title=str(name), widths=widths)
    return download(content, name=file_name(name, kind), kind=kind)


def too_many(request: HttpRequest, count: int, limit: int | None = None) -> HttpResponse:
    """Back to the page (its filters kept) with a message that the list is longer than one
    export holds (`limit`, MAX_ROWS by default)."""
    limit = MAX_ROWS if limit is None else limit
    messages.warning(
        request,
        ngettext(
            "The list holds %(count)s row, more than one export holds (%(limit)s): narrow the "
            "filters, please.",
            "The list holds %(count)s rows, more than one export holds (%(limit)s): narrow the "
            "filters, please.",
            count,
        )
        % {
            "count": formats.number_format(count, force_grouping=True),
            "limit": formats.number_format(limit, force_grouping=True),
        },
    )
    query = query_data(request).copy()
    query.pop("export", None)
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
