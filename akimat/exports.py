"""A table as a CSV or XLSX download: a header row, the lines, and a total as the last line.

Shared by every export of a table (the reception's statistics, the dashboard, the logbook), so
the rule that no text cell runs as a spreadsheet formula has this one home. A CSV is written for
Excel in the reader's language: in Russian and Kazakh locales Excel separates cells with ";" (the
comma is the decimal separator there), in English with ",".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

# What makes Excel or LibreOffice read a text cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The byte-order mark: without it Excel reads a UTF-8 file as the locale's code page.
BOM = "\ufeff"


def uses_decimal_comma() -> bool:
    """Whether the active language writes 7,5 (Russian, Kazakh) rather than 7.5 (English)."""
    return not (get_language() or settings.LANGUAGE_CODE).startswith("en")


def csv_cell(value: object, *, decimal_comma: bool = False) -> object:
    """A value as a CSV cell: None is empty; text a spreadsheet would run as a formula gets a
    leading quote, so it shows as typed. Numbers stay numbers (-5 is a figure, not a formula);
    fractions take a decimal comma when `decimal_comma`, as Excel in that locale reads them."""
    if value is None:
        return ""
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
