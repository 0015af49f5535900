"""A logbook entry shared with a directorate may link a task of another: its readers see the
links they could follow and nothing of the rest (the task's own rule, TaskQuerySet.visible_to),
on the entry's page, the day page and in both exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from journal import export, services
from journal.forms import ExportForm
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HIDDEN = "Изъятие участка у застройщика"
OWN = "Субсидии на маточное поголовье"


@pytest.fixture
def entry(methodologist, department, other_department, specialist, outsider):
    """Shared with agriculture; links agriculture's own task and a task of land relations."""
    own = TaskFactory(title=OWN, responsible=specialist)
    hidden = TaskFactory(title=HIDDEN, responsible=outsider)
    return services.create_entry(
        author=methodologist,
        title="Разбор на планёрке",
        body="Обсудили обе задачи.",
        tasks=[own, hidden],
        shared_with=[department],
    )


def _page(client, entry):
    return client.get(entry.get_absolute_url()).text


def _day(client, entry):
    day = timezone.localtime(entry.occurred_at).date().isoformat()
    return client.get(reverse("journal:day"), {"date": day}).text


def _params(entry):
    day = timezone.localtime(entry.occurred_at).date().isoformat()
    return {"date_from": day, "date_to": day}


def _csv(client, entry):
    response = client.get(reverse("journal:export"), {**_params(entry), "format": "csv"})
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return "\n".join(",".join(row) for row in rows)


def _docx(client, entry):
    user = client.session_user
    form = ExportForm({**_params(entry), "format": "docx"})
    assert form.is_valid(), form.errors
    job = export.start_docx_export(owner=user, data=form.cleaned_data)
    export.write_docx_export(export_id=job.pk)
    response = client.get(reverse("journal:export-download", args=[job.pk]))
    content = b"".join(response.streaming_content)
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


PLACES = {"entry page": _page, "day page": _day, "CSV": _csv, "Word": _docx}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("persona", ["head", "specialist"])
def test_a_reader_of_another_directorate_sees_no_title_of_a_hidden_task(
    client, request, entry, place, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.session_user = user
    shown = PLACES[place](client, entry)
    assert "Разбор на планёрке" in shown  # the entry itself is theirs to read
    assert OWN in shown  # their own directorate's task is linked as before
    assert HIDDEN not in shown


@pytest.mark.parametrize("place", PLACES)
def test_the_methodologist_sees_every_linked_task(client, methodologist, entry, place):
    client.force_login(methodologist)
    client.session_user = methodologist
    shown = PLACES[place](client, entry)
    assert OWN in shown and HIDDEN in shown


def test_the_tasks_own_people_see_it_where_they_read_the_entry(
    client, methodologist, entry, other_department, outsider
):
    entry.shared_with.add(other_department)
    client.force_login(outsider)
    text = _page(client, entry)
    assert HIDDEN in text and OWN not in text  # the agriculture task is hidden from them now
