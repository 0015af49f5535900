"""The register of meetings over HTTP: the list a person sees (filters, pagination, the protocol's
state, fixed queries), the meeting's form (new, from a visit of the deputy's month, edited) with
every bad input refused in the user's language and nothing stored, a double click saving once,
and a meeting's page: 404 for another directorate's meeting unless one takes part."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaFile, AgendaItem, Guest, Kind, Meeting
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import (
    DistrictFactory,
    FieldVisitFactory,
    MeetingFactory,
    decision,
    signed_protocol,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

LIST = reverse("meetings:list")
NEW = reverse("meetings:new")
TODAY = WORKDAY_MORNING.date()


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def form_data(**values):
    data = {
        "once": str(uuid.uuid4()),
        "kind": Kind.INTERNAL,
        "title": "О ходе весенне-полевых работ",
        "day": "2026-11-20",
        "start": "15:00",
        "duration_minutes": "45",
        "place": "Открытое пространство, зал 2",
        "district": "",
        "chair": "",
        "secretary": "",
        "participants": [],
        "guests": "",
        "visit": "",
    }
    data.update(values)
    return data


def errors(response):
    return response.context_data["form"].errors


# --- the list ----------------------------------------------------------------------------------


def test_the_register_shows_each_meeting_with_its_row(client, head, specialist, colleague):
    district = DistrictFactory(name_ru="Байзакский район", name_kk="Байзақ ауданы")
    meeting = MeetingFactory(
        chair=head,
        kind=Kind.COLLEGIAL,
        title="Об уборке урожая",
        starts_at=at(TODAY, 9, 30),
        place="",
        district=district,
    )
    meeting.participants.set([specialist, colleague])
    signed = MeetingFactory(chair=head, starts_at=at(TODAY - dt.timedelta(days=1)))
    protocol = signed_protocol(signed, decision("Подготовить справку", specialist))
    draft = MeetingFactory(chair=head, starts_at=at(TODAY - dt.timedelta(days=2)))
    from meetings import services

    services.save_draft(meeting=draft, actor=head, heard="", decisions=[])
    client.force_login(specialist)

    page = client.get(LIST)

    rows = list(page.context_data["page"])
    assert rows == [meeting, signed, draft]  # newest first
    text = page.text
    assert "18.11.2026 09:30" in text and "Коллегиальное совещание" in text
    assert f'href="{meeting.get_absolute_url()}"' in text and "Об уборке урожая" in text
    assert "Байзакский район" in text and str(head) in text
    assert rows[0].participant_count == 2
    assert f"подписан № {protocol.number}" in text
    assert "черновик" in text and "нет" in text
    assert 'data-testid="new-meeting"' in text


def test_the_register_holds_only_what_the_person_sees(client, head, specialist, outsider):
    own = MeetingFactory(chair=head)
    foreign = MeetingFactory(chair=head_of(outsider.department))
    taking_part = MeetingFactory(chair=head_of(DepartmentFactory()))
    taking_part.participants.add(specialist)
    client.force_login(specialist)

    rows = list(client.get(LIST).context_data["page"])

    assert own in rows and taking_part in rows and foreign not in rows


def test_the_register_filters_by_kind_month_and_mine(client, head, specialist):
    standup = MeetingFactory(chair=head, kind=Kind.STANDUP, starts_at=at(TODAY))
    october = MeetingFactory(chair=head, starts_at=at(dt.date(2026, 10, 31), 23, 30))
    mine = MeetingFactory(chair=head, starts_at=at(dt.date(2026, 11, 2)))
    mine.participants.add(specialist)
    kept = MeetingFactory(chair=head, secretary=specialist, starts_at=at(dt.date(2026, 11, 3)))
    client.force_login(specialist)

    def rows(**query):
        return list(client.get(LIST, query).context_data["page"])

    assert rows(kind=Kind.STANDUP) == [standup]
    assert rows(month="2026-10") == [october]  # 23:30 in Almaty is still October
    assert rows(month="2026-11") == [standup, kept, mine]
    assert rows(mine="on") == [kept, mine]


def test_only_who_sees_every_directorate_filters_by_directorate(
    client, head, deputy, other_department
):
    own = MeetingFactory(chair=head)
    other = MeetingFactory(chair=head_of(other_department))
    client.force_login(deputy)
    page = client.get(LIST, {"department": other_department.pk})
    assert list(page.context_data["page"]) == [other]

    client.force_login(head)
    page = client.get(LIST, {"department": other_department.pk})
    assert "department" not in page.context_data["form"].fields
    assert list(page.context_data["page"]) == [own]


def test_a_bad_filter_is_told_and_the_register_shows_all(client, head):
    meeting = MeetingFactory(chair=head)
    client.force_login(head)
    page = client.get(LIST, {"month": "2026-13", "kind": "party"})
    assert list(page.context_data["page"]) == [meeting]
    assert 'data-testid="filter-errors"' in page.text
    assert "Укажите месяц как год и месяц, например 2026-11." in page.text


def test_the_register_is_paginated_by_25(client, head):
    for n in range(27):
        MeetingFactory(chair=head, starts_at=at(TODAY) - dt.timedelta(hours=n))
    client.force_login(head)
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(first.context_data["page"]) == 25 and len(second.context_data["page"]) == 2
    assert first.context_data["page"].paginator.count == 27


@pytest.mark.parametrize("persona", ["head", "deputy"])
def test_the_register_runs_the_same_queries_for_ten_times_the_meetings(
    request, client, head, specialist, colleague, persona, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    def meetings(count):
        for _ in range(count):
            meeting = MeetingFactory(chair=head, district=DistrictFactory(), secretary=colleague)
            meeting.participants.set([specialist, colleague])
            signed_protocol(meeting, decision("Сделать", specialist))

    # session, user, roles; the count; the rows with chair, district, participants and protocol;
    # the bell's count; the deputy: the directorates of the filter
    queries = 6 if persona == "head" else 7
    meetings(1)
    with django_assert_num_queries(queries):
        small = client.get(LIST)
    meetings(9)
    with django_assert_num_queries(queries):
        large = client.get(LIST)
    assert small.context_data["page"].paginator.count == 1
    assert large.context_data["page"].paginator.count == 10


def test_the_receptionist_sees_no_new_meeting_button_and_may_not_create(client, receptionist):
    client.force_login(receptionist)
    assert 'data-testid="new-meeting"' not in client.get(LIST).text
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(chair=receptionist.pk)).status_code == 403
    assert not Meeting.objects.exists()


# --- the form ----------------------------------------------------------------------------------


def test_a_head_creates_a_meeting_with_participants_and_guests(client, head, specialist, colleague):
    district = DistrictFactory()
    client.force_login(head)
    response = client.post(
        NEW,
        form_data(
            chair=head.pk,
            secretary=specialist.pk,
            participants=[specialist.pk, colleague.pk],
            district=district.pk,
            guests="Омаров Серик — ТОО «Агро-Жамбыл»\n\nЛи Анна - фермер\nЖанибеков Арман",
        ),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert (meeting.chair, meeting.secretary, meeting.department) == (
        head,
        specialist,
        head.department,
    )
    assert timezone.localtime(meeting.starts_at) == at(dt.date(2026, 11, 20), 15)
    assert meeting.duration_minutes == 45 and meeting.district == district
    assert set(meeting.participants.all()) == {specialist, colleague}
    assert [(g.full_name, g.organisation) for g in meeting.guests.all()] == [
        ("Омаров Серик", "ТОО «Агро-Жамбыл»"),
        ("Ли Анна", "фермер"),
        ("Жанибеков Арман", ""),
    ]
    page = client.get(response["Location"])
    assert "Совещание сохранено." in page.text
    assert "20.11.2026 15:00–15:45" in page.text


def test_the_form_runs_the_same_queries_for_ten_times_the_people(
    client, head, django_assert_num_queries
):
    # session, user, roles; the chair, secretary and participants choices; the active
    # districts; the bell's count
    client.force_login(head)
    UserFactory(department=head.department)
    with django_assert_num_queries(8):
        small = client.get(NEW)
    UserFactory.create_batch(9, department=head.department)
    with django_assert_num_queries(8):
        large = client.get(NEW)
    assert small.text.count("<option") + 27 == large.text.count("<option")


def test_an_edited_meeting_keeps_a_district_no_longer_in_use(client, head):
    district = DistrictFactory(is_active=False)
    meeting = MeetingFactory(chair=head, district=district)
    edit = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(head)
    version = client.get(edit).context_data["form"].initial["version"]
    response = client.post(edit, form_data(chair=head.pk, district=district.pk, version=version))
    assert response.status_code == 302
    assert client.get(NEW).context_data["form"].fields["district"].queryset.count() == 0


def test_the_new_form_defaults_the_chair_to_the_person(client, head):
    client.force_login(head)
    form = client.get(NEW).context_data["form"]
    assert form.initial["chair"] == head.pk
    assert "department" not in form.fields  # a head's meetings are the directorate's


def test_the_deputy_chooses_the_directorate(client, deputy, other_department):
    client.force_login(deputy)
    client.post(NEW, form_data(chair=deputy.pk, department=other_department.pk))
    assert Meeting.objects.get().department == other_department


def test_a_specialist_cannot_put_the_meeting_in_another_directorate(
    client, specialist, other_department
):
    client.force_login(specialist)
    client.post(NEW, form_data(chair=specialist.pk, department=other_department.pk))
    assert Meeting.objects.get().department == specialist.department


def test_a_double_click_creates_one_meeting(client, head):
    client.force_login(head)
    data = form_data(chair=head.pk)
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    meeting = Meeting.objects.get()
    assert first["Location"] == second["Location"] == meeting.get_absolute_url()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"title": "Совещание\x00"},
            "title",
            "В тексте есть нулевой символ (NUL): удалите его, пожалуйста.",
        ),
        (
            {"title": "а" * 301},
            "title",
            "Убедитесь, что это значение содержит не более 300 символов (сейчас 301).",
        ),
        ({"day": "2026-02-30"}, "day", "Введите правильную дату."),
        ({"day": "1800-01-01"}, "day", "Укажите дату между 01.01.1900 и 31.12.2100."),
        ({"duration_minutes": "0"}, "duration_minutes", "Совещание длится от 1 до 720 минут."),
        (
            {"duration_minutes": "100000000000000000000"},
            "duration_minutes",
            "Совещание длится от 1 до 720 минут.",
        ),
        ({"participants": ["999999"]}, "participants", "Выберите участников портала из списка."),
        ({"chair": "abc"}, "chair", "Выберите участников портала из списка."),
        ({"kind": "party"}, "kind", None),
        ({"guests": "— ТОО «Агро»"}, "guests", None),
    ],
)
def test_bad_input_is_told_and_nothing_is_stored(client, head, values, field, message):
    client.force_login(head)
    response = client.post(NEW, form_data(**{"chair": head.pk, **values}))
    assert response.status_code == 200
    assert field in errors(response)
    if message:
        assert message in errors(response)[field]
    assert 'data-testid="not-saved"' in response.text
    assert not Meeting.objects.exists() and not Guest.objects.exists()


def test_an_inactive_participant_is_one_from_nowhere(client, head, specialist):
    specialist.is_active = False
    specialist.save(update_fields=["is_active"])
    client.force_login(head)
    response = client.post(NEW, form_data(chair=head.pk, participants=[specialist.pk]))
    assert errors(response)["participants"] == ["Выберите участников портала из списка."]
    assert not Meeting.objects.exists()


def test_html_in_the_subject_is_shown_as_text(client, head):
    client.force_login(head)
    client.post(NEW, form_data(chair=head.pk, title="<script>alert(1)</script>"))
    meeting = Meeting.objects.get()
    page = client.get(meeting.get_absolute_url())
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;script&gt;" in client.get(LIST).text


# --- from a visit of the deputy's month --------------------------------------------------------


def test_a_visit_preselects_the_collegial_meeting_of_its_district_and_date(client, deputy):
    visit = FieldVisitFactory(deputy=deputy, planned_on=dt.date(2026, 11, 25))
    client.force_login(deputy)
    page = client.get(NEW, {"visit": visit.pk})
    initial = page.context_data["form"].initial
    assert (initial["visit"], initial["kind"], initial["district"], initial["day"]) == (
        visit.pk,
        Kind.COLLEGIAL,
        visit.district_id,
        dt.date(2026, 11, 25),
    )
    assert 'data-testid="from-visit"' in page.text

    client.post(
        NEW,
        form_data(
            chair=deputy.pk,
            visit=visit.pk,
            kind=Kind.COLLEGIAL,
            district=visit.district_id,
            day="2026-11-25",
        ),
    )
    assert Meeting.objects.get().field_visit == visit


def test_someone_elses_visit_is_told_and_nothing_is_stored(client, head, deputy):
    visit = FieldVisitFactory(deputy=deputy)
    client.force_login(head)
    page = client.get(NEW, {"visit": visit.pk})
    assert "Такого выезда по плану месяца заместителя среди ваших нет." in page.text
    assert "visit" not in page.context_data["form"].initial
    response = client.post(NEW, form_data(chair=head.pk, visit=visit.pk))
    assert errors(response)["visit"] == [
        "Такого выезда по плану месяца заместителя среди ваших нет."
    ]
    assert "Такого выезда по плану месяца заместителя среди ваших нет." in response.text
    assert not Meeting.objects.exists()


def test_another_deputys_visit_is_not_one_to_hold_a_meeting_for(client, deputy):
    """The form's visits follow the month's one rule: a deputy's month is their own."""
    other = UserFactory(roles=["deputy"])
    visit = FieldVisitFactory(deputy=deputy)
    client.force_login(other)
    response = client.post(NEW, form_data(chair=other.pk, visit=visit.pk))
    assert errors(response)["visit"] == [
        "Такого выезда по плану месяца заместителя среди ваших нет."
    ]
    assert not Meeting.objects.exists()


