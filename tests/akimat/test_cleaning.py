"""The input-cleaning layer's own rules, and that every form and query read goes through it."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import reverse

from akimat.cleaning import clean_text, display_file_name, stored_file_name
from akimat.forms import CleanInputMixin

APPS = ("akimat", "tasks", "plans", "reception", "journal", "scores")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Справка\u202e fdp.exe", "Справка fdp.exe"),  # a right-to-left override
        ("\u2066Отчёт\u2069", "Отчёт"),  # isolates
        ("a\x01b\x1bc\x7fd\x85e", "abcde"),  # C0, DEL and C1 controls
        ("строка\r\nвторая\rтретья\tтаб", "строка\nвторая\nтретья\tтаб"),
        ("\u200b\u200c\u200d\u2060\ufeff \u00a0\n", ""),  # invisible only: empty
        ("\u200bЗадача\u200b", "Задача"),
        ("👨\u200d👩", "👨\u200d👩"),  # a joiner inside an emoji stays
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_a_300_character_file_name_is_shortened_keeping_its_extension():
    name = "Протокол совещания " + "я" * 281 + ".pdf"
    stored = stored_file_name(name)
    assert stored.endswith(".pdf") and len(stored.encode()) <= 120
    shown = display_file_name(name)
    assert shown.endswith(".pdf") and len(shown) == 200 and shown.startswith("Протокол")
    assert display_file_name("C:\\Users\\a\\\u202eотчёт.docx") == "отчёт.docx"
    assert display_file_name("\u200b") == "file"


def _project_forms() -> set[type[forms.BaseForm]]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found: set[type[forms.BaseForm]] = set()
    stack: list[type] = [forms.BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.split(".")[0] in APPS and sub.__module__ != "akimat.forms":
                found.add(sub)
    return found


def test_every_form_of_the_apps_uses_the_cleaning_layer():
    found = _project_forms()
    assert len(found) >= 29  # tasks, plans, reception, journal and the absences form
    forgot = sorted(
        f"{form.__module__}.{form.__name__}"
        for form in found
        if not issubclass(form, CleanInputMixin)
    )
    assert forgot == []


def test_no_view_reads_the_query_string_around_the_cleaning_layer():
    readers = sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "request.GET" in path.read_text() and path != ROOT / "akimat" / "cleaning.py"
    )
    assert readers == []


def test_a_nul_is_refused_by_name_even_in_a_field_added_after_init():
    from plans.forms import WeightsForm

    goal = SimpleNamespace(pk=7, title="Цель", weight=50)
    form = WeightsForm({"weight-7": "50\x00"}, goals=[goal])
    assert not form.is_valid()
    assert list(form.errors) == ["weight-7"]
    assert WeightsForm({"weight-7": " 50\u200b"}, goals=[goal]).is_valid()


def test_a_prefixed_form_refuses_nul_and_bounds_dates_by_field():
    from journal.forms import ReadingForm

    form = ReadingForm({"r-date": "9999-12-31", "r-value": "1", "r-note": "a\x00b"}, prefix="r")
    assert not form.is_valid()
    assert sorted(form.errors) == ["date", "note"]
    assert form.errors.as_data()["date"][0].code == "date_out_of_range"


def test_every_editable_admin_page_cleans_its_input():
    from django.contrib import admin

    from akimat.admin import ReadOnly

    editable = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS and not isinstance(model_admin, ReadOnly)
    }
    assert editable  # the walk found the portal's admin pages
    unclean = [
        model.__name__
        for model, model_admin in editable.items()
        for form in (model_admin.form, getattr(model_admin, "add_form", model_admin.form))
        if not issubclass(form, CleanInputMixin)
    ]
    assert unclean == []


@pytest.mark.django_db
def test_an_admin_cannot_store_a_year_9999_date_or_a_bidi_override(admin_client):
    from akimat.models import DayTransfer

    url = reverse("admin:akimat_daytransfer_add")
    before = DayTransfer.objects.count()  # the migrations ship some corrections
    response = admin_client.post(
        url, {"date": "9999-12-27", "kind": "holiday", "reason": "Праздник"}
    )
    assert response.status_code == 200  # the form again, with its message
    assert "2100" in response.content.decode()
    assert DayTransfer.objects.count() == before
    admin_client.post(url, {"date": "2026-12-28", "kind": "holiday", "reason": "Праздник\u202e"})
    assert DayTransfer.objects.get(date="2026-12-28").reason == "Праздник"
