"""No IIN or BIN reaches a log: every configured handler masks twelve-digit runs."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from akimat.identifiers import mask_identifier
from akimat.logging_filters import ForbiddenOneLine
from tests.patience import HUNG_AFTER
from tests.reception.factories import OrganisationFactory, VisitorFactory, bin_, iin

pytestmark = pytest.mark.django_db


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What the handlers settings.LOGGING configured write, caught in one buffer."""
    buffer = io.StringIO()
    handlers = {
        handler
        for name in ("", "django", "django.request", "django.server", "gunicorn.access", "celery")
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler  # not pytest's own capturing handlers
    }
    assert handlers, "settings.LOGGING configured no stream handler"
    previous = {handler: handler.setStream(buffer) for handler in handlers}
    try:
        yield buffer
    finally:
        for handler, stream in previous.items():
            handler.setStream(stream)


def test_an_integrity_error_logged_as_a_500_carries_no_iin_nor_bin(written):
    person, company = iin(41), bin_(42)
    VisitorFactory(iin=person)
    OrganisationFactory(bin=company)
    for model, fields in (
        (VisitorFactory, {"iin": person}),
        (OrganisationFactory, {"bin": company}),
    ):
        try:
            with transaction.atomic():
                model(**fields)
        except IntegrityError:
            # What Django's handler does with an uncaught exception in a view.
            logging.getLogger("django.request").error(
                "Internal Server Error: %s", "/reception/", exc_info=True
            )
    output = written.getvalue()
    assert output.count("Internal Server Error: /reception/") == 2
    assert "IntegrityError" in output and "already exists" in output  # the traceback is there
    assert person not in output and company not in output
    assert mask_identifier(person) in output and mask_identifier(company) in output


def test_numbers_in_arguments_urls_and_celery_records_are_masked(written):
    person = iin(43)
    logging.getLogger("akimat").warning("Visitor %s not found", person)
    # gunicorn's access log: a format with a dict of atoms, the request line among them.
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": f"GET /?q={person} HTTP/1.1", "s": "200"}
    )
    logging.getLogger("celery.app.trace").error("Task failed: %r", {"iin": person})
    output = written.getvalue()
    assert person not in output
    assert output.count(mask_identifier(person)) == 3
    assert "GET /?q=" in output and "10.0.0.1" in output


GUNICORN_WORKER = """
from gunicorn.config import Config
from gunicorn.glogging import Logger

config = Config()
config.set("accesslog", "-")
log = Logger(config)  # as gunicorn sets itself up, before the worker loads the portal
import akimat.wsgi  # noqa: E402,F401  (the worker loads the portal: Django configures logging)

log.access_log.info('%(h)s "%(r)s" %(s)s', {"h": "10.0.0.1", "r": "GET /?q={number} HTTP/1.1", "s": "200"})
log.error("Worker failed for {number}")
"""

CELERY_WORKER = """
from akimat.celery import app

app.log.setup_logging_subsystem(loglevel="INFO")  # what `celery worker` and `celery beat` do
import logging  # noqa: E402

logging.getLogger("celery.app.trace").error("Task failed: %s", "{number}")
logging.getLogger("tasks.jobs").warning("Job saw {number}")
"""


@pytest.mark.parametrize(
    ("script", "lines"), [(GUNICORN_WORKER, 2), (CELERY_WORKER, 2)], ids=["gunicorn", "celery"]
)
def test_gunicorn_and_celery_processes_mask_what_they_log(script, lines):
    """A real process of each kind, configured the way it is started in production."""
    number = iin(44)
    done = subprocess.run(
        [sys.executable, "-c", script.replace("{number}", number)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "akimat.settings"},
        timeout=HUNG_AFTER,
    )
    output = done.stdout + done.stderr
    assert number not in output
    assert output.count(mask_identifier(number)) == lines, output


def test_a_403_is_logged_once_in_one_line_without_a_traceback(client, specialist, written, caplog):
    client.force_login(specialist)
    caplog.set_level(logging.INFO)
    caplog.clear()
    written.seek(0)
    written.truncate()  # the login's own lines
    response = client.get("/reception/stats/?period=week")
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.getMessage(), r.exc_info) for r in refused] == [
        ("django.request", f"Forbidden: GET /reception/stats/ (user {specialist.pk})", None)
    ]
    lines = [line for line in written.getvalue().splitlines() if line.strip()]
    assert lines == [f"Forbidden: GET /reception/stats/ (user {specialist.pk})"]


def test_an_anonymous_403_names_no_one_and_other_statuses_keep_their_record(rf):
    request = rf.get("/reception/stats/")
    request.user = AnonymousUser()
    refused = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Forbidden (Permission denied): %s", ("/x",), None
    )
    refused.status_code, refused.request = 403, request
    assert ForbiddenOneLine().filter(refused)
    assert refused.getMessage() == "Forbidden: GET /reception/stats/ (anonymous)"
    failed = logging.LogRecord(
        "django.request", logging.ERROR, "", 0, "Internal Server Error: %s", ("/x",), None
    )
    failed.status_code, failed.request = 500, request
    assert ForbiddenOneLine().filter(failed) and failed.getMessage() == "Internal Server Error: /x"
