"""The Kanban board: who sees which board, moving cards through the task services (the version
check and the rules hold), the words a move needs, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import ensure_calendar
from tasks.models import Status, Task
from tasks.services import save_filter
from tests.downloads import file_name, lines
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

HX = {"HX-Request": "true"}
URL = reverse("tasks:kanban")


@pytest.fixture(autouse=True)
def _calendar():
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=60), end=today + dt.timedelta(days=60))


def move_url(task: Task) -> str:
    return reverse("tasks:kanban-move", args=[task.pk])


def toast(response) -> dict[str, str]:
    return json.loads(response["HX-Trigger"])["notify"]


def column_of(response, task: Task) -> str | None:
    """The column the answer's board shows the card in."""
    html = response.content.decode()
    at = html.find(f'id="card-{task.pk}"')
    if at == -1:
        return None
    start = html.rfind('data-status="', 0, at) + len('data-status="')
    return html[start : html.index('"', start)]


@pytest.fixture
def cards(head, specialist, colleague, outsider):
    """The specialist: a new task, one in progress, one handed in, one returned, one done.
    The colleague: a new task. The outsider (another directorate): a new task."""

    def mine(title: str, status: str = Status.NEW, **kwargs) -> Task:
        return TaskFactory(
            author=head, responsible=specialist, title=title, status=status, **kwargs
        )

    return {
        "new": mine("Ответ на письмо фермеров"),
        "in_progress": mine("Справка к совещанию", Status.IN_PROGRESS),
        "awaiting": mine("Отчёт по субсидиям", Status.AWAITING_ACCEPTANCE, result="Готово"),
        "returned": mine("План проверок", Status.RETURNED),
        "done": mine("Протокол", Status.DONE),
        "colleague": TaskFactory(author=head, responsible=colleague, title="Письмо в ТОО"),
        "outsider": TaskFactory(author=outsider, responsible=outsider, title="Земельный участок"),
    }


# --- who sees which board --------------------------------------------------------------------


def test_a_specialist_sees_own_tasks_in_columns_by_status(client, specialist, cards):
    client.force_login(specialist)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("new", "in_progress", "awaiting", "returned", "done"):
        assert column_of(response, cards[key]) == cards[key].status
    assert "Письмо в ТОО" not in page
    assert "Земельный участок" not in page
    # The columns in order, each with its count.
    columns = ["new", "in_progress", "awaiting", "returned", "done"]
    order = [page.index(f'data-testid="column-{status}"') for status in columns]
    assert order == sorted(order)
    assert 'data-testid="count-new"><span class="visually-hidden">' in page


@pytest.mark.parametrize(
    ("persona", "query", "status"),
    [
        ("specialist", {"person": "colleague"}, 404),
        ("specialist", {"directorate": "agriculture"}, 404),
        ("specialist", {"person": "specialist"}, 200),
        ("head", {"directorate": "agriculture"}, 200),
        ("head", {"directorate": "land"}, 404),
        ("head", {"person": "specialist"}, 200),
        ("head", {"person": "outsider"}, 404),
        ("deputy", {"directorate": "land"}, 200),
        ("deputy", {"person": "outsider"}, 200),
        ("methodologist", {"directorate": "agriculture"}, 200),
        ("methodologist", {"person": "specialist"}, 200),
        ("outsider", {"directorate": "agriculture"}, 404),
        ("outsider", {"person": "specialist"}, 404),
        ("specialist", {"directorate": "nowhere"}, 404),
    ],
)
def test_permissions_matrix(client, request, cards, persona, query, status):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    resolved = {
        key: (str(request.getfixturevalue(value).pk) if key == "person" else value)
        for key, value in query.items()
    }
    assert client.get(URL, resolved).status_code == status


@pytest.mark.parametrize("raw", ["abc", "1\x00", "<b>1</b>", "99999999999999999999", "-1"])
def test_a_garbled_person_is_not_found(client, head, raw):
    client.force_login(head)
    assert client.get(URL, {"person": raw}).status_code == 404


def test_a_head_sees_the_directorate_and_drags_only_what_the_rules_allow(client, head, cards):
    client.force_login(head)
    response = client.get(URL, {"directorate": "agriculture"})
    page = response.content.decode()
    assert "Письмо в ТОО" in page
    assert "Земельный участок" not in page
    # The head may accept or return the handed-in result, and nothing else moves for them.
    assert f'id="card-{cards["awaiting"].pk}" data-targets="returned done"' in page
    assert f'id="card-{cards["new"].pk}" data-targets=""' in page
    assert f'id="move-to-{cards["new"].pk}"' not in page


