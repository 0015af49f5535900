"""The overdue dashboard over HTTP: who sees what, figures with known answers, the drill-down,
history from snapshots, the banner, the export, and fixed query counts at x1 and x10."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from akimat import freshness
from akimat.calendar import ensure_calendar
from appeals.models import AppealSnapshot
from scores import scoring
from scores.models import BonusPolicy, DepartmentSnapshot, ScoreRun
from tasks.models import Status
from tasks.services import deadline_from
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
URL = reverse("dashboard")

# Wednesday 18 November 2026, 11:00 in Almaty. November 2026 has no public holiday in
# Kazakhstan; no 12-week cycle is open, so the period is the quarter from 1 October.
WEDNESDAY = dt.date(2026, 11, 18)
NOW = deadline_from(WEDNESDAY, dt.time(11))
TUESDAY = deadline_from(dt.date(2026, 11, 17))  # overdue 1 working day
LAST_WEDNESDAY = deadline_from(dt.date(2026, 11, 11))  # 5 working days
OCTOBER_28 = deadline_from(dt.date(2026, 10, 28))  # 15 working days
FRIDAY = deadline_from(dt.date(2026, 11, 20))  # not yet due


@pytest.fixture
def default_policy(db):
    """The migration's default bonus policy (a transactional test's flush empties the table)."""
    return scoring.ensure_default_policy()


@pytest.fixture(autouse=True)
def clock(default_policy):
    """Stop the clock on the Wednesday, with the working calendar around it already filled, and
    forget today's figures counted by an earlier test (they are kept for a minute)."""
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        ensure_calendar(start=dt.date(2023, 1, 1), end=dt.date(2027, 12, 31))
        yield


@pytest.fixture
def scenario(department, head, specialist, colleague, deputy, outsider):
    """Agriculture: the head has two overdue tasks of their own (1 and 15 working days), the
    specialist two (5 and 15) and one not yet due, plus one done on time and one done late this
    quarter; the colleague nothing. The outsider (land) has one overdue task elsewhere."""

    def task(who, deadline, **kwargs):
        created = deadline_from(dt.date(2026, 10, 1), dt.time(9))
        return TaskFactory(
            author=deputy, responsible=who, deadline=deadline, created_at=created, **kwargs
        )

    return {
        "head_new": task(head, TUESDAY, title="Справка для акима"),
        "head_old": task(head, OCTOBER_28, title="Отчёт по субсидиям"),
        "spec_mid": task(specialist, LAST_WEDNESDAY, title="Ответ фермерам"),
        "spec_old": task(specialist, OCTOBER_28, title="План проверок"),
        "spec_open": task(specialist, FRIDAY, title="Протокол совещания"),
        "on_time": task(
            specialist,
            LAST_WEDNESDAY,
            status=Status.DONE,
            done_at=LAST_WEDNESDAY - dt.timedelta(hours=2),
        ),
        "late": task(
            specialist, OCTOBER_28, status=Status.DONE, done_at=deadline_from(WEDNESDAY, dt.time(9))
        ),
        "land": task(outsider, TUESDAY, title="Земельный участок"),
    }


def _row(response, slug):  # type: ignore[no-untyped-def]
    return next(r for r in response.context["rows"] if r.department.slug == slug)


# --- who sees what -------------------------------------------------------------------------


