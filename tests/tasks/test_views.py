"""My tasks, the task page, the forms and the inline actions, over HTTP, with and without htmx."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import ensure_calendar
from tasks import services
from tasks.models import Attachment, Comment, DeadlineChange, Status, Task
from tests.tasks.conftest import in_days
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture(autouse=True)
def _calendar():
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=400), end=today + dt.timedelta(days=400))


# --- My tasks ------------------------------------------------------------------------------------


def test_my_tasks_sorts_into_sections(client, head, specialist):
    overdue = TaskFactory(author=head, responsible=specialist, deadline=in_days(-3))
    later = TaskFactory(author=head, responsible=specialist, deadline=in_days(30))
    TaskFactory(author=head, responsible=specialist, deadline=in_days(-3), status=Status.DONE)
    client.force_login(specialist)
    response = client.get(reverse("tasks:my-tasks"))
    sections = response.context["sections"]
    assert sections["overdue"].rows == [overdue]
    assert later in sections["later"].rows
    assert 'data-testid="count-overdue">1<' in response.text


@pytest.mark.parametrize(
    ("moment", "week", "later"),
    [
        # Just after midnight on a Sunday: "this week" is the coming working week.
        (dt.datetime(2026, 12, 6, 0, 30, tzinfo=ALMATY), [(7, True), (8, True), (13, False)], [14]),
        # A Friday: what is due soon (Monday and Tuesday) is never "later".
        (dt.datetime(2026, 12, 4, 10, 0, tzinfo=ALMATY), [(6, True), (7, True), (8, True)], [9]),
        # A Wednesday: the rest of the week; next Monday is later.
        (dt.datetime(2026, 12, 2, 10, 0, tzinfo=ALMATY), [(3, True), (4, True), (6, False)], [7]),
    ],
    ids=["sunday-night", "friday", "wednesday"],
)
def test_this_week_is_the_working_week_ahead_and_holds_what_is_due_soon(
    client, head, specialist, moment, week, later
):
    """(day of December, due soon?) in "this week"; days of December in "later"."""
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    with time_machine.travel(moment, tick=False):
        due = {
            day: TaskFactory(
                author=head,
                responsible=specialist,
                deadline=moment.replace(day=day, hour=18, minute=30),
            )
            for day, _ in week
        }
        late = [
            TaskFactory(
                author=head,
                responsible=specialist,
                deadline=moment.replace(day=day, hour=18, minute=30),
            )
            for day in later
        ]
        client.force_login(specialist)
        response = client.get(reverse("tasks:my-tasks"))
    sections = response.context["sections"]
    assert [(t.pk, t.due_soon) for t in sections["week"].rows] == [
        (due[day].pk, soon) for day, soon in week
    ]
    assert sections["later"].rows == late
    assert sections["today"].rows == []
    assert f'data-testid="count-week">{len(week)}<' in response.text
    assert f'data-testid="count-later">{len(later)}<' in response.text


def test_my_tasks_shows_results_awaiting_my_acceptance(client, head, specialist, task):
    services.submit_task(task=task, actor=specialist, result="Готово")
    client.force_login(head)
    response = client.get(reverse("tasks:my-tasks"))
    assert response.context["awaiting"].rows == [task]
    assert "accept" in response.context["awaiting"].rows[0].actions


def test_my_tasks_htmx_returns_only_the_fragment(client, specialist, task):
    client.force_login(specialist)
    response = client.get(reverse("tasks:my-tasks"), headers=HX)
    assert response.text.lstrip().startswith('<div id="my-tasks">')
    assert "<html" not in response.text


# A Wednesday morning: "today" and "this week" both have days left, whatever day the suite runs.
WEDNESDAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))
MY_SECTIONS = ("overdue", "today", "week", "later", "handed_in", "awaiting", "moves")


def at_wednesday(day: int, hour: int = 18, minute: int = 30) -> dt.datetime:
    """A moment in the pinned week (day 2 is the pinned Wednesday)."""
    return WEDNESDAY.replace(day=day, hour=hour, minute=minute)


@pytest.fixture
def wednesday():
    """The clock stopped at WEDNESDAY, with the working calendar around it."""
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    with time_machine.travel(WEDNESDAY, tick=False):
        yield WEDNESDAY


def fill_my_tasks(specialist, head, colleague, each: int, sections=MY_SECTIONS) -> None:
    """`each` rows in each of the specialist's My tasks sections (at WEDNESDAY)."""
    for _ in range(each):
        if "overdue" in sections:
            TaskFactory(author=head, responsible=specialist, deadline=at_wednesday(1))
        if "today" in sections:
            t = TaskFactory(author=head, responsible=specialist, deadline=at_wednesday(2))
            services.add_checklist_item(task=t, actor=head, text="Согласовать")
        if "week" in sections:
            TaskFactory(author=head, responsible=specialist, deadline=at_wednesday(4))
        if "later" in sections:
            # Co-executed: mine through the co-executors, not as the responsible person.
            t = TaskFactory(author=head, responsible=colleague, deadline=at_wednesday(15))
            t.co_executors.add(specialist)
        if "handed_in" in sections:
            TaskFactory(
                author=head,
                responsible=specialist,
                deadline=at_wednesday(4),
                status=Status.AWAITING_ACCEPTANCE,
                submitted_at=at_wednesday(1, 12),
                result="Готово",
            )
        if "awaiting" in sections:
            TaskFactory(
                author=specialist,
                responsible=colleague,
                deadline=at_wednesday(4),
                status=Status.AWAITING_ACCEPTANCE,
                submitted_at=at_wednesday(1, 12),
                result="Готово",
            )
        if "moves" in sections:
            t = TaskFactory(author=specialist, responsible=colleague, deadline=at_wednesday(15))
            DeadlineChange.objects.create(
                task=t,
                old_deadline=t.deadline,
                new_deadline=at_wednesday(22),
                reason="Ждём ответа",
                requested_by=colleague,
            )


