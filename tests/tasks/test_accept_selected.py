"""Results awaiting my acceptance in My tasks: each shows its result and when it was handed in,
oldest first; "Accept selected" accepts several at once through the one accept service; and an
action's answer carries only what changed (the row or its removal, the counters), swapped out of
band."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from akimat.calendar import ensure_calendar
from tasks import services
from tasks.models import DeadlineChange, Status, Task
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
ALMATY = ZoneInfo("Asia/Almaty")
# A Wednesday morning in a week without holidays.
WEDNESDAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ALMATY)
ACCEPT_SELECTED = reverse("tasks:task-accept-selected")


@pytest.fixture(autouse=True)
def wednesday():
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    with time_machine.travel(WEDNESDAY, tick=False):
        yield WEDNESDAY


def handed_in(head, specialist, *, day: int, hour: int = 12, result: str = "Готово", **kw) -> Task:
    """A result `specialist` handed in on `day` December at `hour`, for `head` to accept."""
    return TaskFactory(
        author=head,
        responsible=specialist,
        deadline=WEDNESDAY + dt.timedelta(days=2),
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=dt.datetime(2026, 11 if day > 2 else 12, day, hour, tzinfo=ALMATY),
        result=result,
        **kw,
    )


def awaiting_order(text: str) -> list[int]:
    """The ids of the task rows in "Awaiting my decision", top to bottom."""
    region = text[text.index('id="awaiting-rows"') :]
    region = region[: region.index("</ul>")]
    return [int(pk) for pk in re.findall(r'<li class="list-group-item" id="task-(\d+)"', region)]


def toast(response) -> dict:
    return json.loads(response["HX-Trigger"])["notify"]


def accepted(task: Task) -> int:
    """How many times the task's history says it was accepted."""
    return task.history.filter(history_change_reason="accepted").count()


# --- what the head sees --------------------------------------------------------------------------


def test_each_result_shows_its_text_and_when_it_was_handed_in_oldest_first(
    client, head, specialist
):
    newest = handed_in(head, specialist, day=2, hour=9, result="Письмо отправлено, исх. № 12")
    oldest = handed_in(head, specialist, day=27, result="Справка подготовлена")
    long = "Акт осмотра участка составлен.\n" + "Подробности осмотра. " * 30 + "КОНЕЦ"
    middle = handed_in(head, specialist, day=1, hour=15, result=long)
    client.force_login(head)
    page = client.get(reverse("tasks:my-tasks")).text

    assert awaiting_order(page) == [oldest.pk, middle.pk, newest.pk]
    assert (
        'datetime="2026-11-27T12:00:00+05:00" data-testid="submitted-at">27.11.2026 12:00<' in page
    )
    assert ">01.12.2026 15:00<" in page and ">02.12.2026 09:00<" in page
    assert "Справка подготовлена" in page and "Письмо отправлено, исх. № 12" in page
    # A long result is folded: its beginning in the summary, the whole text when opened.
    row = page[page.index(f'id="task-{middle.pk}"') :]
    folded = row[row.index("<details") : row.index("</details>")]
    summary = folded[: folded.index("</summary>")]
    assert "Акт осмотра участка составлен." in summary and "КОНЕЦ" not in summary
    assert "КОНЕЦ" in folded
    # Each result can be ticked for "Accept selected", at the version it is shown at.
    assert f'form="accept-selected" name="accept" value="{oldest.pk}:{oldest.version}"' in page
    assert page.count('<form id="accept-selected"') == 1


