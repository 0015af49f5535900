"""The task search (/tasks/search/): words in Russian and Kazakh over title, description,
comments and document number; filters; visibility as My tasks; saved filters with their counts;
the tabs "Assigned by me" and "Watching"; the watch button; bad input; query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from akimat.calendar import ensure_calendar
from tasks import services
from tasks.models import Comment, SavedFilter, Source, Status, Task, Watch
from tasks.search import MAX_SAVED_FILTERS
from tests.downloads import file_name, lines
from tests.factories import UserFactory
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture(autouse=True)
def _calendar(db):
    """The working days "due soon" counts (the pinned clock is in November 2026)."""
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))


SEARCH = reverse("tasks:search")
HX = {"HX-Request": "true"}


def ru(text: str, **values: object) -> str:
    """A message as the page shows it: in Russian (the default), escaped."""
    with translation.override("ru"):
        said = translation.gettext(text)
    return escape(said % values if values else said)


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def titles(response) -> list[str]:
    return re.findall(
        r'<a class="fw-semibold me-2" href="/tasks/\d+/"[^>]*>([^<]+)</a>', response.text
    )


def found_count(response) -> int:
    match = re.search(r'data-testid="result-count">[^<\d]*(\d+)', response.text)
    assert match, "the page says how many tasks it found"
    return int(match.group(1))


# --- words ------------------------------------------------------------------------------------


def test_a_russian_word_finds_its_other_forms(client, head, specialist):
    TaskFactory(title="Подготовить совещания с фермерами", responsible=specialist, author=head)
    TaskFactory(title="Отчёт по земле", responsible=specialist, author=head)
    client.force_login(head)
    response = client.get(SEARCH, {"q": "совещание"})
    assert titles(response) == ["Подготовить совещания с фермерами"]


def test_a_kazakh_word_is_found_by_its_prefix(client, head, specialist):
    TaskFactory(title="Жиналыстарға дайындық", responsible=specialist, author=head)
    TaskFactory(title="Басқа жұмыс", responsible=specialist, author=head)
    client.force_login(head)
    response = client.get(SEARCH, {"q": "жиналыс"})
    assert titles(response) == ["Жиналыстарға дайындық"]


def test_words_are_found_in_the_description_the_document_number_and_the_comments(
    client, head, specialist
):
    TaskFactory(
        title="Первая", description="Проверить субсидии", responsible=specialist, author=head
    )
    TaskFactory(title="Вторая", source_number="21-08/568", responsible=specialist, author=head)
    third = TaskFactory(title="Третья", responsible=specialist, author=head)
    Comment.objects.create(task=third, author=head, body="Элеватор ждёт ответа")
    client.force_login(head)
    assert titles(client.get(SEARCH, {"q": "субсидия"})) == ["Первая"]
    assert titles(client.get(SEARCH, {"q": "568"})) == ["Вторая"]
    assert titles(client.get(SEARCH, {"q": "элеватор"})) == ["Третья"]


def test_every_word_must_match_and_signs_are_ignored(client, head, specialist):
    TaskFactory(title="Совещание по земле", responsible=specialist, author=head)
    TaskFactory(title="Совещание по воде", responsible=specialist, author=head)
    client.force_login(head)
    response = client.get(SEARCH, {"q": "совещание & !земля' | :*"})
    assert titles(response) == ["Совещание по земле"]


def test_a_task_with_two_matching_comments_is_listed_once(client, head, specialist):
    task = TaskFactory(title="Элеватор", responsible=specialist, author=head)
    Comment.objects.create(task=task, author=head, body="элеватор")
    Comment.objects.create(task=task, author=specialist, body="элеватор снова")
    client.force_login(head)
    response = client.get(SEARCH, {"q": "элеватор"})
    assert titles(response) == ["Элеватор"]
    assert found_count(response) == 1


# --- visibility -------------------------------------------------------------------------------


def test_visibility_is_exactly_my_tasks(client, head, specialist, colleague, outsider, deputy):
    mine = TaskFactory(title="Моя задача", responsible=specialist, author=head)
    TaskFactory(title="Задача коллеги", responsible=colleague, author=head)
    TaskFactory(title="Чужая задача", responsible=outsider, author=outsider)
    expected = {
        specialist: {"Моя задача"},
        head: {"Моя задача", "Задача коллеги"},
        deputy: {"Моя задача", "Задача коллеги", "Чужая задача"},
    }
    for person, names in expected.items():
        client.force_login(person)
        shown = set(titles(client.get(SEARCH, {"q": "задача"})))
        assert shown == names
        assert shown == set(Task.objects.visible_to(person).values_list("title", flat=True))
    assert mine.pk


def test_another_directorate_in_the_filter_shows_nothing_of_it(client, specialist, outsider):
    TaskFactory(title="Чужая задача", responsible=outsider, author=outsider)
    client.force_login(specialist)
    response = client.get(SEARCH, {"department": outsider.department_id})
    assert response.status_code == 200
    assert "Чужая задача" not in response.text
    assert found_count(response) == 0


# --- filters ----------------------------------------------------------------------------------


def test_filters_status_overdue_due_soon_people_source_and_deadlines(
    client, head, specialist, colleague
):
    late = TaskFactory(
        title="Просрочена", responsible=specialist, author=head, deadline=in_days(-3)
    )
    TaskFactory(title="Скоро", responsible=specialist, author=head, deadline=in_days(0.1))
    TaskFactory(
        title="Позже",
        responsible=colleague,
        author=specialist,
        deadline=in_days(20),
        status=Status.IN_PROGRESS,
        source=Source.LETTER,
    )
    TaskFactory(title="Готово", responsible=specialist, author=head, status=Status.DONE)
    client.force_login(head)
    assert titles(client.get(SEARCH, {"overdue": "1"})) == ["Просрочена"]
    assert titles(client.get(SEARCH, {"due_soon": "1"})) == ["Скоро"]
    assert titles(client.get(SEARCH, {"status": "in_progress"})) == ["Позже"]
    assert "Готово" not in titles(client.get(SEARCH, {"status": "open"}))
    assert titles(client.get(SEARCH, {"responsible": colleague.pk})) == ["Позже"]
    assert titles(client.get(SEARCH, {"author": specialist.pk})) == ["Позже"]
    assert titles(client.get(SEARCH, {"source": "letter"})) == ["Позже"]
    day = timezone.localdate(late.deadline)
    assert titles(
        client.get(SEARCH, {"deadline_from": day.isoformat(), "deadline_to": day.isoformat()})
    ) == ["Просрочена"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"status": "<script>alert(1)</script>"}, "Status"),
        ({"department": "abc"}, "Directorate"),
        ({"department": "999999999"}, "Directorate"),
        ({"responsible": "-1"}, "Responsible"),
        ({"author": "99999999999999999999999"}, "Author"),
        ({"deadline_from": "2026-02-30"}, "Deadline from"),
        ({"deadline_to": "9999-01-01"}, "Deadline to"),
        ({"source": "nowhere"}, "Source"),
        ({"tab": "everything"}, "Tab"),
        ({"page": "x"}, None),
        ({"q": "a\x00b"}, None),
        ({"q": "слово " * 5000}, None),
    ],
)
def test_bad_filters_are_ignored_with_a_message(client, head, specialist, params, said):
    TaskFactory(title="Задача", responsible=specialist, author=head)
    client.force_login(head)
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    if said:
        assert (
            ru("%(filter)s: the value was not understood and is ignored.", filter=ru(said))
            in response.text
        )
    assert "<script>alert(1)</script>" not in response.text


def test_a_bad_filter_is_said_in_the_persons_language(client, head):
    client.force_login(head)
    response = client.get(SEARCH, {"status": "x"})
    assert "Статус: значение не распознано и не учтено." in response.text
    head.language = "kk"
    head.save(update_fields=["language"])
    response = client.get(SEARCH, {"status": "x"})
    assert "Күйі: мәні танылмады, сондықтан ескерілмейді." in response.text


def test_a_reversed_deadline_range_is_ignored_with_a_message(client, head, specialist):
    TaskFactory(title="Задача", responsible=specialist, author=head)
    client.force_login(head)
    response = client.get(SEARCH, {"deadline_from": "2026-05-10", "deadline_to": "2026-05-01"})
    assert ru("The deadline range ends before it starts: the range is ignored.") in response.text
    assert titles(response) == ["Задача"]


def test_rows_are_my_tasks_rows_with_their_buttons(client, head, specialist):
    task = TaskFactory(title="Начать", responsible=specialist, author=head)
    client.force_login(specialist)
    response = client.get(SEARCH)
    assert f'id="task-{task.pk}"' in response.text
    assert reverse("tasks:task-start", args=[task.pk]) in response.text


def test_an_action_from_the_search_swaps_the_row_in_place(client, head, specialist):
    task = TaskFactory(title="Начать", responsible=specialist, author=head)
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:task-start", args=[task.pk]),
        {"version": task.version, "from": "list", "section": "search"},
        headers=HX,
    )
    assert response.status_code == 200
    assert f'id="task-{task.pk}" hx-swap-oob="true"' in response.text
    assert reverse("tasks:task-start", args=[task.pk]) not in response.text
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_the_list_is_paginated_by_25(client, head, specialist):
    TaskFactory.create_batch(30, responsible=specialist, author=head)
    client.force_login(head)
    first = client.get(SEARCH)
    assert len(titles(first)) == 25
    assert found_count(first) == 30
    assert len(titles(client.get(SEARCH, {"page": 2}))) == 5


def test_htmx_gets_only_the_results(client, head):
    client.force_login(head)
    response = client.get(SEARCH, {"q": "x"}, headers=HX)
    assert 'id="search-results"' in response.text
    assert "<html" not in response.text


def test_my_tasks_links_to_the_search(client, specialist):
    client.force_login(specialist)
    assert (
        f'href="{SEARCH}" data-testid="search-link"' in client.get(reverse("tasks:my-tasks")).text
    )


# --- tabs -------------------------------------------------------------------------------------


def test_assigned_by_me_shows_my_open_tasks_set_for_others(client, head, specialist):
    TaskFactory(title="Поручил", responsible=specialist, author=head)
    TaskFactory(title="Поручил, готово", responsible=specialist, author=head, status=Status.DONE)
    TaskFactory(title="Мне поручили", responsible=head, author=specialist)
    client.force_login(head)
    assert titles(client.get(SEARCH, {"tab": "assigned"})) == ["Поручил"]


def test_watching_shows_the_tasks_i_watch(client, head, specialist):
    watched = TaskFactory(title="Слежу", responsible=specialist, author=head)
    TaskFactory(title="Не слежу", responsible=specialist, author=head)
    client.force_login(head)
    client.post(reverse("tasks:task-watch", args=[watched.pk]), {"watch": "1"})
    assert titles(client.get(SEARCH, {"tab": "watching"})) == ["Слежу"]


# --- watching ---------------------------------------------------------------------------------


def test_watch_and_unwatch_from_the_task_page(client, head, specialist):
    task = TaskFactory(title="Задача", responsible=specialist, author=head)
    client.force_login(specialist)
    page = client.get(task.get_absolute_url())
    assert 'aria-pressed="false" data-testid="watch"' in page.text
    response = client.post(reverse("tasks:task-watch", args=[task.pk]), {"watch": "1"}, headers=HX)
    assert 'aria-pressed="true" data-testid="watch"' in response.text
    # A double click watches once.
    client.post(reverse("tasks:task-watch", args=[task.pk]), {"watch": "1"}, headers=HX)
    assert Watch.objects.filter(user=specialist, task=task).count() == 1
    assert Watch.history.filter(task_id=task.pk, history_type="+").count() == 1
    client.post(reverse("tasks:task-watch", args=[task.pk]), {"watch": "0"})
    assert not Watch.objects.filter(user=specialist, task=task).exists()
    assert Watch.history.filter(task_id=task.pk, history_type="-").count() == 1


def test_watching_an_invisible_task_is_not_found(client, specialist, outsider):
    task = TaskFactory(title="Чужая", responsible=outsider, author=outsider)
    client.force_login(specialist)
    response = client.post(reverse("tasks:task-watch", args=[task.pk]), {"watch": "1"})
    assert response.status_code == 404
    assert not Watch.objects.exists()


def test_the_methodologist_may_watch_any_task(client, methodologist, outsider):
    task = TaskFactory(title="Чужая", responsible=outsider, author=outsider)
    client.force_login(methodologist)
    client.post(reverse("tasks:task-watch", args=[task.pk]), {"watch": "1"})
    assert Watch.objects.filter(user=methodologist, task=task).exists()


# --- saved filters ----------------------------------------------------------------------------


def test_save_a_filter_and_see_its_count(client, head, specialist):
    TaskFactory.create_batch(3, responsible=specialist, author=head, deadline=in_days(-2))
    TaskFactory(responsible=specialist, author=head)
    client.force_login(head)
    response = client.post(
        reverse("tasks:saved-filter-create"),
        {"name": "Просроченные", "query": "q=&overdue=1&junk=2&status="},
        follow=True,
    )
    saved = SavedFilter.objects.get(owner=head)
    assert saved.query == "overdue=1"
    assert saved.history.count() == 1
    assert "Просроченные" in response.text
    assert re.search(r'data-testid="saved-count"[^>]*>3<', response.text)
    assert found_count(response) == 3


def test_a_saved_name_is_unique_and_a_double_submit_saves_once(client, head):
    client.force_login(head)
    for _ in range(2):
        response = client.post(
            reverse("tasks:saved-filter-create"), {"name": "Мои", "query": "overdue=1"}, follow=True
        )
    assert SavedFilter.objects.filter(owner=head).count() == 1
    assert ru("You already have a filter with this name.") in response.text


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("", "Give the filter a name."),
        ("   ", "Give the filter a name."),
        ("x" * 81, "At most %(limit)s characters, please."),
        ("a\x00b", None),
    ],
)
def test_a_bad_name_saves_nothing(client, head, name, said):
    client.force_login(head)
    response = client.post(
        reverse("tasks:saved-filter-create"), {"name": name, "query": ""}, follow=True
    )
    assert response.status_code == 200
    assert not SavedFilter.objects.exists()
    if said:
        assert (ru(said, limit=80) if "%" in said else ru(said)) in response.text


def test_a_name_with_html_is_shown_as_text(client, head):
    client.force_login(head)
    response = client.post(
        reverse("tasks:saved-filter-create"), {"name": "<b>жирный</b>", "query": ""}, follow=True
    )
    assert "&lt;b&gt;жирный&lt;/b&gt;" in response.text
    assert "<b>жирный</b>" not in response.text


def test_at_most_twenty_saved_filters(client, head):
    for n in range(MAX_SAVED_FILTERS):
        services.save_filter(owner=head, name=f"Фильтр {n}", query=f"status=new&page={n}")
    client.force_login(head)
    response = client.post(
        reverse("tasks:saved-filter-create"), {"name": "Ещё", "query": ""}, follow=True
    )
    assert SavedFilter.objects.filter(owner=head).count() == MAX_SAVED_FILTERS
    assert ru("At most %(limit)s saved filters: delete one first.", limit=20) in response.text


def test_rename_and_delete_a_saved_filter(client, head):
    saved = services.save_filter(owner=head, name="Старое", query="overdue=1")
    services.save_filter(owner=head, name="Другое", query="")
    client.force_login(head)
    response = client.post(
        reverse("tasks:saved-filter-rename", args=[saved.pk]), {"name": "Другое"}, follow=True
    )
    assert ru("You already have a filter with this name.") in response.text
    client.post(reverse("tasks:saved-filter-rename", args=[saved.pk]), {"name": "Новое"})
    saved.refresh_from_db()
    assert saved.name == "Новое"
    client.post(reverse("tasks:saved-filter-delete", args=[saved.pk]))
    response = client.post(reverse("tasks:saved-filter-delete", args=[saved.pk]), follow=True)
    assert response.status_code == 200
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    assert SavedFilter.history.filter(id=saved.pk, history_type="-").count() == 1


def test_another_persons_saved_filter_cannot_be_touched(client, head, specialist):
    saved = services.save_filter(owner=head, name="Начальника", query="")
    client.force_login(specialist)
    rename = client.post(reverse("tasks:saved-filter-rename", args=[saved.pk]), {"name": "Моё"})
    assert rename.status_code == 404
    client.post(reverse("tasks:saved-filter-delete", args=[saved.pk]))
    saved.refresh_from_db()
    assert saved.name == "Начальника"
    assert "Начальника" not in client.get(SEARCH).text


# --- the query count --------------------------------------------------------------------------


def fill(head, specialist, colleague, n: int) -> None:
    """n tasks of each kind: overdue with a matching comment and a checklist, due soon, done."""
    for _ in range(n):
        late = TaskFactory(
            title="Совещание по земле", responsible=specialist, author=head, deadline=in_days(-2)
        )
        Comment.objects.create(task=late, author=head, body="жиналысқа дайын")
        late.checklist.create(text="Пункт")
        TaskFactory(title="Совещание", responsible=colleague, author=head, deadline=in_days(0.1))
        TaskFactory(title="Готово", responsible=specialist, author=head, status=Status.DONE)


def test_the_query_count_is_the_same_at_ten_times_the_data(
    client, head, specialist, colleague, django_assert_num_queries
):
    # session, user, roles (the visibility), the page's count, the page's rows (figures,
    # pending moves), the co-executed tasks' ids, their checklists (prefetch), the saved
    # filters, their counts (one aggregate), the bell, the directorates, the people
    for name, query in (("Слово", "q=жиналыс"), ("Просрочено", "overdue=1"), ("Все", "")):
        services.save_filter(owner=head, name=name, query=query)
    client.force_login(head)
    params = {"q": "совещание", "status": "open"}
    fill(head, specialist, colleague, 1)
    with django_assert_num_queries(12):
        small = client.get(SEARCH, params)
    fill(head, specialist, colleague, 14)
    with django_assert_num_queries(12):
        large = client.get(SEARCH, params)
    assert found_count(small) == 2
    assert found_count(large) == 30
    counts = re.findall(r'data-testid="saved-count"[^>]*>(\d+)<', small.text)
    assert counts == ["3", "1", "1"]  # Все, Просрочено, Слово (by name)
    counts = re.findall(r'data-testid="saved-count"[^>]*>(\d+)<', large.text)
    assert counts == ["45", "15", "15"]
    assert len(titles(large)) == 25


def test_the_indexes_are_used(head, specialist):
    """The words are read from the two expression indexes (no row-by-row vectors)."""
    from tasks.search import Filters, found

    TaskFactory(title="Совещание", responsible=specialist, author=head)
    deputy_like = UserFactory(username="deputy2", roles=["deputy"])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = found(Filters(q="совещание"), user=deputy_like, at=timezone.now()).explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "task_search" in plan
    assert "task_comment_search" in plan


def test_the_page_speaks_kazakh(client, head, specialist):
    TaskFactory(title="Жиналыс", responsible=specialist, author=head)
    head.language = "kk"
    head.save(update_fields=["language"])
    client.force_login(head)
    response = client.get(SEARCH)
    for said in ("Тапсырмаларды іздеу", "Мен берген", "Бақылаудағы", "Сақталған сүзгілер"):
        assert said in response.text
    for english in ("Search tasks", "Assigned by me", "Saved filters", "Deadline from"):
        assert english not in response.text


# --- the export of what was found ---------------------------------------------------------------


def test_the_export_holds_every_task_found_and_only_those(client, head, specialist, outsider):
    """The whole result, past the page's 25, with the same words, filters and sight."""
    found = [
        TaskFactory(title=f"Совещание с фермерами № {n}", responsible=specialist, author=head)
        for n in range(30)
    ]
    late = TaskFactory(
        title="Совещание по субсидиям", responsible=specialist, author=head, deadline=in_days(-3)
    )
    TaskFactory(title="Отчёт по земле", responsible=specialist, author=head)
    TaskFactory(title="Совещание другого управления", responsible=outsider, author=outsider)
    client.force_login(head)
    page = client.get(SEARCH, {"q": "совещание"})
    assert found_count(page) == 31
    assert 'href="?q=%D1%81%D0%BE%D0%B2%D0%B5%D1%89%D0%B0%D0%BD%D0%B8%D0%B5&amp;export=xlsx"' in (
        page.text
    )
    response = client.get(SEARCH, {"q": "совещание", "export": "xlsx"})
    assert file_name(response) == "Поиск задач 18.11.2026.xlsx"
    table = lines(response)
    assert table[0][:2] == ["№", "Задача"]
    assert sorted(row[0] for row in table[1:]) == sorted(t.pk for t in [*found, late])
    # A filter is carried as the page carries it: only the overdue one.
    overdue = lines(client.get(SEARCH, {"q": "совещание", "overdue": "1", "export": "csv"}))
    assert [(row[0], row[6]) for row in overdue[1:]] == [(str(late.pk), "да")]


def test_no_export_is_offered_when_nothing_is_found(client, head):
    client.force_login(head)
    page = client.get(SEARCH, {"q": "несуществующееслово"})
    assert found_count(page) == 0
    assert "export=xlsx" not in page.text


def test_the_export_query_count_is_the_same_at_ten_times_the_data(
    client, head, specialist, django_assert_num_queries
):
    client.force_login(head)
    for n in range(3):
        TaskFactory(title=f"Совещание № {n}", responsible=specialist, author=head)
    # session, user; the head's directorates (sight); the count; the lines
    with django_assert_num_queries(5):
        small = lines(client.get(SEARCH, {"q": "совещание", "export": "xlsx"}))
    for n in range(27):
        TaskFactory(title=f"Совещание № {n}", responsible=specialist, author=head)
    with django_assert_num_queries(5):
        large = lines(client.get(SEARCH, {"q": "совещание", "export": "xlsx"}))
    assert (len(small), len(large)) == (1 + 3, 1 + 30)