def task_rows(response) -> int:
    return len(re.findall(r'<li class="list-group-item" id="task-\d+"', response.text))


def move_rows(response) -> int:
    return len(re.findall(r'<li class="list-group-item" id="move-\d+"', response.text))


def test_my_tasks_query_count_is_the_same_at_ten_times_the_data(
    client, head, specialist, colleague, wednesday, django_assert_num_queries
):
    # session, user, ids of co-executed open tasks, ids of headed directorates, every section's
    # count (one aggregate), the moves' count, the pages of my five sections (one query: each
    # section's first rows numbered by deadline, then their figures: overdue days, "due soon"
    # against the calendar, checklist counts and behind schedule, pending moves), the page of
    # results awaiting me, the page of move requests, the checklists of the tasks shown
    # (prefetch), roles (menu), today's blockers (the form), the bell
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=3)
    with django_assert_num_queries(13):
        small = client.get(reverse("tasks:my-tasks"))
    fill_my_tasks(specialist, head, colleague, each=27)
    with django_assert_num_queries(13):
        large = client.get(reverse("tasks:my-tasks"))

    for key in MY_SECTIONS[:5]:
        assert f'data-testid="section-count-{key}">3<' in small.text
        assert f'data-testid="section-count-{key}">30<' in large.text
        assert f'data-testid="more-{key}"' not in small.text
        assert f'href="/tasks/?{key}_page=2#{key}"' in large.text
    for counter in ("overdue", "today", "week", "later", "handed-in"):
        assert f'data-testid="count-{counter}">3<' in small.text
        assert f'data-testid="count-{counter}">30<' in large.text
    assert 'data-testid="count-awaiting">6<' in small.text  # 3 results + 3 moves
    assert 'data-testid="count-awaiting">60<' in large.text
    assert (task_rows(small), move_rows(small)) == (6 * 3, 3)
    assert (task_rows(large), move_rows(large)) == (6 * 25, 25)


