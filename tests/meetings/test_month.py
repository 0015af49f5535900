"""The deputy's month: the calendar with the flag "not held by its date" (the rule
`not_held_by`), planning, moving and holding a visit, the residents received through the
reception's records, the problem sites with their photos; who sees what; bad input refused with
nothing stored; the month page's fixed query count."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from akimat.calendar import ensure_calendar
from meetings import visits
from meetings.models import FieldVisit, ProblemSite, ResidentReceived, SitePhoto
from reception.models import ContactLog, Visit, Visitor
from tests.factories import UserFactory
from tests.meetings.factories import DistrictFactory, FieldVisitFactory, MeetingFactory
from tests.reception.factories import ServiceFactory, iin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

# The pinned clock's Wednesday, 18 November 2026, and its neighbours.
TODAY = dt.date(2026, 11, 18)
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)
SATURDAY = dt.date(2026, 11, 21)
MONTH = reverse("meetings:month")
PLAN = reverse("meetings:visit-plan")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _calendar(db):
    """The working calendar of the years the tests look at, filled before any count."""
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))


@pytest.fixture
def district():
    return DistrictFactory(name_ru="Байзакский район", name_kk="Бәйзақ ауданы")


@pytest.fixture
def visit(deputy, district):
    return FieldVisitFactory(deputy=deputy, district=district, planned_on=TODAY, sphere="Дороги")


@pytest.fixture
def other_deputy():
    return UserFactory(username="deputy2", roles=["deputy"], last_name="Сарсенов")


@pytest.fixture
def service(department):
    return ServiceFactory(department=department, prefix="K", name_ru="Субсидии")


def errors(response) -> dict[str, list[str]]:
    for name in ("form", "hold_form", "reschedule_form"):
        form = response.context.get(name)
        if form is not None and form.errors:
            return form.errors
    return {}


def plan_data(where, **changes):
    data = {
        "kind": FieldVisit.Kind.DISTRICT_VISIT,
        "district": where.pk,
        "sphere": "Сельское хозяйство",
        "planned_on": TOMORROW.isoformat(),
        "once": str(uuid.uuid4()),
    }
    return {**data, **changes}


def shown_visits(response) -> dict[int, str]:
    """Each visit of the month's list with its state as the page shows it."""
    rows = {}
    for visit in response.context["page"].object_list:
        html = response.content.decode()
        marker = f'data-visit="{visit.pk}"'
        item = html[html.rindex(marker) :].split("</li>", 1)[0]
        rows[visit.pk] = (
            "late"
            if 'data-testid="visit-late"' in item
            else "held"
            if 'data-testid="visit-held"' in item
            else "planned"
        )
    return rows


# --- the flag ----------------------------------------------------------------------------------


def test_a_visit_planned_yesterday_and_not_held_is_flagged(client, deputy, district):
    late = FieldVisitFactory(deputy=deputy, district=district, planned_on=YESTERDAY)
    held = FieldVisitFactory(
        deputy=deputy, district=district, planned_on=YESTERDAY, held_on=YESTERDAY
    )
    today = FieldVisitFactory(deputy=deputy, district=district, planned_on=TODAY)
    client.force_login(deputy)
    response = client.get(MONTH)
    assert shown_visits(response) == {late.pk: "late", held.pk: "held", today.pk: "planned"}
    assert "не состоялся в срок" in response.content.decode()
    calendar_cell = response.content.decode().split(f'data-date="{YESTERDAY.isoformat()}"')[1]
    assert "visit-late" in calendar_cell.split("</td>")[0]


def test_a_visit_held_late_stops_being_flagged(client, deputy, district):
    late = FieldVisitFactory(deputy=deputy, district=district, planned_on=YESTERDAY)
    visits.hold_visit(actor=deputy, visit=late, held_on=TODAY, assessment="Проведён с опозданием.")
    client.force_login(deputy)
    assert shown_visits(client.get(MONTH)) == {late.pk: "held"}


def test_the_visit_page_shows_the_flag(client, deputy, district):
    late = FieldVisitFactory(deputy=deputy, district=district, planned_on=YESTERDAY)
    client.force_login(deputy)
    response = client.get(late.get_absolute_url())
    assert response.context["visit"].late is True
    assert 'data-testid="visit-late"' in response.content.decode()


# --- the month page ----------------------------------------------------------------------------


