"""The Word export as a job: a POST starts one (a double click too), its page shows the progress
and then the download link, only to the person who asked; a range beyond the bound is refused
with a message; the document of an entry of many list items holds them all."""

from __future__ import annotations

import datetime as dt
import io
import threading
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from journal import export, jobs, services
from journal.models import Export
from tests.journal.factories import EntryFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("journal:export")
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def started(monkeypatch):
    """The jobs sent to the broker (the outside world), by export id."""
    sent: list[int] = []
    monkeypatch.setattr(jobs.write_docx_export, "delay_on_commit", sent.append)
    return sent


def today_params(**extra: str) -> dict[str, str]:
    today = timezone.localdate().isoformat()
    return {"date_from": today, "date_to": today, **extra}


def word_url(**extra: str) -> str:
    return f"{EXPORT}?{urlencode(today_params(format='docx', **extra))}"


@pytest.fixture
def entries(methodologist):
    return [
        services.create_entry(author=methodologist, title=f"Запись {n}", body=f"Текст {n}.")
        for n in range(3)
    ]


def test_a_post_starts_the_job_and_its_page_shows_progress_then_the_link(
    client, methodologist, entries, started
):
    client.force_login(methodologist)
    response = client.post(word_url())
    job = Export.objects.get()
    assert response["Location"] == job.get_absolute_url() and started == [job.pk]
    page = client.get(job.get_absolute_url())
    assert "Ждёт своей очереди" in page.text and "<progress" in page.text
    fragment = client.get(job.get_absolute_url(), headers=HX)
    assert fragment.text.lstrip().startswith('<div id="export-status"')
    assert 'hx-trigger="every 1s"' in fragment.text

    Export.objects.filter(pk=job.pk).update(state=Export.State.RUNNING, total=3, written=1)
    fragment = client.get(job.get_absolute_url(), headers=HX)
    assert "Записано записей: 1 из 3 (33 %)" in fragment.text
    assert 'max="3" value="1"' in fragment.text

    export.write_docx_export(export_id=job.pk)
    fragment = client.get(job.get_absolute_url(), headers=HX)
    assert "hx-trigger" not in fragment.text  # the polling stops
    download = reverse("journal:export-download", args=[job.pk])
    assert download in fragment.text and "Документ готов: 3 записи" in fragment.text
    response = client.get(download)
    assert f'filename="logbook-{timezone.localdate():%Y%m%d}' in response["Content-Disposition"]
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert [p.text for p in document.paragraphs if p.text.startswith("Текст")] == [
        "Текст 0.",
        "Текст 1.",
        "Текст 2.",
    ]


@pytest.mark.parametrize("persona", ["deputy", "head", "outsider"])
def test_an_export_is_kept_for_the_person_who_asked_only(
    client, request, methodologist, entries, started, persona
):
    client.force_login(methodologist)
    client.post(word_url())
    job = Export.objects.get()
    export.write_docx_export(export_id=job.pk)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("journal:export-download", args=[job.pk])).status_code == 404


def test_a_get_for_word_starts_nothing_and_says_how(client, methodologist, entries, started):
    client.force_login(methodologist)
    response = client.get(word_url(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("journal:search")
    assert "Выгрузить в Word" in " ".join(str(m) for m in response.context["messages"])
    assert not Export.objects.exists() and started == []


@pytest.mark.parametrize("format", ["docx", "csv"])
@pytest.mark.parametrize("bound", ["MAX_ENTRIES", "MAX_CHARACTERS"])
def test_a_range_beyond_the_bound_is_refused_with_a_message(
    client, methodologist, entries, started, monkeypatch, format, bound
):
    monkeypatch.setattr(export, bound, 2 if bound == "MAX_ENTRIES" else 20)
    client.force_login(methodologist)
    url = f"{EXPORT}?{urlencode(today_params(format=format))}"
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("journal:search")
    message = " ".join(str(m) for m in response.context["messages"])
    assert "В выбранном периоде 3 записи" in message and "выберите меньше дней" in message
    assert not Export.objects.exists() and started == []


@pytest.mark.django_db(transaction=True)
def test_a_double_click_starts_one_job(methodologist, entries, started):
    barrier = threading.Barrier(2)
    locations: list[str] = []

    def click() -> None:
        client = Client()
        client.force_login(methodologist)
        barrier.wait()
        locations.append(client.post(word_url())["Location"])
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job = Export.objects.get()
    assert locations == [job.get_absolute_url()] * 2
    assert started == [job.pk]


def test_a_finished_export_can_be_asked_for_again(client, methodologist, entries, started):
    client.force_login(methodologist)
    client.post(word_url())
    export.write_docx_export(export_id=Export.objects.get().pk)
    client.post(word_url())
    assert Export.objects.count() == 2 and len(started) == 2


def test_an_entry_of_thousands_of_list_items_keeps_them_all_as_list_items(
    client, methodologist, started
):
    items = 3000
    EntryFactory(author=methodologist, body="\n".join(f"- пункт {n}" for n in range(items)))
    client.force_login(methodologist)
    client.post(word_url())
    job = Export.objects.get()
    export.write_docx_export(export_id=job.pk)
    response = client.get(reverse("journal:export-download", args=[job.pk]))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    listed = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(listed) == items
    assert (listed[0].text, listed[-1].text) == ("пункт 0", f"пункт {items - 1}")
    # The section properties still close the body, as Word expects.
    assert document.element.body[-1].tag.endswith("sectPr")


def test_an_export_whose_worker_died_does_not_block_a_new_one(
    client, methodologist, entries, started
):
    client.force_login(methodologist)
    client.post(word_url())
    dead = Export.objects.get()
    Export.objects.filter(pk=dead.pk).update(
        state=Export.State.RUNNING, created_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = client.post(word_url())
    dead.refresh_from_db()
    assert dead.state == Export.State.FAILED
    fresh = Export.objects.exclude(pk=dead.pk).get()
    assert response["Location"] == fresh.get_absolute_url() and started == [dead.pk, fresh.pk]


def test_a_new_export_clears_the_persons_exports_older_than_a_week(
    client, methodologist, entries, started, media
):
    client.force_login(methodologist)
    client.post(word_url())
    old = Export.objects.get()
    export.write_docx_export(export_id=old.pk)
    old.refresh_from_db()
    path = media / old.file.name
    assert path.exists()
    Export.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    client.post(word_url())
    assert not path.exists() and not Export.objects.filter(pk=old.pk).exists()


def test_the_night_forgets_everyones_exports_older_than_a_week_and_keeps_the_rest(
    client, methodologist, entries, started, media
):
    client.force_login(methodologist)
    client.post(word_url())
    old = Export.objects.get()
    export.write_docx_export(export_id=old.pk)
    old.refresh_from_db()
    path = media / old.file.name
    Export.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert jobs.forget_old_exports() == 1
    assert not path.exists() and not Export.objects.filter(pk=old.pk).exists()
    client.post(word_url())
    recent = Export.objects.get()
    export.write_docx_export(export_id=recent.pk)
    assert jobs.forget_old_exports() == 0 and Export.objects.filter(pk=recent.pk).exists()