def test_who_sees_every_directorate_may_hold_any_deputys_visit(client, methodologist, deputy):
    visit = FieldVisitFactory(deputy=deputy)
    client.force_login(methodologist)
    page = client.get(NEW, {"visit": visit.pk})
    assert page.context_data["visit"] == visit


# --- editing -----------------------------------------------------------------------------------


def test_the_chair_edits_the_meeting(client, head, specialist):
    meeting = MeetingFactory(chair=head, starts_at=at(TODAY, 10))
    Guest.objects.create(meeting=meeting, full_name="Омаров Серик", organisation="ТОО «Агро»")
    client.force_login(head)
    form = client.get(reverse("meetings:edit", args=[meeting.pk])).context_data["form"]
    assert form.initial["guests"] == "Омаров Серик — ТОО «Агро»"
    assert form.initial["start"] == dt.time(10)

    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        form_data(
            chair=head.pk,
            title="Новая тема",
            participants=[specialist.pk],
            version=form.initial["version"],
        ),
    )
    meeting.refresh_from_db()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.title == "Новая тема" and list(meeting.participants.all()) == [specialist]
    assert not meeting.guests.exists()
    assert meeting.history.first().history_change_reason == "edited"


def test_a_second_editor_is_told_and_overwrites_nothing(client, head, specialist):
    meeting = MeetingFactory(chair=head, secretary=specialist, title="Тема")
    edit = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(head)
    stale = client.get(edit).context_data["form"].initial["version"]
    client.force_login(specialist)
    fresh = client.get(edit).context_data["form"].initial["version"]
    assert stale == fresh
    saved = client.post(edit, form_data(chair=head.pk, title="Секретаря", version=fresh))
    assert saved.status_code == 302

    client.force_login(head)
    refused = client.post(edit, form_data(chair=head.pk, title="Председателя", version=stale))
    meeting.refresh_from_db()
    assert meeting.title == "Секретаря"
    assert refused["Location"] == edit
    page = client.get(edit)
    assert "Это только что изменил другой сотрудник." in page.text
    assert page.context_data["form"].initial["title"] == "Секретаря"