def test_the_methodologist_reads_every_board_and_moves_nothing(client, methodologist, cards):
    client.force_login(methodologist)
    page = client.get(URL, {"directorate": "agriculture"}).content.decode()
    assert "Ответ на письмо фермеров" in page
    assert 'class="kanban-move' not in page


# --- moving a card ---------------------------------------------------------------------------


def test_moving_a_new_card_to_in_progress_starts_the_task(client, specialist, cards):
    task = cards["new"]
    client.force_login(specialist)
    response = client.post(
        move_url(task), {"to": "in_progress", "version": task.version}, headers=HX
    )
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    assert task.history.first().history_change_reason == "started"
    assert toast(response)["level"] == "success"
    assert column_of(response, task) == "in_progress"
    assert response["HX-Retarget"] == "#kanban-board"


def test_a_stale_move_changes_nothing_and_says_why(client, specialist, cards):
    task = cards["new"]
    client.force_login(specialist)
    data = {"to": "in_progress", "version": task.version}
    client.post(move_url(task), data, headers=HX)
    # The second drop of the same card (a double submit, or a board drawn before) is stale.
    response = client.post(move_url(task), data, headers=HX)
    task.refresh_from_db()
    assert task.version == 2
    assert task.history.count() == 2  # created, started: once
    assert toast(response)["level"] == "warning"
    assert "только что изменил другой сотрудник" in toast(response)["text"]
    assert column_of(response, task) == "in_progress"


def test_done_only_by_acceptance(client, specialist, head, cards):
    awaiting = cards["awaiting"]
    client.force_login(specialist)
    response = client.post(
        move_url(awaiting), {"to": "done", "version": awaiting.version}, headers=HX
    )
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_ACCEPTANCE
    assert toast(response)["level"] == "danger"
    assert column_of(response, awaiting) == "awaiting"

    # The head cannot make a task in work done either: only a handed-in result is accepted.
    in_progress = cards["in_progress"]
    client.force_login(head)
    response = client.post(
        move_url(in_progress),
        {"to": "done", "version": in_progress.version, "directorate": "agriculture"},
        headers=HX,
    )
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS
    assert toast(response)["level"] == "danger"

    response = client.post(
        move_url(awaiting),
        {"to": "done", "version": awaiting.version, "directorate": "agriculture"},
        headers=HX,
    )
    awaiting.refresh_from_db()
    assert awaiting.status == Status.DONE
    assert column_of(response, awaiting) == "done"


def test_a_move_into_handed_in_asks_for_the_result_first(client, specialist, cards):
    task = cards["in_progress"]
    client.force_login(specialist)
    data = {"to": "awaiting", "version": task.version}
    response = client.post(move_url(task), data, headers=HX)
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    assert response["HX-Retarget"] == "#kanban-dialog-body"
    assert json.loads(response["HX-Trigger"])["kanban-dialog"] == {"open": True}
    assert 'name="result"' in response.content.decode()

    # Empty, or with a NUL byte: the form again with the reason, nothing changed.
    for bad in ("   ", "Готово\x00"):
        response = client.post(move_url(task), {**data, "result": bad}, headers=HX)
        assert response["HX-Retarget"] == "#kanban-dialog-body"
        assert 'role="alert"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS

    response = client.post(move_url(task), {**data, "result": "Справка готова"}, headers=HX)
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE
    assert task.result == "Справка готова"
    assert column_of(response, task) == "awaiting"
    assert json.loads(response["HX-Trigger"])["kanban-dialog"] == {"open": False}


