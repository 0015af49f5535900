"""A table as a CSV or XLSX download: a header row, the lines, and a total as the last line.

Shared by every export of a table (the reception's statistics, the dashboard, the logbook), so
the rule that no text cell runs as a spreadsheet formula has this one home.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

# What makes Excel or LibreOffice read a text cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell: None is empty; text a spreadsheet would run as a formula gets a
    leading quote, so it shows as typed. Numbers stay numbers (-5 is a figure, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(headers: Sequence[str], lines: Iterable[Sequence[object]]) -> str:
    """The table as CSV text, every cell through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(header) for header in headers])
    for line in lines:
        writer.writerow([csv_cell(value) for value in line])
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
