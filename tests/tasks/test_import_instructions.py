"""The import of the akim's instructions from Excel: preview, errors, confirm once, all or none."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from akimat.imports import text_cell
from akimat.models import ImportRun
from tasks.imports import split_text
from tasks.models import Notification, Source, Task
from tests.factories import UserFactory
from tests.workbooks import eager_jobs, upload, workbook

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("pinned_clock", "eager_jobs"),
]
__all__ = ["eager_jobs"]

URL = "/tasks/import/"
FRIDAY = dt.date(2026, 11, 20)  # the pinned clock's Wednesday + 2
SATURDAY = dt.date(2026, 11, 21)


def good_rows(specialist, colleague):
    return [
        [
            "Подготовить справку о посевной.",
            "specialist",
            FRIDAY,
            "№ 21-08/568",
            dt.date(2026, 11, 2),
        ],
        ["Ответить ТОО «Береке»", "Абенов Болат", "27.11.2026", "", None],
    ]


def preview(client, rows):
    response = client.post(URL, {"file": upload(workbook(rows))})
    assert response.status_code == 302
    return client.get(URL)


def confirm(client, capture):
    """Confirm the previewed file, run the job (after commit), and open the page it leads to."""
    token = client.session["imports"]["instructions"]["token"]
    with capture(execute=True):
        response = client.post(reverse("tasks:import-confirm"), {"token": token})
    assert response.status_code == 302
    return client.get(response.url)


def test_the_template_has_the_headers_in_the_persons_language_and_an_example(client, deputy):
    client.force_login(deputy)
    response = client.get(reverse("tasks:import-template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == [
        "Текст поручения",
        "Ответственный (логин или «Фамилия Имя»)",
        "Срок",
    ]
    assert sheet["A2"].value.startswith("Подготовить справку")


def test_a_specialist_may_not_import(client, specialist):
    client.force_login(specialist)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("tasks:import-template")).status_code == 403


def test_the_deputy_imports_after_a_preview_and_the_tasks_are_set(
    client, deputy, specialist, colleague, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(deputy)
    page = preview(client, good_rows(specialist, colleague))
    assert page.status_code == 200
    assert "Ошибок не найдено." in page.text
    assert not Task.objects.exists()  # nothing until confirmed
    assert len(list(Path(tmp_path, "imports").iterdir())) == 1

    done = confirm(client, django_capture_on_commit_callbacks)

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DONE and run.created == 2
    assert "Импортировано из поручения.xlsx: создано 2" in done.text
    first, second = Task.objects.order_by("title")
    assert (first.title, first.responsible, first.department) == (
        "Ответить ТОО «Береке»",
        colleague,
        colleague.department,
    )
    assert second.source == Source.INSTRUCTION
    assert (second.source_number, second.source_date) == ("21-08/568", dt.date(2026, 11, 2))
    assert second.deadline.date() == FRIDAY and second.author == deputy
    assert second.history.get().history_change_reason == "created"
    (line,) = Notification.objects.filter(recipient=specialist, task=None)
    assert line.text == "Поручения акима (+1)"
    assert not list(Path(tmp_path, "imports").iterdir())  # the file is gone after the import


def test_every_kind_of_row_error_is_shown_with_its_row_and_column(
    client, head, specialist, colleague, outsider, django_capture_on_commit_callbacks
):
    UserFactory(department=specialist.department, first_name="Айгерим", last_name="Касымова")
    client.force_login(head)
    rows = [
        ["", "specialist", FRIDAY, "", None],  # 2: no text
        ["Задача", "specialist", FRIDAY, "", None],  # 3: fine
        ["Задача", "Иванов Иван", FRIDAY, "", None],  # 4: nobody
        ["Задача", "Касымова Айгерим", FRIDAY, "", None],  # 5: two people
        ["Задача", "outsider", FRIDAY, "", None],  # 6: another directorate
        ["Задача", "specialist", SATURDAY, "", None],  # 7: a day off
        ["Задача", "specialist", dt.date(2026, 11, 17), "", None],  # 8: past
        ["Задача", "specialist", "завтра", "", None],  # 9: not a date
        ["Задача", "specialist", None, "", None],  # 10: no deadline
        ["Задача", "specialist", FRIDAY, "x" * 61, dt.date(2026, 12, 30)],  # 11: number, date
        ["<script>alert(1)</script>", "SPECIALIST", FRIDAY, "", None],  # 12: fine (escaped)
    ]
    page = preview(client, rows)
    text = page.text
    assert "9 строк с ошибками." in text
    expected = [
        (2, "Текст поручения", "Это поле не может быть пустым."),
        (4, "Ответственный", "Нет сотрудника «Иванов Иван»"),
        (5, "Ответственный", "Несколько сотрудников с именем «Касымова Айгерим»"),
        (6, "Ответственный", "Нет сотрудника «outsider»"),
        (7, "Срок", "21.11.2026 — выходной день"),
        (8, "Срок", "Этот срок уже прошёл"),
        (9, "Срок", "Это не дата"),
        (10, "Срок", "Это поле не может быть пустым."),
        (11, "Номер документа", "Не более 60 символов"),
        (11, "Дата документа", "Дата документа ещё не наступила."),
    ]
    for row, column, message in expected:
        assert f"<td>{row}</td><td>{column}" in text, (row, column)
        assert message in text, message
    assert "<script>alert(1)</script>" not in text

    refused = confirm(client, django_capture_on_commit_callbacks)
    assert "Ничего не импортировано" in refused.text
    assert not Task.objects.exists() and not ImportRun.objects.exists()


def test_a_long_text_gives_a_title_cut_at_a_sentence_and_the_whole_text_as_description():
    text = "Провести выездное совещание в селе Бирлик. " + "Подробности. " * 30
    assert split_text(text) == ("Провести выездное совещание в селе Бирлик.", text)
    assert split_text("Коротко") == ("Коротко", "")
    title, _description = split_text("слово " * 60)
    assert len(title) <= 200 and title.endswith("…")


def test_a_double_confirm_creates_nothing_twice(
    client, deputy, specialist, colleague, django_capture_on_commit_callbacks
):
    client.force_login(deputy)
    preview(client, good_rows(specialist, colleague))
    token = client.session["imports"]["instructions"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tasks:import-confirm"), {"token": token})
        again = client.post(reverse("tasks:import-confirm"), {"token": token}, follow=True)
    assert "уже импортирован" in again.text
    assert Task.objects.count() == 2 and ImportRun.objects.count() == 1


def test_nothing_is_written_when_a_row_fails_at_import_time(
    client, deputy, specialist, colleague, django_capture_on_commit_callbacks
):
    client.force_login(deputy)
    preview(client, good_rows(specialist, colleague))
    colleague.is_active = False  # between the preview and the import
    colleague.save(update_fields=["is_active"])
    page = confirm(client, django_capture_on_commit_callbacks)
    assert "Ничего не импортировано" in page.text
    assert not Task.objects.exists()


def test_a_write_that_breaks_half_way_leaves_nothing(
    client, deputy, specialist, colleague, monkeypatch, django_capture_on_commit_callbacks
):
    from tasks import services

    monkeypatch.setattr(services, "BULK_BATCH", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services.Notification.objects, "bulk_create", broken)
    client.force_login(deputy)
    preview(client, good_rows(specialist, colleague))
    page = confirm(client, django_capture_on_commit_callbacks)
    assert "Импорт прервался; ничего не импортировано." in page.text
    assert not Task.objects.exists()
    assert ImportRun.objects.get().state == ImportRun.State.FAILED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.csv", b"a;b\n", "Это не книга Excel (.xlsx)"),
        ("fake.xlsx", b"%PDF-1.4", "Это не книга Excel (.xlsx)"),
        ("broken.xlsx", b"PK\x03\x04 and nothing more", "Файл не читается как книга Excel"),
        ("big.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024), "Файл больше 5 МБ"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_is_not_kept(client, deputy, name, content, message):
    client.force_login(deputy)
    response = client.post(URL, {"file": upload(content, name)})
    assert response.status_code == 200
    assert message in response.text
    assert "instructions" not in client.session.get("imports", {})


def test_more_than_ten_thousand_rows_are_refused(client, deputy):
    client.force_login(deputy)
    rows = [["Задача", "deputy", FRIDAY, "", None]] * 10_001
    response = client.post(URL, {"file": upload(workbook(rows))})
    assert "В файле больше 10 000 строк" in response.text


def test_a_nul_character_in_a_cell_is_an_error():
    assert text_cell({"text": "a\x00b"}, "text", max_length=10) == (
        "",
        "В тексте есть нулевой символ (NUL): удалите его, пожалуйста.",
    )


def test_no_file_is_asked_for(client, deputy):
    client.force_login(deputy)
    assert "Выберите файл .xlsx" in client.post(URL, {}).text


def test_the_preview_costs_the_same_queries_at_ten_times_the_rows(
    client, deputy, specialist, colleague, django_assert_num_queries
):
    client.force_login(deputy)
    for scale in (1, 10):
        bad = [["", "nobody", SATURDAY, "", None]] * scale
        preview(client, good_rows(specialist, colleague) * scale + bad)
        # session, user, roles, the people named, the calendar's year ends, the working days,
        # the bell's count
        with django_assert_num_queries(7):
            page = client.get(URL)
        assert f"{3 * scale} строк" in page.text or f"{3 * scale} строки" in page.text


def test_another_persons_import_is_not_found(
    client, deputy, head, specialist, colleague, django_capture_on_commit_callbacks
):
    client.force_login(deputy)
    preview(client, good_rows(specialist, colleague))
    confirm(client, django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    client.force_login(head)
    assert client.get(reverse("tasks:import-run", args=[run.pk])).status_code == 404
    assert (
        client.post(reverse("tasks:import-confirm"), {"token": str(run.token)}).status_code == 302
    )
    assert Task.objects.count() == 2


def test_the_command_imports_with_a_progress_bar(deputy, specialist, colleague, tmp_path, capsys):
    path = tmp_path / "instructions.xlsx"
    path.write_bytes(workbook(good_rows(specialist, colleague)))
    call_command("import_instructions", str(path), "--author", "deputy")
    out = capsys.readouterr()
    assert "Imported 2 tasks from instructions.xlsx" in out.out
    assert "instructions: 100%" in out.err
    assert Task.objects.count() == 2


def test_the_command_refuses_a_file_with_errors(deputy, tmp_path):
    path = tmp_path / "instructions.xlsx"
    path.write_bytes(workbook([["Задача", "nobody", FRIDAY, "", None]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_instructions", str(path), "--author", "deputy")
    assert not Task.objects.exists()


def test_the_new_task_page_links_to_the_import_for_those_who_may_import(client, head, specialist):
    client.force_login(head)
    assert 'href="/tasks/import/"' in client.get(reverse("tasks:task-create")).text
    client.force_login(specialist)
    assert 'href="/tasks/import/"' not in client.get(reverse("tasks:task-create")).text


def test_a_queued_import_shows_a_bar_that_polls_and_a_finished_one_ends_with_a_toast(
    client, deputy, specialist, colleague, django_capture_on_commit_callbacks
):
    import uuid

    queued = ImportRun.objects.create(
        token=uuid.uuid4(), kind="instructions", user=deputy, file_name="a.xlsx"
    )
    client.force_login(deputy)
    page = client.get(reverse("tasks:import-run", args=[queued.pk]))
    assert 'hx-trigger="every 1s"' in page.text and "<progress" in page.text
    assert "В очереди" in page.text

    preview(client, good_rows(specialist, colleague))
    confirm(client, django_capture_on_commit_callbacks)
    run = ImportRun.objects.exclude(pk=queued.pk).get()
    poll = client.get(reverse("tasks:import-run", args=[run.pk]), headers={"HX-Request": "true"})
    assert "<html" not in poll.text and 'hx-trigger="every 1s"' not in poll.text
    assert "Импортировано из поручения.xlsx: создано 2" in poll.headers[
        "HX-Trigger"
    ].encode().decode("unicode_escape")


def test_an_upload_never_confirmed_is_deleted_after_a_day(
    client, deputy, specialist, colleague, tmp_path
):
    import os

    from django.utils import timezone

    from akimat.imports import sweep_stale_uploads

    client.force_login(deputy)
    preview(client, good_rows(specialist, colleague))
    (kept,) = Path(tmp_path, "imports").iterdir()
    hours_ago = timezone.now().timestamp() - 23 * 3600
    os.utime(kept, (hours_ago, hours_ago))
    assert sweep_stale_uploads() == 0
    day_ago = timezone.now().timestamp() - 24 * 3600 - 60
    os.utime(kept, (day_ago, day_ago))
    assert sweep_stale_uploads() == 1
    assert not kept.exists()
    assert "2. Проверьте и подтвердите" not in client.get(URL).text
