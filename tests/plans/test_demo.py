"""The demo plans of `seed_demo`: an active cycle in week 7, real tasks behind every tactic."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.urls import reverse

from plans import execution
from plans.models import Cycle, Goal, LagReading, Occurrence, Plan, Review
from tasks.models import Source, Status
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_each_directorate_is_in_week_7_of_an_active_cycle_with_approved_plans(demo_summary):
    summary = demo_summary
    assert "plans: 5 cycles" in summary
    cycles = list(Cycle.objects.select_related("department"))
    assert len(cycles) == 5
    assert {(c.status, c.current_week) for c in cycles} == {(Cycle.Status.ACTIVE, 7)}
    for cycle in cycles:
        directorate = cycle.plans.get(kind=Plan.Kind.DIRECTORATE)
        assert directorate.status == Plan.Status.APPROVED
        assert directorate.approved_by.username == "deputy"
        goals = list(directorate.goals.all())
        assert 2 <= len(goals) <= 3 and sum(g.weight for g in goals) == 100
        individual = cycle.plans.filter(kind=Plan.Kind.INDIVIDUAL)
        assert individual.filter(status=Plan.Status.SUBMITTED).count() == 1
        assert individual.filter(status=Plan.Status.APPROVED).count() >= 15
        assert (
            not individual.filter(owner=cycle.department.head)
            .exclude(approved_by__username="deputy")
            .filter(status=Plan.Status.APPROVED)
            .exists()
        )
    assert Goal.objects.filter(
        title="Сократить срок решения по земельному участку с 40 до 20 рабочих дней",
        plan__cycle__department__slug="land",
    ).exists()


def test_every_tactic_occurrence_is_a_real_task_of_the_approver(demo_summary):
    occurrences = Occurrence.objects.select_related("task", "tactic__goal__plan")
    assert occurrences.count() > 5 * 19 * 12 * 0.9
    assert not occurrences.exclude(task__source=Source.PLAN).exists()
    assert not occurrences.exclude(task__deadline=F("due")).exists()
    assert not occurrences.exclude(task__author=F("tactic__goal__plan__approved_by")).exists()
    assert not occurrences.exclude(task__responsible=F("tactic__responsible")).exists()
    # Weeks ahead are not handed in yet (a task due early next week may have been begun); the
    # weeks gone by are mostly done.
    assert set(occurrences.filter(week__gte=8).values_list("task__status", flat=True)) <= {
        Status.NEW,
        Status.IN_PROGRESS,
    }
    assert occurrences.filter(week__gte=9, task__status=Status.IN_PROGRESS).count() < 5 * 5
    past = occurrences.filter(week__lte=6)
    assert past.filter(task__status=Status.DONE).count() / past.count() > 0.85


def test_the_weeks_gone_by_have_scores_readings_and_reviews(demo_summary):
    for cycle in Cycle.objects.all():
        plan = cycle.plans.get(kind=Plan.Kind.DIRECTORATE)
        card = execution.plan_scorecard(plan)
        assert all(s.percent is not None for s in card.scores[:6])
        assert 60 <= card.average_score <= 100
        assert 0 < card.progress < 100
        assert LagReading.objects.filter(goal__plan=plan).values("week").distinct().count() == 6
        assert Review.objects.filter(plan=plan, kind=Review.Kind.WEEKLY).count() == 6
        midcycle = Review.objects.get(plan=plan, kind=Review.Kind.MIDCYCLE)
        assert midcycle.average_score is not None and len(midcycle.progress) == len(card.goals)


def test_the_two_people_of_the_article_miss_no_tactic(demo_summary):
    for username in ("head.agriculture", "specialist.agriculture"):
        past = Occurrence.objects.filter(task__responsible__username=username, week__lte=6)
        assert past.exists()
        assert set(past.values_list("task__status", flat=True)) == {Status.DONE}
        assert not past.filter(task__submitted_at__gt=F("due")).exists()


def test_the_demo_pages_open(client, demo_summary):
    from akimat.models import User

    head = User.objects.get(username="head.land")
    client.force_login(head)
    cycle = Cycle.objects.get(department__slug="land")
    assert client.get(reverse("plans:index")).status_code == 200
    page = client.get(cycle.get_absolute_url())
    assert "Неделя 7 из 12" in page.text
    plan = cycle.plans.get(kind=Plan.Kind.DIRECTORATE)
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_seeding_twice_adds_no_plans(demo_summary):
    counts = (Cycle.objects.count(), Plan.objects.count(), Occurrence.objects.count())
    assert "plans: 0 cycles" in seed()
    assert (Cycle.objects.count(), Plan.objects.count(), Occurrence.objects.count()) == counts
