"""The Word export in Chromium with a real Celery worker: the methodologist clicks "Export to
Word", sees the progress bar with its words, then the download link, and downloads a valid
document."""

from __future__ import annotations

import uuid

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from akimat.celery import app
from journal.models import Export
from tests.akimat.test_jobs import start_worker, stop_worker
from tests.factories import UserFactory
from tests.journal.factories import EntryFactory
from tests.patience import HUNG_AFTER
from tests.tasks.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(settings, tmp_path, monkeypatch):
    """A queue of this test's own for the jobs this process sends, and one media folder for this
    process and the worker, so the page serves what the worker wrote."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.conf, "task_default_queue", name)
    return name


def test_methodologist_exports_to_word_and_downloads_it(page: Page, live_server, settings, queue):
    author = UserFactory(username="methodologist", password="demo", roles=["methodologist"])
    for n in range(3):
        EntryFactory(author=author, title=f"Совещание № {n}", body=f"- пункт {n}\n- ещё пункт")
    base = live_server.url
    sign_in(page, base, "methodologist")
    page.goto(f"{base}/journal/search/")
    page.get_by_role("button", name="Выгрузить в Word").click()

    # No worker listens yet: the job waits, and the page says so with a bar and words.
    expect(page.get_by_role("heading", level=2)).to_contain_text("Выгрузка в Word: logbook-")
    status = page.locator("#export-status")
    expect(status.locator("progress")).to_be_visible()
    expect(status).to_contain_text("Ждёт своей очереди")

    worker = start_worker(settings.CELERY_BROKER_URL, queue)
    try:
        link = page.get_by_role("link", name="Скачать документ Word")
        expect(link).to_be_visible(timeout=HUNG_AFTER * 1000)
        expect(status).to_contain_text("Документ готов: 3 записи")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.startswith("logbook-")
        assert download.value.suggested_filename.endswith(".docx")
        text = [p.text for p in Document(download.value.path()).paragraphs]
        assert {"Совещание № 0", "пункт 0", "пункт 1", "пункт 2"} <= {
            line.split(" · ")[-1] for line in text
        }
        assert Export.objects.get().state == Export.State.DONE
    finally:
        stop_worker(worker)
    output = worker.communicate(timeout=HUNG_AFTER)[0]
    # The worker's own log proves that it, not this process, wrote the document.
    assert "journal.jobs.write_docx_export" in output and "succeeded" in output
