"""A table as a CSV or XLSX download: a header row, the lines, and a total as the last line.

Shared by the pages that export what they show (the reception's statistics, the dashboard).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font


def csv_text(headers: Sequence[str], lines: Sequence[Sequence[object]]) -> str:
    """The table as CSV text; an empty value (None) is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for line in lines:
        writer.writerow(["" if value is None else value for value in line])
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
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for column, width in (widths or {}).items():
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
