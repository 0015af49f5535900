"""The evening job: its twin command, and the job itself on a real worker through Redis."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import CommandError, call_command

from reception.jobs import close_reception_day
from reception.models import Shift, Visit, VisitStatus
from tests.akimat.test_jobs import worker  # noqa: F401 - the real-worker fixture
from tests.patience import HUNG_AFTER
from tests.reception.factories import ShiftFactory, VisitFactory


def test_the_command_ends_the_day(db, service, desk):
    VisitFactory(service=service)
    ShiftFactory(desk=desk, services=[service])
    out = io.StringIO()
    call_command("close_reception_day", stdout=out)
    assert "1 visitor(s) marked as left, 1 desk(s) closed" in out.getvalue()
    assert Visit.objects.get().status == VisitStatus.LEFT
    with pytest.raises(CommandError, match="not a real date"):
        call_command("close_reception_day", "--date", "2026-02-30", stdout=io.StringIO())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_job_runs_on_a_real_worker(worker, service, desk):  # noqa: F811
    queue, process = worker
    visit = VisitFactory(service=service)
    ShiftFactory(desk=desk, services=[service])
    close_reception_day.apply_async(queue=queue)
    deadline = time.monotonic() + HUNG_AFTER
    while Visit.objects.get(pk=visit.pk).status != VisitStatus.LEFT:
        assert process.poll() is None, f"the worker died:\n{process.stdout.read()}"
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"the job did not run:\n{process.communicate(timeout=HUNG_AFTER)[0]}")
        time.sleep(0.2)
    process.terminate()
    output, _ = process.communicate(timeout=HUNG_AFTER)
    assert "reception.jobs.close_reception_day" in output and "succeeded" in output
    assert not Shift.objects.filter(closed_at__isnull=True).exists()
