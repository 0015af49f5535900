"""Excel files for the import tests, and running the import jobs inline."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: Sequence[Sequence[object]], header: Sequence[str] = ("header",)) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "поручения.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.fixture
def eager_jobs(settings, tmp_path) -> Iterator[None]:
    """The import job runs inside the confirming request (no broker); files under tmp_path."""
    from akimat.celery import app

    settings.MEDIA_ROOT = tmp_path
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