def test_a_result_is_shown_as_text_not_html(client, head, specialist):
    handed_in(head, specialist, day=1, result="<script>alert(1)</script> **готово**")
    client.force_login(head)
    page = client.get(reverse("tasks:my-tasks")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **готово**" in page
    assert "<script>alert(1)" not in page


def test_the_page_costs_the_same_queries_at_ten_times_the_results(
    client, head, specialist, django_assert_num_queries
):
    # session, user, ids of co-executed open tasks, ids of headed directorates, every section's
    # count (one aggregate), the moves' count, the pages of my five sections, the page of results
    # awaiting me (with each one's text and time: columns of the same rows), the page of move
    # requests, the checklists of the tasks shown, roles (menu), today's blockers, the bell
    client.force_login(head)
    handed_in(head, specialist, day=1)
    with django_assert_num_queries(13):
        small = client.get(reverse("tasks:my-tasks"))
    for day in range(20, 29):
        handed_in(head, specialist, day=day)
    with django_assert_num_queries(13):
        large = client.get(reverse("tasks:my-tasks"))
    assert len(awaiting_order(small.text)) == 1 and len(awaiting_order(large.text)) == 10
    assert large.text.count('data-testid="submitted-at"') == 10
    assert large.text.count('data-testid="result"') == 10


# --- Accept selected -----------------------------------------------------------------------------


def test_accept_selected_accepts_each_and_reports_the_one_changed_meanwhile(
    client, head, specialist
):
    first = handed_in(head, specialist, day=27, title="Справка по ИП «Нұр»")
    second = handed_in(head, specialist, day=30, title="Ответ ТОО «Береке»")
    third = handed_in(head, specialist, day=1, title="Акт осмотра")
    stale = third.version
    # Someone who also decides returned the third one while the list was open.
    services.return_task(task=third, actor=head, reason="Нет подписи")
    left = handed_in(head, specialist, day=2, title="Не отмечена")
    client.force_login(head)
    response = client.post(
        ACCEPT_SELECTED,
        {
            "accept": [f"{t.pk}:{v}" for t, v in ((first, 1), (second, 1), (third, stale))],
            "from": "list",
            "section": "awaiting",
            "once": str(uuid.uuid4()),
        },
        headers=HX,
    )
    for task in (first, second, third, left):
        task.refresh_from_db()
    assert (first.status, second.status) == (Status.DONE, Status.DONE)
    assert third.status == Status.RETURNED and left.status == Status.AWAITING_ACCEPTANCE
    notice = toast(response)
    assert notice["level"] == "warning"
    assert notice["text"].startswith("Принято результатов: 2.")
    assert (
        "«Акт осмотра»" in notice["text"]
        and "только что изменил другой сотрудник" in notice["text"]
    )
    # The three rows go (the third is no longer awaiting); the unticked one stays untouched.
    for task in (first, second, third):
        assert f'id="task-{task.pk}" hx-swap-oob="delete"' in response.text
    assert f"task-{left.pk}" not in response.text
    assert 'data-testid="count-awaiting">1<' in response.text
    assert 'id="decisions-count" hx-swap-oob="true"' in response.text
    # A fresh token for the next batch.
    assert '<form id="accept-selected"' in response.text and 'hx-swap-oob="true"' in response.text


def test_a_result_changed_but_still_awaiting_is_shown_again_in_its_new_state(
    client, head, specialist
):
    task = handed_in(head, specialist, day=1)
    shown = task.version
    # Its priority was raised in another tab while the list was open.
    services.update_task(
        task=task,
        actor=head,
        version=shown,
        title=task.title,
        description=task.description,
        priority=3,
        source=task.source,
        source_number=task.source_number,
        source_date=task.source_date,
        co_executors=[],
    )
    client.force_login(head)
    response = client.post(
        ACCEPT_SELECTED,
        {"accept": [f"{task.pk}:{shown}"], "from": "list", "section": "awaiting"},
        headers=HX,
    )
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE
    assert toast(response)["level"] == "warning"
    assert f'id="task-{task.pk}" hx-swap-oob="true"' in response.text
    assert f'value="{task.pk}:{shown + 1}"' in response.text


def test_accept_selected_sent_twice_accepts_nothing_twice(client, head, specialist):
    tasks = [handed_in(head, specialist, day=day) for day in (27, 30)]
    client.force_login(head)
    data = {
        "accept": [f"{t.pk}:{t.version}" for t in tasks],
        "from": "list",
        "section": "awaiting",
        "once": str(uuid.uuid4()),
    }
    first = client.post(ACCEPT_SELECTED, data, headers=HX)
    again = client.post(ACCEPT_SELECTED, data, headers=HX)
    assert toast(first)["level"] == "success"
    assert toast(again) == {
        "text": "Эта форма уже сохранена: повторно ничего не добавлено.",
        "level": "info",
    }
    # The same list from another tab (a new token): each is refused as changed meanwhile.
    other_tab = client.post(ACCEPT_SELECTED, {**data, "once": str(uuid.uuid4())}, headers=HX)
    assert toast(other_tab)["level"] == "warning"
    assert toast(other_tab)["text"].startswith("Принято результатов: 0.")
    for task in tasks:
        task.refresh_from_db()
        assert task.status == Status.DONE and accepted(task) == 1


@pytest.mark.parametrize(
    ("ticked", "message"),
    [
        ([], "Отметьте результаты, которые принимаете."),
        (["12;3"], "Форма устарела. Обновите страницу и отправьте её снова."),
        (["99999999999:1"], "Форма устарела. Обновите страницу и отправьте её снова."),
    ],
)
def test_accept_selected_refuses_bad_input_and_changes_nothing(
    client, head, specialist, ticked, message
):
    task = handed_in(head, specialist, day=1)
    client.force_login(head)
    response = client.post(
        ACCEPT_SELECTED,
        {"accept": [*ticked, f"{task.pk}:{task.version}"] if ticked else [], "from": "list"},
        headers=HX,
    )
    assert toast(response) == {"text": message, "level": "danger"}
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE


def test_accept_selected_skips_what_the_person_may_not_accept(
    client, head, specialist, outsider, colleague
):
    mine = handed_in(head, specialist, day=1)
    elsewhere = TaskFactory(
        author=outsider,
        responsible=outsider,
        status=Status.AWAITING_ACCEPTANCE,
        submitted_at=WEDNESDAY,
        result="Готово",
    )
    own = handed_in(colleague, head, day=1)  # the head's own result: not theirs to accept
    client.force_login(head)
    response = client.post(
        ACCEPT_SELECTED,
        {"accept": [f"{t.pk}:{t.version}" for t in (mine, elsewhere, own)], "from": "list"},
        headers=HX,
    )
    text = toast(response)["text"]
    assert text.startswith("Принято результатов: 1.")
    assert "Недоступно вам: 1." in text and "собственный результат" in text
    for task in (mine, elsewhere, own):
        task.refresh_from_db()
    assert mine.status == Status.DONE
    assert elsewhere.status == own.status == Status.AWAITING_ACCEPTANCE


def test_accept_selected_without_javascript_redirects_with_the_message(client, head, specialist):
    task = handed_in(head, specialist, day=1)
    client.force_login(head)
    response = client.post(
        ACCEPT_SELECTED, {"accept": [f"{task.pk}:{task.version}"], "from": "list"}, follow=True
    )
    assert response.redirect_chain == [(reverse("tasks:my-tasks"), 302)]
    assert "Принято результатов: 1." in response.text
    task.refresh_from_db()
    assert task.status == Status.DONE


# --- answers that carry only what changed --------------------------------------------------------


def test_one_accept_answers_with_the_rows_removal_and_the_counters(client, head, specialist):
    """The bytes of one accept among 49 results, against the whole list it used to send."""
    results = [handed_in(head, specialist, day=1, hour=8 + n % 10) for n in range(49)]
    client.force_login(head)
    whole = client.get(reverse("tasks:my-tasks"), headers=HX)
    task = results[0]
    response = client.post(
        reverse("tasks:task-accept", args=[task.pk]),
        {"version": task.version, "from": "list", "section": "awaiting"},
        headers=HX,
    )
    assert toast(response) == {"text": "Результат принят.", "level": "success"}
    assert response.text.count('<li class="list-group-item"') == 0
    assert f'<li id="task-{task.pk}" hx-swap-oob="delete"></li>' in response.text
    assert 'data-testid="count-awaiting">48<' in response.text
    assert 'data-testid="section-count-decisions">48<' in response.text
    assert len(response.content) < 4000 and len(response.content) * 10 < len(whole.content), (
        len(response.content),
        len(whole.content),
    )
    task.refresh_from_db()
    assert task.status == Status.DONE


def test_a_submitted_result_leaves_today_for_the_top_of_handed_in(client, head, specialist):
    task = TaskFactory(author=head, responsible=specialist, deadline=WEDNESDAY.replace(hour=18))
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-submit", args=[task.pk]),
        {"version": task.version, "result": "Готово", "from": "list", "section": "today"},
        headers=HX,
    )
    text = response.text
    removed = text.index(f'<li id="task-{task.pk}" hx-swap-oob="delete"></li>')
    arrives = text.index('<ul hx-swap-oob="afterbegin:#handed_in-rows">')
    assert removed < arrives
    assert 'data-testid="count-today">0<' in text and 'data-testid="count-handed-in">1<' in text