def test_the_calendar_has_monday_first_weeks_and_marks_days_off(client, deputy):
    client.force_login(deputy)
    response = client.get(MONTH, {"month": "2026-12"})
    weeks = response.context["weeks"]
    assert weeks[0][0]["date"] == dt.date(2026, 11, 30)  # the Monday before 1 December
    assert weeks[-1][-1]["date"] == dt.date(2027, 1, 3)
    days = {day["date"]: day for week in weeks for day in week}
    assert days[dt.date(2026, 12, 16)]["working"] is False  # Independence Day
    assert days[dt.date(2026, 12, 5)]["working"] is False  # a Saturday
    assert days[dt.date(2026, 12, 15)]["working"] is True
    html = response.content.decode()
    assert 'data-date="2026-12-16" data-day-off="true"' in html
    assert response.context["previous"] == dt.date(2026, 11, 1)
    assert response.context["next"] == dt.date(2027, 1, 1)


def test_a_month_not_understood_shows_this_month_with_a_message(client, deputy):
    client.force_login(deputy)
    for raw in ("2026-13", "abc", "1800-01", "2026-12\x00"):
        response = client.get(MONTH, {"month": raw})
        assert response.status_code == 200
        assert response.context["first"] == dt.date(2026, 11, 1)
        assert response.context["misread"] is True


def test_the_methodologist_chooses_among_deputies(
    client, methodologist, deputy, other_deputy, district
):
    mine = FieldVisitFactory(deputy=other_deputy, district=district, planned_on=TODAY)
    FieldVisitFactory(deputy=deputy, district=district, planned_on=TODAY)
    client.force_login(methodologist)
    response = client.get(MONTH, {"deputy": other_deputy.pk})
    assert [v.pk for v in response.context["page"].object_list] == [mine.pk]
    assert set(response.context["deputies"]) == {deputy, other_deputy}


def test_a_deputy_sees_only_their_own_month(client, deputy, other_deputy, district):
    FieldVisitFactory(deputy=other_deputy, district=district, planned_on=TODAY)
    client.force_login(deputy)
    assert client.get(MONTH).context["deputy"] == deputy
    assert client.get(MONTH, {"deputy": other_deputy.pk}).status_code == 404
    assert client.get(MONTH, {"deputy": "x"}).context["deputy"] == deputy


def test_staff_have_no_month_page(client, specialist, head):
    for person in (specialist, head):
        client.force_login(person)
        assert client.get(MONTH).status_code == 403


def _lay_out(count: int, deputy, district) -> None:
    for n in range(count):
        FieldVisitFactory(
            deputy=deputy,
            district=district,
            planned_on=dt.date(2026, 11, 2 + n % 20),
            held_on=dt.date(2026, 11, 2 + n % 20) if n % 3 == 0 else None,
        )


def test_the_month_page_costs_the_same_queries_at_one_and_ten_visits(
    client, methodologist, deputy, district, django_assert_num_queries
):
    # session, user, roles; the deputies to choose from; the calendar's years present; the
    # grid's calendar days; the month's visits (with their districts); the bell
    client.force_login(methodologist)
    _lay_out(1, deputy, district)
    with django_assert_num_queries(8):
        small = client.get(MONTH, {"deputy": deputy.pk})
    _lay_out(9, deputy, district)
    with django_assert_num_queries(8):
        large = client.get(MONTH, {"deputy": deputy.pk})
    assert small.context["page"].paginator.count == 1
    assert large.context["page"].paginator.count == 10


def test_the_month_list_is_paginated(client, deputy, district):
    _lay_out(25, deputy, district)
    client.force_login(deputy)
    first = client.get(MONTH)
    assert len(first.context["page"].object_list) == 20
    assert len(client.get(MONTH, {"page": 2}).context["page"].object_list) == 5


# --- who sees a visit --------------------------------------------------------------------------


def test_another_deputys_visit_is_not_found(client, other_deputy, visit):
    client.force_login(other_deputy)
    assert client.get(visit.get_absolute_url()).status_code == 404


def test_a_specialist_does_not_see_a_visit(client, specialist, visit):
    client.force_login(specialist)
    assert client.get(visit.get_absolute_url()).status_code == 404


def test_a_participant_of_its_meeting_sees_the_visit_but_keeps_nothing(client, specialist, visit):
    meeting = MeetingFactory(field_visit=visit)
    meeting.participants.add(specialist)
    client.force_login(specialist)
    response = client.get(visit.get_absolute_url())
    assert response.status_code == 200
    assert meeting in response.context["meetings"]
    assert response.context["keeps"] is False
    assert 'data-testid="action-hold"' not in response.content.decode()
    assert client.get(reverse("meetings:visit-resident-add", args=[visit.pk])).status_code == 403


