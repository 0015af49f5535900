"""The "Appeals" control page under a pinned clock: each section's membership by the figures'
rules, the scope of each role, the filters and their bad values, the pages of a section, the
export of the list, and a fixed number of queries at one and ten times the appeals."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from akimat.calendar import add_working_days
from akimat.models import CalendarDay
from appeals import services
from appeals.models import Kind, Status
from tests.appeals.factories import AppealFactory, TopicFactory, received
from tests.conftest import WORKDAY_MORNING
from tests.downloads import file_name
from tests.factories import DepartmentFactory, UserFactory, head_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("pinned_clock"),
]

INDEX = "/appeals/"
TODAY = WORKDAY_MORNING.date()  # Wednesday 18 November 2026
YESTERDAY = dt.date(2026, 11, 17)
HX = {"HX-Request": "true"}


def _codes(response, key):
    """The coupon numbers a section lists on the overview."""
    for section, _count, rows in response.context_data["sections"]:
        if section.key == key:
            return [appeal.code for appeal in rows]
    raise AssertionError(key)


def _counts(response):
    return {section.key: count for section, count, _rows in response.context_data["sections"]}


@pytest.fixture
def topic(department):
    return TopicFactory(department=department, name_ru="Торговля", name_kk="Сауда")


@pytest.fixture
def other_topic(other_department):
    return TopicFactory(department=other_department, name_ru="Земля", name_kk="Жер")


def test_the_address_and_the_name_agree():
    assert reverse("appeals:index") == INDEX
    assert reverse("appeals:stats") == "/appeals/stats/"


def test_due_today_is_due_soon_and_due_yesterday_is_overdue(client, deputy, topic):
    due_today = AppealFactory(topic=topic, deadline=TODAY, legal_deadline=TODAY)
    due_yesterday = AppealFactory(topic=topic, deadline=YESTERDAY, legal_deadline=YESTERDAY)
    # Three working days ahead of Wednesday is Monday the 23rd; Tuesday is beyond "soon".
    last_soon = add_working_days(TODAY, 3)
    assert last_soon == dt.date(2026, 11, 23)
    soon = AppealFactory(topic=topic, deadline=last_soon, legal_deadline=last_soon)
    later = AppealFactory(
        topic=topic, deadline=dt.date(2026, 11, 24), legal_deadline=dt.date(2026, 11, 24)
    )
    client.force_login(deputy)
    response = client.get(INDEX)
    assert _codes(response, "overdue") == [due_yesterday.code]
    assert _codes(response, "due_soon") == [due_today.code, soon.code]
    assert later.code not in _codes(response, "due_soon")
    assert _counts(response)["overdue"] == 1 and _counts(response)["due_soon"] == 2
    # Not one of them has an executor yet: all four wait for one, the oldest first.
    assert set(_codes(response, "unassigned")) == {
        due_today.code,
        due_yesterday.code,
        soon.code,
        later.code,
    }


def test_an_answer_after_the_term_leaves_overdue_and_awaits_closing_marked_late(
    client, deputy, topic
):
    late = AppealFactory(
        topic=topic,
        deadline=YESTERDAY,
        legal_deadline=YESTERDAY,
        status=Status.ANSWERED,
        answered_on=TODAY,
    )
    on_time = AppealFactory(
        topic=topic,
        deadline=TODAY,
        legal_deadline=TODAY,
        status=Status.ANSWERED,
        answered_on=YESTERDAY,
    )
    client.force_login(deputy)
    response = client.get(INDEX)
    assert _codes(response, "overdue") == []
    assert _codes(response, "due_soon") == []
    assert set(_codes(response, "answered")) == {late.code, on_time.code}
    rows = {a.code: a for a in response.context_data["sections"][-1][2]}
    assert rows[late.code].answered_late and not rows[on_time.code].answered_late


def test_an_extended_term_counts_from_the_extension_day(client, head, topic, department):
    # Received Tuesday 20 October: the law's term ended before today.
    appeal = AppealFactory(topic=topic, received_at=received(dt.date(2026, 10, 20)))
    assert appeal.legal_deadline < TODAY
    client.force_login(head)
    assert _codes(client.get(INDEX), "overdue") == [appeal.code]
    services.extend_appeal(
        appeal=appeal, actor=head, new_deadline=dt.date(2026, 12, 18), reason="Запрос в ведомство"
    )
    response = client.get(INDEX)
    assert _codes(response, "overdue") == []
    assert _codes(response, "notice") == [appeal.code]
    notice_row = response.context_data["sections"][3][2][0]
    assert not notice_row.notice_late
    # The applicant must be told by Monday the 23rd (three working days); on Tuesday the row is
    # flagged late, and still not overdue (the extended term runs to 18 December).
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=WORKDAY_MORNING.tzinfo)):
        client.force_login(head)  # the session of a week ago has ended
        response = client.get(INDEX)
    assert _codes(response, "overdue") == []
    assert response.context_data["sections"][3][2][0].notice_late
    assert "не в срок" in response.text
    # Told of it: the row leaves the section.
    services.record_extension_notice(appeal=appeal, actor=head)
    client.force_login(head)
    assert _codes(client.get(INDEX), "notice") == []


def test_a_redirect_late_in_the_chosen_period(client, deputy, topic):
    def redirected(due, on):
        return AppealFactory(
            topic=topic,
            status=Status.REDIRECTED,
            redirect_due=due,
            redirected_on=on,
            redirected_to="Департамент госдоходов",
        )

    late_now = redirected(dt.date(2026, 11, 5), dt.date(2026, 11, 9))
    in_time = redirected(dt.date(2026, 11, 5), dt.date(2026, 11, 5))
    late_before = redirected(dt.date(2026, 9, 1), dt.date(2026, 9, 7))
    client.force_login(deputy)
    # This quarter unless chosen: October to December.
    response = client.get(INDEX)
    assert response.context_data["period"] == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert _codes(response, "redirect_late") == [late_now.code]
    response = client.get(INDEX, {"date_from": "2026-07-01", "date_to": "2026-12-31"})
    assert _codes(response, "redirect_late") == [late_before.code, late_now.code]
    assert in_time.code not in response.text


def test_each_role_sees_its_own_scope(
    client, head, specialist, colleague, deputy, methodologist, receptionist, topic, other_topic
):
    due = {"deadline": TODAY, "legal_deadline": TODAY}
    mine = AppealFactory(topic=topic, executor=specialist, status=Status.IN_WORK, **due)
    colleagues = AppealFactory(topic=topic, executor=colleague, status=Status.IN_WORK, **due)
    registered = AppealFactory(topic=other_topic, registered_by=receptionist, **due)
    elsewhere = AppealFactory(topic=other_topic, **due)
    everything = {mine.code, colleagues.code, registered.code, elsewhere.code}
    expected = {
        specialist: {mine.code},
        head: {mine.code, colleagues.code},
        receptionist: {registered.code},
        deputy: everything,
        methodologist: everything,
    }
    for person, codes in expected.items():
        client.force_login(person)
        response = client.get(INDEX, {"section": "due_soon"})
        seen = {a.code for a in response.context_data["page"]}
        assert seen == codes, person
        response = client.get(INDEX)
        # The directorate filter is for who sees several directorates.
        assert ("department" in response.context_data["form"].fields) == (
            person in (deputy, methodologist)
        ), person


def test_a_specialist_cannot_widen_the_scope_by_a_directorate_in_the_address(
    client, specialist, topic, other_topic, other_department
):
    AppealFactory(topic=other_topic, deadline=TODAY, legal_deadline=TODAY)
    client.force_login(specialist)
    response = client.get(INDEX, {"department": other_department.pk, "section": "due_soon"})
    assert response.status_code == 200
    assert list(response.context_data["page"]) == []


def test_filters_by_directorate_topic_kind_and_status(
    client, deputy, topic, other_topic, other_department
):
    due = {"deadline": TODAY, "legal_deadline": TODAY}
    statement = AppealFactory(topic=topic, kind=Kind.STATEMENT, **due)
    complaint = AppealFactory(topic=topic, kind=Kind.COMPLAINT, **due)
    land = AppealFactory(topic=other_topic, kind=Kind.STATEMENT, status=Status.IN_WORK, **due)
    client.force_login(deputy)

    def listed(**params):
        response = client.get(INDEX, {"section": "due_soon", **params})
        assert not response.context_data["form"].errors
        return {a.code for a in response.context_data["page"]}

    assert listed() == {statement.code, complaint.code, land.code}
    assert listed(department=other_department.pk) == {land.code}
    assert listed(topic=topic.pk) == {statement.code, complaint.code}
    assert listed(kind=Kind.COMPLAINT) == {complaint.code}
    assert listed(status=Status.IN_WORK) == {land.code}
    # The filters travel in the export and "all" links, never anything identifying.
    response = client.get(INDEX, {"topic": topic.pk})
    assert f"?topic={topic.pk}&amp;export=csv" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"department": "999999"}, "Такого управления нет: выберите из списка."),
        ({"topic": "not-a-number"}, "Такой темы нет: выберите её из списка."),
        ({"kind": "<script>"}, "Выберите корректный вариант."),
        ({"date_from": "2026-02-30"}, "Введите правильную дату."),
        ({"date_from": "0001-01-01"}, "Укажите дату между 01.01.1900 и 31.12.2100."),
        (
            {"date_from": "2026-12-01", "date_to": "2026-11-01"},
            "Конец периода раньше его начала.",
        ),
        ({"kind": "statement\x00"}, "В тексте есть нулевой символ (NUL)"),
    ],
)
def test_a_bad_filter_is_told_in_the_persons_language_and_lists_nothing(
    client, deputy, topic, params, message
):
    AppealFactory(topic=topic)
    client.force_login(deputy)
    response = client.get(INDEX, params)
    assert response.status_code == 200
    assert message in response.text
    assert "sections" not in response.context_data
    assert "<script>" not in response.text


def test_an_unknown_section_shows_every_section(client, deputy, topic):
    AppealFactory(topic=topic)
    client.force_login(deputy)
    response = client.get(INDEX, {"section": "<b>nope</b>"})
    assert response.status_code == 200
    assert response.context_data["section"] is None
    assert len(response.context_data["sections"]) == 6


def test_a_long_section_shows_ten_rows_and_pages_the_rest(client, deputy, topic):
    appeals = [
        AppealFactory(topic=topic, deadline=day, legal_deadline=day)
        for day in (YESTERDAY - dt.timedelta(days=n) for n in range(12))
    ]
    oldest_first = [a.code for a in reversed(appeals)]
    client.force_login(deputy)
    response = client.get(INDEX)
    assert _codes(response, "overdue") == oldest_first[:10]
    assert "?section=overdue" in response.text
    second = client.get(INDEX, {"section": "overdue", "page": 2})
    assert [a.code for a in second.context_data["page"]] == oldest_first[10:]
    assert second.context_data["page"].paginator.count == 12
    assert 'href="?section=overdue&amp;page=1"' in second.text
    # A page beyond the last shows the last; a page that is no number, the first.
    assert client.get(INDEX, {"section": "overdue", "page": 99}).context_data["page"].number == 2
    assert client.get(INDEX, {"section": "overdue", "page": "x"}).context_data["page"].number == 1


def test_rows_link_to_the_appeal_page_and_show_no_identifiers(client, deputy, topic):
    appeal = AppealFactory(
        topic=topic,
        applicant_name="Оспанова Гульмира",
        applicant_iin="900101300123",
        applicant_phone="+77015550707",
        summary="Не выдают разрешение <b>на торговлю</b>",
    )
    client.force_login(deputy)
    response = client.get(INDEX)
    assert f'href="/appeals/{appeal.pk}/"' in response.text
    assert appeal.get_absolute_url() == f"/appeals/{appeal.pk}/"
    assert "Оспанова Гульмира" in response.text
    assert "&lt;b&gt;на торговлю&lt;/b&gt;" in response.text
    assert "900101300123" not in response.text and "5550707" not in response.text


def test_the_htmx_request_gets_only_the_sections(client, deputy, topic):
    AppealFactory(topic=topic)
    client.force_login(deputy)
    response = client.get(INDEX, {"kind": Kind.STATEMENT}, headers=HX)
    assert response.text.lstrip().startswith('<div id="control-sections">')
    assert "<html" not in response.text
    assert response["Vary"].count("HX-Request") == 1
    full = client.get(INDEX)
    assert "<html" in full.text and 'id="control-sections"' in full.text


def test_the_page_is_for_signed_in_people_only(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_shows_appeals_to_every_role(
    client, specialist, head, deputy, methodologist, receptionist
):
    admin = UserFactory(roles=["admin"])
    for person in (specialist, head, deputy, methodologist, receptionist, admin):
        client.force_login(person)
        response = client.get(INDEX)
        assert f'href="{INDEX}" aria-current="page">Обращения</a>' in response.text, person


# --- the export ------------------------------------------------------------------------------


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_export_writes_the_filtered_sections_without_identifiers(client, deputy, topic):
    overdue = AppealFactory(
        topic=topic,
        deadline=YESTERDAY,
        legal_deadline=YESTERDAY,
        applicant_name="Оспанова Гульмира",
        applicant_iin="900101300123",
        applicant_phone="+77015550707",
        organisation_name="ТОО «Береке»",
        organisation_bin="101140000000",
        summary='=HYPERLINK("http://x")',
    )
    complaint = AppealFactory(topic=topic, kind=Kind.COMPLAINT)
    client.force_login(deputy)
    response = client.get(INDEX, {"export": "csv", "kind": Kind.STATEMENT})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert file_name(response) == "Обращения 18.11.2026.csv"
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Раздел", "Номер талона", "Дата регистрации"]
    body = response.content.decode("utf-8-sig")
    assert "900101300123" not in body and "5550707" not in body and "101140000000" not in body
    # The overdue appeal stands in two sections: overdue and awaiting an executor.
    lines = rows[1:-1]
    assert sorted((row[0], row[1]) for row in lines) == [
        ("Ожидают исполнителя", overdue.code),
        ("Просрочено", overdue.code),
    ]
    assert complaint.code not in body
    line = lines[0]
    assert "Оспанова Гульмира" in line and "ТОО «Береке»" in line
    assert '\'=HYPERLINK("http://x")' in line  # never run as a formula
    assert rows[-1] == ["Итого", "2"]


def test_the_export_of_one_section_as_xlsx(client, deputy, topic):
    overdue = AppealFactory(topic=topic, deadline=YESTERDAY, legal_deadline=YESTERDAY)
    AppealFactory(topic=topic)
    client.force_login(deputy)
    response = client.get(INDEX, {"export": "xlsx", "section": "overdue"})
    assert file_name(response) == "Обращения 18.11.2026.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:2] == ["Просрочено", overdue.code]
    assert values[1][11] == f"{YESTERDAY:%d.%m.%Y}"
    assert values[-1][:2] == ["Итого", 1]
    assert len(values) == 3


def test_an_export_too_large_is_refused_with_a_message(client, deputy, topic, monkeypatch):
    from appeals import selectors

    monkeypatch.setattr(selectors, "EXPORT_MAX_ROWS", 1)
    AppealFactory(topic=topic)
    AppealFactory(topic=topic)
    client.force_login(deputy)
    response = client.get(INDEX, {"export": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert "сузьте фильтры" in response.text


# --- queries ---------------------------------------------------------------------------------


def _lay_out(count, topic, executor):
    """`count` appeals in every section."""
    for n in range(count):
        AppealFactory(topic=topic, deadline=YESTERDAY, legal_deadline=YESTERDAY)
        AppealFactory(
            topic=topic,
            executor=executor,
            status=Status.IN_WORK,
            deadline=TODAY,
            legal_deadline=TODAY,
        )
        AppealFactory(
            topic=topic,
            extended_on=YESTERDAY,
            deadline=dt.date(2026, 12, 20),
            legal_deadline=TODAY,
            extension_notice_due=dt.date(2026, 11, 20),
        )
        AppealFactory(
            topic=topic,
            status=Status.REDIRECTED,
            redirect_due=dt.date(2026, 11, 5),
            redirected_on=dt.date(2026, 11, 9),
            redirected_to=f"Ведомство № {n}",
        )
        AppealFactory(topic=topic, status=Status.ANSWERED, answered_on=YESTERDAY)


def test_the_overview_costs_the_same_queries_at_ten_times_the_appeals(
    client, head, specialist, topic, django_assert_num_queries
):
    # session, user, roles; the calendar's weeks ahead; every section's count (one aggregate);
    # six sections' rows (with their directorate, topic and executor); the bell; the topics of
    # the filter (a head has no directorate to choose)
    client.force_login(head)
    _lay_out(1, topic, specialist)
    with django_assert_num_queries(13):
        small = client.get(INDEX)
    _lay_out(9, topic, specialist)
    with django_assert_num_queries(13):
        large = client.get(INDEX)
    assert _counts(small) == {
        "overdue": 1,
        "due_soon": 1,
        "unassigned": 2,
        "notice": 1,
        "redirect_late": 1,
        "answered": 1,
    }
    assert _counts(large) == {key: 10 * value for key, value in _counts(small).items()}
    assert len(_codes(large, "unassigned")) == 10


def test_a_section_page_costs_the_same_queries_at_ten_times_the_appeals(
    client, deputy, department, topic, django_assert_num_queries
):
    # session, user, roles; the calendar's weeks ahead; the section's count and its page of
    # rows; the bell; the directorates and the topics of the filter
    client.force_login(deputy)
    executor = UserFactory(department=department, roles=["specialist"])
    _lay_out(1, topic, executor)
    with django_assert_num_queries(9):
        small = client.get(INDEX, {"section": "due_soon"})
    _lay_out(9, topic, executor)
    with django_assert_num_queries(9):
        large = client.get(INDEX, {"section": "due_soon"})
    assert small.context_data["page"].paginator.count == 1
    assert large.context_data["page"].paginator.count == 10


def test_the_htmx_overview_costs_no_bell(client, deputy, topic, django_assert_num_queries):
    # session, user, roles; the calendar; the counts; six sections' rows; the directorates and
    # the topics of the filter (the fragment has no bell)
    client.force_login(deputy)
    _lay_out(1, topic, UserFactory(roles=["specialist"], department=topic.department))
    with django_assert_num_queries(13):
        client.get(INDEX, headers=HX)


def test_a_new_year_has_its_calendar_for_due_soon(client, deputy):
    # 30 December: "due soon" reaches into January, whose calendar nobody has filled yet.
    topic = TopicFactory(department=DepartmentFactory())
    head_of(topic.department)
    soon = dt.date(2027, 1, 4)
    appeal = AppealFactory(topic=topic, deadline=soon, legal_deadline=soon)
    CalendarDay.objects.filter(date__year=2027).delete()
    with time_machine.travel(dt.datetime(2026, 12, 30, 10, tzinfo=WORKDAY_MORNING.tzinfo)):
        client.force_login(deputy)
        response = client.get(INDEX)
    assert _codes(response, "due_soon") == [appeal.code]
