"""The logbook's pages over HTTP: who sees what, the quick entry with and without htmx, the
forms' bad input, export, indicators, and the same number of queries at ten times the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from docx import Document

from journal import export, services
from journal.models import Entry, EntryVersion, Export, Kind, Reading, Source
from tests.factories import UserFactory
from tests.journal.conftest import ago, at
from tests.journal.factories import EntryFactory, IndicatorFactory, ReadingFactory, TagFactory
from tests.reception.factories import ServiceFactory, VisitFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
DAY = reverse("journal:day")
QUICK = reverse("journal:entry-quick")
NEW = reverse("journal:entry-create")
SEARCH = reverse("journal:search")
EXPORT = reverse("journal:export")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=["admin"], is_superuser=True, is_staff=True)


@pytest.fixture
def entry(methodologist, department):
    return services.create_entry(
        author=methodologist,
        kind=Kind.MEETING,
        title="Планёрка управления",
        body="Совещание по графику приёма шло **сорок** минут.",
        tags=["совещание"],
        departments=[department],
        duration_minutes=40,
    )


def today_iso() -> str:
    return timezone.localdate().isoformat()


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("methodologist", True),
        ("deputy", True),
        ("admin_user", True),
        ("head", False),
        ("specialist", False),
        ("receptionist", False),
        ("outsider", False),
    ],
)
def test_who_reads_an_entry(client, request, entry, persona, sees):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(entry.get_absolute_url())
    assert response.status_code == (200 if sees else 404)
    day = client.get(DAY)
    assert (entry.title in day.text) is sees


@pytest.mark.parametrize(
    "persona, sees", [("head", True), ("specialist", True), ("outsider", False)]
)
def test_an_entry_shared_with_a_directorate_is_read_there(
    client, request, methodologist, department, persona, sees
):
    shared = services.create_entry(
        author=methodologist, body="Стендап прошёл за 12 минут.", shared_with=[department]
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(shared.get_absolute_url()).status_code == (200 if sees else 404)
    found = client.get(SEARCH, {"q": "стендап"})
    assert (shared in list(found.context["page"])) is sees


@pytest.mark.parametrize("persona", ["deputy", "head", "specialist", "receptionist"])
def test_only_the_methodologist_writes_over_http(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(QUICK, {"body": "Попытка", "kind": Kind.NOTE}).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(reverse("journal:tag-options"), {"tags": "со"}).status_code == 403
    assert not Entry.objects.exists()


def test_a_withdrawn_entry_is_seen_only_by_the_admin_with_its_reason(
    client, entry, methodologist, deputy, admin_user
):
    services.withdraw_entry(entry=entry, actor=methodologist, reason="Ошиблась управлением")
    client.force_login(deputy)
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(methodologist)
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    page = client.get(entry.get_absolute_url())
    assert "Ошиблась управлением" in page.text and "сорок" in page.text


@pytest.mark.parametrize("persona", ["head", "specialist", "receptionist"])
def test_indicators_are_for_the_methodologist_deputy_and_admin(client, request, persona):
    indicator = IndicatorFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("journal:indicator-list")).status_code == 403
    assert client.get(indicator.get_absolute_url()).status_code == 403


def test_the_deputy_reads_indicators_but_cannot_enter_readings(client, deputy):
    indicator = IndicatorFactory()
    client.force_login(deputy)
    assert client.get(indicator.get_absolute_url()).status_code == 200
    url = reverse("journal:reading-add", args=[indicator.pk])
    assert client.post(url, {"date": today_iso(), "value": "5"}).status_code == 403
    assert not Reading.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client, entry):
    for url in (DAY, SEARCH, entry.get_absolute_url(), reverse("journal:indicator-list")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the day view and the quick entry --------------------------------------------------------


def test_the_day_view_lists_that_days_entries_in_time_order(client, methodologist):
    day = timezone.localdate() - dt.timedelta(days=3)
    late = EntryFactory(author=methodologist, title="Вечер", occurred_at=at(day, 17))
    early = EntryFactory(author=methodologist, title="Утро", occurred_at=at(day, 9))
    EntryFactory(
        author=methodologist, title="Другой день", occurred_at=at(day - dt.timedelta(days=1), 9)
    )
    client.force_login(methodologist)
    response = client.get(DAY, {"date": day.isoformat()})
    assert response.context["entries"] == [early, late]
    assert "Другой день" not in response.text
    marked = {c.date: c.entries for w in response.context["weeks"] for c in w if c.entries}
    assert marked[day] == 2 and marked[day - dt.timedelta(days=1)] == 1
    assert f'?date={(day - dt.timedelta(days=1)).isoformat()}"' in response.text  # previous day


def test_a_bad_date_shows_today_with_a_message(client, methodologist):
    client.force_login(methodologist)
    response = client.get(DAY, {"date": "2025-02-30"}, follow=True)
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert "Такой даты нет" in response.text


def test_htmx_day_navigation_returns_only_the_day(client, methodologist):
    client.force_login(methodologist)
    response = client.get(DAY, {"date": today_iso()}, headers={**HX, "HX-Target": "day-log"})
    assert response.text.lstrip().startswith('<div id="day-log"')
    assert "<html" not in response.text and 'id="quick-entry"' not in response.text


def test_quick_entry_through_htmx_returns_the_fresh_form_and_the_day(client, methodologist):
    client.force_login(methodologist)
    response = client.post(
        QUICK,
        {"body": "Стендап занял *14* минут", "kind": Kind.STANDUP, "tags": "стендап, 12 недель", "day": today_iso()},
        headers=HX,
    )  # fmt: skip
    entry = Entry.objects.get()
    assert entry.kind == Kind.STANDUP and {t.name for t in entry.tags.all()} == {
        "стендап",
        "12 недель",
    }
    assert "<html" not in response.text
    assert 'id="quick-entry"' in response.text and 'hx-swap-oob="true"' in response.text
    assert f'id="entry-{entry.pk}"' in response.text and "<em>14</em>" in response.text
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "success"


def test_quick_entry_while_another_day_is_shown_saves_under_today(client, methodologist):
    client.force_login(methodologist)
    earlier = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    response = client.post(QUICK, {"body": "Запись", "kind": Kind.NOTE, "day": earlier}, headers=HX)
    assert 'hx-swap-oob="true"' not in response.text
    assert "под сегодняшним днём" in json.loads(response["HX-Trigger"])["notify"]["text"]


def test_quick_entry_without_htmx_redirects_to_the_day(client, methodologist):
    client.force_login(methodologist)
    response = client.post(QUICK, {"body": "Без htmx", "kind": Kind.NOTE})
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?date={today_iso()}#entry-{entry.pk}")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"body": "", "kind": Kind.NOTE}, "запись не может быть пустой"),
        ({"body": "   ", "kind": Kind.NOTE}, "запись не может быть пустой"),
        ({"body": "<script>alert(1)</script>", "kind": Kind.NOTE}, "небезопасной разметки"),
        ({"body": "Текст", "kind": "party"}, "Выберите корректный вариант"),
        ({"body": "Текст", "kind": Kind.NOTE, "tags": ",".join(f"т{n}" for n in range(12))}, "Не больше 10 тегов"),
        ({"body": "я" * 100_001, "kind": Kind.NOTE}, "100000"),
    ],
)  # fmt: skip
def test_quick_entry_bad_input_shows_the_form_with_a_message(client, methodologist, data, message):
    client.force_login(methodologist)
    response = client.post(QUICK, data, headers=HX)
    assert response.status_code == 200
    assert message in response.text
    assert 'id="quick-entry"' in response.text and "HX-Trigger" not in response
    assert not Entry.objects.exists()


def test_a_huge_request_gets_the_400_page_not_a_500(client, methodologist):
    client.force_login(methodologist)
    response = client.post(QUICK, {"body": "я" * 3_000_000, "kind": Kind.NOTE})
    assert response.status_code == 400
    assert not Entry.objects.exists()


# --- the full form ---------------------------------------------------------------------------


def form_data(**changes) -> dict[str, object]:
    data: dict[str, object] = {
        "occurred_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "occurred_time": "10:30",
        "kind": Kind.MEETING,
        "title": "",
        "body": "Совещание по субсидиям.\n\nРешение: **принять**.",
        "tags": "совещание",
        "duration_minutes": "45",
    }
    data.update(changes)
    return data


def test_the_full_form_writes_a_back_dated_meeting_with_links(
    client, methodologist, department, head, specialist
):
    task = TaskFactory(author=head, responsible=specialist)
    client.force_login(methodologist)
    response = client.post(
        NEW,
        form_data(
            participants=[head.pk, specialist.pk], people=[specialist.pk], tasks=[task.pk],
            departments=[department.pk], shared_with=[department.pk],
        ),
    )  # fmt: skip
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert timezone.localtime(entry.occurred_at).time() == dt.time(10, 30)
    assert entry.duration_minutes == 45 and set(entry.participants.all()) == {head, specialist}
    assert list(entry.tasks.all()) == [task] and list(entry.shared_with.all()) == [department]
    page = client.get(entry.get_absolute_url())
    assert entry.heading == "Совещание по субсидиям."
    assert "<strong>принять</strong>" in page.text and f"№ {task.pk}" in page.text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"occurred_date": "2099-01-01"}, "occurred_date", "не может быть в будущем"),
        ({"occurred_date": "2025-02-30"}, "occurred_date", "Введите правильную дату"),
        ({"occurred_date": "1900-01-01"}, "occurred_date", "слишком далеко в прошлом"),
        ({"duration_minutes": "-5"}, "duration_minutes", None),
        ({"tasks": ["999999"]}, "tasks", "не существует или вам не виден"),
        ({"people": ["abc"]}, "people", None),
        ({"participants": ["999999"]}, "participants", None),
        ({"departments": ["999999"]}, "departments", None),
    ],
)
def test_the_full_form_refuses_bad_input(client, methodologist, changes, field, message):
    client.force_login(methodologist)
    response = client.post(NEW, form_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert message in response.text
    assert not Entry.objects.exists()


def test_a_link_to_a_task_the_author_cannot_see_is_refused(
    client, methodologist, head, specialist, monkeypatch
):
    hidden = TaskFactory(author=head, responsible=specialist)
    from tasks.models import TaskQuerySet

    original = TaskQuerySet.visible_to
    monkeypatch.setattr(
        TaskQuerySet, "visible_to", lambda self, user: original(self, user).exclude(pk=hidden.pk)
    )
    client.force_login(methodologist)
    response = client.post(NEW, form_data(tasks=[hidden.pk]))
    assert "tasks" in response.context["form"].errors
    assert not Entry.objects.exists()


def test_editing_after_the_grace_period_shows_the_earlier_text(client, methodologist):
    entry = services.create_entry(
        author=methodologist, body="Было 14 совещаний", written_at=ago(days=2)
    )
    client.force_login(methodologist)
    edit_url = reverse("journal:entry-edit", args=[entry.pk])
    form = client.get(edit_url)
    assert "будет сохранён как прежняя версия" in form.text
    initial = form.context["form"].initial
    data = form_data(
        version=initial["version"], body="Было 12 совещаний", kind=Kind.NOTE,
        occurred_date=initial["occurred_date"].isoformat(), occurred_time=initial["occurred_time"].strftime("%H:%M"),
    )  # fmt: skip
    assert client.post(edit_url, data).status_code == 302
    page = client.get(entry.get_absolute_url())
    assert "Было 12 совещаний" in page.text
    assert "см. прежний текст" in page.text and "Было 14 совещаний" in page.text
    assert EntryVersion.objects.get().body == "Было 14 совещаний"


def test_someone_else_cannot_edit_or_withdraw(client, entry, deputy):
    client.force_login(deputy)
    assert client.get(reverse("journal:entry-edit", args=[entry.pk])).status_code == 403
    url = reverse("journal:entry-withdraw", args=[entry.pk])
    assert client.post(url, {"reason": "хочу"}).status_code == 403
    assert not Entry.objects.get(pk=entry.pk).is_withdrawn


def test_withdrawing_over_http_needs_a_reason(client, entry, methodologist):
    client.force_login(methodologist)
    url = reverse("journal:entry-withdraw", args=[entry.pk])
    client.post(url, {"reason": ""})
    assert not Entry.objects.get(pk=entry.pk).is_withdrawn
    response = client.post(url, {"reason": "Дубль"})
    assert response.status_code == 302
    assert Entry.objects.get(pk=entry.pk).withdrawal_reason == "Дубль"


def test_search_as_you_type_options_for_tags_people_and_tasks(
    client, methodologist, head, specialist
):
    TagFactory(name="совещание")
    task = TaskFactory(author=head, responsible=specialist, title="Справка по субсидиям")
    client.force_login(methodologist)
    tags = client.get(reverse("journal:tag-options"), {"tags": "рецепция, сов", "field": "id_tags"})
    assert 'data-tag-pick="совещание"' in tags.text
    people = client.get(reverse("journal:link-options", args=["people"]), {"people_q": "Касым"})
    assert f'data-id="{specialist.pk}"' in people.text
    tasks = client.get(reverse("journal:link-options", args=["tasks"]), {"tasks_q": str(task.pk)})
    assert f'data-id="{task.pk}"' in tasks.text
    assert (
        client.get(reverse("journal:link-options", args=["secrets"]), {"q": "x"}).status_code == 404
    )


def test_attachments_are_served_only_to_readers(
    client, methodologist, outsider, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile(
        "доска.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png"
    )
    entry = services.create_entry(author=methodologist, body="Фото доски", files=[photo])
    url = entry.attachments.get().get_absolute_url()
    client.force_login(methodologist)
    response = client.get(url)
    assert response.status_code == 200 and "inline" in response["Content-Disposition"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


# --- search and export over HTTP -------------------------------------------------------------


def test_search_highlights_and_filters_and_htmx_gets_the_results_only(client, methodologist, entry):
    client.force_login(methodologist)
    response = client.get(SEARCH, {"q": "совещания"})
    assert list(response.context["page"]) == [entry]
    assert "<mark>Совещание</mark>" in response.text
    fragment = client.get(
        SEARCH, {"q": "совещания", "kind": Kind.NOTE}, headers={**HX, "HX-Target": "search-results"}
    )
    assert fragment.text.lstrip().startswith('<div id="search-results"')
    assert list(fragment.context_data["page"]) == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "2025-13-01"}, "Введите правильную дату"),
        ({"date_from": "2025-05-10", "date_to": "2025-05-01"}, "раньше его начала"),
        ({"tag": "999999"}, "Такого тега нет"),
        ({"department": "abc"}, "Такого управления нет"),
        ({"person": "-1"}, "Такого сотрудника нет"),
    ],
)
def test_search_bad_filters_get_a_message(client, methodologist, entry, params, message):
    client.force_login(methodologist)
    response = client.get(SEARCH, params)
    assert response.status_code == 200 and message in response.text


def test_search_text_of_only_signs_shows_everything_with_a_hint(client, methodologist, entry):
    client.force_login(methodologist)
    response = client.get(SEARCH, {"q": "'\"&|!:*()"})
    assert list(response.context["page"]) == [entry]
    assert "нет слов" in response.text


def test_export_to_word_and_csv(client, methodologist, entry, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(methodologist)
    params = {"date_from": today_iso(), "date_to": today_iso()}
    started = client.post(f"{EXPORT}?{urlencode({**params, 'format': 'docx'})}")
    job = Export.objects.get(owner=methodologist)
    assert started.status_code == 302 and started["Location"] == job.get_absolute_url()
    export.write_docx_export(export_id=job.pk)
    word = client.get(reverse("journal:export-download", args=[job.pk]))
    assert word.status_code == 200 and word["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    document = Document(io.BytesIO(b"".join(word.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Планёрка управления" in text and "Совещание по графику приёма шло сорок минут." in text
    assert "совещание" in text
    table = client.get(EXPORT, {**params, "format": "csv"})
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    assert (
        rows[0][0] == "Дата" and rows[1][3] == "Планёрка управления" and rows[1][5] == "совещание"
    )


def test_export_leaves_out_what_the_reader_cannot_see(
    client, methodologist, entry, head, department
):
    services.create_entry(author=methodologist, body="Общая запись", shared_with=[department])
    client.force_login(head)
    table = client.get(EXPORT, {"date_from": today_iso(), "date_to": today_iso(), "format": "csv"})
    body = table.content.decode("utf-8-sig")
    assert "Общая запись" in body and "Планёрка управления" not in body


def test_a_spreadsheet_formula_in_an_entry_is_exported_as_text(client, methodologist):
    services.create_entry(author=methodologist, body='=HYPERLINK("http://evil.example")')
    client.force_login(methodologist)
    table = client.get(EXPORT, {"date_from": today_iso(), "date_to": today_iso(), "format": "csv"})
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][4].startswith("'=")


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2024-01-01", "date_to": "2025-12-31", "format": "docx"},
        {"date_from": "2025-02-30", "date_to": "2025-03-01", "format": "csv"},
        {"date_to": "2025-03-01", "format": "csv"},
        {"date_from": "2025-03-01", "date_to": "2025-03-02", "format": "pdf"},
    ],
)
def test_a_bad_export_range_goes_back_to_search_with_a_message(client, methodologist, params):
    client.force_login(methodologist)
    response = client.get(EXPORT, params, follow=True)
    assert response.redirect_chain[-1][0] == SEARCH
    assert response.context["messages"]


# --- indicators over HTTP --------------------------------------------------------------------


def test_the_indicator_page_states_the_change_and_carries_the_chart(client, methodologist):
    tag = TagFactory(name="совещание")
    indicator = IndicatorFactory(baseline_value=Decimal("10"), tag=tag)
    ReadingFactory(
        indicator=indicator, date=timezone.localdate() - dt.timedelta(weeks=2), value=Decimal("9")
    )
    ReadingFactory(
        indicator=indicator, date=timezone.localdate() - dt.timedelta(weeks=1), value=Decimal("8")
    )
    marker = EntryFactory(
        author=methodologist, title="Отменили планёрку", occurred_at=ago(days=3), tags=[tag]
    )
    client.force_login(methodologist)
    response = client.get(indicator.get_absolute_url())
    assert "−20 % к базовому уровню" in response.text
    chart = response.context["chart"]
    assert [p["y"] for p in chart["readings"]] == [9.0, 8.0]
    assert chart["baseline"] == 10.0 and chart["target"] == 8.0
    assert chart["markers"][0]["url"] == marker.get_absolute_url()
    assert 'id="indicator-chart-data"' in response.text
    listing = client.get(reverse("journal:indicator-list"))
    assert "−20 %" in listing.text


def test_the_methodologist_enters_a_reading_and_recomputes(client, methodologist):
    manual = IndicatorFactory()
    computed = IndicatorFactory(source=Source.MEETINGS)
    client.force_login(methodologist)
    url = reverse("journal:reading-add", args=[manual.pk])
    client.post(url, {"date": today_iso(), "value": "7.5", "note": "опрос"})
    assert manual.readings.get().value == Decimal("7.50")
    client.post(url, {"date": "2099-01-01", "value": "1"})
    client.post(url, {"date": today_iso(), "value": "много"})
    assert manual.readings.count() == 1
    response = client.post(reverse("journal:indicator-compute", args=[computed.pk]), follow=True)
    assert computed.readings.count() == 12  # twelve whole weeks, none with meetings: zero each
    assert "12" in str(list(response.context["messages"])[-1])


def test_the_methodologist_creates_an_indicator_and_a_bad_period_is_refused(client, methodologist):
    client.force_login(methodologist)
    data = {
        "slug": "off-target", "name_ru": "Нецелевое время", "name_kk": "Мақсатсыз уақыт",
        "unit_ru": "%", "unit_kk": "%", "source": Source.MANUAL, "lower_is_better": "on",
        "baseline_value": "22", "baseline_start": "2025-01-06", "baseline_end": "2025-01-01",
        "position": "0",
    }  # fmt: skip
    response = client.post(reverse("journal:indicator-create"), data)
    assert response.status_code == 200 and "раньше его начала" in response.text
    data["baseline_end"] = "2025-02-02"
    response = client.post(reverse("journal:indicator-create"), data)
    assert response.status_code == 302


# --- the same number of queries at ten times the data ----------------------------------------


def fill(methodologist, department, day: dt.date, count: int) -> None:
    tags = [TagFactory(name="совещание"), TagFactory(name="стендап")]
    person = UserFactory(department=department)
    visit = VisitFactory(service=ServiceFactory(department=department), day=day)
    for n in range(count):
        entry = EntryFactory(
            author=methodologist, kind=Kind.MEETING, title=f"Совещание {n}",
            body=f"Совещание номер {n} о приёме.", occurred_at=at(day, 9, n % 60), tags=tags,
        )  # fmt: skip
        entry.departments.add(department)
        entry.people.add(person)
        entry.participants.add(person)
        entry.visits.add(visit)


def test_the_day_view_runs_the_same_queries_at_ten_times_the_entries(
    client, methodologist, department, django_assert_num_queries
):
    # session, user, the user's roles (menu), the day's entries with author and counts of files
    # and versions, their tags, directorates, people, participants, tasks and visits
    # (prefetches; visits with their service), the month's calendar marks, the bell
    client.force_login(methodologist)
    day = timezone.localdate() - dt.timedelta(days=1)
    fill(methodologist, department, day, 3)
    with django_assert_num_queries(12):
        small = client.get(DAY, {"date": day.isoformat()})
    fill(methodologist, department, day, 27)
    with django_assert_num_queries(12):
        large = client.get(DAY, {"date": day.isoformat()})
    assert len(small.context["entries"]) == 3
    assert len(large.context["entries"]) == 30
    assert large.text.count('class="card mb-3 entry"') == 30
    assert large.text.count(f"</a> {day:%d.%m.%Y} (") == 30  # every card's linked visit


def test_search_runs_the_same_queries_at_ten_times_the_entries(
    client, methodologist, department, django_assert_num_queries
):
    # session, user, the user's roles, the chosen directorate (validating the filter), the
    # person filter's people, the tag and directorate choices, the count of matches, the page of
    # matches with headlines, their tags, the tag counts over the matches, the bell
    client.force_login(methodologist)
    day = timezone.localdate() - dt.timedelta(days=1)
    fill(methodologist, department, day, 3)
    params = {"q": "совещания", "department": department.pk}
    with django_assert_num_queries(12):
        small = client.get(SEARCH, params)
    fill(methodologist, department, day, 27)
    with django_assert_num_queries(12):
        large = client.get(SEARCH, params)
    assert small.context["page"].paginator.count == 3
    assert large.context["page"].paginator.count == 30
    assert {t.name: t.n for t in large.context["tags"]} == {"совещание": 30, "стендап": 30}
