"""Writing the logbook: sanitising, tags, links, versions after the grace period, withdrawal,
and the database's refusal to delete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from akimat.versions import Conflict
from journal import services
from journal.models import Entry, EntryAttachment, EntryVersion, Kind, Tag
from journal.rendering import render_markdown
from tests.journal.conftest import ago

pytestmark = pytest.mark.django_db


def write(author, body="Стендап прошёл за 12 минут.", **fields) -> Entry:
    return services.create_entry(author=author, body=body, **fields)


def edit(entry: Entry, actor, **changes) -> Entry:
    fields = {
        "body": entry.body,
        "kind": entry.kind,
        "title": entry.title,
        "occurred_at": entry.occurred_at,
        "tags": [t.name for t in entry.tags.all()],
        "departments": list(entry.departments.all()),
        "people": list(entry.people.all()),
        "tasks": list(entry.tasks.all()),
        "participants": list(entry.participants.all()),
        "duration_minutes": entry.duration_minutes,
        "shared_with": list(entry.shared_with.all()),
    }
    fields.update(changes)
    return services.update_entry(entry=entry, actor=actor, version=entry.version, **fields)


# --- sanitising ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown, forbidden",
    [
        ("Текст <script>alert('x')</script> дальше", "<script"),
        ("[ссылка](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">ссылка</a>', "javascript:"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p onclick="steal()">абзац</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>текст", "<style"),
        ("[ссылка](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ],
)
def test_markdown_is_rendered_without_anything_unsafe(markdown, forbidden):
    html = render_markdown(markdown)
    assert forbidden not in html.lower()


def test_markdown_keeps_what_an_entry_needs():
    html = render_markdown(
        "# Итоги\n\n**Жирный** и *курсив*, [сайт](https://shymkent.gov.kz)\n\n- один\n- два\n\n> цитата"
    )
    assert "<h3>Итоги</h3>" in html  # a heading sits under the page's own
    assert "<strong>Жирный</strong>" in html and "<em>курсив</em>" in html
    assert 'href="https://shymkent.gov.kz"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>один</li>" in html and "<blockquote>" in html


def test_entry_stores_sanitised_html_and_keeps_the_typed_text(methodologist):
    entry = write(methodologist, body="Итог: <script>alert(1)</script> **решено**")
    assert "<script" not in entry.body_html
    assert "<strong>решено</strong>" in entry.body_html
    assert "<script>" in Entry.objects.get(pk=entry.pk).body  # the record keeps what was typed


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["", "   \n\t ", "<script>alert(1)</script>", "<style>p{}</style>"]
)
def test_an_empty_entry_is_refused(methodologist, body):
    with pytest.raises(ValidationError) as error:
        write(methodologist, body=body)
    assert "body" in error.value.message_dict
    assert not Entry.objects.exists()


def test_megabytes_of_text_are_refused(methodologist):
    with pytest.raises(ValidationError) as error:
        write(methodologist, body="а" * 3_000_000)
    assert "body" in error.value.message_dict
    assert not Entry.objects.exists()


def test_a_date_in_the_future_is_refused(methodologist):
    with pytest.raises(ValidationError) as error:
        write(methodologist, occurred_at=timezone.now() + dt.timedelta(hours=2))
    assert "occurred_at" in error.value.message_dict
    assert not Entry.objects.exists()


def test_an_entry_can_be_back_dated(methodologist):
    entry = write(methodologist, occurred_at=ago(days=3))
    assert entry.occurred_at < ago(days=2)


@pytest.mark.parametrize("persona", ["deputy", "head", "specialist", "receptionist"])
def test_only_the_methodologist_writes(request, persona):
    with pytest.raises(PermissionDenied):
        write(request.getfixturevalue(persona))
    assert not Entry.objects.exists()


def test_an_unknown_kind_is_refused(methodologist):
    with pytest.raises(ValidationError):
        write(methodologist, kind="party")


# --- tags, meetings, links -------------------------------------------------------------------


def test_tags_are_reused_whatever_the_letter_case(methodologist):
    first = write(methodologist, tags=["Совещание", "рецепция"])
    second = write(methodologist, tags=["#совещание", " СОВЕЩАНИЕ ", "новый тег"])
    assert Tag.objects.count() == 3
    assert {t.name for t in second.tags.all()} == {"Совещание", "новый тег"}
    assert set(first.tags.all()) & set(second.tags.all())


def test_too_many_or_too_long_tags_are_refused(methodologist):
    with pytest.raises(ValidationError):
        write(methodologist, tags=[f"тег {n}" for n in range(11)])
    with pytest.raises(ValidationError):
        write(methodologist, tags=["т" * 41])
    assert not Tag.objects.exists()


def test_a_meeting_keeps_duration_and_participants_other_kinds_do_not(
    methodologist, head, specialist
):
    meeting = write(
        methodologist, kind=Kind.MEETING, duration_minutes=45, participants=[head, specialist]
    )
    assert meeting.duration_minutes == 45
    assert set(meeting.participants.all()) == {head, specialist}
    note = write(methodologist, kind=Kind.NOTE, duration_minutes=45, participants=[head])
    assert note.duration_minutes is None and not note.participants.exists()
    with pytest.raises(ValidationError):
        write(methodologist, kind=Kind.MEETING, duration_minutes=5000)


def test_links_to_directorates_people_and_tasks_are_kept(
    methodologist, department, head, specialist
):
    from tests.tasks.factories import TaskFactory

    task = TaskFactory(author=head, responsible=specialist)
    entry = write(
        methodologist,
        departments=[department],
        people=[specialist],
        tasks=[task],
        shared_with=[department],
    )
    assert list(entry.departments.all()) == [department]
    assert list(entry.people.all()) == [specialist]
    assert list(entry.tasks.all()) == [task]
    assert list(task.journal_entries.all()) == [entry]


# --- versions after the grace period ---------------------------------------------------------


def test_an_edit_within_the_grace_period_fixes_the_text_in_place(methodologist):
    entry = write(methodologist, body="Стендап прошел за 12 минут")
    edited = edit(entry, methodologist, body="Стендап прошёл за 12 минут.")
    assert edited.body == "Стендап прошёл за 12 минут."
    assert not EntryVersion.objects.exists()
    assert edited.edited_at is None
    assert edited.history.first().history_change_reason == "edited"  # audited all the same


def test_an_edit_after_the_grace_period_keeps_the_previous_text(methodologist):
    entry = write(
        methodologist, body="Было 14 совещаний.", tags=["совещание"], written_at=ago(hours=25)
    )
    edited = edit(entry, methodologist, body="Было 12 совещаний.")
    version = EntryVersion.objects.get(entry=entry)
    assert version.number == 1
    assert version.body == "Было 14 совещаний." and version.tags == "совещание"
    assert version.replaced_by == methodologist
    assert edited.body == "Было 12 совещаний." and edited.edited_at is not None
    second = edit(edited, methodologist, body="Было 11 совещаний.")
    assert list(second.versions.values_list("number", "body")) == [
        (1, "Было 14 совещаний."),
        (2, "Было 12 совещаний."),
    ]


def test_the_grace_period_is_a_setting(methodologist, settings):
    settings.JOURNAL_EDIT_GRACE_HOURS = 1
    entry = write(methodologist, written_at=ago(hours=2))
    edit(entry, methodologist, body="Исправлено")
    assert EntryVersion.objects.filter(entry=entry).count() == 1


def test_an_edit_that_changes_nothing_keeps_no_version(methodologist):
    entry = write(methodologist, written_at=ago(days=3))
    edit(entry, methodologist)
    assert not EntryVersion.objects.exists()


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(methodologist):
    entry = write(methodologist, body="Первый текст")
    stale_version = entry.version
    edit(entry, methodologist, body="Второй текст")
    with pytest.raises(Conflict):
        services.update_entry(
            entry=entry, actor=methodologist, version=stale_version, body="Третий", kind=entry.kind,
            title="", occurred_at=entry.occurred_at, tags=[], departments=[], people=[], tasks=[],
            participants=[], duration_minutes=None, shared_with=[],
        )  # fmt: skip
    assert Entry.objects.get(pk=entry.pk).body == "Второй текст"


def test_only_the_author_edits(methodologist):
    from tests.factories import UserFactory

    other = UserFactory(roles=["methodologist"])
    entry = write(methodologist)
    with pytest.raises(PermissionDenied):
        edit(entry, other, body="Чужая правка")


# --- withdrawal and the database's refusal ---------------------------------------------------


def test_withdrawing_keeps_the_text_and_the_reason(methodologist):
    entry = write(methodologist, body="Ошибочная запись")
    with pytest.raises(ValidationError):
        services.withdraw_entry(entry=entry, actor=methodologist, reason="  ")
    services.withdraw_entry(entry=entry, actor=methodologist, reason="Записано не о том управлении")
    entry.refresh_from_db()
    assert entry.is_withdrawn and entry.body == "Ошибочная запись"
    assert entry.withdrawal_reason == "Записано не о том управлении"
    assert entry.withdrawn_by == methodologist
    with pytest.raises(PermissionDenied):  # withdrawn once, not twice; and no more edits
        services.withdraw_entry(entry=entry, actor=methodologist, reason="ещё раз")
    with pytest.raises(PermissionDenied):
        edit(entry, methodologist, body="после отзыва")


def test_the_database_refuses_to_delete_an_entry(methodologist):
    entry = write(methodologist)
    with (
        pytest.raises((InternalError, ProgrammingError, IntegrityError)) as error,
        transaction.atomic(),
    ):
        Entry.objects.filter(pk=entry.pk).delete()
    # The portal's role holds no DELETE on it; for the owner a trigger refuses (test_tamper.py).
    assert "permission denied for table journal_entry" in str(error.value)
    with (
        pytest.raises((InternalError, ProgrammingError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM journal_entry")
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_to_change_or_delete_a_kept_version(methodologist):
    entry = write(methodologist, written_at=ago(days=2))
    edit(entry, methodologist, body="Новый текст")
    version = EntryVersion.objects.get()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        EntryVersion.objects.filter(pk=version.pk).update(body="подделка")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        version.delete()
    assert EntryVersion.objects.get().body == "Стендап прошёл за 12 минут."


# --- attachments -----------------------------------------------------------------------------


def test_attachments_are_kept_and_limited(methodologist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("доска.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    entry = write(methodologist, files=[photo])
    attachment = EntryAttachment.objects.get(entry=entry)
    assert attachment.name == "доска.jpg" and attachment.is_image and attachment.size == 103
    huge = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        services.add_attachments(entry=entry, actor=methodologist, files=[huge])
    assert EntryAttachment.objects.count() == 1
