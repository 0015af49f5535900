"""The appeals' demo data: the catalogue, a few hundred appeals in every kind of life the law
gives one, consistent with the services (terms, tasks), the seeds' entrepreneur, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from appeals import services
from appeals.demo import KEPT_OUT, NAMED_SUMMARY
from appeals.models import (
    Appeal,
    AppealCounter,
    Status,
    Topic,
    answered_late,
    answered_on_time,
    extension_notice_late,
    extension_notice_pending,
    overdue_on,
    redirect_late,
)
from reception.models import Case
from tasks.models import DeadlineChange, Source, Task
from tasks.models import Status as TaskStatus
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

FIVE = {"entrepreneurship", "land", "architecture", "construction", "agriculture"}


def test_the_demo_has_a_catalogue_and_a_few_hundred_appeals_in_every_kind_of_life(demo_summary):
    summary = demo_summary
    assert "appeals: 15 topics" in summary
    by_department = dict(
        Topic.objects.values_list("department__slug")
        .annotate(n=Count("pk"))
        .values_list("department__slug", "n")
    )
    assert by_department == dict.fromkeys(FIVE, 3)
    assert all(t.name_kk and t.name_kk != t.name_ru for t in Topic.objects.all())
    assert Topic.history.count() == Topic.objects.count()

    appeals = Appeal.objects.all()
    assert 200 <= appeals.count() <= 400
    assert set(appeals.values_list("department__slug", flat=True)) == FIVE
    today = timezone.localdate()
    assert appeals.filter(status=Status.REGISTERED).exists()
    assert appeals.filter(status=Status.IN_WORK).exists()
    assert appeals.filter(status=Status.ANSWERED).exists()
    assert appeals.filter(status=Status.CLOSED).count() > 50
    assert 5 <= appeals.filter(overdue_on(today)).count() <= 60
    assert appeals.filter(answered_on_time()).count() > appeals.filter(answered_late()).count() > 0
    assert appeals.filter(extended_on__isnull=False, extension_notice_on__isnull=False).exists()
    assert (
        appeals.filter(extension_notice_pending()).exists()
        or appeals.filter(extension_notice_late(today)).exists()
    )
    assert appeals.filter(extension_notice_late(today)).exists()
    redirected = appeals.filter(status=Status.REDIRECTED)
    assert redirected.filter(redirect_late()).exists()
    assert redirected.exclude(redirect_late()).exists()
    assert appeals.filter(repeat_of__isnull=False).exists()
    assert appeals.filter(anonymous=True).exists()
    assert appeals.filter(visitor__isnull=False).exists()
    assert set(appeals.values_list("registered_by__username", flat=True)) > {"reception"}
    # Over the four months before today.
    oldest = appeals.order_by("registered_on").first()
    assert oldest is not None and (today - oldest.registered_on).days >= 100


def test_the_demo_rows_are_what_the_services_would_leave(demo_summary):
    appeals = Appeal.objects.select_related("task")
    for appeal in appeals:
        dates = services.terms(appeal.received_at)
        assert appeal.registered_on == dates.registered_on, appeal
        assert appeal.legal_deadline == dates.deadline, appeal
        assert appeal.redirect_due == dates.redirect_due, appeal
        assert appeal.deadline <= dates.extension_limit, appeal
        assert (appeal.deadline != appeal.legal_deadline) == (appeal.extended_on is not None)
        assigned = appeal.status in (Status.IN_WORK, Status.ANSWERED, Status.CLOSED)
        assert (appeal.task is not None) == assigned, appeal
        if appeal.task is not None:
            task = appeal.task
            assert task.source == Source.APPEAL
            assert task.source_number == appeal.code
            assert task.source_date == appeal.registered_on
            assert task.responsible_id == appeal.executor_id
            assert task.department_id == appeal.department_id
            assert timezone.localdate(task.deadline) == appeal.deadline
            expected = {
                Status.IN_WORK: {TaskStatus.NEW, TaskStatus.IN_PROGRESS},
                Status.ANSWERED: {TaskStatus.AWAITING_ACCEPTANCE},
                Status.CLOSED: {TaskStatus.DONE},
            }[appeal.status]
            assert task.status in expected, appeal
            assert task.created_at <= task.deadline
            assert task.started_at is None or task.started_at >= task.created_at
            if task.status == TaskStatus.DONE:
                assert task.result and task.submitted_at <= task.done_at
            assert timezone.localtime(task.deadline).time() == dt.time(18, 30)
        if appeal.answered_on is not None and appeal.extended_on is not None:
            assert appeal.answered_on > appeal.extended_on, appeal
    extended = appeals.filter(extended_on__isnull=False, task__isnull=False)
    assert DeadlineChange.objects.filter(task__appeal__in=extended).count() == extended.count()
    assert not Task.objects.filter(
        source=Source.APPEAL, responsible__username__in=KEPT_OUT
    ).exists()
    # Coupon numbers are unique and gapless per year, and the counter knows the last.
    for row in Appeal.objects.values("year").annotate(n=Count("pk")):
        numbers = sorted(Appeal.objects.filter(year=row["year"]).values_list("number", flat=True))
        assert numbers == list(range(1, row["n"] + 1))
        assert AppealCounter.objects.get(year=row["year"]).last == row["n"]
    # A repeat is the same applicant on the same topic, later.
    for appeal in Appeal.objects.filter(repeat_of__isnull=False).select_related("repeat_of"):
        first = appeal.repeat_of
        assert first.applicant_phone == appeal.applicant_phone
        assert first.topic_id == appeal.topic_id
        assert first.registered_on <= appeal.registered_on


def test_the_entrepreneur_of_nine_circles_has_an_official_chasing_the_documents(demo_summary):
    appeal = Appeal.objects.select_related("task", "visit", "executor").get(summary=NAMED_SUMMARY)
    assert appeal.department.slug == "entrepreneurship"
    assert appeal.executor.department.slug == "entrepreneurship"
    assert appeal.status == Status.IN_WORK
    assert appeal.task.source == Source.APPEAL
    assert appeal.task.responsible == appeal.executor
    assert appeal.code in appeal.task.title
    # The reception case of the same visit: the official chases the missing documents.
    case = Case.objects.get(visit=appeal.visit)
    assert case.responsible == appeal.executor
    assert case.state == Case.State.OPEN
    assert case.documents.filter(received_at__isnull=True).exists()
    assert appeal.history.filter(history_change_reason="appeal registered").exists()


def test_seeding_twice_adds_nothing(demo_summary):
    counts = (
        Appeal.objects.count(),
        Topic.objects.count(),
        Task.objects.filter(source=Source.APPEAL).count(),
        Appeal.history.count(),
    )
    assert "appeals: 0 topics, 0 appeals created" in seed()
    assert counts == (
        Appeal.objects.count(),
        Topic.objects.count(),
        Task.objects.filter(source=Source.APPEAL).count(),
        Appeal.history.count(),
    )
