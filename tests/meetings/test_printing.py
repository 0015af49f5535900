"""The printed protocol, read back with python-docx: the official layout in Russian and in
Kazakh whatever the page's language (title, chair, present, agenda, heard, decisions with their
responsible person and deadline, amendments, signature), a draft marked and printed only for
its keepers, and a file name without personal data."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from meetings import services
from meetings.models import AgendaItem, Amendment, Guest
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import MeetingFactory, decision, signed_protocol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture
def meeting():
    department = DepartmentFactory(name_ru="Управление строительства", name_kk="Құрылыс басқармасы")
    chair = head_of(department, first_name="Ерлан", last_name="Ахметов")
    secretary = UserFactory(
        department=department, roles=["specialist"], first_name="Айгуль", last_name="Сейтова"
    )
    meeting = MeetingFactory(
        chair=chair,
        secretary=secretary,
        department=department,
        title="О ремонте школ района",
        place="Зал заседаний акимата",
    )
    Guest.objects.create(meeting=meeting, full_name="Иванов Пётр", organisation="ТОО «Стройка»")
    AgendaItem.objects.create(
        meeting=meeting, position=1, title="Ход ремонта школ", reporter=secretary
    )
    return meeting


@pytest.fixture
def people(meeting):
    first = UserFactory(
        department=meeting.department, roles=["specialist"], first_name="Бота", last_name="Алиева"
    )
    second = UserFactory(
        department=meeting.department, roles=["specialist"], first_name="Нуржан", last_name="Омаров"
    )
    meeting.participants.add(first, second)
    return first, second


def lines(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def printed(client, meeting, **query):
    return client.get(reverse("meetings:protocol-print", args=[meeting.pk]), query)


def test_the_russian_protocol_has_the_official_layout(client, meeting, people):
    first, second = people
    protocol = signed_protocol(
        meeting,
        decision("Завершить ремонт кровли", first, days=10, co_executors=[second]),
        decision("Представить смету", second, days=20),
    )
    cancelled = protocol.decisions.get(position=2)
    services.amend(
        protocol=protocol,
        actor=meeting.chair,
        change=Amendment.Change.CANCEL,
        reason="Смета уже утверждена",
        decision=cancelled,
    )
    client.force_login(first)
    response = printed(client, meeting, lang="ru")
    text = lines(response)
    day = timezone.localdate()
    first_deadline = protocol.decisions.get(position=1).deadline
    assert text[0] == f"ПРОТОКОЛ № {protocol.code}"
    assert text[1] == "Внутреннее совещание" and text[2] == "«О ремонте школ района»"
    assert f"Зал заседаний акимата\t{timezone.localtime(meeting.starts_at):%d.%m.%Y}" in text
    assert f"Председательствовал: {meeting.chair}" in text
    assert f"Секретарь: {meeting.secretary}" in text
    present = text.index("Присутствовали:")
    assert f"{first} — Управление строительства" in text[present:]
    assert "Иванов Пётр (ТОО «Стройка»)" in text[present:]
    agenda = text.index("Повестка дня:")
    assert text[agenda + 1] == "1. Ход ремонта школ"
    assert text[agenda + 2] == f"Докладчик: {meeting.secretary}"
    heard = text.index("СЛУШАЛИ:")
    assert text[heard + 1] == "Доклады заслушаны."
    decided = text.index("ПОСТАНОВИЛИ:")
    assert text[decided + 1] == "1. Завершить ремонт кровли"
    assert text[decided + 2] == f"Ответственный: {first}; соисполнители: {second}"
    assert text[decided + 3] == f"Срок: {first_deadline:%d.%m.%Y}"
    assert text[decided + 4] == "2. Представить смету"
    assert text[decided + 5] == "Отменено изменением № 1."
    assert "ИЗМЕНЕНИЯ:" in text
    assert any(line.startswith(f"Изменение № 1 от {day:%d.%m.%Y}") for line in text)
    assert f"Председатель\t{meeting.chair}" in text
    assert "ПРОЕКТ" not in text
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="protocol-{protocol.code}-{day:%Y%m%d}-ru.docx"'
    assert "Ахметов" not in disposition


def test_the_kazakh_protocol_whatever_the_page_language(client, meeting, people):
    first, _second = people
    protocol = signed_protocol(meeting, decision("Шатыны жөндеуді аяқтау", first, days=10))
    deadline = protocol.decisions.get().deadline
    client.force_login(first)  # the person reads the portal in Russian
    text = lines(printed(client, meeting, lang="kk"))
    assert text[0] == f"№ {protocol.code} ХАТТАМА"
    assert text[1] == "Ішкі жиналыс"
    assert f"Төрағалық етті: {meeting.chair}" in text
    assert "Қатысқандар:" in text and "Күн тәртібі:" in text
    assert f"{first} — Құрылыс басқармасы" in text
    assert f"Баяндамашы: {meeting.secretary}" in text
    assert "ТЫҢДАЛДЫ:" in text
    decided = text.index("ҚАУЛЫ ЕТТІ:")
    assert text[decided + 1] == "1. Шатыны жөндеуді аяқтау"
    assert text[decided + 2] == f"Жауапты орындаушы: {first}"
    assert text[decided + 3] == f"Мерзімі: {deadline:%d.%m.%Y}"
    assert f"Төраға\t{meeting.chair}" in text


def test_the_default_language_is_the_persons(client, meeting, people):
    first, _second = people
    signed_protocol(meeting, decision("Сделать", first))
    first.language = "kk"
    first.save(update_fields=["language"])
    client.force_login(first)
    response = printed(client, meeting)
    assert lines(response)[0].endswith("ХАТТАМА")
    assert response["Content-Disposition"].endswith('-kk.docx"')


def test_a_draft_prints_for_its_keepers_marked_as_a_draft_and_for_nobody_else(
    client, meeting, people
):
    first, _second = people
    services.save_draft(
        meeting=meeting,
        actor=meeting.secretary,
        heard="",
        decisions=[decision("Без срока", first, days=None)],
    )
    client.force_login(meeting.secretary)
    text = lines(printed(client, meeting, lang="ru"))
    assert text[:2] == ["ПРОЕКТ", "ПРОТОКОЛ"]
    assert "Срок: —" in text
    kk = lines(printed(client, meeting, lang="kk"))
    assert kk[:2] == ["ЖОБА", "ХАТТАМА"]
    client.force_login(first)  # a participant, not a keeper
    assert printed(client, meeting).status_code == 404


def test_no_protocol_prints_nothing(client, meeting):
    client.force_login(meeting.chair)
    assert printed(client, meeting).status_code == 404