def test_a_participant_may_see_but_not_edit(client, head, specialist):
    meeting = MeetingFactory(chair=head)
    meeting.participants.add(specialist)
    client.force_login(specialist)
    edit = reverse("meetings:edit", args=[meeting.pk])
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data(chair=specialist.pk, title="Чужая")).status_code == 403
    meeting.refresh_from_db()
    assert meeting.title != "Чужая"


def test_another_directorates_meeting_is_not_found_for_editing(client, outsider, head):
    meeting = MeetingFactory(chair=head)
    client.force_login(outsider)
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 404


def test_a_secretary_keeps_the_deputys_visit_when_editing(client, deputy, specialist):
    visit = FieldVisitFactory(deputy=deputy)
    meeting = MeetingFactory(chair=deputy, secretary=specialist, field_visit=visit)
    client.force_login(specialist)
    edit = reverse("meetings:edit", args=[meeting.pk])
    version = client.get(edit).context_data["form"].initial["version"]
    response = client.post(
        edit, form_data(chair=deputy.pk, secretary=specialist.pk, visit=visit.pk, version=version)
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.field_visit == visit


# --- the meeting's page ------------------------------------------------------------------------


def test_the_meetings_page_shows_everything_about_it(client, head, specialist, deputy):
    visit = FieldVisitFactory(deputy=deputy)
    district = DistrictFactory(name_ru="Таласский район")
    meeting = MeetingFactory(
        chair=head,
        secretary=specialist,
        kind=Kind.COLLEGIAL,
        title="О подготовке к зиме",
        starts_at=at(TODAY, 14),
        duration_minutes=90,
        place="Акимат района",
        district=district,
        field_visit=visit,
    )
    meeting.participants.add(specialist)
    Guest.objects.create(meeting=meeting, full_name="Омаров Серик", organisation="ТОО «Агро»")
    client.force_login(specialist)

    page = client.get(meeting.get_absolute_url())

    text = page.text
    assert "О подготовке к зиме" in text and "Коллегиальное совещание" in text
    assert "18.11.2026 14:00–15:30" in text
    assert "Акимат района" in text and "Таласский район" in text
    assert head.department.name in text and str(head) in text and str(specialist) in text
    assert "Омаров Серик" in text and "ТОО «Агро»" in text
    assert str(visit) in text
    assert 'data-testid="agenda-empty"' in text
    assert 'data-testid="edit-meeting"' in text  # the secretary keeps it


def test_a_specialist_of_the_directorate_sees_its_meeting(client, head, specialist):
    meeting = MeetingFactory(chair=head)
    client.force_login(specialist)
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="edit-meeting"' not in page.text


def test_another_directorates_meeting_is_404_unless_one_takes_part(client, head, outsider):
    meeting = MeetingFactory(chair=head)
    client.force_login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    meeting.participants.add(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_the_deputy_and_the_methodologist_see_every_meeting(client, head, deputy, methodologist):
    meeting = MeetingFactory(chair=head)
    for person in (deputy, methodologist):
        client.force_login(person)
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_the_meetings_page_runs_the_same_queries_for_ten_times_the_people(
    client, head, django_assert_num_queries
):
    meeting = MeetingFactory(chair=head, secretary=UserFactory(department=head.department))
    client.force_login(head)

    def grow(count):
        people = UserFactory.create_batch(count, department=head.department)
        meeting.participants.add(*people)
        for n in range(count):
            Guest.objects.create(meeting=meeting, full_name=f"Гость {n}")
            item = AgendaItem.objects.create(
                meeting=meeting, position=n + 1, title=f"Вопрос {n}", reporter=people[n]
            )
            AgendaFile.objects.create(
                item=item, name=f"{n}.pdf", size=3, uploaded_by=head, file=f"x/{n}.pdf"
            )

    # session, user, roles; the meeting with its people, district, directorate and visit; the
    # signed protocol's check; the participants; the guests; the agenda; its files; the
    # reporter choices (the agenda form); the bell's count
    grow(1)
    with django_assert_num_queries(11):
        small = client.get(meeting.get_absolute_url())
    grow(9)
    with django_assert_num_queries(11):
        large = client.get(meeting.get_absolute_url())
    assert len(small.context_data["participants"]) == 1
    assert len(large.context_data["participants"]) == 10
    assert len(large.context_data["agenda"]) == 10


def test_a_kazakh_speaking_person_reads_the_register_and_the_form_in_kazakh(client, head):
    head.language = "kk"
    head.save(update_fields=["language"])
    MeetingFactory(chair=head, kind=Kind.COLLEGIAL)
    client.force_login(head)
    register = client.get(LIST)
    assert "Жиналыстар" in register.text and "Алқалық жиналыс" in register.text
    refused = client.post(NEW, form_data(chair=head.pk, duration_minutes="0"))
    assert errors(refused)["duration_minutes"] == ["Жиналыс 1 минуттан 720 минутқа дейін созылады."]
    assert Meeting.objects.count() == 1
