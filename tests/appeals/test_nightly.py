"""The directorates' appeal figures of a day (appeals.figures), the nightly job and its twin
command, the demo's back-fill, and the "Appeals" block of the deputy's dashboard, each under a
pinned clock: Wednesday 18 November 2026, 11:00 in Almaty, so D (the day that ended) is Tuesday
17 November."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from akimat.calendar import add_working_days, ensure_calendar
from appeals import figures, jobs, services
from appeals.models import Appeal, AppealSnapshot, Decision
from scores import scoring
from scores.demo import seed_scores
from tests.appeals.factories import AppealFactory, TopicFactory, received
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, UserFactory, head_of

pytestmark = pytest.mark.django_db

TODAY = WORKDAY_MORNING.date()  # Wednesday 18 November 2026
D = TODAY - dt.timedelta(days=1)  # Tuesday 17 November
OCTOBER_20 = dt.date(2026, 10, 20)
URL = reverse("dashboard")


@pytest.fixture(autouse=True)
def clock():
    cache.clear()
    with time_machine.travel(WORKDAY_MORNING, tick=False):
        ensure_calendar(start=dt.date(2025, 1, 1), end=dt.date(2027, 12, 31))
        scoring.ensure_default_policy()
        yield


def figures_of(department, day: dt.date = D) -> tuple[int, int, int, int]:
    row = AppealSnapshot.objects.get(date=day, department=department)
    return (row.open, row.overdue, row.extension_notice_late, row.redirect_late)


@pytest.fixture
def scenario(department, other_department):
    """Agriculture on D: one overdue (received 20 October, the term, over Republic Day, ended
    on 11 November), one
    received on Monday (open, in term), one answered in time (not open), one extended to
    December whose applicant was never told (open, in term, told late), one redirected a week
    after its three days (late); land: one overdue."""
    mine = TopicFactory(department=department)
    theirs = TopicFactory(department=other_department)
    overdue = AppealFactory(topic=mine, received_at=received(OCTOBER_20))
    assert overdue.legal_deadline == dt.date(2026, 11, 11)
    fresh = AppealFactory(topic=mine, received_at=received(dt.date(2026, 11, 16)))
    AppealFactory(topic=mine, received_at=received(OCTOBER_20), answered_on=dt.date(2026, 11, 5))
    extended_on = dt.date(2026, 11, 2)
    AppealFactory(
        topic=mine,
        received_at=received(dt.date(2026, 10, 21)),
        deadline=dt.date(2026, 12, 1),
        extended_on=extended_on,
        extension_notice_due=add_working_days(extended_on, 3),
    )
    redirected = AppealFactory(topic=mine, received_at=received(dt.date(2026, 11, 2)))
    redirected.redirected_on = redirected.redirect_due + dt.timedelta(days=7)
    redirected.save()
    AppealFactory(topic=theirs, received_at=received(OCTOBER_20))
    return {"overdue": overdue, "fresh": fresh}


# --- the figures of a day ------------------------------------------------------------------


def test_record_day_writes_each_directorates_figures_of_the_day(
    department, other_department, scenario
):
    empty = DepartmentFactory()
    # One directorate first (a chunk), then the rest: the one written is left alone.
    assert figures.record_day(D, departments=[department.pk]) == 1
    assert figures.record_day(D) == 2
    assert figures_of(department) == (3, 1, 1, 1)
    assert figures_of(other_department) == (1, 1, 0, 0)
    assert figures_of(empty) == (0, 0, 0, 0)
    # Earlier days: on 4 November the answered one and the redirected one were still open and
    # the notice's last day (5 November) ahead; on 10 November the answer is given, the notice
    # is late, the overdue one still in term (11 November is its last day).
    figures.record_day(dt.date(2026, 11, 4))
    assert figures_of(department, dt.date(2026, 11, 4)) == (4, 0, 0, 0)
    figures.record_day(dt.date(2026, 11, 10))
    assert figures_of(department, dt.date(2026, 11, 10)) == (3, 0, 1, 0)


def test_a_past_day_is_never_rewritten_when_appeals_change_later(department, scenario):
    figures.record_day(D)
    written = AppealSnapshot.objects.get(date=D, department=department)
    head = head_of(department)
    executor = UserFactory(department=department, roles=["specialist"])
    # The morning after D: the overdue one is given out and answered, the fresh one redirected.
    appeal = services.assign_executor(appeal=scenario["overdue"], actor=head, executor=executor)
    services.answer_appeal(
        appeal=appeal, actor=executor, answer="Разрешение выдано.", decision=Decision.SATISFIED
    )
    services.redirect_appeal(
        appeal=scenario["fresh"],
        actor=head,
        body="Управление государственных доходов",
        reason="Вопрос налогового администрирования.",
    )
    # Counted again, D's figure is what the night wrote, and the row itself is untouched.
    assert figures.record_day(D) == 0
    again = AppealSnapshot.objects.get(date=D, department=department)
    assert (again.open, again.overdue, again.computed_at) == (3, 1, written.computed_at)
    # The day after D, the answer and the redirect count.
    with time_machine.travel(WORKDAY_MORNING + dt.timedelta(days=1), tick=False):
        figures.record_day(TODAY)
    assert figures_of(department, TODAY) == (1, 0, 1, 1)


def test_even_a_row_changed_by_hand_is_not_rewritten(department, scenario):
    figures.record_day(D)
    AppealSnapshot.objects.filter(date=D, department=department).update(open=99)
    assert figures.record_day(D) == 0
    assert figures_of(department)[0] == 99


@pytest.mark.parametrize("day", [TODAY, TODAY + dt.timedelta(days=3)])
def test_a_day_not_over_yet_is_refused_and_nothing_written(department, scenario, day):
    with pytest.raises(figures.FiguresError, match="ещё не закончился"):
        figures.record_day(day)
    assert not AppealSnapshot.objects.exists()


def test_record_days_writes_a_range_in_one_statement(
    department, other_department, scenario, django_assert_num_queries
):
    start = dt.date(2026, 11, 1)
    # savepoint, the statement, release
    with django_assert_num_queries(3):
        written = figures.record_days(start=start, end=D)
    assert written == 17 * 2
    with pytest.raises(figures.FiguresError):
        figures.record_days(start=D, end=start)


def test_back_fill_starts_at_the_first_appeal_and_stops_at_yesterday(department, scenario):
    written = figures.back_fill(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    days = (D - OCTOBER_20).days + 1
    assert written == days * 2
    assert AppealSnapshot.objects.order_by("date").first().date == OCTOBER_20
    assert AppealSnapshot.objects.order_by("date").last().date == D
    assert figures.back_fill(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 0


def test_back_fill_without_appeals_writes_nothing(department):
    assert figures.back_fill(dt.date(2026, 1, 1), D) == 0


def test_the_demos_scores_back_fill_the_appeals_too(department, scenario):
    assert "appeals:" in seed_scores()
    assert AppealSnapshot.objects.filter(date=D, department=department).exists()


# --- the job and its twin command ----------------------------------------------------------


def test_the_beat_writes_the_appeal_figures_at_two_at_night():
    entry = settings.CELERY_BEAT_SCHEDULE["compute-appeal-figures"]
    assert (
        entry["task"] == jobs.compute_appeal_figures.name == "appeals.jobs.compute_appeal_figures"
    )
    assert entry["schedule"] == crontab(hour=2, minute=0)
    assert jobs.compute_appeal_figures.autoretry_for


def test_the_job_writes_the_day_that_ended(department, scenario):
    # Run as a worker runs it (eagerly, in this process).
    assert jobs.compute_appeal_figures.apply().get() == 2
    assert figures_of(department) == (3, 1, 1, 1)
    assert jobs.compute_appeal_figures.apply(args=["2026-11-04"]).get() == 2
    assert figures_of(department, dt.date(2026, 11, 4)) == (4, 0, 0, 0)


def test_the_job_calls_the_service():
    with mock.patch.object(figures, "record_day", return_value=5) as record:
        assert jobs.compute_appeal_figures("2026-11-04") == 5
    record.assert_called_once_with(dt.date(2026, 11, 4))


def test_the_command_writes_yesterday_or_the_date_given(department, scenario):
    out = io.StringIO()
    call_command("compute_appeal_figures", stdout=out)
    assert out.getvalue().strip() == "2026-11-17: 2 directorate(s) written."
    call_command("compute_appeal_figures", "--date", "2026-11-04", stdout=out)
    assert figures_of(department, dt.date(2026, 11, 4)) == (4, 0, 0, 0)
    call_command("compute_appeal_figures", "--date", "2026-11-04", stdout=out)
    assert out.getvalue().splitlines()[-1] == "2026-11-04: 0 directorate(s) written."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-02-30", "not a real date"),
        ("17.11.2026", "not a real date"),
        ("2026-11-17\x00", "not a real date"),
        ("2026-11-18", "ещё не закончился"),
    ],
)
def test_the_command_refuses_a_bad_or_unfinished_date(department, scenario, raw, message):
    with pytest.raises(CommandError, match=message):
        call_command("compute_appeal_figures", "--date", raw, stdout=io.StringIO())
    assert not AppealSnapshot.objects.exists()


# --- the deputy's dashboard ----------------------------------------------------------------


def test_the_deputy_sees_every_directorates_appeals_as_of_d(
    client, deputy, department, other_department, scenario
):
    figures.record_day(D)
    client.force_login(deputy)
    response = client.get(URL)
    text = response.text
    assert "Обращения" in text and "на 17.11.2026" in text
    assert "Продления без своевременного уведомления" in text
    block = response.context["appeals"]
    assert [(r.department_id, r.open, r.overdue) for r in block.rows] == [
        (department.pk, 3, 1),
        (other_department.pk, 1, 1),
    ]
    assert text.count('data-testid="appeals-row"') == 2
    assert f'href="/appeals/?department={department.pk}"' in text
    assert f'href="/appeals/?department={other_department.pk}"' in text
    assert '<td class="text-end" data-total="appeals-open">4</td>' in text
    assert '<td class="text-end" data-total="appeals-overdue">2</td>' in text
    assert '<td class="text-end" data-total="appeals-redirect-late">1</td>' in text


def test_a_head_sees_only_their_directorates_appeals(
    client, department, other_department, scenario
):
    figures.record_day(D)
    head = head_of(department)
    client.force_login(head)
    text = client.get(URL).text
    assert text.count('data-testid="appeals-row"') == 1
    assert f"/appeals/?department={department.pk}" in text
    assert f"/appeals/?department={other_department.pk}" not in text
    assert '<td class="text-end" data-figure="appeals-notice-late">1</td>' in text


def test_before_the_night_has_written_d_the_block_shows_a_dash(client, deputy, scenario):
    # Earlier days are written; D is not.
    figures.record_day(D - dt.timedelta(days=1))
    client.force_login(deputy)
    text = client.get(URL).text
    assert 'data-testid="appeals-row"' not in text
    assert "Ночной расчёт ещё не подсчитал этот день." in text
    assert text.count('<td class="text-end">—</td>') == 4


def test_the_appeals_block_shows_the_most_overdue_directorates_and_sums_all(
    client, deputy, scenario
):
    # More directorates than the block shows: the sums count every one, the rest are named.
    for _ in range(25):
        AppealFactory(topic=TopicFactory(), received_at=received(OCTOBER_20))
    figures.record_day(D)
    client.force_login(deputy)
    response = client.get(URL)
    block = response.context["appeals"]
    directorates = AppealSnapshot.objects.filter(date=D).count()
    assert block.directorates == directorates == 27
    assert len(block.rows) == 25 and block.hidden == 2
    assert block.total.overdue == 27 and block.total.open == 29
    assert block.rows[0].overdue == 1 and block.rows[0].open == 3
    assert "Ещё 2 управления" in response.text


def test_appeal_figures_are_counted_once_per_appeal_not_per_status():
    # No status is read: a closed appeal answered after D still counts as open on D.
    appeal = AppealFactory(received_at=received(OCTOBER_20), answered_on=TODAY, status="closed")
    figures.record_day(D)
    assert figures_of(appeal.department) == (1, 1, 0, 0)
    assert Appeal.objects.count() == 1