def test_show_more_query_count_is_the_same_at_ten_times_the_data(
    client, head, specialist, colleague, wednesday, django_assert_num_queries
):
    # session, user, ids of co-executed open tasks, the section's page (numbered rows, then
    # their figures), their checklists (prefetch), roles (the buttons)
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=26, sections=("overdue", "today"))
    with django_assert_num_queries(6):
        small = client.get(reverse("tasks:my-tasks"), {"today_page": 2}, headers=HX)
    fill_my_tasks(specialist, head, colleague, each=234, sections=("overdue", "today"))
    with django_assert_num_queries(6):
        large = client.get(reverse("tasks:my-tasks"), {"today_page": 2}, headers=HX)

    assert "<section" not in small.text and "<html" not in small.text
    assert task_rows(small) == 1 and "today_page=3" not in small.text
    assert task_rows(large) == 25 and 'hx-get="/tasks/?today_page=3"' in large.text
    # Only the asked section: no overdue task comes with it.
    overdue = set(Task.objects.filter(deadline=at_wednesday(1)).values_list("pk", flat=True))
    shown = {int(pk) for pk in re.findall(r'id="task-(\d+)"', large.text)}
    assert shown and not shown & overdue


@pytest.mark.parametrize("key", MY_SECTIONS)
def test_each_section_shows_25_rows_and_the_26th_on_the_next_page(
    client, head, specialist, colleague, wednesday, key
):
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=25, sections=(key,))
    page = client.get(reverse("tasks:my-tasks"))
    assert task_rows(page) + move_rows(page) == 25
    assert f'data-testid="more-{key}"' not in page.text

    fill_my_tasks(specialist, head, colleague, each=1, sections=(key,))
    page = client.get(reverse("tasks:my-tasks"))
    assert task_rows(page) + move_rows(page) == 25
    assert f'data-testid="more-{key}"' in page.text
    more = client.get(reverse("tasks:my-tasks"), {f"{key}_page": 2}, headers=HX)
    assert more.status_code == 200
    assert task_rows(more) + move_rows(more) == 1
    assert 'data-testid="more-' not in more.text
    # Without JavaScript the same link opens the page with the section at its second page.
    plain = client.get(reverse("tasks:my-tasks"), {f"{key}_page": 2})
    assert task_rows(plain) + move_rows(plain) == 1
    assert "Показаны 26–26 из 26." in plain.text


def test_the_pages_of_a_section_follow_its_order(client, head, specialist, colleague, wednesday):
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=30, sections=("overdue",))
    expected = list(Task.objects.order_by("deadline", "pk").values_list("pk", flat=True))
    first = client.get(reverse("tasks:my-tasks"))
    second = client.get(reverse("tasks:my-tasks"), {"overdue_page": 2}, headers=HX)
    shown = [int(pk) for r in (first, second) for pk in re.findall(r'id="task-(\d+)"', r.text)]
    assert shown == expected


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "", "1.5", "9" * 40])
def test_a_garbled_page_number_gives_the_first_page(
    client, head, specialist, colleague, wednesday, raw
):
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=26, sections=("overdue",))
    page = client.get(reverse("tasks:my-tasks"), {"overdue_page": raw})
    assert page.status_code == 200
    if raw == "9" * 40:
        # Past the end: the last page.
        assert task_rows(page) == 1
    else:
        assert task_rows(page) == 25 and 'data-testid="more-overdue"' in page.text
    fragment = client.get(reverse("tasks:my-tasks"), {"overdue_page": raw}, headers=HX)
    assert fragment.status_code == 200
    assert task_rows(fragment) == (0 if raw == "9" * 40 else 25)


def test_a_page_past_the_end(client, head, specialist, colleague, wednesday):
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=26, sections=("overdue",))
    # The page shows the section's last page; "Show more" past the end appends nothing.
    page = client.get(reverse("tasks:my-tasks"), {"overdue_page": 7})
    assert page.status_code == 200 and task_rows(page) == 1
    assert 'data-testid="section-count-overdue">26<' in page.text
    fragment = client.get(reverse("tasks:my-tasks"), {"overdue_page": 3}, headers=HX)
    assert fragment.status_code == 200 and fragment.text.strip() == ""


