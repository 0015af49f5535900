"""Cheap hostile input over HTTP (finding 2 and 9 of issue 15): a NUL byte, years 0001 and 9999,
bidi overrides and invisible-only text in every search box, date parameter and form get a clear
message or an empty result, never a 500, and create nothing.

No import of the cleaning layer here, so the tests can be run against the code without it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import ensure_calendar
from journal.models import Entry, EntryAttachment, Indicator
from plans.models import Cycle
from scores.models import ScoreDispute
from tasks.models import Absence, Attachment, StandupNote, Task
from tests.tasks.factories import TaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock", "_calendar")]

NUL, BIDI, INVISIBLE = "ab\x00cd", "\u202eabc\u202c", "\u200b\u200c\u2060\ufeff"
HOSTILE = [NUL, "0001-01-01", "9999-12-31", BIDI, INVISIBLE]
REQUIRED = "Обязательное поле."
NUL_SAID = "нулевой символ (NUL)"
OUT_OF_RANGE = "между 01.01.1900 и 31.12.2100"


@pytest.fixture
def _calendar(db):
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=60), end=today + dt.timedelta(days=120))


@pytest.fixture
def persona(request, head, specialist, deputy, methodologist, receptionist):
    return {
        "head": head,
        "specialist": specialist,
        "deputy": deputy,
        "methodologist": methodologist,
        "receptionist": receptionist,
    }


# --- query parameters ------------------------------------------------------------------------

QUERIES = [
    ("/people/", "q", "specialist"),
    ("/tasks/people/", "q", "specialist"),
    ("/tasks/", "overdue_page", "specialist"),
    ("/tasks/board/", "department", "head"),
    ("/tasks/board/", "person", "head"),
    ("/tasks/board/", "priority", "head"),
    ("/tasks/standup/", "department", "head"),
    ("/tasks/search/", "q", "head"),
    ("/tasks/search/", "status", "head"),
    ("/tasks/search/", "department", "deputy"),
    ("/tasks/search/", "responsible", "head"),
    ("/tasks/search/", "author", "head"),
    ("/tasks/search/", "source", "head"),
    ("/tasks/search/", "deadline_from", "head"),
    ("/tasks/search/", "deadline_to", "head"),
    ("/tasks/search/", "tab", "specialist"),
    ("/tasks/search/", "page", "deputy"),
    ("/reception/", "ticket", "receptionist"),
    ("/reception/", "visitor", "receptionist"),
    ("/reception/", "purpose", "receptionist"),
    ("/reception/log/", "day", "deputy"),
    ("/reception/log/", "page", "deputy"),
    ("/reception/stats/", "period", "deputy"),
    ("/reception/cases/", "state", "deputy"),
    ("/journal/", "date", "methodologist"),
    ("/journal/new/", "date", "methodologist"),
    ("/journal/new/", "kind", "methodologist"),
    ("/journal/tags/", "tags", "methodologist"),
    ("/journal/links/tasks/", "q", "methodologist"),
    ("/journal/links/people/", "people_q", "methodologist"),
    ("/journal/search/", "q", "methodologist"),
    ("/journal/search/", "date_from", "methodologist"),
    ("/journal/search/", "date_to", "methodologist"),
    ("/journal/search/", "page", "methodologist"),
    ("/journal/export/", "date_from", "methodologist"),
    ("/score/", "date", "specialist"),
    ("/score/", "person", "head"),
    ("/score/disputes/", "show", "head"),
    ("/plans/cycles/new/", "department", "head"),
]


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "year-1", "year-9999", "bidi", "invisible"])
@pytest.mark.parametrize("path, name, who", QUERIES, ids=[f"{p}?{n}" for p, n, _ in QUERIES])
def test_a_hostile_query_parameter_never_gets_a_500(client, persona, path, name, who, value):
    client.force_login(persona[who])
    response = client.get(path, {name: value})
    assert response.status_code < 500
    if response.status_code == 200 and not response.get("Content-Disposition"):
        assert "\x00" not in response.content.decode()
        assert "\u202e" not in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "year-1", "year-9999", "bidi", "invisible"])
@pytest.mark.parametrize("name", ["iin", "full_name", "phone"])
def test_a_hostile_visitor_lookup_never_gets_a_500(client, receptionist, name, value):
    # The desk's lookup is a POST, so that no IIN reaches a URL.
    client.force_login(receptionist)
    response = client.post("/reception/visitors/", {name: value})
    assert response.status_code == 200
    assert "\x00" not in response.text and "\u202e" not in response.text


def test_a_nul_in_the_logbook_search_is_named_and_finds_nothing(client, methodologist):
    client.force_login(methodologist)
    response = client.get("/journal/search/", {"q": NUL})
    assert response.status_code == 200 and NUL_SAID in response.text


def test_a_day_out_of_range_in_the_logbook_shows_today_with_a_message(client, methodologist):
    client.force_login(methodologist)
    response = client.get("/journal/", {"date": "9999-12-31"}, follow=True)
    assert response.status_code == 200
    assert "Такой даты нет — показан сегодняшний день." in response.text


# --- forms -----------------------------------------------------------------------------------


def _task_data(specialist, **changes):
    day = timezone.localdate() + dt.timedelta(days=5)
    data = {
        "title": "Подготовить справку",
        "responsible": specialist.pk,
        "deadline_date": day.isoformat(),
        "priority": 3,
        "source": "instruction",
        "source_number": "12-04/1234",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": NUL}, "title", NUL_SAID),
        ({"title": INVISIBLE}, "title", REQUIRED),
        ({"title": " \u202e\u2066 "}, "title", REQUIRED),
        ({"deadline_date": "0001-01-01"}, "deadline_date", OUT_OF_RANGE),
        ({"deadline_date": "2999-01-01"}, "deadline_date", OUT_OF_RANGE),
        ({"deadline_date": "9999-12-31"}, "deadline_date", OUT_OF_RANGE),
        ({"source_date": "0001-01-01"}, "source_date", OUT_OF_RANGE),
        ({"source_date": "9999-12-31"}, "source_date", OUT_OF_RANGE),
    ],
)
def test_a_task_with_hostile_input_is_refused_with_a_message(
    client, head, specialist, changes, field, message
):
    client.force_login(head)
    response = client.post(reverse("tasks:task-create"), _task_data(specialist, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.text
    assert not Task.objects.exists()


def test_bidi_and_control_characters_are_not_stored(client, head, specialist):
    client.force_login(head)
    title = "Справка\u202e fdp.exe\x07"
    description = "Первая\r\nвторая\u2067 строка\x1b"
    response = client.post(
        reverse("tasks:task-create"),
        _task_data(specialist, title=title, description=description),
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.title, task.description) == ("Справка fdp.exe", "Первая\nвторая строка")


@pytest.mark.parametrize("start, end", [("0001-01-01", None), (None, "9999-12-31")])
def test_an_absence_out_of_range_is_refused(client, head, specialist, colleague, start, end):
    client.force_login(head)
    today = timezone.localdate()
    response = client.post(
        reverse("tasks:absences"),
        {
            "user": specialist.pk,
            "kind": "leave",
            "start": start or today.isoformat(),
            "end": end or (today + dt.timedelta(days=7)).isoformat(),
            "acting": colleague.pk,
        },
    )
    assert response.status_code == 200 and OUT_OF_RANGE in response.text
    assert not Absence.objects.exists()


def test_a_cycle_starting_in_year_9999_is_refused(client, head, department):
    client.force_login(head)
    response = client.post(
        reverse("plans:cycle-create"), {"department": department.pk, "start": "9999-12-27"}
    )
    assert response.status_code == 200 and OUT_OF_RANGE in response.text
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-06", "2999-01-06"])
def test_an_indicator_baseline_out_of_range_is_refused(client, methodologist, day):
    client.force_login(methodologist)
    data = {
        "slug": "off-target", "name_ru": "Нецелевое время", "name_kk": "Мақсатсыз уақыт",
        "unit_ru": "%", "unit_kk": "%", "source": "manual", "lower_is_better": "on",
        "baseline_value": "22", "baseline_start": day, "baseline_end": "2025-02-02",
        "position": "0",
    }  # fmt: skip
    response = client.post(reverse("journal:indicator-create"), data)
    assert response.status_code == 200 and OUT_OF_RANGE in response.text
    assert not Indicator.objects.exists()


@pytest.mark.parametrize("body", [NUL, INVISIBLE, BIDI[:1] + "\u202c"])
def test_a_quick_logbook_entry_of_hostile_text_is_refused(client, methodologist, body):
    client.force_login(methodologist)
    response = client.post(reverse("journal:entry-quick"), {"body": body, "kind": "note"})
    assert response.status_code == 200
    assert NUL_SAID in response.text or "запись не может быть пустой" in response.text
    assert not Entry.objects.exists()


def test_invisible_stand_up_blockers_count_as_none(client, specialist):
    client.force_login(specialist)
    response = client.post(reverse("tasks:standup-blockers"), {"blockers": INVISIBLE})
    assert response.status_code == 302
    assert not StandupNote.objects.exists()
    client.post(reverse("tasks:standup-blockers"), {"blockers": "Нет\u202e доступа"})
    assert StandupNote.objects.get().blockers == "Нет доступа"


def test_a_dispute_with_a_nul_is_refused(client, specialist):
    client.force_login(specialist)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("score-dispute"), {"date": yesterday.isoformat(), "comment": NUL}
    )
    assert response.status_code == 200 and NUL_SAID in response.text
    assert not ScoreDispute.objects.exists()


# --- attachments -----------------------------------------------------------------------------

LONG_NAME = "Протокол " + "я" * 287 + ".pdf"  # 300 characters, 580 bytes in UTF-8


def test_a_task_attachment_with_a_300_character_name_is_kept(client, head, specialist):
    task = TaskFactory(author=head, responsible=specialist)
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:attachment-upload", args=[task.pk]),
        {"file": SimpleUploadedFile(LONG_NAME, b"%PDF-1.4 test"), "from": "detail"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name.startswith("Протокол яяя") and attachment.name.endswith(".pdf")
    assert attachment.file.name.endswith(".pdf")
    download = client.get(attachment.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_a_logbook_file_with_a_300_character_name_is_kept(client, methodologist):
    client.force_login(methodologist)
    data = {
        "occurred_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "occurred_time": "10:30",
        "kind": "meeting",
        "body": "Совещание",
        "files": [SimpleUploadedFile(LONG_NAME, b"%PDF-1.4 test")],
    }
    response = client.post(reverse("journal:entry-create"), data)
    assert response.status_code == 302
    attachment = EntryAttachment.objects.get()
    assert attachment.name.endswith(".pdf") and attachment.file.name.endswith(".pdf")
    download = client.get(attachment.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
