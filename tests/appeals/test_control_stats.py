"""The share answered on time over a period, by directorate and by topic, under a pinned clock:
what counts in the period, "—" where nothing was answered, the scope of each role, bad dates,
the exports, and a fixed number of queries at one and ten times the appeals."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from appeals.models import Status
from tests.appeals.factories import AppealFactory, TopicFactory
from tests.conftest import WORKDAY_MORNING
from tests.downloads import file_name

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("pinned_clock"),
]

STATS = "/appeals/stats/"
TODAY = WORKDAY_MORNING.date()  # Wednesday 18 November 2026
YESTERDAY = dt.date(2026, 11, 17)


@pytest.fixture
def topic(department):
    return TopicFactory(department=department, name_ru="Торговля", name_kk="Сауда")


@pytest.fixture
def second_topic(department):
    return TopicFactory(department=department, name_ru="Реклама", name_kk="Жарнама")


@pytest.fixture
def other_topic(other_department):
    return TopicFactory(department=other_department, name_ru="Земля", name_kk="Жер")


def _answered(topic, *, on, deadline, **kwargs):
    return AppealFactory(
        topic=topic,
        status=Status.ANSWERED,
        answered_on=on,
        deadline=deadline,
        legal_deadline=min(deadline, kwargs.pop("legal_deadline", deadline)),
        **kwargs,
    )


def _period_of_october_and_november(topic, second_topic, other_topic):
    """Three on time and one late in October–November in the first directorate, one answered on
    time in September (outside), and the other directorate answered nothing."""
    _answered(topic, on=dt.date(2026, 10, 5), deadline=dt.date(2026, 10, 6))
    _answered(topic, on=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 2))  # the last day
    _answered(second_topic, on=dt.date(2026, 11, 10), deadline=dt.date(2026, 11, 12))
    _answered(second_topic, on=dt.date(2026, 11, 13), deadline=dt.date(2026, 11, 12))
    _answered(topic, on=dt.date(2026, 9, 30), deadline=dt.date(2026, 9, 30))
    # Extended: answered within the extended term counts as on time.
    _answered(
        topic,
        on=dt.date(2026, 11, 16),
        deadline=dt.date(2026, 12, 1),
        legal_deadline=dt.date(2026, 11, 6),
        extended_on=dt.date(2026, 11, 5),
    )
    AppealFactory(topic=other_topic, deadline=YESTERDAY, legal_deadline=YESTERDAY)  # overdue
    AppealFactory(
        topic=other_topic,
        status=Status.REDIRECTED,
        redirect_due=dt.date(2026, 11, 5),
        redirected_on=dt.date(2026, 11, 9),
    )
    AppealFactory(
        topic=other_topic,
        status=Status.REDIRECTED,
        redirect_due=dt.date(2026, 11, 5),
        redirected_on=dt.date(2026, 11, 4),
    )


def _rows(rows):
    return {row.name: row for row in rows}


def test_the_share_on_time_counts_the_answers_of_the_period(
    client, deputy, topic, second_topic, other_topic
):
    _period_of_october_and_november(topic, second_topic, other_topic)
    client.force_login(deputy)
    response = client.get(STATS, {"date_from": "2026-10-01", "date_to": "2026-11-30"})
    statistics = response.context_data["statistics"]
    total = statistics.total
    assert (total.answered, total.on_time, total.late) == (5, 4, 1)
    assert total.share_on_time == 80.0
    assert (total.overdue, total.redirected, total.redirected_late, total.extended) == (1, 2, 1, 1)
    directorates = _rows(statistics.by_directorate)
    agriculture = directorates["Управление сельского хозяйства"]
    land = directorates["Управление земельных отношений"]
    assert (agriculture.answered, agriculture.on_time, agriculture.share_on_time) == (5, 4, 80.0)
    # Nothing answered: "—", never 0 % or a division by zero.
    assert land.answered == 0 and land.share_on_time is None
    assert (land.overdue, land.redirected, land.redirected_late) == (1, 2, 1)
    topics = _rows(statistics.by_topic)
    assert (topics["Торговля"].on_time, topics["Торговля"].share_on_time) == (3, 100.0)
    assert (topics["Реклама"].on_time, topics["Реклама"].late) == (1, 1)
    assert topics["Реклама"].share_on_time == 50.0
    assert topics["Земля"].share_on_time is None
    text = response.text
    assert 'data-share="80.0"' in text and 'data-share="—"' in text
    assert "80,0&nbsp;%" in text  # the Russian decimal comma
    assert 'data-width="80.0"' in text  # the bar's width reads a point in every language


def test_the_period_is_this_quarter_unless_chosen(client, deputy, topic, second_topic, other_topic):
    _period_of_october_and_november(topic, second_topic, other_topic)
    client.force_login(deputy)
    response = client.get(STATS)
    assert (response.context_data["start"], response.context_data["end"]) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert response.context_data["statistics"].total.answered == 5
    # September alone: the one answer of that month.
    september = client.get(STATS, {"date_from": "2026-09-01", "date_to": "2026-09-30"})
    total = september.context_data["statistics"].total
    assert (total.answered, total.on_time, total.share_on_time) == (1, 1, 100.0)
    # The overdue are counted today whatever the period.
    assert total.overdue == 1
    # One end given: the other is its quarter's.
    only_end = client.get(STATS, {"date_to": "2026-08-15"})
    assert (only_end.context_data["start"], only_end.context_data["end"]) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 15),
    )


def test_nothing_answered_shows_a_dash(client, deputy):
    client.force_login(deputy)
    response = client.get(STATS)
    assert response.context_data["statistics"].total.share_on_time is None
    assert "Обращений за этот период нет." in response.text
    assert 'data-share="—"' in response.text
    assert "0,0&nbsp;%" not in response.text


def test_each_role_counts_only_what_it_sees(
    client, head, specialist, deputy, methodologist, topic, other_topic
):
    _answered(topic, on=YESTERDAY, deadline=TODAY, executor=specialist)
    _answered(topic, on=YESTERDAY, deadline=dt.date(2026, 11, 10))
    _answered(other_topic, on=YESTERDAY, deadline=TODAY)
    for person, expected in ((specialist, 1), (head, 2), (deputy, 3), (methodologist, 3)):
        client.force_login(person)
        total = client.get(STATS).context_data["statistics"].total
        assert total.answered == expected, person


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-12-01", "date_to": "2026-11-01"}, "Конец периода раньше его начала."),
        ({"date_from": "2026-02-30"}, "Введите правильную дату."),
        ({"date_to": "9999-12-31"}, "Укажите дату между 01.01.1900 и 31.12.2100."),
        ({"date_from": "<script>alert(1)</script>"}, "Введите правильную дату."),
        ({"date_from": "2026-11-01\x00"}, "В тексте есть нулевой символ (NUL)"),
    ],
)
def test_a_bad_period_is_told_and_counts_nothing(client, deputy, params, message):
    client.force_login(deputy)
    response = client.get(STATS, params)
    assert response.status_code == 200
    assert message in response.text
    assert "statistics" not in response.context_data
    assert "<script>alert" not in response.text
    # An export of a bad period is the same page with the same message, no file.
    exported = client.get(STATS, {**params, "export": "csv"})
    assert exported["Content-Type"].startswith("text/html") and message in exported.text


def test_the_htmx_request_gets_only_the_tables(client, deputy):
    client.force_login(deputy)
    response = client.get(STATS, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="stats-tables">')
    assert "<html" not in response.text


def test_the_stats_export_to_csv_and_xlsx(client, deputy, topic, second_topic, other_topic):
    _period_of_october_and_november(topic, second_topic, other_topic)
    client.force_login(deputy)
    period = {"date_from": "2026-10-01", "date_to": "2026-11-30"}
    response = client.get(STATS, {**period, "export": "csv"})
    assert file_name(response) == "Ответы на обращения в срок 01.10.2026–30.11.2026 18.11.2026.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == [
        "Разрез",
        "Управление или тема",
        "Дан ответ",
        "В срок",
        "С нарушением срока",
        "Доля ответов в срок, %",
    ]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Управление сельского хозяйства"][:6] == [
        "Управление",
        "Управление сельского хозяйства",
        "5",
        "4",
        "1",
        "80,0",
    ]
    assert by_name["Управление земельных отношений"][5] == "—"
    assert by_name["Реклама"][:6] == ["Тема", "Реклама", "2", "1", "1", "50,0"]
    assert rows[-1] == ["", "Итого", "5", "4", "1", "80,0", "1", "2", "1", "1"]
    response = client.get(STATS, {**period, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[-1] == [None, "Итого", 5, 4, 1, 80, 1, 2, 1, 1]
    assert sheet.cell(row=sheet.max_row, column=2).font.bold


def test_the_stats_export_in_english_uses_commas_and_points(
    client, deputy, topic, second_topic, other_topic
):
    _period_of_october_and_november(topic, second_topic, other_topic)
    deputy.language = "en"
    deputy.save(update_fields=["language"])
    client.force_login(deputy)
    client.cookies["django_language"] = "en"
    response = client.get(
        STATS,
        {"date_from": "2026-10-01", "date_to": "2026-11-30", "export": "csv"},
        headers={"Accept-Language": "en"},
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Breakdown,Directorate or topic,Answered,On time,Late")
    assert text.splitlines()[-1] == ",Total,5,4,1,80.0,1,2,1,1"


def _lay_out(count, topic, other_topic):
    for n in range(count):
        _answered(topic, on=YESTERDAY, deadline=TODAY)
        _answered(other_topic, on=YESTERDAY, deadline=dt.date(2026, 11, 2))
        AppealFactory(topic=other_topic, deadline=YESTERDAY, legal_deadline=YESTERDAY)
        AppealFactory(
            topic=topic,
            status=Status.REDIRECTED,
            redirect_due=dt.date(2026, 11, 5),
            redirected_on=dt.date(2026, 11, 9),
            redirected_to=f"Ведомство № {n}",
        )
        TopicFactory(department=topic.department)  # topics with no appeals are not listed


def test_the_stats_cost_the_same_queries_at_ten_times_the_appeals(
    client, deputy, topic, other_topic, django_assert_num_queries
):
    # session, user, roles; by directorate, by topic, the total; the bell
    client.force_login(deputy)
    _lay_out(1, topic, other_topic)
    with django_assert_num_queries(7):
        small = client.get(STATS)
    _lay_out(9, topic, other_topic)
    with django_assert_num_queries(7):
        large = client.get(STATS)
    small_total = small.context_data["statistics"].total
    large_total = large.context_data["statistics"].total
    assert (small_total.answered, small_total.on_time, small_total.overdue) == (2, 1, 1)
    assert (large_total.answered, large_total.on_time, large_total.overdue) == (20, 10, 10)
    assert large_total.redirected_late == 10 and large_total.share_on_time == 50.0
    assert len(large.context_data["statistics"].by_topic) == 2
