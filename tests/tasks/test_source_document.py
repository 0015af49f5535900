from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tasks.models import Task

DATE = dt.date(2026, 7, 31)


@pytest.mark.parametrize(
    ("lang", "number", "date", "expected"),
    [
        ("ru", "21-08/568", DATE, "№ 21-08/568 от 31.07.2026"),
        ("kk", "21-08/568", DATE, "31.07.2026 № 21-08/568"),
        ("en", "21-08/568", DATE, "№ 21-08/568 of 31.07.2026"),
        # a number typed with its own «№» is not given a second one
        ("ru", "№ 21-08/568", DATE, "№ 21-08/568 от 31.07.2026"),
        ("kk", "вх. № 15", DATE, "31.07.2026 вх. № 15"),
        ("ru", "21-08/568", None, "№ 21-08/568"),
        ("ru", "", DATE, "от 31.07.2026"),
        ("kk", "", DATE, "құжат күні: 31.07.2026"),
        ("ru", "", None, ""),
    ],
)
def test_source_document_reads_as_an_official_writes_it(
    lang: str, number: str, date: dt.date | None, expected: str
) -> None:
    task = Task(source_number=number, source_date=date)
    with translation.override(lang):
        assert task.source_document() == expected