def test_an_action_answers_only_its_row_and_the_counters(
    client, head, specialist, colleague, wednesday
):
    client.force_login(specialist)
    fill_my_tasks(specialist, head, colleague, each=27, sections=("overdue",))
    whole = client.get(reverse("tasks:my-tasks"), headers=HX)
    last = Task.objects.order_by("deadline", "pk").last()
    response = client.post(
        reverse("tasks:task-start", args=[last.pk]),
        {"version": last.version, "from": "list", "section": "overdue"},
        headers=HX,
    )
    assert '<div id="my-tasks">' not in response.text
    # The row in its new state, in place, and the counters: nothing else of the list.
    assert task_rows(response) == 1
    assert f'id="task-{last.pk}" hx-swap-oob="true"' in response.text
    assert 'data-testid="count-overdue">27<' in response.text
    assert 'id="section-count-overdue" hx-swap-oob="true"' in response.text
    assert "_page=2" not in response.text
    # 27 overdue rows against one: a small fraction of the bytes the whole list took.
    assert len(response.content) * 5 < len(whole.content)
    last.refresh_from_db()
    assert last.status == Status.IN_PROGRESS


# --- the task page -------------------------------------------------------------------------------


def test_task_page_shows_history_as_sentences(client, head, specialist, task):
    services.start_task(task=task, actor=specialist)
    change = services.request_deadline_move(
        task=task,
        actor=specialist,
        new_deadline=in_days(9),
        reason="ждём ответа земельного кадастра",
    )
    services.decide_deadline_move(change=change, actor=head, approve=True)
    client.force_login(specialist)
    response = client.get(task.get_absolute_url())
    assert response.status_code == 200
    texts = [f"{e.who} {e.text}" for e in response.context["timeline"]]
    assert any("срок перенесён" in t for t in texts), texts
    assert any("ждём ответа земельного кадастра" in t for t in texts)
    assert any(str(specialist) in t for t in texts)


@pytest.mark.parametrize("persona", ["outsider", "receptionist"])
def test_someone_elses_task_answers_404(client, request, persona, task):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(task.get_absolute_url()).status_code == 404
    response = client.post(reverse("tasks:task-start", args=[task.pk]), {"version": task.version})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Status.NEW


def test_methodologist_reads_but_changes_nothing(client, methodologist, task):
    client.force_login(methodologist)
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200
    assert page.context["task"].actions == frozenset()
    client.post(reverse("tasks:task-comment", args=[task.pk]), {"body": "Наблюдение"}, headers=HX)
    assert not Comment.objects.exists()


def test_task_page_query_count_is_fixed(client, head, specialist, task, django_assert_num_queries):
    # session, user, roles, task, co-executors, moves, checklist, comments, attachments,
    # the history's five (the task's records, its co-executors' snapshots, the checklist's
    # records, the files' records, the people named in them), the plans panel (the goal a
    # tactic-task serves), bell
    client.force_login(specialist)
    with django_assert_num_queries(16):
        client.get(task.get_absolute_url())
    for n in range(10):
        services.add_comment(task=task, actor=specialist, body=f"Комментарий {n}")
        services.add_checklist_item(task=task, actor=head, text=f"Пункт {n}")
    with django_assert_num_queries(16):
        response = client.get(task.get_absolute_url())
    assert len(response.context["comments"]) == 10


# --- inline actions ------------------------------------------------------------------------------


def test_start_inline_with_htmx_returns_the_row_and_a_toast(client, specialist, task):
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-start", args=[task.pk]),
        {"version": task.version, "from": "list", "section": "week"},
        headers=HX,
    )
    assert response.status_code == 200
    assert '<div id="my-tasks">' not in response.text
    assert f'<li class="list-group-item" id="task-{task.pk}"' in response.text
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "success"
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_a_row_carries_links_not_forms_and_its_buttons_post_through_one_form(
    client, head, specialist, task
):
    services.add_checklist_item(task=task, actor=head, text="Согласовать с юристом")
    client.force_login(specialist)
    page = client.get(reverse("tasks:my-tasks")).text
    row = page[page.index(f'id="task-{task.pk}"') :]
    row = row[: row.index("</li>\n")]
    tasks_region = page[page.index('<div id="my-tasks">') :]  # the blockers form is above it
    assert "<textarea" not in tasks_region and "<details" not in row
    start = reverse("tasks:task-start", args=[task.pk])
    assert f'form="list-actions" name="version" value="{task.version}" formaction="{start}"' in row
    submit = reverse("tasks:task-submit", args=[task.pk])
    assert f'href="{submit}" hx-get="{submit}" hx-target="#task-{task.pk}-form"' in row
    assert page.count('<form id="list-actions" method="post">') == 1


