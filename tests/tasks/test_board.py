from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import ensure_calendar
from tasks.models import Priority, Source, Status
from tasks.services import deadline_from
from tests.factories import UserFactory, head_of
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
URL = reverse("tasks:board")

# Wednesday 18 November 2026, 11:00 local time: the week runs from Monday 16 to Sunday 22, and
# November 2026 has no public holiday in Kazakhstan, so only the weekend is a day off.
WEDNESDAY = dt.date(2026, 11, 18)
NOW = deadline_from(WEDNESDAY, dt.time(11))
LAST_THURSDAY = deadline_from(dt.date(2026, 11, 12))
LAST_FRIDAY = deadline_from(dt.date(2026, 11, 13))
TUESDAY = deadline_from(dt.date(2026, 11, 17))
FRIDAY = deadline_from(dt.date(2026, 11, 20))
NEXT_TUESDAY = deadline_from(dt.date(2026, 11, 24))


@pytest.fixture(autouse=True)
def now(monkeypatch):
    """Stop the clock on a Wednesday; the working calendar around it is already filled."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    ensure_calendar(start=WEDNESDAY - dt.timedelta(days=40), end=WEDNESDAY + dt.timedelta(days=400))
    return NOW


@pytest.fixture
def scenario(head, specialist, colleague, outsider):
    """The specialist: two overdue (one across the weekend), one due this week, one due next
    week, one done this week, one done last week, one cancelled. The colleague: one overdue
    since last Thursday (a letter), one due tonight. The outsider's overdue task counts
    elsewhere. The head has nothing."""

    def mine(**kwargs):
        return TaskFactory(author=head, responsible=specialist, **kwargs)

    return {
        "friday": mine(title="Отчёт по субсидиям", deadline=LAST_FRIDAY, priority=Priority.URGENT),
        "tuesday": mine(title="Ответ на письмо фермеров", deadline=TUESDAY),
        "this_week": mine(title="Справка к совещанию", deadline=FRIDAY, status=Status.IN_PROGRESS),
        "next_week": mine(title="План проверок", deadline=NEXT_TUESDAY),
        "done": mine(
            title="Протокол",
            deadline=FRIDAY,
            status=Status.DONE,
            done_at=NOW - dt.timedelta(days=2),
        ),
        "done_before": mine(
            title="Старый протокол",
            deadline=LAST_FRIDAY,
            status=Status.DONE,
            done_at=LAST_FRIDAY - dt.timedelta(hours=2),
        ),
        "cancelled": mine(title="Отменённая", deadline=LAST_FRIDAY, status=Status.CANCELLED),
        "colleague_overdue": TaskFactory(
            title="Письмо акимата района",
            author=head,
            responsible=colleague,
            deadline=LAST_THURSDAY,
            source=Source.LETTER,
        ),
        "colleague_tonight": TaskFactory(
            title="Сводка за день",
            author=head,
            responsible=colleague,
            deadline=deadline_from(WEDNESDAY),
        ),
        "elsewhere": TaskFactory(
            title="Чужая задача", author=outsider, responsible=outsider, deadline=LAST_THURSDAY
        ),
    }


def _counts(row):
    return (row.open, row.overdue, row.due_this_week, row.done_this_week, row.overdue_days)


# --- who may open it -------------------------------------------------------------------------


def test_board_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["specialist", "receptionist", "outsider"])
def test_board_is_not_found_for_people_without_a_directorate_to_watch(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404


def test_head_of_another_directorate_cannot_pick_ours(client, department, other_department):
    client.force_login(head_of(other_department, username="land-head"))
    assert client.get(URL, {"department": department.pk}).status_code == 404
    assert client.get(URL).context["department"] == other_department


def test_head_sees_own_directorate_without_a_picker(client, head, department, other_department):
    client.force_login(head)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["department"] == department
    assert 'name="department"' not in response.text
    assert "Управление сельского хозяйства" in response.text


@pytest.mark.parametrize("persona", ["deputy", "methodologist"])
def test_deputy_and_methodologist_can_open_any_directorate(
    client, request, persona, department, other_department
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, {"department": other_department.pk})
    assert response.status_code == 200
    assert response.context["department"] == other_department
    assert 'name="department"' in response.text
    assert client.get(URL, {"department": "abc"}).status_code == 404
    assert client.get(URL, {"department": 999_999}).status_code == 404


# --- the counts ------------------------------------------------------------------------------


def test_board_counts_open_overdue_due_done_and_overdue_working_days(
    client, head, specialist, colleague, scenario
):
    client.force_login(head)
    response = client.get(URL)
    rows = response.context["rows"]
    # Most overdue first: the specialist (2), the colleague (1), then the head (0).
    assert [row.person for row in rows] == [specialist, colleague, head]
    # Friday's deadline is 3 working days late (Mon, Tue, Wed; not the weekend), Tuesday's 1.
    assert _counts(rows[0]) == (4, 2, 1, 1, 4)
    # Thursday's deadline is 4 working days late; tonight's deadline is due, not overdue.
    assert _counts(rows[1]) == (2, 1, 1, 0, 4)
    assert _counts(rows[2]) == (0, 0, 0, 0, 0)
    assert _counts(response.context["totals"]) == (6, 3, 2, 1, 8)
    assert '<span class="badge text-bg-danger">3</span>' in response.text
    assert "Чужая задача" not in response.text


def test_board_ties_on_overdue_are_sorted_by_name(client, head, specialist, colleague):
    client.force_login(head)
    rows = client.get(URL).context["rows"]
    # Nobody is overdue: Абенов, Ахметов, Касымова.
    assert [row.person for row in rows] == [colleague, head, specialist]


def test_board_counts_only_active_people_of_the_directorate(client, head, specialist, scenario):
    specialist.is_active = False
    specialist.save(update_fields=["is_active"])
    client.force_login(head)
    response = client.get(URL)
    assert specialist not in [row.person for row in response.context["rows"]]
    assert response.context["totals"].overdue == 1


# --- filters ---------------------------------------------------------------------------------


def test_board_filters_by_priority(client, head, specialist, scenario):
    client.force_login(head)
    response = client.get(URL, {"priority": Priority.URGENT})
    assert _counts(response.context["rows"][0]) == (1, 1, 0, 0, 3)
    assert _counts(response.context["totals"]) == (1, 1, 0, 0, 3)
    assert f'<option value="{Priority.URGENT}" selected>' in response.text


def test_board_filters_by_source(client, head, colleague, scenario):
    client.force_login(head)
    response = client.get(URL, {"source": Source.LETTER})
    assert response.context["rows"][0].person == colleague
    assert _counts(response.context["totals"]) == (1, 1, 0, 0, 4)


@pytest.mark.parametrize(
    "params", [{"priority": "9"}, {"priority": "urgent"}, {"source": "rumour"}, {"priority": ""}]
)
def test_board_ignores_unknown_filter_values(client, head, scenario, params):
    client.force_login(head)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert _counts(response.context["totals"]) == (6, 3, 2, 1, 8)


def test_board_filter_change_over_htmx_returns_only_the_table(client, head, scenario):
    client.force_login(head)
    response = client.get(URL, {"priority": Priority.URGENT}, headers=HX)
    assert response.text.lstrip().startswith('<div id="board-table">')
    assert "<html" not in response.text
    assert "Касымова" in response.text
    assert f"person={response.context_data['rows'][0].person.pk}" in response.text
    assert f"priority={Priority.URGENT}" in response.text  # the drill-down keeps the filter
    full = client.get(URL)
    assert "<html" in full.text
    assert "HX-Request" in full["Vary"]


# --- drill-down ------------------------------------------------------------------------------


def test_drill_down_over_htmx_lists_the_persons_open_tasks_by_deadline(
    client, head, specialist, scenario
):
    client.force_login(head)
    response = client.get(URL, {"person": specialist.pk}, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="board-detail"')
    assert "<html" not in response.text
    assert [t.title for t in response.context_data["person_tasks"]] == [
        "Отчёт по субсидиям",
        "Ответ на письмо фермеров",
        "Справка к совещанию",
        "План проверок",
    ]
    assert [t.overdue_days for t in response.context_data["person_tasks"]] == [3, 1, 0, 0]
    assert scenario["friday"].get_absolute_url() in response.text
    assert "Протокол" not in response.text
    assert "Письмо акимата района" not in response.text


def test_drill_down_without_htmx_shows_the_whole_board_with_the_detail(
    client, head, specialist, scenario
):
    client.force_login(head)
    response = client.get(URL, {"person": specialist.pk})
    assert "<html" in response.text
    assert 'id="board-table"' in response.text
    assert "Отчёт по субсидиям" in response.text
    assert response.context["totals"].open == 6


def test_drill_down_keeps_the_filters(client, head, specialist, scenario):
    client.force_login(head)
    response = client.get(URL, {"person": specialist.pk, "priority": Priority.URGENT}, headers=HX)
    assert [t.title for t in response.context_data["person_tasks"]] == ["Отчёт по субсидиям"]


def test_drill_down_into_a_person_of_another_directorate_is_not_found(
    client, head, deputy, outsider, department
):
    client.force_login(head)
    assert client.get(URL, {"person": outsider.pk}, headers=HX).status_code == 404
    for nonsense in ("x", "²", "99999999999999999999"):
        assert client.get(URL, {"person": nonsense}, headers=HX).status_code == 404
    client.force_login(deputy)
    response = client.get(URL, {"department": department.pk, "person": outsider.pk})
    assert response.status_code == 404


# --- a fixed number of queries ---------------------------------------------------------------


def _people_with_work(department, head, count):
    """`count` people, each with one task overdue since last Friday (3 working days), one due
    this week, one due next week and one done this week."""
    for person in UserFactory.create_batch(count, department=department):
        for deadline in (LAST_FRIDAY, FRIDAY, NEXT_TUESDAY):
            TaskFactory(author=head, responsible=person, deadline=deadline)
        TaskFactory(author=head, responsible=person, deadline=FRIDAY, status=Status.DONE)


@pytest.mark.parametrize(("headers", "queries"), [({}, 7), (HX, 6)], ids=["page", "htmx-table"])
def test_board_query_count_is_the_same_at_ten_times_the_data(
    client, deputy, department, head, headers, queries, django_assert_num_queries
):
    # session, user, the user's roles, the directorates for the picker, one aggregate over the
    # directorate's tasks grouped by person, the directorate's people; the whole page also
    # counts the unread notifications under the bell
    client.force_login(deputy)
    params = {"department": department.pk}
    _people_with_work(department, head, 2)
    with django_assert_num_queries(queries):
        small = client.get(URL, params, headers=headers)
    _people_with_work(department, head, 18)
    with django_assert_num_queries(queries):
        large = client.get(URL, params, headers=headers)
    assert _counts(small.context_data["totals"]) == (6, 2, 2, 2, 6)
    assert _counts(large.context_data["totals"]) == (60, 20, 20, 20, 60)
    assert len(large.context_data["rows"]) == 21  # twenty people and the head


def test_drill_down_query_count_is_the_same_at_ten_times_the_data(
    client, head, specialist, django_assert_num_queries
):
    # session, user, the user's roles, the head's directorate, the person, their open tasks
    client.force_login(head)
    params = {"person": specialist.pk}
    TaskFactory.create_batch(3, author=head, responsible=specialist, deadline=LAST_FRIDAY)
    with django_assert_num_queries(6):
        small = client.get(URL, params, headers=HX)
    TaskFactory.create_batch(27, author=head, responsible=specialist, deadline=LAST_FRIDAY)
    with django_assert_num_queries(6):
        large = client.get(URL, params, headers=HX)
    assert sum(t.overdue_days for t in small.context_data["person_tasks"]) == 9
    assert sum(t.overdue_days for t in large.context_data["person_tasks"]) == 90