def test_the_methodologist_sees_a_visit_and_cannot_hold_it(client, methodologist, visit):
    client.force_login(methodologist)
    assert client.get(visit.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("meetings:visit-hold", args=[visit.pk]),
        {"held_on": TODAY.isoformat(), "assessment": "Хорошо"},
    )
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.held_on is None


# --- planning ----------------------------------------------------------------------------------


def test_the_deputy_plans_a_visit_once_however_often_the_form_is_sent(client, deputy, district):
    client.force_login(deputy)
    data = plan_data(district)
    first = client.post(PLAN, data)
    second = client.post(PLAN, data)
    visit = FieldVisit.objects.get()
    assert first["Location"] == second["Location"] == visit.get_absolute_url()
    assert (visit.deputy, visit.planned_by, visit.planned_on) == (deputy, deputy, TOMORROW)
    assert visit.sphere == "Сельское хозяйство"
    assert visit.history.first().history_change_reason == "planned"


def test_an_admin_plans_for_a_chosen_deputy(client, deputy, district):
    admin = UserFactory(username="admin", roles=["admin"])
    client.force_login(admin)
    response = client.post(PLAN, plan_data(district, deputy=deputy.pk))
    visit = FieldVisit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    assert (visit.deputy, visit.planned_by) == (deputy, admin)


def test_an_admin_cannot_plan_for_someone_who_is_not_a_deputy(client, specialist, district):
    client.force_login(UserFactory(username="admin", roles=["admin"]))
    response = client.post(PLAN, plan_data(district, deputy=specialist.pk))
    assert "deputy" in errors(response)
    assert not FieldVisit.objects.exists()


def test_staff_cannot_plan(client, specialist, district):
    client.force_login(specialist)
    assert client.post(PLAN, plan_data(district)).status_code == 403
    assert not FieldVisit.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"planned_on": YESTERDAY.isoformat()}, "planned_on"),
        ({"planned_on": SATURDAY.isoformat()}, "planned_on"),
        ({"planned_on": "2026-02-30"}, "planned_on"),
        ({"planned_on": "2031-01-06"}, "planned_on"),
        ({"sphere": "Дороги\x00"}, "sphere"),
        ({"sphere": "я" * 10_000}, "sphere"),
        ({"kind": "picnic"}, "kind"),
        ({"district": 999_999}, "district"),
    ],
)
def test_bad_plans_are_refused_and_nothing_stored(client, deputy, district, change, field):
    client.force_login(deputy)
    response = client.post(PLAN, plan_data(district, **change))
    assert response.status_code == 200
    assert field in errors(response)
    assert not FieldVisit.objects.exists()


def test_a_district_no_longer_in_use_is_refused(client, deputy, district):
    district.is_active = False
    district.save()
    client.force_login(deputy)
    response = client.post(PLAN, plan_data(district))
    assert "district" in errors(response)
    assert not FieldVisit.objects.exists()


def test_the_plan_form_shows_the_refusal(client, deputy, district):
    client.force_login(deputy)
    response = client.post(PLAN, plan_data(district, planned_on=YESTERDAY.isoformat()))
    assert "Выезд нельзя запланировать на прошедшую дату." in response.content.decode()


def test_at_most_three_visits_a_day(deputy, district):
    for _n in range(visits.VISITS_PER_DAY_MAX):
        visits.plan_visit(
            actor=deputy, deputy=deputy, kind="district_visit", district=district, planned_on=TODAY
        )
    with pytest.raises(Exception, match="planned_on"):
        visits.plan_visit(
            actor=deputy, deputy=deputy, kind="reception_day", district=district, planned_on=TODAY
        )
    assert FieldVisit.objects.count() == visits.VISITS_PER_DAY_MAX


def test_a_visit_is_moved_until_it_is_held(client, deputy, visit):
    client.force_login(deputy)
    url = reverse("meetings:visit-reschedule", args=[visit.pk])
    response = client.post(url, {"planned_on": TOMORROW.isoformat()})
    assert response["Location"] == visit.get_absolute_url()
    visit.refresh_from_db()
    assert visit.planned_on == TOMORROW
    refused = client.post(url, {"planned_on": SATURDAY.isoformat()})
    assert "planned_on" in errors(refused)
    visit.planned_on = TODAY
    visit.held_on = TODAY
    visit.save()
    refused = client.post(url, {"planned_on": "2026-11-20"})
    assert refused.status_code == 200
    visit.refresh_from_db()
    assert visit.planned_on == TODAY


# --- holding -----------------------------------------------------------------------------------