def test_an_action_form_loads_into_the_row_or_opens_as_a_page_without_javascript(
    client, specialist, task
):
    client.force_login(specialist)
    url = reverse("tasks:task-submit", args=[task.pk])
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.strip().startswith(f'<form class="mt-2" method="post" action="{url}"')
    assert 'hx-swap="none"' in fragment.text and "autofocus" in fragment.text
    for action in ("task-move-request", "task-comment"):
        assert client.get(reverse(f"tasks:{action}", args=[task.pk]), headers=HX).status_code == 200

    page = client.get(url)
    assert page.status_code == 200 and task.title in page.text
    assert 'name="result"' in page.text and f'hx-post="{url}"' not in page.text
    response = client.post(url, {"version": task.version, "result": "Готово", "from": "list"})
    assert response.status_code == 302 and response["Location"] == reverse("tasks:my-tasks")
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE


def test_only_the_forms_a_person_may_use_are_given(client, head, specialist, outsider, task):
    client.force_login(specialist)
    # Returning a result is for the person who set the task.
    assert client.get(reverse("tasks:task-return", args=[task.pk])).status_code == 403
    services.request_deadline_move(
        task=task, actor=specialist, new_deadline=in_days(9), reason="Ждём документы"
    )
    # One request at a time.
    assert client.get(reverse("tasks:task-move-request", args=[task.pk])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("tasks:task-submit", args=[task.pk])).status_code == 404


def test_submit_without_htmx_redirects_back_with_a_message(client, specialist, task):
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-submit", args=[task.pk]),
        {"version": task.version, "result": "Готово", "from": "detail"},
    )
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    task.refresh_from_db()
    assert task.status == Status.AWAITING_ACCEPTANCE


def test_empty_or_huge_result_is_refused_with_a_message(client, specialist, task):
    client.force_login(specialist)
    for result in ("", "я" * 10_001):
        response = client.post(
            reverse("tasks:task-submit", args=[task.pk]),
            {"version": task.version, "result": result, "from": "list"},
            headers=HX,
        )
        assert json.loads(response["HX-Trigger"])["notify"]["level"] == "danger"
    task.refresh_from_db()
    assert task.status == Status.NEW and task.result == ""


def test_second_person_saving_an_old_version_is_told(client, head, specialist, task):
    seen = task.version
    client.force_login(specialist)
    client.post(
        reverse("tasks:task-start", args=[task.pk]), {"version": seen, "from": "list"}, headers=HX
    )
    client.force_login(head)
    response = client.post(
        reverse("tasks:task-cancel", args=[task.pk]),
        {"version": seen, "reason": "Отмена", "from": "detail"},
        headers=HX,
    )
    notify = json.loads(response["HX-Trigger"])["notify"]
    assert notify["level"] == "warning"
    assert "изменил" in notify["text"] or "changed" in notify["text"]
    assert response.context["task"].status == Status.IN_PROGRESS  # the new state is shown
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_a_conflict_without_htmx_is_a_warning_on_the_next_page(client, head, specialist, task):
    """A plain form post (no script) that lost a race lands back on the task with a yellow
    warning toast, not a green "success" one."""
    seen = task.version
    services.start_task(task=task, actor=specialist, version=seen)  # meanwhile, elsewhere
    client.force_login(head)
    response = client.post(
        reverse("tasks:task-cancel", args=[task.pk]),
        {"version": seen, "reason": "Отмена", "from": "detail"},
        follow=True,
    )
    assert response.redirect_chain == [(task.get_absolute_url(), 302)]
    toasts = list(response.context["messages"])
    assert [m.level_tag for m in toasts] == ["warning"]
    assert 'class="toast align-items-center text-bg-warning' in response.text
    assert "text-bg-success" not in response.text
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_accepting_your_own_returned_task_is_refused(client, deputy, head):
    own = services.create_task(
        author=deputy, title="Поручение", responsible=head, deadline=in_days(2)
    )
    services.submit_task(task=own, actor=head, result="Готово")
    client.force_login(head)
    response = client.post(
        reverse("tasks:task-accept", args=[own.pk]),
        {"version": own.version + 1, "from": "list"},
        headers=HX,
    )
    assert json.loads(response["HX-Trigger"])["notify"]["level"] in {"danger", "warning"}
    own.refresh_from_db()
    assert own.status == Status.AWAITING_ACCEPTANCE


