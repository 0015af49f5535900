"""The task's source line: the document number is stored without the «№» people type before it,
and the number and date read as one sentence in each language's own order."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tasks.models import Task, bare_document_number

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 7, 31)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("№ 21-08/568", "21-08/568"),
        ("№21-08/568", "21-08/568"),
        ("  № № 21-08/568 ", "21-08/568"),
        ("No. 21-08/568", "21-08/568"),
        ("N 21-08/568", "21-08/568"),
        ("21-08/568", "21-08/568"),
        ("NK-12", "NK-12"),  # a letter that is part of the number stays
        ("ЖТ-1/№2", "ЖТ-1/№2"),  # a sign inside the number stays
    ],
)
def test_the_number_sign_is_taken_off_a_document_number(typed, stored):
    assert bare_document_number(typed) == stored


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("ru", "№ 21-08/568 от 31.07.2026"),
        ("kk", "31.07.2026 № 21-08/568"),
        ("en", "No. 21-08/568 of 31.07.2026"),
    ],
)
def test_the_source_reference_follows_each_languages_word_order(language, line):
    task = Task(source_number="№ 21-08/568", source_date=DAY)  # stored before the form cleaned it
    with translation.override(language):
        assert task.source_reference == line
        assert Task(source_number="21-08/568").source_reference.endswith("21-08/568")
        assert "31.07.2026" in Task(source_date=DAY).source_reference
        assert Task().source_reference == ""


def test_an_edit_stores_the_number_without_the_sign_and_the_page_shows_one(client, head, task):
    head.language = "kk"
    head.save(update_fields=["language"])
    client.force_login(head)
    data = {
        "version": task.version,
        "title": task.title,
        "priority": 2,
        "source": "letter",
        "source_number": "№ 21-08/568",
        "source_date": "2026-07-31",
    }
    assert client.post(reverse("tasks:task-edit", args=[task.pk]), data).status_code == 302
    task.refresh_from_db()
    assert task.source_number == "21-08/568"
    page = client.get(reverse("tasks:task-detail", args=[task.pk])).text
    assert "31.07.2026 № 21-08/568" in page
    line = re.search(r"<dd[^>]*>([^<]*31\.07\.2026[^<]*)</dd>", page)
    assert line is not None and line[1].count("№") == 1 and "күні" not in line[1]
    assert "№ №" not in page
