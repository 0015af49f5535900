"""A meeting's agenda over HTTP: whoever edits the meeting adds items (a reporter of the portal or
from outside, materials), removes them and adds materials, until the protocol is signed off;
bad input is told and nothing is stored; the materials are served only to who sees the
meeting."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import agenda
from meetings.models import AGENDA_MAX, FILES_MAX, AgendaFile, AgendaItem
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory, decision, signed_protocol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting(head, specialist):
    meeting = MeetingFactory(chair=head, secretary=specialist)
    return meeting


def add_url(meeting):
    return reverse("meetings:agenda-add", args=[meeting.pk])


def item_data(**values):
    data = {
        "once": str(uuid.uuid4()),
        "title": "О ходе уборки урожая",
        "reporter": "",
        "reporter_name": "",
    }
    data.update(values)
    return data


def pdf(name="доклад.pdf", content=b"%PDF-1.4 report"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_secretary_adds_an_item_with_its_reporter_and_materials(
    client, meeting, specialist, colleague
):
    client.force_login(specialist)
    response = client.post(
        add_url(meeting),
        {**item_data(reporter=colleague.pk), "files": [pdf(), pdf("слайды.pptx", b"pptx")]},
    )
    item = AgendaItem.objects.get()
    assert response["Location"] == f"{meeting.get_absolute_url()}#item-{item.pk}"
    assert (item.position, item.title, item.reporter) == (1, "О ходе уборки урожая", colleague)
    assert sorted(item.files.values_list("name", flat=True)) == ["доклад.pdf", "слайды.pptx"]
    assert item.history.first().history_change_reason == "added to the agenda"

    page = client.get(response["Location"])
    assert "Вопрос добавлен в повестку дня." in page.text
    assert "О ходе уборки урожая" in page.text and str(colleague) in page.text
    stored = item.files.get(name="доклад.pdf")
    link = reverse("meetings:agenda-file", args=[meeting.pk, stored.pk])
    assert link in page.text
    served = client.get(link)
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"%PDF-1.4 report"


def test_items_keep_their_order_and_a_reporter_may_come_from_outside(client, meeting, head):
    client.force_login(head)
    client.post(add_url(meeting), item_data(title="Первый"))
    client.post(add_url(meeting), item_data(title="Второй", reporter_name="Омаров С., ТОО «Агро»"))
    items = list(meeting.agenda.all())
    assert [(i.position, i.title) for i in items] == [(1, "Первый"), (2, "Второй")]
    assert items[1].reporter_display == "Омаров С., ТОО «Агро»"
    page = client.get(meeting.get_absolute_url())
    assert page.text.index("Первый") < page.text.index("Второй")


def test_a_double_click_adds_one_item(client, meeting, head):
    client.force_login(head)
    data = item_data()
    first = client.post(add_url(meeting), data)
    second = client.post(add_url(meeting), data)
    assert AgendaItem.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"title": "Пункт\x00"},
            "title",
            "В тексте есть нулевой символ (NUL): удалите его, пожалуйста.",
        ),
        ({"title": "   "}, "title", "Обязательное поле."),
        (
            {"title": "а" * 301},
            "title",
            "Убедитесь, что это значение содержит не более 300 символов (сейчас 301).",
        ),
        ({"reporter": "999999"}, "reporter", "Выберите участников портала из списка."),
        ({"reporter": "SELF", "reporter_name": "Омаров С."}, "reporter_name", None),
    ],
)
def test_bad_items_are_told_and_nothing_is_stored(client, meeting, head, values, field, message):
    client.force_login(head)
    if values.get("reporter") == "SELF":
        values = {**values, "reporter": head.pk}
    response = client.post(add_url(meeting), {**item_data(**values), "files": [pdf()]})
    assert response.status_code == 200
    form_errors = response.context_data["item_form"].errors
    assert field in form_errors
    if message:
        assert message in form_errors[field]
    assert 'data-testid="item-not-saved"' in response.text
    assert not AgendaItem.objects.exists() and not AgendaFile.objects.exists()


def test_too_many_files_are_refused(client, meeting, head):
    client.force_login(head)
    files = [pdf(f"f{n}.pdf") for n in range(FILES_MAX + 1)]
    response = client.post(add_url(meeting), {**item_data(), "files": files})
    assert response.context_data["item_form"].errors["files"]
    assert not AgendaItem.objects.exists()


def test_a_file_too_large_is_refused(client, meeting, head, monkeypatch):
    monkeypatch.setattr(agenda, "FILE_MAX_BYTES", 10)
    client.force_login(head)
    response = client.post(add_url(meeting), {**item_data(), "files": [pdf(content=b"x" * 11)]})
    assert response.status_code == 200
    assert not AgendaItem.objects.exists() and not AgendaFile.objects.exists()


def test_the_agenda_holds_at_most_its_limit(client, meeting, head):
    for n in range(AGENDA_MAX):
        AgendaItem.objects.create(meeting=meeting, position=n + 1, title=f"Пункт {n}")
    client.force_login(head)
    response = client.post(add_url(meeting), item_data(title="Лишний"))
    assert f"В повестке дня не более {AGENDA_MAX} вопросов." in response.text
    assert meeting.agenda.count() == AGENDA_MAX


def test_a_participant_may_not_change_the_agenda(client, meeting, colleague):
    meeting.participants.add(colleague)
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Пункт")
    client.force_login(colleague)
    page = client.get(meeting.get_absolute_url())
    assert 'data-testid="agenda-add"' not in page.text
    assert client.post(add_url(meeting), item_data()).status_code == 403
    remove = reverse("meetings:agenda-remove", args=[meeting.pk, item.pk])
    assert client.post(remove).status_code == 403
    assert list(meeting.agenda.all()) == [item]


def test_an_item_is_removed_with_its_materials_and_kept_in_history(client, meeting, head):
    client.force_login(head)
    client.post(add_url(meeting), {**item_data(), "files": [pdf()]})
    item = AgendaItem.objects.get()
    response = client.post(reverse("meetings:agenda-remove", args=[meeting.pk, item.pk]))
    assert response.status_code == 302
    assert not AgendaItem.objects.exists() and not AgendaFile.objects.exists()
    assert AgendaItem.history.filter(id=item.pk, history_type="-").get().history_change_reason == (
        "removed from the agenda"
    )
    assert "Вопрос исключён из повестки дня." in client.get(response["Location"]).text
    again = client.post(reverse("meetings:agenda-remove", args=[meeting.pk, item.pk]), follow=True)
    assert again.status_code == 200
    assert "Этого вопроса уже нет в повестке дня." in again.text
    assert AgendaItem.history.filter(id=item.pk, history_type="-").count() == 1


def test_materials_are_added_to_an_item(client, meeting, head):
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Пункт")
    client.force_login(head)
    url = reverse("meetings:agenda-files", args=[meeting.pk, item.pk])
    response = client.post(url, {"once": str(uuid.uuid4()), "files": [pdf("справка.pdf")]})
    assert response["Location"] == f"{meeting.get_absolute_url()}#item-{item.pk}"
    assert list(item.files.values_list("name", flat=True)) == ["справка.pdf"]
    refused = client.post(url, {"once": str(uuid.uuid4())}, follow=True)
    assert "Выберите хотя бы один файл." in refused.text
    assert item.files.count() == 1


def test_an_item_holds_at_most_its_files(client, meeting, head):
    client.force_login(head)
    client.post(add_url(meeting), {**item_data(), "files": [pdf(f"{n}.pdf") for n in range(9)]})
    item = AgendaItem.objects.get()
    url = reverse("meetings:agenda-files", args=[meeting.pk, item.pk])
    page = client.post(
        url, {"once": str(uuid.uuid4()), "files": [pdf("a.pdf"), pdf("b.pdf")]}, follow=True
    )
    assert f"В вопросе повестки дня не более {FILES_MAX} файлов." in page.text
    assert item.files.count() == 9


def test_the_agenda_is_closed_once_the_protocol_is_signed(client, meeting, head, specialist):
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Пункт")
    signed_protocol(meeting, decision("Сделать", specialist))
    client.force_login(head)
    assert 'data-testid="agenda-add"' not in client.get(meeting.get_absolute_url()).text
    response = client.post(add_url(meeting), item_data())
    assert "Протокол подписан: повестка дня больше не меняется." in response.text
    page = client.post(reverse("meetings:agenda-remove", args=[meeting.pk, item.pk]), follow=True)
    assert "Протокол подписан: повестка дня больше не меняется." in page.text
    assert list(meeting.agenda.all()) == [item]


def test_materials_are_refused_to_outsiders(client, meeting, head, outsider):
    client.force_login(head)
    client.post(add_url(meeting), {**item_data(), "files": [pdf()]})
    stored = AgendaFile.objects.get()
    link = reverse("meetings:agenda-file", args=[meeting.pk, stored.pk])
    client.force_login(outsider)
    assert client.get(link).status_code == 404
    # Nor through a meeting the outsider does see.
    own = MeetingFactory(chair=UserFactory(department=outsider.department, roles=["head"]))
    own.participants.add(outsider)
    assert client.get(reverse("meetings:agenda-file", args=[own.pk, stored.pk])).status_code == 404


def test_another_directorates_agenda_is_not_found(client, meeting, outsider):
    client.force_login(outsider)
    assert client.post(add_url(meeting), item_data()).status_code == 404
    assert not AgendaItem.objects.exists()
