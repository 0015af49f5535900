"""Django's own strings on a Kazakh page come out Kazakh (issue 16, item 2).

Where Django's Kazakh catalogue has no string it falls back to Russian, the default language, so
a kk page showed «1 день, 2 часа бұрын» and Russian form errors; its weekday abbreviations were
wrong («Сб» for Tuesday). The portal's catalogue in locale/libraries/kk gives them all in Kazakh.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.validators import EmailValidator
from django.template import Context, Template
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.timesince import timesince

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 12, 7)
NBSP = "\xa0"  # timesince keeps a number and its word together
# Letters Kazakh writes only in Russian loanwords, none of which these strings have. (Kazakh has
# «ы» and «э» of its own: «Дұрыс», «электрондық».)
RUSSIAN_ONLY = set("щъё")
KAZAKH_ONLY = set("әғқңөұүһі")


def _kk_and_ru(render) -> tuple[str, str]:
    with translation.override("kk"):
        kazakh = str(render())
    with translation.override("ru"):
        russian = str(render())
    return kazakh, russian


def _assert_kazakh(render, expected: str) -> None:
    kazakh, russian = _kk_and_ru(render)
    assert kazakh == expected
    assert kazakh != russian, "the Kazakh page would show Django's Russian"
    assert not RUSSIAN_ONLY & set(kazakh.lower())


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (NOW - dt.timedelta(days=1, hours=2), f"1{NBSP}күн, 2{NBSP}сағат"),
        (dt.datetime(2024, 9, 6, 12, 0, tzinfo=dt.UTC), f"2{NBSP}жыл, 3{NBSP}ай"),
        (NOW - dt.timedelta(days=15), f"2{NBSP}апта, 1{NBSP}күн"),
        (NOW - dt.timedelta(hours=2, minutes=5), f"2{NBSP}сағат, 5{NBSP}минут"),
    ],
)
def test_time_since_is_kazakh_with_no_ending_glued_to_the_number(
    then: dt.datetime, expected: str
) -> None:
    _assert_kazakh(lambda: timesince(then, NOW), expected)


def test_notification_age_reads_as_one_kazakh_phrase() -> None:
    """The bell's «{{ ago }} ago» (templates/tasks/notification_list.html) in full."""
    template = Template(
        "{% load i18n %}{% blocktranslate with ago=when|timesince:now %}{{ ago }} ago"
        "{% endblocktranslate %}"
    )
    context = {"when": NOW - dt.timedelta(days=1, hours=2), "now": NOW}
    _assert_kazakh(lambda: template.render(Context(context)), f"1{NBSP}күн, 2{NBSP}сағат бұрын")


def test_weekday_abbreviations_name_the_right_days() -> None:
    week = [MONDAY + dt.timedelta(days=n) for n in range(7)]
    _assert_kazakh(lambda: " ".join(date_format(day, "D") for day in week), "Дс Сс Ср Бс Жм Сб Жс")
    _assert_kazakh(
        lambda: ", ".join(date_format(day, "l") for day in week),
        "Дүйсенбі, Сейсенбі, Сәрсенбі, Бейсенбі, Жұма, Сенбі, Жексенбі",
    )


def test_months_inside_a_date_are_lowercase_and_standalone_capitalised() -> None:
    months = [dt.date(2026, n, 6) for n in range(1, 13)]
    _assert_kazakh(lambda: date_format(dt.date(2026, 12, 6), "j E Y"), "6 желтоқсан 2026")
    _assert_kazakh(
        lambda: " ".join(date_format(day, "E") for day in months),
        "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан",
    )
    _assert_kazakh(
        lambda: " ".join(date_format(day, "F") for day in months),
        "Қаңтар Ақпан Наурыз Сәуір Мамыр Маусым Шілде Тамыз Қыркүйек Қазан Қараша Желтоқсан",
    )
    _assert_kazakh(
        lambda: " ".join(date_format(day, "N") for day in months),
        "қаң. ақп. нау. сәу. мам. мау. шіл. там. қыр. қаз. қар. жел.",
    )


class _Form(forms.Form):
    name = forms.CharField(max_length=5, min_length=2)
    email = forms.EmailField(required=False)
    count = forms.IntegerField(required=False, max_value=10)
    share = forms.DecimalField(required=False, decimal_places=1)


def _errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = _Form(data)
    form.is_valid()
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({}, "name", "Бұл өрісті толтыру міндетті."),
        ({"name": "Айгерім"}, "name", "Мән ең көбі 5 таңбадан тұруы керек (қазір 7 таңба)."),
        ({"name": "А"}, "name", "Мән кемінде 2 таңбадан тұруы керек (қазір 1 таңба)."),
        (
            {"name": "Айя", "email": "aya@"},
            "email",
            "Дұрыс электрондық пошта мекенжайын енгізіңіз.",
        ),
        ({"name": "Айя", "count": "11"}, "count", "Мән ең көбі 10 болуы керек."),
        ({"name": "Айя", "count": "бір"}, "count", "Бүтін сан енгізіңіз."),
        ({"name": "Айя", "share": "7.25"}, "share", "Үтірден кейін ең көбі 1 цифр болуы керек."),
    ],
)
def test_form_errors_are_kazakh(data: dict[str, str], field: str, expected: str) -> None:
    _assert_kazakh(lambda: _errors(data)[field][0], expected)


def test_email_validator_message_is_kazakh() -> None:
    _assert_kazakh(
        lambda: EmailValidator().message, "Дұрыс электрондық пошта мекенжайын енгізіңіз."
    )
    with translation.override("kk"):
        assert KAZAKH_ONLY & set(str(EmailValidator().message))


def test_history_pages_russian_names_the_author_column() -> None:
    """simple_history ships its Russian as ru_RU, which Django never loads for "ru"; the
    portal's copy had «Изменено» for "Changed by"."""
    with translation.override("ru"):
        assert translation.gettext("Changed by") == "Кем изменено"
        assert translation.gettext("Change History") == "Изменить запись истории"
    with translation.override("kk"):
        assert translation.gettext("Changed by") == "Өзгерткен"