def test_the_dashboard_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("persona", ["specialist", "receptionist"])
def test_a_specialist_or_receptionist_is_refused_with_a_clear_message(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 403
    assert "заместителя акима и руководителей управлений" in response.text
    assert 'data-testid="directorate-row"' not in response.text


def test_the_deputy_sees_every_directorate_ranked_by_overdue(client, deputy, scenario):
    client.force_login(deputy)
    response = client.get(URL)
    assert response.status_code == 200
    assert [r.department.slug for r in response.context["rows"]] == ["agriculture", "land"]
    assert response.text.count('data-testid="directorate-row"') == 2


def test_a_head_sees_only_their_own_directorate_and_its_people(client, head, scenario):
    client.force_login(head)
    response = client.get(URL)
    assert [r.department.slug for r in response.context["rows"]] == ["agriculture"]
    assert "Земельный участок" not in response.text
    assert response.context["total"].overdue == 4
    # A head's dashboard opens on the directorate's people, the head first among the most overdue.
    people = response.context["people"]
    assert [p.person.username for p in people][:2] == ["head", "specialist"]


def test_a_head_asking_for_another_directorate_is_refused_and_shown_nothing(
    client, head, other_department, outsider, scenario
):
    client.force_login(head)
    for url in (
        reverse("dashboard-directorate", args=[other_department.pk]),
        reverse("dashboard-person", args=[other_department.pk, outsider.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "только своё управление" in response.text
        assert str(outsider) not in response.text
        assert client.get(url, headers=HX).status_code == 403


def test_a_directorate_that_does_not_exist_says_so(client, deputy):
    client.force_login(deputy)
    response = client.get(reverse("dashboard-directorate", args=[987654]))
    assert response.status_code == 404
    assert "Такого управления нет" in response.text


def test_a_person_outside_the_directorate_is_not_found(client, deputy, department, outsider):
    client.force_login(deputy)
    response = client.get(reverse("dashboard-person", args=[department.pk, outsider.pk]))
    assert response.status_code == 404


# --- figures with known answers ------------------------------------------------------------


def test_headline_figures_have_the_known_answers(client, deputy, scenario):
    client.force_login(deputy)
    total = client.get(URL).context["total"]
    assert (total.open, total.overdue, total.overdue_over_10) == (6, 5, 2)
    assert (total.overdue_1_3, total.overdue_4_10) == (2, 1)
    assert total.overdue_days == 1 + 15 + 5 + 15 + 1
    assert (total.done_on_time, total.done_late, total.on_time_rate) == (1, 1, 50)
    assert total.week_score is None  # no tactic-task due this week


def test_a_heads_own_overdue_is_apart_from_their_peoples(client, deputy, scenario):
    client.force_login(deputy)
    response = client.get(URL)
    agriculture = _row(response, "agriculture")
    assert (agriculture.overdue, agriculture.head_overdue, agriculture.people_overdue) == (4, 2, 2)
    assert (agriculture.overdue_1_3, agriculture.overdue_4_10, agriculture.overdue_over_10) == (
        1,
        1,
        2,
    )
    land = _row(response, "land")
    assert (land.overdue, land.head_overdue, land.people_overdue) == (1, 0, 1)
    assert 'data-testid="head-overdue">2<' in response.text


def test_todays_figures_equal_what_the_nightly_job_writes(client, deputy, department, scenario):
    from scores import scoring

    client.force_login(deputy)
    live = _row(client.get(URL), "agriculture")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        scoring.compute_scores(day=WEDNESDAY)
    night = DepartmentSnapshot.objects.get(date=WEDNESDAY, department=department)
    for name in ("open", "overdue", "overdue_days", "overdue_over_10", "head_overdue"):
        assert getattr(live, name) == getattr(night, name), name


def test_todays_reception_comes_from_the_reception(client, deputy, department, scenario):
    from tests.reception.factories import ServiceFactory, VisitFactory

    service = ServiceFactory(department=department)
    VisitFactory(service=service, status="waiting")
    VisitFactory(
        service=service,
        status="done",
        outcome="resolved",
        arrived_at=NOW - dt.timedelta(minutes=40),
        first_called_at=NOW - dt.timedelta(minutes=30),
        called_at=NOW - dt.timedelta(minutes=30),
        started_at=NOW - dt.timedelta(minutes=29),
        finished_at=NOW - dt.timedelta(minutes=20),
    )
    client.force_login(deputy)
    response = client.get(URL)
    reception = response.context["reception"]
    assert (reception.visitors, reception.waiting, reception.average_wait) == (2, 1, 10.0)
    assert 'data-figure="waiting">1<' in response.text


# --- drill-down ----------------------------------------------------------------------------


def test_the_drill_down_over_htmx_returns_only_the_fragments(client, deputy, department, scenario):
    client.force_login(deputy)
    people = client.get(reverse("dashboard-directorate", args=[department.pk]), headers=HX)
    assert people.text.lstrip().startswith('<section id="dashboard-detail"')
    assert "<html" not in people.text
    assert people.text.count('data-testid="person-row"') == 3
    tasks = client.get(
        reverse("dashboard-person", args=[department.pk, scenario["head_old"].responsible.pk]),
        headers=HX,
    )
    assert tasks.text.lstrip().startswith('<section id="dashboard-person"')
    titles = [t.title for t in tasks.context["tasks"]]
    assert titles == ["Отчёт по субсидиям", "Справка для акима"]  # the oldest first
    assert scenario["head_old"].get_absolute_url() in tasks.text
    assert [t.overdue_days for t in tasks.context["tasks"]] == [15, 1]


def test_the_drill_down_pages_work_without_javascript(client, deputy, department, specialist):
    client.force_login(deputy)
    page = client.get(reverse("dashboard-directorate", args=[department.pk]))
    assert "<html" in page.text and department.name_ru in page.text
    person = client.get(reverse("dashboard-person", args=[department.pk, specialist.pk]))
    assert "<html" in person.text and "breadcrumb" in person.text


def test_the_ten_oldest_overdue_tasks_oldest_first(client, deputy, scenario):
    for n in range(12):
        TaskFactory(
            responsible=scenario["land"].responsible,
            deadline=OCTOBER_28 + dt.timedelta(days=n),
            created_at=OCTOBER_28 - dt.timedelta(days=30),
        )
    client.force_login(deputy)
    oldest = client.get(URL).context["oldest"]
    assert len(oldest) == 10
    deadlines = [t.deadline for t in oldest]
    assert deadlines == sorted(deadlines) and deadlines[0] == OCTOBER_28


# --- history, banner -----------------------------------------------------------------------


def _snapshot(department, day, overdue, **extra):  # type: ignore[no-untyped-def]
    return DepartmentSnapshot.objects.create(
        date=day,
        department=department,
        policy=BonusPolicy.objects.in_force(day),
        overdue=overdue,
        open=overdue + 10,
        period_start=dt.date(2026, 10, 1),
        bonus=Decimal(50),
        computed_at=NOW,
        **extra,
    )


def test_the_trend_and_sparklines_come_from_the_snapshots(client, deputy, department, scenario):
    _snapshot(department, dt.date(2026, 9, 30), 9)  # before the quarter: not in this cycle
    _snapshot(department, dt.date(2026, 10, 30), 1)
    _snapshot(department, dt.date(2026, 11, 6), 3)
    _snapshot(department, dt.date(2026, 11, 12), 2)
    _snapshot(department, dt.date(2026, 11, 13), 7, week_due=4, week_on_time=3)
    client.force_login(deputy)
    response = client.get(URL)
    trend = response.context["trend"]
    assert trend["labels"] == ["30.10", "06.11", "12.11", "13.11"]
    assert trend["overdue"] == [1, 3, 2, 7]
    assert trend["week_score"] == [None, None, None, 75.0]
    # One point a week, the week's last snapshot; today's live figures are not history.
    assert _row(response, "agriculture").sparkline == [1, 3, 7]
    assert _row(response, "land").sparkline == []
    assert response.text.count("<polyline") == 1
    data = json.loads(
        response.text.split('id="trend-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data == trend


def test_a_cycle_without_snapshots_says_so(client, deputy, scenario):
    client.force_login(deputy)
    response = client.get(URL)
    assert response.context["has_trend"] is False
    assert 'data-chart="trend"' not in response.text


def test_the_banner_when_the_job_never_ran_failed_or_is_stale(client, deputy, department):
    client.force_login(deputy)
    assert 'data-testid="run-banner"' in client.get(URL).text
    run = ScoreRun.objects.create(
        date=WEDNESDAY - dt.timedelta(days=1),
        chunk=department,
        status=ScoreRun.Status.FAILED,
        started_at=NOW - dt.timedelta(hours=9),
        finished_at=NOW - dt.timedelta(hours=9),
        error="boom",
    )
    text = client.get(URL).text
    assert 'data-testid="run-banner"' in text and "не удался" in text
    run.status = ScoreRun.Status.SUCCEEDED
    run.save()
    assert 'data-testid="run-banner"' not in client.get(URL).text
    run.started_at = run.finished_at = NOW - dt.timedelta(days=2)
    run.save()
    text = client.get(URL).text
    assert 'data-testid="run-banner"' in text and "больше суток назад" in text


# --- export --------------------------------------------------------------------------------


def test_the_csv_export_has_one_line_per_directorate_and_the_total(client, deputy, scenario):
    client.force_login(deputy)
    response = client.get(URL, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="dashboard-20261118.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][0] == "Управление" and len(lines) == 4
    agriculture = lines[1]
    assert agriculture[0] == "Управление сельского хозяйства"
    assert agriculture[2:9] == ["5", "4", "1", "1", "2", "2", "2"]
    assert lines[-1][0] == "Все управления" and lines[-1][3] == "5"


def test_the_xlsx_export_holds_the_same_figures(client, deputy, scenario):
    client.force_login(deputy)
    response = client.get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Управление сельского хозяйства" and rows[1][3] == 4
    assert rows[-1][3] == 5 and rows[-1][13] == 50


def test_a_head_exports_only_their_directorate(client, head, scenario):
    client.force_login(head)
    lines = client.get(URL, {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and "Земельн" not in "".join(lines)


# --- fixed query counts --------------------------------------------------------------------


def _add_directorates(count: int, deputy) -> None:  # type: ignore[no-untyped-def]
    """Each directorate: a head with one overdue task, two people with one overdue and one
    open task each, and a snapshot a week ago."""
    for _ in range(count):
        department = DepartmentFactory()
        head = head_of(department)
        people = [UserFactory(department=department, roles=["specialist"]) for _ in range(2)]
        TaskFactory(author=deputy, responsible=head, deadline=TUESDAY, created_at=OCTOBER_28)
        for person in people:
            TaskFactory(author=head, responsible=person, deadline=OCTOBER_28, created_at=OCTOBER_28)
            TaskFactory(author=head, responsible=person, deadline=FRIDAY, created_at=OCTOBER_28)
        _snapshot(department, WEDNESDAY - dt.timedelta(days=7), 3)
        AppealSnapshot.objects.create(
            date=WEDNESDAY - dt.timedelta(days=1), department=department, open=4, overdue=1
        )


def test_the_dashboard_runs_the_same_queries_at_ten_times_the_data(
    client, deputy, django_assert_num_queries
):
    # session, user, roles, directorate ids, bonus policy, calendar check, the directorate sums
    # (savepoint, the job's settings, the sums, the settings put back, release), the ten oldest, the trend, the shown directorates with their heads, the sparklines, reception per directorate and in total, the
    # reception queues, the appeals as of yesterday (their rows, directorates and sums), the last
    # score run, the bell
    client.force_login(deputy)
    _add_directorates(2, deputy)
    with django_assert_num_queries(21):
        small = client.get(URL)
    _add_directorates(18, deputy)
    cache.clear()
    with django_assert_num_queries(21):
        large = client.get(URL)
    assert small.context["total"].overdue == 6 and large.context["total"].overdue == 60
    assert large.context["total"].open == 10 * small.context["total"].open
    assert large.text.count('data-testid="directorate-row"') == 20
    assert small.context["appeals"].total.open == 8 and large.context["appeals"].total.open == 80
    assert large.text.count('data-testid="appeals-row"') == 20


def test_the_drill_down_runs_the_same_queries_at_ten_times_the_people(
    client, deputy, department, django_assert_num_queries
):
    # directorate: session, user, roles, the directorate, its scope check, bonus policy,
    # calendar check, the people's figures (savepoint, the job's settings, the figures, the
    # settings put back, release), the people
    head = head_of(department)
    client.force_login(deputy)

    def add_people(count: int) -> None:
        for _ in range(count):
            person = UserFactory(department=department, roles=["specialist"])
            TaskFactory(author=head, responsible=person, deadline=OCTOBER_28, created_at=OCTOBER_28)

    add_people(2)
    url = reverse("dashboard-directorate", args=[department.pk])
    with django_assert_num_queries(13):
        small = client.get(url, headers=HX)
    add_people(18)
    cache.clear()
    with django_assert_num_queries(13):
        large = client.get(url, headers=HX)
    assert small.text.count('data-testid="person-row"') == 3
    assert large.text.count('data-testid="person-row"') == 21


def test_a_persons_overdue_tasks_run_the_same_queries_at_ten_times_the_tasks(
    client, deputy, department, specialist, django_assert_num_queries
):
    # session, user, roles, the directorate, its scope check, the person, the overdue tasks
    client.force_login(deputy)

    def add_tasks(count: int) -> None:
        for _ in range(count):
            TaskFactory(responsible=specialist, deadline=OCTOBER_28, created_at=OCTOBER_28)

    add_tasks(2)
    url = reverse("dashboard-person", args=[department.pk, specialist.pk])
    with django_assert_num_queries(7):
        small = client.get(url, headers=HX)
    add_tasks(18)
    with django_assert_num_queries(7):
        large = client.get(url, headers=HX)
    assert small.text.count('data-testid="task-row"') == 2
    assert large.text.count('data-testid="task-row"') == 20


# --- the menu ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "dashboard", "score"),
    [
        ("deputy", True, False),
        ("head", True, True),
        ("specialist", False, True),
        ("receptionist", False, False),
    ],
)
def test_the_menu_offers_the_dashboard_and_my_score(client, request, persona, dashboard, score):
    client.force_login(request.getfixturevalue(persona))
    text = client.get(reverse("home")).text
    assert (f'href="{URL}"' in text) is dashboard
    assert (f'href="{reverse("score")}"' in text) is score


def test_todays_figures_are_counted_again_after_a_minute_not_on_every_request(
    client, deputy, specialist, scenario, django_assert_num_queries
):
    client.force_login(deputy)
    assert client.get(URL).context["total"].overdue == 5
    TaskFactory(responsible=specialist, deadline=TUESDAY, created_at=OCTOBER_28)
    # Within the minute: the counted figures, without the nine queries that count them
    # (policy, calendar, savepoint, settings, sums, settings back, release, the ten oldest, the
    # trend), and within ten seconds the reception's three; the appeals' snapshots are read.
    with django_assert_num_queries(9):
        assert client.get(URL).context["total"].overdue == 5
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        response = client.get(URL)
    assert response.context["total"].overdue == 6
    assert "на 11:01" in response.text


@pytest.mark.django_db(transaction=True)
def test_stale_figures_are_served_at_once_while_a_background_thread_counts_them_again(
    client, deputy, specialist, scenario
):
    # Outside a transaction, as in production: the deputy after the minute does not wait for
    # the count; the next request has the figures counted again from the committed tasks.
    client.force_login(deputy)
    assert client.get(URL).context["total"].overdue == 5
    TaskFactory(responsible=specialist, deadline=TUESDAY, created_at=OCTOBER_28)
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        stale = client.get(URL)
        freshness.wait_for_recounts()
        fresh = client.get(URL)
    assert stale.context["total"].overdue == 5 and "на 11:00" in stale.text
    assert fresh.context["total"].overdue == 6 and "на 11:01" in fresh.text


def test_without_a_bonus_policy_in_force_the_dashboard_says_so(client, deputy, department):
    BonusPolicy.objects.all().delete()
    client.force_login(deputy)
    for url in (URL, reverse("dashboard-directorate", args=[department.pk])):
        response = client.get(url)
        assert response.status_code == 503
        assert 'data-testid="refusal"' in response.text