def test_move_request_and_decision_from_my_tasks(client, head, specialist, task):
    client.force_login(specialist)
    new_date = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    client.post(
        reverse("tasks:task-move-request", args=[task.pk]),
        {"new_date": new_date, "reason": "Ждём документы", "from": "list"},
        headers=HX,
    )
    change = DeadlineChange.objects.get()
    client.force_login(head)
    page = client.get(reverse("tasks:my-tasks"))
    assert page.context["moves"].rows == [change]
    client.post(
        reverse("tasks:task-move-decide", args=[task.pk, change.pk]),
        {"decision": "approve", "note": "", "from": "list"},
        headers=HX,
    )
    task.refresh_from_db()
    assert timezone.localdate(task.deadline).isoformat() == new_date
    assert timezone.localtime(task.deadline).time() == dt.time(18, 30)


@pytest.mark.parametrize(
    ("origin", "posted", "message"),
    [
        ("list", {"new_date": "2020-01-10", "new_time": "15:00"}, "позже текущего момента"),
        ("detail", {"new_date": "2020-01-10", "new_time": "15:00"}, "позже текущего момента"),
        ("list", {"new_date": "", "new_time": "15:00"}, "Обязательное поле"),
    ],
)
def test_a_refused_move_request_keeps_what_was_typed(
    client, specialist, task, origin, posted, message
):
    client.force_login(specialist)
    url = reverse("tasks:task-move-request", args=[task.pk])
    data = {**posted, "reason": "Ждём ответа <ГосАрхива>", "from": origin}
    form_id = f"#move-form-{task.pk}-{origin}"
    response = client.post(url, data, headers=HX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "danger"
    # htmx puts the form back where it was, not the whole region.
    assert (response["HX-Retarget"], response["HX-Reswap"], response["HX-Reselect"]) == (
        form_id,
        "outerHTML",
        form_id,
    )
    assert response.text.lstrip().startswith(f'<form class="mt-2" id="{form_id[1:]}"')
    assert f'value="{posted["new_date"]}"' in response.text
    assert 'value="15:00"' in response.text
    assert ">Ждём ответа &lt;ГосАрхива&gt;</textarea>" in response.text
    assert message in response.text
    assert f'name="from" value="{origin}"' in response.text

    plain = client.post(url, data)
    assert plain.status_code == 200
    assert "<html" in plain.text and f'id="{form_id[1:]}"' in plain.text
    assert ">Ждём ответа &lt;ГосАрхива&gt;</textarea>" in plain.text
    assert message in plain.text
    assert not DeadlineChange.objects.exists()


def test_impossible_dates_are_refused(client, specialist, task):
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-move-request", args=[task.pk]),
        {"new_date": "2026-02-30", "reason": "x", "from": "list"},
        headers=HX,
    )
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "danger"
    assert not DeadlineChange.objects.exists()