def test_the_deputy_marks_the_visit_held_with_an_assessment_once(client, deputy, visit):
    client.force_login(deputy)
    data = {
        "held_on": TODAY.isoformat(),
        "assessment": "Работа района удовлетворительна.",
        "once": str(uuid.uuid4()),
    }
    response = client.post(reverse("meetings:visit-hold", args=[visit.pk]), data)
    again = client.post(reverse("meetings:visit-hold", args=[visit.pk]), data)
    assert response["Location"] == again["Location"] == visit.get_absolute_url()
    assert visit.history.filter(history_change_reason="held").count() == 1
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Работа района удовлетворительна." in page
    assert 'data-testid="visit-held"' in page and 'data-testid="action-hold"' not in page


@pytest.mark.parametrize(
    ("held_on", "assessment", "field"),
    [
        (TOMORROW.isoformat(), "Хорошо", "held_on"),
        (YESTERDAY.isoformat(), "Хорошо", "held_on"),  # before the planned date
        (TODAY.isoformat(), "", "assessment"),
        (TODAY.isoformat(), "Хор\x00ошо", "assessment"),
        (TODAY.isoformat(), "я" * 6000, "assessment"),
        ("2026-11-31", "Хорошо", "held_on"),
    ],
)
def test_bad_holds_are_refused(client, deputy, visit, held_on, assessment, field):
    client.force_login(deputy)
    response = client.post(
        reverse("meetings:visit-hold", args=[visit.pk]),
        {"held_on": held_on, "assessment": assessment},
    )
    assert field in errors(response)
    visit.refresh_from_db()
    assert visit.held_on is None and visit.assessment == ""


# --- residents ---------------------------------------------------------------------------------


def resident_data(catalogue_service, **changes):
    data = {
        "full_name": "Сейтов Аскар Маратович",
        "iin": iin(7),
        "phone": "8 701 555 12 34",
        "consent": "on",
        "kind": "citizen",
        "service": catalogue_service.pk,
        "purpose": "Нет освещения на улице Абая",
        "outcome": "consultation",
        "once": str(uuid.uuid4()),
    }
    return {**data, **changes}


def test_a_resident_is_received_once_and_listed_with_a_masked_iin(client, deputy, visit, service):
    client.force_login(deputy)
    url = reverse("meetings:visit-resident-add", args=[visit.pk])
    data = resident_data(service)
    client.post(url, data)
    second = client.post(url, data)
    assert second["Location"] == visit.get_absolute_url()
    link = ResidentReceived.objects.get()
    assert link.visit == visit and link.reception_visit.official == deputy
    assert ContactLog.objects.get().visitor.iin == iin(7)
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Сейтов Аскар Маратович" in page and "Нет освещения на улице Абая" in page
    assert iin(7) not in page and f"{iin(7)[:4]}******{iin(7)[-2:]}" in page


def test_a_resident_without_consent_is_listed_without_a_name(client, deputy, visit, service):
    client.force_login(deputy)
    url = reverse("meetings:visit-resident-add", args=[visit.pk])
    client.post(url, resident_data(service, full_name="", iin="", phone="", consent=""))
    assert ResidentReceived.objects.get().reception_visit.visitor is None
    assert not Visitor.objects.exists()
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Житель, не давший согласия на хранение персональных данных" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"iin": "123456789012"}, "iin"),
        ({"consent": ""}, "consent"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "a\x00b"}, "purpose"),
        ({"service": 999_999}, "service"),
        ({"outcome": "needs_documents"}, "outcome"),
    ],
)
def test_bad_residents_are_refused_and_nothing_stored(
    client, deputy, visit, service, change, field
):
    client.force_login(deputy)
    response = client.post(
        reverse("meetings:visit-resident-add", args=[visit.pk]), resident_data(service, **change)
    )
    assert response.status_code == 200
    assert field in errors(response)
    assert not (ResidentReceived.objects.exists() or Visit.objects.exists())
    assert not Visitor.objects.exists()


def test_a_bad_iin_gets_the_reception_message(client, deputy, visit, service):
    client.force_login(deputy)
    response = client.post(
        reverse("meetings:visit-resident-add", args=[visit.pk]),
        resident_data(service, iin="123456789012"),
    )
    assert "ИИН" in errors(response)["iin"][0]


def test_residents_wait_for_the_visits_date(deputy, district, service):
    later = FieldVisitFactory(deputy=deputy, district=district, planned_on=TOMORROW)
    with pytest.raises(Exception, match="not begun|не начался"):
        visits.receive_resident(
            actor=deputy,
            visit=later,
            service=service,
            kind="citizen",
            consent=False,
            purpose="Вопрос",
            outcome="consultation",
        )
    assert not Visit.objects.exists()


