"""Kazakhstan's formats (akimat/formats): dates, times and numbers as ru and kk write them, and
forms that read dd.mm.yyyy and a decimal comma."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext
from docx import Document

from akimat.forms import PortalForm
from akimat.models import DayTransfer, Language, User
from journal import export
from journal.models import Entry
from tests.journal.factories import EntryFactory

SUNDAY = dt.datetime(2026, 12, 6, 14, 5)  # noqa: DTZ001 (a wall-clock moment in Almaty)
NBSP = "\xa0"


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def december() -> str:
    """The month after a day in the active language (the catalogue's "alt. month")."""
    return pgettext("alt. month", "December")


# --- output ------------------------------------------------------------------------------------


def test_kk_writes_the_day_first_a_24_hour_clock_and_dd_mm_yyyy():
    with translation.override("kk"):
        month = december()
        assert formats.date_format(SUNDAY) == f"6 {month} 2026 ж."
        assert formats.date_format(SUNDAY, "DATETIME_FORMAT") == f"6 {month} 2026 ж., 14:05"
        assert formats.date_format(SUNDAY, "MONTH_DAY_FORMAT") == f"6 {month}"
        assert formats.date_format(SUNDAY, "SHORT_DATE_FORMAT") == "06.12.2026"
        assert formats.date_format(SUNDAY, "SHORT_DATETIME_FORMAT") == "06.12.2026 14:05"
        assert formats.time_format(dt.time(9, 5)) == "09:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_kk_month_after_a_day_is_lowercase():
    # Needs locale/libraries/kk (the libraries' catalogue): Django's own kk has «Желтоқсан».
    with translation.override("kk"):
        assert december() == "желтоқсан"
        assert formats.date_format(SUNDAY) == "6 желтоқсан 2026 ж."


def test_ru_keeps_djangos_dates_with_the_day_month_in_the_genitive():
    with translation.override("ru"):
        assert formats.date_format(SUNDAY) == "6 декабря 2026 г."
        assert formats.date_format(SUNDAY, "MONTH_DAY_FORMAT") == "6 декабря"
        assert formats.date_format(SUNDAY, "SHORT_DATETIME_FORMAT") == "06.12.2026 14:05"


def test_en_keeps_djangos_formats():
    with translation.override("en"):
        assert formats.date_format(SUNDAY) == "Dec. 6, 2026"
        assert render("{{ x }} %", x=14.3) == "14.3 %"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_kk_and_ru_write_a_decimal_comma_and_group_only_when_asked(language):
    with translation.override(language):
        assert render("{{ x }} %", x=14.3) == "14,3 %"
        assert render("{{ x|floatformat:'-2' }}", x=Decimal("8.60")) == "8,60"
        assert render("{{ x|floatformat:'-2g' }}", x=Decimal("1234567.5")) == (
            f"1{NBSP}234{NBSP}567,50"
        )
        # No global grouping: ids in links and form values stay whole.
        assert render("{{ x }}", x=12345) == "12345"


def test_the_long_date_names_the_weekday():
    with translation.override("ru"):
        shown = render("{% load dates %}{{ d|long_date }}", d=SUNDAY.date())
        assert shown == f"{gettext('Sunday')}, 6 декабря 2026 г."
    with translation.override("kk"):
        shown = render("{% load dates %}{{ d|long_date }}", d=SUNDAY.date())
        assert shown == f"{gettext('Sunday')}, 6 {december()} 2026 ж."


def test_the_word_export_writes_kk_dates(methodologist):
    entry = EntryFactory(author=methodologist, occurred_at=timezone.make_aware(SUNDAY))
    rows = list(Entry.objects.filter(pk=entry.pk))
    with translation.override("kk"):
        month = december()
        content = export.to_docx(rows, first=SUNDAY.date(), last=SUNDAY.date())
    text = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert text[1].startswith(f"6 {month} 2026 ж. – 6 {month} 2026 ж.")
    assert text[2].endswith(f", 6 {month} 2026 ж.")
    assert text[3].startswith("14:05 · ")
    assert not any("Жел." in line or "Dec" in line for line in text)


def test_a_kk_logbook_page_shows_kk_dates_and_a_24_hour_clock(client, methodologist):
    methodologist.language = Language.KK
    methodologist.save(update_fields=["language"])
    day = timezone.localdate() - dt.timedelta(days=2)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 5)))
    entry = EntryFactory(author=methodologist, title="Кеңес", occurred_at=moment)
    client.force_login(methodologist)
    page = client.get(reverse("journal:day"), {"date": day.isoformat()}).text
    with translation.override("kk"):
        shown = formats.date_format(day)
    assert shown.endswith(f"{day:%Y} ж.") and shown in page
    assert ">14:05<" in page and "Т.Қ." not in page and "p.m." not in page
    detail = client.get(entry.get_absolute_url()).text
    assert f"{shown}, 14:05" in detail


# --- input -------------------------------------------------------------------------------------


class NumberAndDateForm(PortalForm):
    value = forms.DecimalField(max_digits=12, decimal_places=2)
    share = forms.FloatField(required=False)
    day = forms.DateField(required=False)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_forms_read_a_decimal_comma_and_dd_mm_yyyy(language):
    with translation.override(language):
        form = NumberAndDateForm({"value": "7,5", "share": "14,3", "day": "06.12.2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {
            "value": Decimal("7.5"),
            "share": 14.3,
            "day": dt.date(2026, 12, 6),
        }
        # A point still reads, and ISO (what <input type="date"> sends) too.
        form = NumberAndDateForm({"value": "7.5", "day": "2026-12-06"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["value"] == Decimal("7.5")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_american_date_is_refused_not_read_as_6_december(language):
    with translation.override(language):
        form = NumberAndDateForm({"value": "1", "day": "12/06/2026"})
        assert not form.is_valid()
        assert "day" in form.errors


def test_a_decimal_field_is_a_text_input_that_shows_a_comma():
    with translation.override("kk"):
        form = NumberAndDateForm(initial={"value": Decimal("8.60")})
        html = str(form["value"])
    # type=number cannot hold a comma: the browser would send nothing.
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'value="8,60"' in html and "step=" not in html


@pytest.fixture
def kk_admin(db):
    admin = User.objects.create_superuser("admin", "admin@akimat.example", "correct horse")
    admin.language = Language.KK
    admin.save(update_fields=["language"])
    return admin


def test_the_admin_date_field_reads_dd_mm_yyyy_in_kk(client, kk_admin):
    client.force_login(kk_admin)
    add = reverse("admin:akimat_daytransfer_add")
    data = {"kind": DayTransfer.Kind.WORKED_DAY_OFF, "reason": "Үкімет қаулысы"}
    saturday = DayTransfer.objects.filter(date=dt.date(2026, 3, 28))
    refused = client.post(add, {**data, "date": "03/28/2026"})
    assert refused.status_code == 200 and not saturday.exists()
    assert client.post(add, {**data, "date": "28.03.2026"}).status_code == 302
    # The admin's own date widget writes the first input format back.
    page = client.get(reverse("admin:akimat_daytransfer_change", args=[saturday.get().pk]))
    assert 'value="28.03.2026"' in page.text
