"""The nightly scores as a job: the beat entry, the lock across two processes, a real worker."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from akimat.calendar import ensure_calendar
from scores import jobs, scoring
from scores.models import DepartmentSnapshot, PersonSnapshot, ScoreRun
from tasks.models import Status
from tests.akimat.test_jobs import database_url_of_this_test, worker  # noqa: F401
from tests.factories import DepartmentFactory, UserFactory
from tests.patience import HUNG_AFTER
from tests.tasks.factories import TaskFactory

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2025, 5, 5)


def at(day: dt.date, hour: int = 18, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed(*departments) -> None:
    ensure_calendar(start=dt.date(2022, 1, 1), end=dt.date(2025, 12, 31))
    scoring.ensure_default_policy()
    for department in departments:
        for _ in range(3):
            person = UserFactory(department=department)
            created = at(dt.date(2025, 4, 21), 9)
            TaskFactory(responsible=person, author=person, deadline=at(DAY), created_at=created)
            TaskFactory(
                responsible=person, author=person, deadline=at(dt.date(2025, 4, 29)),
                created_at=created,
            )  # fmt: skip
            TaskFactory(
                responsible=person, author=person, deadline=at(dt.date(2025, 4, 25)),
                created_at=created, status=Status.DONE, done_at=at(dt.date(2025, 4, 28)),
            )  # fmt: skip


def test_the_beat_runs_the_scores_at_two_at_night_almaty_time():
    entry = settings.CELERY_BEAT_SCHEDULE["compute-scores"]
    assert entry["task"] == "akimat.jobs.compute_scores"
    assert entry["schedule"] == crontab(hour=2, minute=0)
    assert settings.CELERY_TIMEZONE == "Asia/Almaty"
    for job in (jobs.compute_scores, jobs.compute_scores_chunk, jobs.roll_up_scores):
        assert job.autoretry_for and job.retry_backoff
    assert settings.CELERY_RESULT_BACKEND  # the chord joins the chunks through it


def command(*args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database_url_of_this_test(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "compute_scores", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_in_two_processes_one_works_the_other_is_skipped(department):
    seed(department)
    url = database_url_of_this_test()
    with psycopg.connect(url) as blocker:
        # Hold the snapshot table so the first run stops inside its transaction, lock taken.
        blocker.execute("LOCK TABLE akimat_personsnapshot IN SHARE MODE")
        first = command("--date", DAY.isoformat())
        deadline = time.monotonic() + HUNG_AFTER
        # An advisory lock of this test's database: another database on the same server (a
        # second test run, a developer's portal) may hold its own at the same moment.
        while not blocker.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchone()[0]:
            assert first.poll() is None, first.communicate()[0]
            assert time.monotonic() < deadline, "the first run never took its lock"
            time.sleep(0.1)
        second = command("--date", DAY.isoformat())
        second_output = second.communicate(timeout=HUNG_AFTER)[0]
        assert second.returncode == 0, second_output
        assert first.poll() is None  # still waiting behind the table lock
        blocker.rollback()
    first_output = first.communicate(timeout=HUNG_AFTER)[0]
    assert first.returncode == 0, first_output
    assert "1 directorate(s) computed (3 people), 0 skipped" in first_output
    assert "0 directorate(s) computed (0 people), 1 skipped" in second_output
    runs = sorted(ScoreRun.objects.values_list("status", "rows"))
    assert runs == [("skipped", 0), ("succeeded", 3)]
    assert "другой запуск" in ScoreRun.objects.get(status="skipped").error
    assert PersonSnapshot.objects.filter(date=DAY).count() == 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_runs_its_chunks_and_roll_up_on_a_real_worker(
    worker,  # noqa: F811
    department,
    other_department,
):
    seed(department, other_department)
    queue, process = worker

    jobs.compute_scores.apply_async(args=[DAY.isoformat()], kwargs={"queue": queue}, queue=queue)

    deadline = time.monotonic() + HUNG_AFTER
    while DepartmentSnapshot.objects.filter(date=DAY).count() < 2:
        assert process.poll() is None, f"the worker died:\n{process.stdout.read()}"
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(
                f"no roll-up within {HUNG_AFTER} s:\n{process.communicate(timeout=HUNG_AFTER)[0]}"
            )
        time.sleep(0.2)

    process.terminate()
    output, _ = process.communicate(timeout=HUNG_AFTER)
    assert f"{queue}@" in output
    for name in ("compute_scores", "compute_scores_chunk", "roll_up_scores"):
        assert f"akimat.jobs.{name}[" in output
    assert sorted(ScoreRun.objects.values_list("chunk_id", "status", "rows")) == sorted(
        [(department.pk, "succeeded", 3), (other_department.pk, "succeeded", 3)]
    )
    assert PersonSnapshot.objects.filter(date=DAY).count() == 6
    assert sorted(DepartmentSnapshot.objects.values_list("people", "overdue")) == [
        (3, 6),
        (3, 6),
    ]  # each person: due 29.04 and due 5.05 at 18:30


def _rows() -> list[tuple]:
    fields = [f.name for f in PersonSnapshot._meta.fields if f.name not in {"id", "computed_at"}]
    return sorted(PersonSnapshot.objects.filter(date=DAY).values_list(*fields))


@pytest.mark.django_db(transaction=True)
def test_on_two_connections_the_groups_write_exactly_what_one_pass_writes(
    department, other_department, settings
):
    # Outside a transaction (as the command runs) the directorates are dealt into groups, each
    # written at once on a connection of its own; the rows are those of the single pass.
    third = DepartmentFactory()
    seed(department, other_department, third)
    settings.SCORES_CONNECTIONS = 1
    scoring.compute_scores(day=DAY)
    one_pass = _rows()
    settings.SCORES_CONNECTIONS = 2
    with mock.patch.object(
        scoring, "_people_in_parallel", wraps=scoring._people_in_parallel
    ) as parallel:
        runs = scoring.compute_scores(day=DAY, force=True)
    groups = parallel.call_args.args[1]
    assert sorted(len(group.chunks) for group in groups) == [1, 2]
    assert sorted(c for group in groups for c in group.chunks) == sorted(
        [department.pk, other_department.pk, third.pk]
    )
    assert len(one_pass) == 9 and _rows() == one_pass
    assert sorted((r.status, r.rows) for r in runs) == [("succeeded", 3)] * 3
    assert DepartmentSnapshot.objects.filter(date=DAY).count() == 3


@pytest.mark.django_db
def test_the_groups_hold_about_as_many_people_each_and_a_range_of_their_ids():
    small, large, middle = DepartmentFactory(), DepartmentFactory(), DepartmentFactory()
    people = {
        small: [UserFactory(department=small) for _ in range(2)],
        large: [UserFactory(department=large) for _ in range(6)],
        middle: [UserFactory(department=middle) for _ in range(4)],
    }
    UserFactory(department=large, is_active=False)  # counts for nothing
    groups = scoring._groups([small.pk, large.pk, middle.pk], 2)
    assert [group.chunks for group in groups] == [[small.pk, large.pk], [middle.pk]]
    first = [p.pk for p in people[small] + people[large]]
    assert groups[0].ids == (min(first), max(first))
    assert groups[1].ids == (people[middle][0].pk, people[middle][-1].pk)
    # never more groups than directorates; a directorate without people still has a group
    empty = DepartmentFactory()
    assert [g.chunks for g in scoring._groups([empty.pk], 4)] == [[empty.pk]]