def test_only_the_visits_deputy_records_residents(client, other_deputy, visit, service):
    client.force_login(UserFactory(username="admin", roles=["admin"]))
    url = reverse("meetings:visit-resident-add", args=[visit.pk])
    assert client.post(url, resident_data(service)).status_code == 403
    client.force_login(other_deputy)
    assert client.post(url, resident_data(service)).status_code == 404
    assert not Visit.objects.exists()


# --- problem sites -----------------------------------------------------------------------------


def site_data(**changes):
    data = {
        "name": "Мост через арык",
        "address": "с. Сарыкемер, ул. Абая",
        "found": "Разрушено ограждение",
        "once": str(uuid.uuid4()),
    }
    return {**data, **changes}


def test_a_problem_site_with_a_photo_is_recorded_and_the_photo_served_to_who_sees_the_visit(
    client, deputy, specialist, methodologist, visit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(deputy)
    url = reverse("meetings:visit-site-add", args=[visit.pk])
    photo = SimpleUploadedFile("most.png", PNG, content_type="image/png")
    response = client.post(url, {**site_data(), "photos": [photo]})
    assert response["Location"] == visit.get_absolute_url()
    site = ProblemSite.objects.get()
    stored = SitePhoto.objects.get()
    assert (site.name, stored.site, stored.name, stored.size) == (
        "Мост через арык",
        site,
        "most.png",
        len(PNG),
    )
    photo_url = reverse("meetings:visit-photo", args=[visit.pk, stored.pk])
    assert photo_url in client.get(visit.get_absolute_url()).content.decode()
    served = client.get(photo_url)
    assert b"".join(served.streaming_content) == PNG
    client.force_login(methodologist)
    assert client.get(photo_url).status_code == 200
    client.force_login(specialist)
    assert client.get(photo_url).status_code == 404


@pytest.mark.parametrize(
    ("upload", "field"),
    [
        (SimpleUploadedFile("virus.png", b"MZ\x90\x00 not a picture"), "photos"),
        (SimpleUploadedFile("drawing.svg", b"<svg onload='alert(1)'/>"), "photos"),
        (SimpleUploadedFile("notes.txt", b"just text"), "photos"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_stored(
    client, deputy, visit, settings, tmp_path, upload, field
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(deputy)
    response = client.post(
        reverse("meetings:visit-site-add", args=[visit.pk]), {**site_data(), "photos": [upload]}
    )
    assert field in errors(response)
    assert not ProblemSite.objects.exists() and not SitePhoto.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": ""}, "name"), ({"name": "<b>\x00</b>"}, "name"), ({"found": "я" * 6000}, "found")],
)
def test_bad_sites_are_refused(client, deputy, visit, change, field):
    client.force_login(deputy)
    response = client.post(reverse("meetings:visit-site-add", args=[visit.pk]), site_data(**change))
    assert field in errors(response)
    assert not ProblemSite.objects.exists()


def _receive_and_record(count: int, deputy, visit, service) -> None:
    for n in range(count):
        visits.receive_resident(
            actor=deputy,
            visit=visit,
            service=service,
            kind="citizen",
            consent=True,
            full_name=f"Житель Номер {n}",
            purpose="Освещение улицы",
            outcome="consultation",
        )
        visits.add_problem_site(
            actor=deputy,
            visit=visit,
            name=f"Объект {n}",
            photos=[SimpleUploadedFile(f"photo{n}.png", PNG)],
        )


def test_the_visit_page_costs_the_same_queries_at_one_and_ten_residents_and_sites(
    client, deputy, visit, service, settings, tmp_path, django_assert_num_queries
):
    # session, user, roles; the visit (with its district and deputy); its meetings; the
    # residents' count and page (with their visitors and services); the sites and their
    # photos; the bell
    settings.MEDIA_ROOT = tmp_path
    MeetingFactory(field_visit=visit)
    client.force_login(deputy)
    _receive_and_record(1, deputy, visit, service)
    with django_assert_num_queries(10):
        small = client.get(visit.get_absolute_url())
    _receive_and_record(9, deputy, visit, service)
    with django_assert_num_queries(10):
        large = client.get(visit.get_absolute_url())
    assert small.context["page"].paginator.count == 1 and len(small.context["sites"]) == 1
    assert large.context["page"].paginator.count == 10 and len(large.context["sites"]) == 10