def test_checklist_tick_and_comment_inline(client, head, specialist, task):
    item = services.add_checklist_item(task=task, actor=head, text="Согласовать с юристом")
    client.force_login(specialist)
    client.post(
        reverse("tasks:checklist-toggle", args=[task.pk, item.pk]), {"from": "list"}, headers=HX
    )
    item.refresh_from_db()
    assert item.is_done and item.done_by == specialist
    client.post(
        reverse("tasks:task-comment", args=[task.pk]),
        {"body": "<script>alert(1)</script>", "from": "detail"},
    )
    page = client.get(task.get_absolute_url())
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_attachments_are_size_limited_and_served_only_to_those_who_see_the_task(
    client, specialist, outsider, task, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(specialist)
    client.post(
        reverse("tasks:attachment-upload", args=[task.pk]),
        {"file": SimpleUploadedFile("акт.pdf", b"%PDF-1.4 test"), "from": "detail"},
    )
    attachment = Attachment.objects.get()
    assert attachment.name == "акт.pdf"
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    client.post(
        reverse("tasks:attachment-upload", args=[task.pk]),
        {"file": SimpleUploadedFile("big.bin", b"0" * (10 * 1024 * 1024 + 1)), "from": "detail"},
    )
    assert Attachment.objects.count() == 1
    client.force_login(outsider)
    assert client.get(attachment.get_absolute_url()).status_code == 404


# --- the forms -----------------------------------------------------------------------------------


def test_head_creates_a_task_with_a_bare_date(client, head, specialist):
    client.force_login(head)
    day = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        reverse("tasks:task-create"),
        {
            "title": "Подготовить справку",
            "responsible": specialist.pk,
            "deadline_date": day.isoformat(),
            "priority": 3,
            "source": "instruction",
            "source_number": "12-04/1234",
            "checklist": "Собрать данные\nСогласовать",
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert timezone.localtime(task.deadline).time() == dt.time(18, 30)
    assert task.checklist.count() == 2 and task.author == head


def test_create_form_refuses_a_past_deadline_and_someone_out_of_reach(
    client, head, outsider, specialist
):
    client.force_login(head)
    past = client.post(
        reverse("tasks:task-create"),
        {
            "title": "x",
            "responsible": specialist.pk,
            "deadline_date": "2020-01-01",
            "priority": 2,
            "source": "letter",
        },
    )
    assert past.status_code == 200 and "deadline_date" in past.context["form"].errors
    foreign = client.post(
        reverse("tasks:task-create"),
        {
            "title": "x",
            "responsible": outsider.pk,
            "deadline_date": "2099-01-01",
            "priority": 2,
            "source": "letter",
        },
    )
    assert "responsible" in foreign.context["form"].errors
    assert not Task.objects.exists()


def test_people_search_for_the_responsible_is_scoped(client, head, specialist, outsider):
    client.force_login(head)
    response = client.get(reverse("tasks:people-options"), {"q": specialist.last_name})
    assert f'value="{specialist.pk}"' in response.text
    everyone = client.get(reverse("tasks:people-options"))
    assert f'value="{outsider.pk}"' not in everyone.text


def test_edit_with_a_stale_version_is_refused(client, head, task):
    client.force_login(head)
    data = {
        "version": task.version - 1 if task.version > 1 else 999,
        "title": "Новое",
        "priority": 2,
        "source": "letter",
    }
    response = client.post(reverse("tasks:task-edit", args=[task.pk]), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title != "Новое"
    ok = client.post(reverse("tasks:task-edit", args=[task.pk]), {**data, "version": task.version})
    assert ok.status_code == 302
    task.refresh_from_db()
    assert task.title == "Новое"


def test_specialist_cannot_edit_a_task_set_by_the_head(client, specialist, task):
    client.force_login(specialist)
    assert client.get(reverse("tasks:task-edit", args=[task.pk])).status_code == 403


def test_task_page_htmx_returns_only_the_fragment(client, specialist, task):
    client.force_login(specialist)
    response = client.get(task.get_absolute_url(), headers=HX)
    assert response.text.lstrip().startswith('<div id="task-detail">')
    assert "<html" not in response.text


def test_html_in_a_title_is_shown_as_text(client, head, specialist):
    evil = services.create_task(
        author=head,
        title='<img src=x onerror="alert(1)">',
        responsible=specialist,
        deadline=in_days(1),
    )
    client.force_login(specialist)
    for url in (reverse("tasks:my-tasks"), evil.get_absolute_url()):
        page = client.get(url)
        assert '<img src=x onerror="alert(1)">' not in page.text
        assert "&lt;img src=x" in page.text


def test_a_body_of_megabytes_gets_a_clear_page_and_changes_nothing(client, specialist, task):
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-submit", args=[task.pk]),
        {"version": task.version, "result": "я" * 3_000_000, "from": "detail"},
    )
    assert response.status_code == 400
    assert "слишком велико" in response.text or "too large" in response.text
    task.refresh_from_db()
    assert task.status == Status.NEW