def test_without_javascript_the_result_form_is_a_page_and_the_move_redirects(
    client, specialist, cards
):
    task = cards["new"]
    client.force_login(specialist)
    response = client.get(URL)
    assert response.status_code == 200
    response = client.post(move_url(task), {"to": "awaiting", "version": task.version})
    assert response.status_code == 200
    assert 'name="result"' in response.content.decode()
    response = client.post(
        move_url(task), {"to": "awaiting", "version": task.version, "result": "Ответ отправлен"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?person={task.responsible_id}"
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE


def test_the_head_returns_a_result_with_a_reason(client, head, cards):
    task = cards["awaiting"]
    client.force_login(head)
    data = {"to": "returned", "version": task.version, "directorate": "agriculture"}
    response = client.post(move_url(task), data, headers=HX)
    assert 'name="reason"' in response.content.decode()
    response = client.post(move_url(task), {**data, "reason": "Нет расчётов"}, headers=HX)
    task.refresh_from_db()
    assert task.status == Status.RETURNED
    assert task.return_reason == "Нет расчётов"
    assert column_of(response, task) == "returned"


def test_a_move_the_rules_refuse_changes_nothing(client, specialist, cards):
    client.force_login(specialist)
    done = cards["done"]
    # A done task cannot be handed in again: not even the form is offered.
    response = client.post(move_url(done), {"to": "awaiting", "version": done.version}, headers=HX)
    assert toast(response)["level"] == "danger"
    assert 'name="result"' not in response.content.decode()
    for bad in ("cancelled", "new", "<b>x</b>", "in_progress\x00"):
        task = cards["new"]
        response = client.post(move_url(task), {"to": bad, "version": task.version}, headers=HX)
        assert toast(response)["level"] == "danger"
    for task in Task.objects.all():
        assert task.version == 1


def test_another_persons_card_is_not_found(client, outsider, cards):
    task = cards["new"]
    client.force_login(outsider)
    response = client.post(
        move_url(task), {"to": "in_progress", "version": task.version}, headers=HX
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Status.NEW


def test_a_scope_one_may_not_open_is_refused_on_a_move(client, specialist, cards):
    task = cards["new"]
    client.force_login(specialist)
    response = client.post(
        move_url(task),
        {"to": "in_progress", "version": task.version, "directorate": "land"},
        headers=HX,
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Status.NEW


# --- pages and queries -----------------------------------------------------------------------


def test_each_column_shows_twenty_cards_and_more_on_request(client, specialist, head):
    TaskFactory.create_batch(25, author=head, responsible=specialist)
    client.force_login(specialist)
    response = client.get(URL)
    page = response.content.decode()
    assert page.count('class="card kanban-card') == 20
    assert 'data-testid="count-new"><span class="visually-hidden">Задачи: </span>25' in page
    assert 'data-testid="more-new"' in page
    more = client.get(URL, {"person": specialist.pk, "new_page": 2}, headers=HX)
    assert more.content.decode().count('class="card kanban-card') == 5
    assert "more-new" not in more.content.decode()


def fill(head, specialist, colleague, n: int) -> None:
    for status in (Status.NEW, Status.IN_PROGRESS, Status.AWAITING_ACCEPTANCE, Status.RETURNED):
        TaskFactory.create_batch(n, author=head, responsible=specialist, status=status)
        TaskFactory.create_batch(n, author=head, responsible=colleague, status=status)
    TaskFactory.create_batch(
        n,
        author=head,
        responsible=specialist,
        status=Status.DONE,
        deadline=timezone.now() - dt.timedelta(days=5),
    )


# A directorate's board: the session, its user, the user's roles, the directorate asked for,
# the column counts (one aggregate), the page's cards with their figures (one query), the
# directorates for the picker, and the bell's unread count.
BOARD_QUERIES = 8
# One's own board: no directorate to look up, and no picker for a specialist (who oversees none).
OWN_BOARD_QUERIES = 6


@pytest.mark.parametrize("n", [1, 10])
def test_the_directorate_board_runs_a_fixed_number_of_queries(
    client, head, specialist, colleague, django_assert_num_queries, n
):
    fill(head, specialist, colleague, n)
    client.force_login(head)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(URL, {"directorate": "agriculture"})
    page = response.content.decode()
    assert f'data-testid="count-new"><span class="visually-hidden">Задачи: </span>{2 * n}' in page
    assert f'data-testid="count-done"><span class="visually-hidden">Задачи: </span>{n}' in page


@pytest.mark.parametrize("n", [1, 10])
def test_my_board_and_a_move_run_a_fixed_number_of_queries(
    client, head, specialist, colleague, django_assert_num_queries, n
):
    fill(head, specialist, colleague, n)
    client.force_login(specialist)
    with django_assert_num_queries(OWN_BOARD_QUERIES):
        response = client.get(URL)
    assert f'data-testid="count-returned"><span class="visually-hidden">Задачи: </span>{n}' in (
        response.content.decode()
    )
    task = Task.objects.filter(responsible=specialist, status=Status.NEW).first()
    assert task is not None
    response = client.post(
        move_url(task), {"to": "in_progress", "version": task.version}, headers=HX
    )
    assert (
        f'data-testid="count-in_progress"><span class="visually-hidden">Задачи: </span>{n + 1}'
        in (response.content.decode())
    )


def test_the_board_speaks_kazakh(client, head, specialist, cards):
    head.language = "kk"
    head.save(update_fields=["language"])
    client.force_login(head)
    page = client.get(URL, {"directorate": "agriculture"}).content.decode()
    assert "Канбан тақтасы" in page
    assert "Кімнің тақтасы" in page
    assert "Қай кезеңге ауыстыру" in page
    for russian in ("Канбан-доска", "Перенести в колонку", "Перетащите", "Чья доска", "Новая"):
        assert russian not in page
    response = client.post(
        move_url(cards["awaiting"]),
        {"to": "returned", "version": cards["awaiting"].version, "directorate": "agriculture"},
        headers=HX,
    )
    assert "Нәтижеге ескертулер" in response.content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_show_more_runs_a_fixed_number_of_queries(
    client, head, specialist, django_assert_num_queries, n
):
    TaskFactory.create_batch(20 + 3 * n, author=head, responsible=specialist)
    client.force_login(head)
    # The session, its user, the user's roles, the person asked for, the column's page of
    # cards with their figures.
    with django_assert_num_queries(5):
        response = client.get(URL, {"person": specialist.pk, "new_page": 2}, headers=HX)
    assert response.content.decode().count('class="card kanban-card') == min(3 * n, 20)


# --- a saved search as a board ------------------------------------------------------------------


def test_a_saved_search_is_a_board_of_what_it_finds(client, head, cards):
    saved = save_filter(owner=head, name="Письма", query="q=письмо")
    client.force_login(head)
    response = client.get(URL, {"filter": saved.pk})
    assert "Письма" in response.content.decode()
    # Its words find the specialist's new task and the colleague's; nothing else is on it.
    assert column_of(response, cards["new"]) == "new"
    assert column_of(response, cards["colleague"]) == "new"
    for other in ("in_progress", "awaiting", "returned", "done", "outsider"):
        assert column_of(response, cards[other]) is None
    # The search page offers it, and a move from it keeps the board it came from.
    search_page = client.get(reverse("tasks:search"), {"q": "письмо"}).content.decode()
    assert f'href="{URL}?filter={saved.pk}"' in search_page


def test_someone_elses_saved_search_is_not_a_board_one_may_open(client, head, specialist, cards):
    saved = save_filter(owner=head, name="Письма", query="q=письмо")
    client.force_login(specialist)
    assert client.get(URL, {"filter": saved.pk}).status_code == 404
    assert client.get(URL, {"filter": "1; DROP"}).status_code == 404
    task = cards["new"]
    response = client.post(
        move_url(task), {"to": "in_progress", "version": task.version, "filter": saved.pk}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Status.NEW


@pytest.mark.parametrize("n", [1, 10])
def test_a_saved_search_board_runs_a_fixed_number_of_queries(
    client, head, specialist, colleague, django_assert_num_queries, n
):
    fill(head, specialist, colleague, n)
    saved = save_filter(owner=head, name="Всё открытое", query="status=open")
    client.force_login(head)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(URL, {"filter": saved.pk})
    page = response.content.decode()
    assert f'data-testid="count-new"><span class="visually-hidden">Задачи: </span>{2 * n}' in page


# --- the board as a file ------------------------------------------------------------------------


def test_the_board_exports_every_card_column_by_column(client, specialist, cards):
    client.force_login(specialist)
    page = client.get(URL).content.decode()
    assert 'href="?export=xlsx"' in page
    response = client.get(URL, {"export": "xlsx"})
    assert file_name(response) == "Канбан-доска 18.11.2026.xlsx"
    table = lines(response)
    statuses = [row[4] for row in table[1:]]
    assert statuses == ["Новая", "В работе", "Ожидает приёмки", "На доработке", "Выполнено"]
    # The colleague's and the outsider's tasks are not on one's own board, nor in its file.
    assert {row[0] for row in table[1:]} == {
        cards[k].pk for k in ("new", "in_progress", "awaiting", "returned", "done")
    }


@pytest.mark.parametrize("n", [1, 10])
def test_the_board_export_runs_a_fixed_number_of_queries(
    client, head, specialist, colleague, django_assert_num_queries, n
):
    fill(head, specialist, colleague, n)
    client.force_login(head)
    # session, user, the directorate (and who oversees it), the count, the lines
    with django_assert_num_queries(6):
        response = client.get(URL, {"directorate": "agriculture", "export": "xlsx"})
    assert len(lines(response)) == 1 + 9 * n
