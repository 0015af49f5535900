"""The task's history reads like a log: who, when, which field, old → new, in the user's language."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tasks import services
from tasks.models import Absence, Attachment, ChecklistItem, HandOver, Priority, Source, Task
from tasks.selectors import build_timeline

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# A Tuesday morning in Almaty; every change below happens a little later, on its own minute.
START = dt.datetime(2026, 11, 10, 10, 0, tzinfo=ALMATY)
DEADLINE = dt.datetime(2026, 11, 17, 18, 30, tzinfo=ALMATY)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def later(clock, minutes: int) -> dt.datetime:
    moment = START + dt.timedelta(minutes=minutes)
    clock.move_to(moment)
    return moment


@pytest.fixture
def task(clock, head, specialist):
    return services.create_task(
        author=head,
        title="Ответ на письмо ТОО «Береке»",
        responsible=specialist,
        deadline=DEADLINE,
    )


def timeline(task: Task) -> list:
    task.refresh_from_db()
    return build_timeline(task, list(task.deadline_changes.all()))


def edit(task: Task, actor, **changes) -> Task:
    task.refresh_from_db()
    fields = {
        "title": task.title,
        "description": task.description,
        "priority": task.priority,
        "source": task.source,
        "source_number": task.source_number,
        "source_date": task.source_date,
        "co_executors": list(task.co_executors.all()),
        **changes,
    }
    return services.update_task(task=task, actor=actor, version=task.version, **fields)


# --- what each kind of change says ---------------------------------------------------------------


def test_an_edit_of_several_fields_lists_each_with_old_and_new_values(clock, task, head, colleague):
    at = later(clock, 5)
    edit(
        task,
        head,
        title="Ответ на письмо ТОО «Береке» (повторное)",
        description="Подготовить ответ с приложением выписки из земельного кадастра",
        priority=Priority.HIGH,
        source=Source.LETTER,
        source_number="12-04/1234",
        source_date=dt.date(2026, 11, 5),
        co_executors=[colleague],
    )

    newest = timeline(task)[0]
    assert newest.at == at
    assert newest.who == str(head)
    assert list(newest.lines) == [
        "Название: Ответ на письмо ТОО «Береке» → Ответ на письмо ТОО «Береке» (повторное)",
        "Описание изменено: «Подготовить ответ с приложением выписки из земельного кадастра»",
        "Приоритет: Обычный → Высокий",
        "Источник: Собственная инициатива → Письмо",
        "Номер документа: — → 12-04/1234",
        "Дата документа: — → 05.11.2026",
        "Соисполнитель добавлен: Абенов Б.",
    ]


def test_removed_co_executors_and_a_cleared_description_are_told(
    clock, head, specialist, colleague
):
    task = services.create_task(
        author=head,
        title="Справка",
        description="Черновик",
        responsible=specialist,
        deadline=DEADLINE,
        co_executors=[colleague],
    )
    created = timeline(task)[0]
    assert list(created.lines) == ["задача создана", "Соисполнитель добавлен: Абенов Б."]

    later(clock, 5)
    edit(task, head, description="", co_executors=[])
    assert list(timeline(task)[0].lines) == [
        "Описание удалено",
        "Соисполнитель исключён: Абенов Б.",
    ]


def test_a_long_description_is_shown_as_changed_with_a_short_excerpt(clock, task, head):
    later(clock, 5)
    edit(task, head, description="Подробности " * 500)
    (line,) = timeline(task)[0].lines
    assert line.startswith("Описание изменено: «Подробности Подробности")
    assert line.endswith("…»")
    assert len(line) < 120


def test_handing_over_shows_the_responsible_old_and_new(clock, task, head, specialist, colleague):
    absence = Absence.objects.create(
        user=specialist,
        kind=Absence.Kind.LEAVE,
        start=dt.date(2026, 11, 11),
        end=dt.date(2026, 11, 20),
        acting=colleague,
    )
    later(clock, 5)
    services.hand_over_to_acting(absence=absence, actor=head)
    newest = timeline(task)[0]
    assert newest.who == str(head)
    assert list(newest.lines) == ["Ответственный: Касымова А. → Абенов Б."]


def test_a_deadline_changed_outside_a_move_shows_old_and_new_in_local_time(clock, task, head):
    """The admin may correct a deadline; the log still says what it was and what it became."""
    later(clock, 5)
    task.refresh_from_db()
    task.deadline = DEADLINE + dt.timedelta(days=7)
    task._history_user = head
    task.save()
    assert list(timeline(task)[0].lines) == ["Срок: 17.11.2026 18:30 → 24.11.2026 18:30"]


def test_status_changes_and_an_approved_move_read_as_before(clock, task, head, specialist):
    later(clock, 1)
    services.start_task(task=task, actor=specialist)
    later(clock, 2)
    change = services.request_deadline_move(
        task=task,
        actor=specialist,
        new_deadline=DEADLINE + dt.timedelta(days=7),
        reason="ждём ответа кадастра",
    )
    later(clock, 3)
    services.decide_deadline_move(change=change, actor=head, approve=True)
    later(clock, 4)
    services.submit_task(task=task, actor=specialist, result="Ответ направлен")
    later(clock, 5)
    services.return_task(task=task, actor=head, reason="Нет подписи")

    texts = [f"{e.who}: {e.text}" for e in reversed(timeline(task))]
    assert texts == [
        f"{head}: задача создана",
        f"{specialist}: задача взята в работу",
        f"{specialist}: запрошен перенос срока на 24.11.2026 18:30: ждём ответа кадастра",
        f"{head}: срок перенесён с 17.11.2026 18:30 на 24.11.2026 18:30: ждём ответа кадастра",
        f"{specialist}: результат сдан: Ответ направлен",
        f"{head}: результат возвращён: Нет подписи",
    ]


def test_checklist_items_added_ticked_unticked_and_removed(clock, task, head, specialist):
    later(clock, 1)
    item = services.add_checklist_item(task=task, actor=head, text="Согласовать с юристом")
    later(clock, 2)
    services.toggle_checklist_item(item=item, actor=specialist)
    later(clock, 3)
    services.toggle_checklist_item(item=item, actor=specialist)
    later(clock, 4)
    services.remove_checklist_item(item=item, actor=head)

    texts = [f"{e.who}: {e.text}" for e in reversed(timeline(task))][1:]
    assert texts == [
        f"{head}: Пункт чек-листа добавлен: «Согласовать с юристом»",
        f"{specialist}: Пункт чек-листа отмечен выполненным: «Согласовать с юристом»",
        f"{specialist}: С пункта чек-листа снята отметка: «Согласовать с юристом»",
        f"{head}: Пункт чек-листа удалён: «Согласовать с юристом»",
    ]


def test_a_task_created_with_a_checklist_has_history_for_its_items(clock, head, specialist):
    task = services.create_task(
        author=head,
        title="Выездная проверка",
        responsible=specialist,
        deadline=DEADLINE,
        checklist=["Запросить документы", "Выехать на участок"],
    )
    records = ChecklistItem.history.filter(task_id=task.pk)
    assert sorted(r.text for r in records) == ["Выехать на участок", "Запросить документы"]
    assert {(r.history_type, r.history_user_id, r.history_date) for r in records} == {
        ("+", head.pk, START)
    }
    (created,) = timeline(task)
    assert list(created.lines) == [
        "задача создана",
        "Пункт чек-листа добавлен: «Запросить документы»",
        "Пункт чек-листа добавлен: «Выехать на участок»",
    ]


def test_an_attachment_added_is_in_the_history(clock, task, specialist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    at = later(clock, 5)
    services.add_attachment(
        task=task, actor=specialist, upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4")
    )
    newest = timeline(task)[0]
    assert (newest.at, newest.who, list(newest.lines)) == (
        at,
        str(specialist),
        ["Файл добавлен: report.pdf"],
    )


def test_the_history_speaks_kazakh(clock, task, head, specialist, colleague):
    absence = Absence.objects.create(
        user=specialist,
        kind=Absence.Kind.TRIP,
        start=dt.date(2026, 11, 11),
        end=dt.date(2026, 11, 12),
        acting=colleague,
    )
    later(clock, 5)
    services.hand_over_to_acting(absence=absence, actor=head, scope=HandOver.Scope.ALL)
    later(clock, 6)
    edit(task, head, priority=Priority.URGENT, co_executors=[specialist])
    with translation.override("kk"):
        events = timeline(task)
    assert list(events[0].lines) == [
        "Басымдығы: Қалыпты → Шұғыл",
        "Бірлесіп орындаушы қосылды: Касымова А.",
    ]
    assert list(events[1].lines) == ["Жауапты орындаушы: Касымова А. → Абенов Б."]
    assert list(events[2].lines) == ["тапсырма құрылды"]


# --- the page ------------------------------------------------------------------------------------


def test_the_page_shows_each_change_old_to_new(client, clock, task, head):
    later(clock, 5)
    edit(task, head, priority=Priority.HIGH)
    client.force_login(head)
    page = client.get(task.get_absolute_url())
    assert "Приоритет: Обычный → Высокий" in page.text


def test_the_history_costs_the_same_queries_for_one_edit_and_ten(
    client, clock, task, head, specialist, colleague, settings, tmp_path, django_assert_num_queries
):
    # session, user, roles, task, co-executors, moves, checklist, comments, attachments,
    # the history's five (the task's records, its co-executors' snapshots, the checklist's
    # records, the files' records, the people named in them), the plans panel, bell
    settings.MEDIA_ROOT = tmp_path

    def change(n: int) -> None:
        later(clock, n + 1)
        edit(
            task,
            head,
            title=f"Ответ на письмо, редакция {n}",
            priority=Priority.HIGH if n % 2 else Priority.NORMAL,
            co_executors=[colleague] if n % 2 else [],
        )
        item = services.add_checklist_item(task=task, actor=head, text=f"Пункт {n}")
        services.toggle_checklist_item(item=item, actor=specialist)
        services.add_attachment(
            task=task, actor=specialist, upload=SimpleUploadedFile(f"{n}.txt", b"x")
        )

    client.force_login(specialist)
    change(1)
    with django_assert_num_queries(16):
        one = client.get(task.get_absolute_url())
    for n in range(2, 11):
        change(n)
    with django_assert_num_queries(16):
        ten = client.get(task.get_absolute_url())
    # Created, then per change two events: the head's (the edit and the new item, at one
    # moment) and the specialist's (the tick and the file).
    assert len(one.context["timeline"]) == 1 + 2
    assert len(ten.context["timeline"]) == 1 + 10 * 2
    assert "Соисполнитель исключён: Абенов Б." in ten.text


def test_removing_a_checklist_item_from_the_page_leaves_a_history_row(
    client, clock, task, head, specialist
):
    item = services.add_checklist_item(task=task, actor=head, text="Согласовать с юристом")
    client.force_login(specialist)
    page = client.get(task.get_absolute_url())
    assert reverse("tasks:checklist-remove", args=[task.pk, item.pk]) in page.text
    later(clock, 5)
    response = client.post(
        reverse("tasks:checklist-remove", args=[task.pk, item.pk]),
        {"from": "detail"},
        headers=HX,
    )
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "success"
    assert response.text.lstrip().startswith('<div id="task-detail">')
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    removed = ChecklistItem.history.get(id=item.pk, history_type="-")
    assert removed.history_user == specialist
    assert "Пункт чек-листа удалён: «Согласовать с юристом»" in response.text


def test_a_co_executor_ticks_items_but_cannot_remove_them(client, clock, task, head, colleague):
    later(clock, 1)
    edit(task, head, co_executors=[colleague])
    item = services.add_checklist_item(task=task, actor=head, text="Согласовать с юристом")
    client.force_login(colleague)
    page = client.get(task.get_absolute_url())
    assert reverse("tasks:checklist-toggle", args=[task.pk, item.pk]) in page.text
    assert reverse("tasks:checklist-remove", args=[task.pk, item.pk]) not in page.text
    response = client.post(
        reverse("tasks:checklist-remove", args=[task.pk, item.pk]),
        {"from": "detail"},
        headers=HX,
    )
    assert json.loads(response["HX-Trigger"])["notify"]["level"] == "danger"
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    assert not ChecklistItem.history.filter(id=item.pk, history_type="-").exists()


@pytest.mark.parametrize("persona", ["outsider", "receptionist"])
def test_someone_who_cannot_see_the_task_gets_404_not_its_history(
    client, request, clock, task, head, persona
):
    later(clock, 5)
    edit(task, head, priority=Priority.HIGH)
    item = services.add_checklist_item(task=task, actor=head, text="Пункт")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(task.get_absolute_url()).status_code == 404
    assert client.get(task.get_absolute_url(), headers=HX).status_code == 404
    response = client.post(
        reverse("tasks:checklist-remove", args=[task.pk, item.pk]), {"from": "detail"}
    )
    assert response.status_code == 404
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


def test_the_migration_gives_rows_made_without_history_their_record(
    clock, task, head, specialist, settings, tmp_path
):
    """Items bulk-created before this change and files uploaded before attachments had a history
    get the record they missed, so the log of an older task is complete too."""
    backfill = importlib.import_module("tasks.migrations.0002_attachment_history").backfill
    settings.MEDIA_ROOT = tmp_path
    ticked_at = later(clock, 30)
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(task=task, text="Запросить документы", position=0),
            ChecklistItem(
                task=task,
                text="Выехать",
                position=1,
                is_done=True,
                done_by=specialist,
                done_at=ticked_at,
            ),
        ]
    )
    Attachment.objects.bulk_create(
        [
            Attachment(
                task=task, file="tasks/old.pdf", name="old.pdf", size=3, uploaded_by=specialist
            )
        ]
    )

    backfill(apps, None)
    backfill(apps, None)  # a second run finds nothing missing

    texts = [f"{e.who}: {e.text}" for e in reversed(timeline(task))]
    assert texts == [
        f"{head}: задача создана; Пункт чек-листа добавлен: «Запросить документы»; "
        "Пункт чек-листа добавлен: «Выехать»",
        f"{specialist}: Пункт чек-листа отмечен выполненным: «Выехать»; Файл добавлен: old.pdf",
    ]