def test_a_refused_form_leaves_the_row_as_it_is(client, head, specialist):
    task = TaskFactory(author=head, responsible=specialist, deadline=WEDNESDAY.replace(hour=18))
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-submit", args=[task.pk]),
        {"version": task.version, "result": "", "from": "list", "section": "today"},
        headers=HX,
    )
    assert toast(response)["level"] == "danger"
    # The row, with the form and what was typed in it, is not swapped; the counters are.
    assert f"task-{task.pk}" not in response.text
    assert 'data-testid="count-today">1<' in response.text
    task.refresh_from_db()
    assert task.status == Status.NEW


def test_a_decided_move_request_leaves_the_list(client, head, specialist):
    task = TaskFactory(author=head, responsible=specialist, deadline=WEDNESDAY.replace(hour=18))
    change = services.request_deadline_move(
        task=task,
        actor=specialist,
        new_deadline=WEDNESDAY + dt.timedelta(days=7),
        reason="Ждём документы",
    )
    client.force_login(head)
    page = client.get(reverse("tasks:my-tasks")).text
    assert f'<input type="hidden" name="move" value="{change.pk}">' in page
    response = client.post(
        reverse("tasks:task-move-decide", args=[task.pk, change.pk]),
        {"decision": "approve", "note": "", "from": "list", "section": "moves", "move": change.pk},
        headers=HX,
    )
    assert f'<li id="move-{change.pk}" hx-swap-oob="delete"></li>' in response.text
    assert f'id="task-{task.pk}"' not in response.text
    assert 'data-testid="count-awaiting">0<' in response.text
    change.refresh_from_db()
    assert change.state == DeadlineChange.State.APPROVED
