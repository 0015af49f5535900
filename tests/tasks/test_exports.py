"""The task lists as files: My tasks and the directorate board (per person, and a person's
open tasks), through the one rule for a task's cells (tasks/exports.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from akimat import exports
from akimat.calendar import ensure_calendar
from tasks.exports import task_table
from tasks.models import Priority, Source, Status, Task
from tasks.services import deadline_from
from tests.downloads import file_name, lines
from tests.factories import UserFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

MY_TASKS = reverse("tasks:my-tasks")
BOARD = reverse("tasks:board")

# Wednesday 18 November 2026, 11:00 local time (no public holiday that month).
WEDNESDAY = dt.date(2026, 11, 18)
NOW = deadline_from(WEDNESDAY, dt.time(11))
LAST_FRIDAY = deadline_from(dt.date(2026, 11, 13))
FRIDAY = deadline_from(dt.date(2026, 11, 20))
NEXT_TUESDAY = deadline_from(dt.date(2026, 11, 24))

HEADERS = [
    "№",
    "Задача",
    "Ответственный",
    "Автор",
    "Статус",
    "Срок",
    "Просрочено",
    "Источник",
    "Документ-основание",
    "Исполнено",
]


@pytest.fixture(autouse=True)
def now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    ensure_calendar(start=WEDNESDAY - dt.timedelta(days=40), end=WEDNESDAY + dt.timedelta(days=60))
    return NOW


def _mine(head, specialist):
    return {
        "overdue": TaskFactory(
            author=head,
            responsible=specialist,
            title='=HYPERLINK("http://evil")',
            deadline=LAST_FRIDAY,
            source=Source.LETTER,
            source_number="21-08/568",
            source_date=dt.date(2026, 11, 2),
        ),
        "week": TaskFactory(author=head, responsible=specialist, title="Справка", deadline=FRIDAY),
        "later": TaskFactory(author=head, responsible=specialist, deadline=NEXT_TUESDAY),
        "handed_in": TaskFactory(
            author=head,
            responsible=specialist,
            deadline=FRIDAY,
            status=Status.AWAITING_ACCEPTANCE,
            submitted_at=NOW - dt.timedelta(hours=1),
        ),
        "done": TaskFactory(
            author=head, responsible=specialist, status=Status.DONE, deadline=LAST_FRIDAY
        ),
    }


# --- the rule for a task's cells ---------------------------------------------------------------


def test_task_table_reads_the_figures_and_the_source_document(head, specialist):
    tasks = _mine(head, specialist)
    headers, rows = task_table(Task.objects.filter(pk=tasks["overdue"].pk))
    assert headers == HEADERS
    [row] = list(rows)
    assert row[0] == tasks["overdue"].pk
    assert row[2:5] == [str(specialist), str(head), "Новая"]
    assert row[5] == LAST_FRIDAY
    assert row[6] == "да"
    assert row[7:] == ["Письмо", "№ 21-08/568 от 02.11.2026", None]


# --- My tasks --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_my_tasks_export_holds_every_open_task_with_its_section(client, head, specialist, kind):
    tasks = _mine(head, specialist)
    client.force_login(specialist)
    response = client.get(MY_TASKS, {"export": kind})
    assert response.status_code == 200
    assert file_name(response) == f"Мои задачи 18.11.2026.{kind}"
    table = lines(response)
    assert table[0] == ["Раздел", *HEADERS]
    by_number = {str(row[1]): row for row in table[1:]}
    assert set(by_number) == {
        str(tasks[key].pk) for key in ("overdue", "week", "later", "handed_in")
    }
    overdue = by_number[str(tasks["overdue"].pk)]
    assert overdue[0] == "Просрочено" and overdue[7] == "да"
    assert by_number[str(tasks["week"].pk)][0] == "На этой неделе"
    assert by_number[str(tasks["handed_in"].pk)][0] == "Сданные, ожидают приёмки"
    assert by_number[str(tasks["later"].pk)][7] == "нет"
    # Sections in the page's order: overdue first.
    assert table[1][1] in (tasks["overdue"].pk, str(tasks["overdue"].pk))
    if kind == "csv":
        assert overdue[2] == '\'=HYPERLINK("http://evil")'  # shown as typed, never run
        assert overdue[6] == "13.11.2026 18:30"
    else:
        assert overdue[2] == '=HYPERLINK("http://evil")'
        # Excel keeps the local time as a date (no zone): shown 13.11.2026 18:30.
        assert overdue[6] == timezone.localtime(LAST_FRIDAY).replace(tzinfo=None)


def test_my_tasks_export_adds_what_awaits_my_decision(client, head, specialist):
    handed = TaskFactory(
        author=head,
        responsible=specialist,
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=NOW,
        deadline=FRIDAY,
    )
    client.force_login(head)
    table = lines(client.get(MY_TASKS, {"export": "csv"}))
    assert [row[:2] for row in table[1:]] == [["Ждут моего решения", str(handed.pk)]]


def test_my_tasks_export_holds_no_one_elses_task(client, head, specialist, colleague, outsider):
    TaskFactory(author=head, responsible=colleague, title="Чужая задача")
    TaskFactory(author=outsider, responsible=outsider, title="Задача другого управления")
    mine = TaskFactory(author=head, responsible=specialist, title="Моя задача")
    client.force_login(specialist)
    table = lines(client.get(MY_TASKS, {"export": "xlsx"}))
    assert [row[2] for row in table[1:]] == ["Моя задача"]
    assert table[1][1] == mine.pk


def test_an_export_past_the_bound_is_refused_with_a_message(client, head, specialist, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    _mine(head, specialist)
    client.force_login(specialist)
    response = client.get(MY_TASKS, {"export": "xlsx"}, follow=True)
    assert response.redirect_chain == [(MY_TASKS + "?", 302)]
    assert "больше, чем вмещает одна выгрузка (2)" in response.text


def test_the_page_links_its_exports(client, specialist):
    client.force_login(specialist)
    page = client.get(MY_TASKS).text
    assert 'href="?export=xlsx"' in page and 'href="?export=csv"' in page
    assert "Выгрузить в XLSX" in page


def _many_mine(head, specialist, count):
    for _n in range(count):
        TaskFactory(author=head, responsible=specialist, deadline=LAST_FRIDAY)
        TaskFactory(author=head, responsible=specialist, deadline=FRIDAY)
        TaskFactory(
            author=head,
            responsible=specialist,
            deadline=FRIDAY,
            status=Status.AWAITING_ACCEPTANCE,
            submitted_at=NOW,
        )


def test_my_tasks_export_query_count_is_the_same_at_ten_times_the_data(
    client, head, specialist, django_assert_num_queries
):
    # session, user; the open tasks I co-execute, the directorates I head; the count; the
    # lines (tasks with their figures and people)
    client.force_login(specialist)
    _many_mine(head, specialist, 2)
    with django_assert_num_queries(6):
        small = client.get(MY_TASKS, {"export": "xlsx"})
    _many_mine(head, specialist, 18)
    with django_assert_num_queries(6):
        large = client.get(MY_TASKS, {"export": "xlsx"})
    assert len(lines(small)) == 1 + 6
    assert len(lines(large)) == 1 + 60


# --- the board -------------------------------------------------------------------------------


def _board(department, head, specialist, colleague, outsider):
    TaskFactory(author=head, responsible=specialist, deadline=LAST_FRIDAY, priority=Priority.URGENT)
    TaskFactory(author=head, responsible=specialist, deadline=FRIDAY)
    TaskFactory(author=head, responsible=colleague, deadline=LAST_FRIDAY, source=Source.LETTER)
    TaskFactory(author=outsider, responsible=outsider, title="Задача другого управления")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_board_export_has_a_line_per_person_and_the_total(
    client, department, head, specialist, colleague, outsider, kind
):
    _board(department, head, specialist, colleague, outsider)
    client.force_login(head)
    response = client.get(BOARD, {"export": kind})
    assert file_name(response) == f"Сводка по управлению {department.name_ru} 18.11.2026.{kind}"
    table = lines(response)
    assert table[0] == [
        "Сотрудник",
        "Должность",
        "Открытые",
        "Просрочено",
        "Рабочих дней просрочки",
        "Срок на этой неделе",
        "Выполнено за неделю",
    ]
    people = [row[0] for row in table[1:-1]]
    assert str(outsider) not in people
    assert set(people) == {str(head), str(specialist), str(colleague)}
    total = table[-1]
    assert total[0] == "Итого"
    assert [str(value) for value in total[2:4]] == ["3", "2"]


def test_board_export_carries_the_filters(
    client, department, head, specialist, colleague, outsider
):
    _board(department, head, specialist, colleague, outsider)
    client.force_login(head)
    table = lines(client.get(BOARD, {"export": "csv", "source": Source.LETTER}))
    assert table[-1][2:4] == ["1", "1"]
    by_person = {row[0]: row for row in table[1:-1]}
    assert by_person[str(colleague)][2] == "1" and by_person[str(specialist)][2] == "0"


def test_board_drill_down_exports_the_persons_open_tasks(
    client, department, head, specialist, colleague, outsider
):
    _board(department, head, specialist, colleague, outsider)
    client.force_login(head)
    response = client.get(
        BOARD, {"export": "xlsx", "person": specialist.pk, "priority": Priority.URGENT}
    )
    assert file_name(response) == f"Открытые задачи {specialist} 18.11.2026.xlsx"
    table = lines(response)
    assert table[0] == HEADERS
    assert len(table) == 2 and table[1][6] == "да"


def test_board_export_of_another_directorate_is_refused(
    client, head, specialist, outsider, other_department
):
    client.force_login(head)
    assert client.get(BOARD, {"export": "csv", "person": outsider.pk}).status_code == 404
    response = client.get(BOARD, {"export": "csv", "department": other_department.pk})
    assert response.status_code == 404


def test_the_board_links_both_exports(client, head, specialist):
    client.force_login(head)
    page = client.get(BOARD, {"person": specialist.pk, "source": Source.LETTER}).text
    # The board's table without the person, the drill-down with them; the filter kept in both.
    assert 'href="/tasks/board/?source=letter&amp;export=xlsx"' in page
    assert f'href="/tasks/board/?person={specialist.pk}&amp;source=letter&amp;export=csv"' in page


def test_board_exports_query_count_is_the_same_at_ten_times_the_data(
    client, department, head, django_assert_num_queries
):
    # session, user, roles, the directorates; the board: the aggregate, the people;
    # the drill-down: the person, the count, the lines
    client.force_login(head)
    person = UserFactory(department=department, roles=["specialist"])

    def work(count):
        for _n in range(count):
            TaskFactory(author=head, responsible=person, deadline=LAST_FRIDAY)
            UserFactory(department=department)

    work(2)
    with django_assert_num_queries(6):
        small = client.get(BOARD, {"export": "xlsx"})
    with django_assert_num_queries(7):
        small_tasks = client.get(BOARD, {"export": "xlsx", "person": person.pk})
    work(18)
    with django_assert_num_queries(6):
        large = client.get(BOARD, {"export": "xlsx"})
    with django_assert_num_queries(7):
        large_tasks = client.get(BOARD, {"export": "xlsx", "person": person.pk})
    assert (len(lines(small)), len(lines(large))) == (2 + 4, 2 + 22)
    assert (len(lines(small_tasks)), len(lines(large_tasks))) == (3, 21)
