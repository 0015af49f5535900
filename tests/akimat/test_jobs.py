"""The Celery integration: a job really runs in a separate `celery worker` process via Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from akimat.jobs import fill_working_calendar
from akimat.models import CalendarDay
from tests.patience import HUNG_AFTER

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_this_test() -> str:
    """The test database's URL, so the worker writes where this test reads."""
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or ""
    if host.startswith("/"):
        return f"postgresql://{user}{password}@{quote(host, safe='')}/{db['NAME']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


# A Celery worker whose clock starts at `now` and ticks on (time_machine), for `make test-at`.
WORKER_AT = (
    "import datetime, runpy, sys, time_machine; "
    "time_machine.travel(datetime.datetime.fromisoformat('{now}'), tick=True).start(); "
    "sys.argv[0] = 'celery'; runpy.run_module('celery', run_name='__main__', alter_sys=True)"
)


def start_worker(broker_url: str, queue: str) -> subprocess.Popen[str]:
    """A real worker process listening on `queue` only, writing to this test's database."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url_of_this_test(),
        "CELERY_BROKER_URL": broker_url,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "akimat", "worker",
        "--queues", queue, "--hostname", f"{queue}@%h",
        "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO",
    ]  # fmt: skip
    if os.environ.get("TEST_AT"):
        # The suite runs at a pinned moment (make test-at): the worker starts at the suite's now.
        command[1:3] = ["-c", WORKER_AT.format(now=timezone.now().isoformat())]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def worker(settings):
    """A real worker on a queue of its own, so no other worker on the same broker steals the job."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    process = start_worker(settings.CELERY_BROKER_URL, queue)
    yield queue, process
    stop_worker(process)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_job_runs_on_a_real_worker_through_the_broker(worker):
    queue, process = worker
    assert not CalendarDay.objects.filter(date__year=2031).exists()

    fill_working_calendar.apply_async(args=[2031], queue=queue)

    deadline = time.monotonic() + HUNG_AFTER
    while CalendarDay.objects.filter(date__year=2031).count() < 365:
        assert process.poll() is None, f"the worker died:\n{process.stdout.read()}"
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(
                f"the worker did not run the job within {HUNG_AFTER} s:\n{process.communicate(timeout=HUNG_AFTER)[0]}"
            )
        time.sleep(0.2)

    process.terminate()
    output, _ = process.communicate(timeout=HUNG_AFTER)
    # The worker's own log proves that it, not this process, ran the job.
    assert f"{queue}@" in output
    assert "akimat.jobs.fill_working_calendar" in output and "succeeded" in output
    assert CalendarDay.objects.filter(date__year=2031, is_working=True).count() > 240
