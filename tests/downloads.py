"""Reading an export back: the lines of a CSV or XLSX download, as a person's spreadsheet shows
them."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

from openpyxl import load_workbook


def lines(response) -> list[list[object]]:
    """The file's rows: CSV cells as text (";"-separated, as in Russian), XLSX cells as values."""
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=";")]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def file_name(response) -> str:
    """The name the browser saves the download under (RFC 6266's filename* when not ASCII)."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''", 1)[1])
    return disposition.split('filename="', 1)[1].rstrip('"')
