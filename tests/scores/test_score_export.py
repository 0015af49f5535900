"""My score as a file: the quarter of the day shown, day by day, for the person whose score the
reader may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from akimat.calendar import ensure_calendar
from scores import scoring
from scores.models import BonusPolicy, PersonSnapshot
from tasks.services import deadline_from
from tests.downloads import file_name, lines

pytestmark = pytest.mark.django_db

URL = reverse("score")
WEDNESDAY = dt.date(2026, 11, 18)
NOW = deadline_from(WEDNESDAY, dt.time(11))
TUESDAY = dt.date(2026, 11, 17)


@pytest.fixture(autouse=True)
def clock(db):
    scoring.ensure_default_policy()
    with time_machine.travel(NOW, tick=False):
        ensure_calendar(start=dt.date(2026, 6, 1), end=dt.date(2027, 1, 31))
        yield


def _days(person, first, count, *, bonus=Decimal("87.50")):
    policy = BonusPolicy.objects.in_force(WEDNESDAY)
    for n in range(first, first + count):
        PersonSnapshot.objects.create(
            date=TUESDAY - dt.timedelta(days=n),
            person=person,
            department=person.department,
            policy=policy,
            open=4,
            overdue=1,
            overdue_days=3,
            period_start=dt.date(2026, 10, 1),
            week_score=Decimal("75.00"),
            bonus=bonus,
            computed_at=NOW,
        )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_my_score_exports_the_quarter_day_by_day(client, specialist, kind):
    _days(specialist, 0, 3)
    _days(specialist, 60, 1)  # 18 September: the quarter before
    client.force_login(specialist)
    response = client.get(URL, {"export": kind})
    assert file_name(response) == f"Балл {specialist} 4 квартал 2026 года 18.11.2026.{kind}"
    table = lines(response)
    assert table[0][:4] == ["Дата", "Открытые", "Просрочено", "Рабочих дней просрочки"]
    assert table[0][-1] == "Премиальный балл"
    assert len(table) == 4
    first, last = table[1], table[-1]
    if kind == "csv":
        assert (first[0], last[0]) == ("15.11.2026", "17.11.2026")
        assert last[1:4] == ["4", "1", "3"] and last[-2:] == ["75,00", "87,50"]
    else:
        assert (first[0].date(), last[0].date()) == (dt.date(2026, 11, 15), TUESDAY)
        assert last[-1] == 87.5


def test_the_export_follows_the_day_asked_for(client, specialist):
    _days(specialist, 0, 1)
    _days(specialist, 60, 2)
    client.force_login(specialist)
    response = client.get(URL, {"export": "csv", "date": "2026-09-18"})
    assert file_name(response) == f"Балл {specialist} 3 квартал 2026 года 18.11.2026.csv"
    assert [row[0] for row in lines(response)[1:]] == ["17.09.2026", "18.09.2026"]


def test_a_colleagues_score_is_not_exported(client, specialist, colleague, head):
    _days(colleague, 0, 2)
    client.force_login(specialist)
    assert client.get(URL, {"export": "csv", "person": colleague.pk}).status_code == 404
    client.force_login(head)
    response = client.get(URL, {"export": "csv", "person": colleague.pk})
    assert len(lines(response)) == 3


def test_the_page_links_its_exports(client, specialist):
    _days(specialist, 0, 1)
    client.force_login(specialist)
    page = client.get(URL, {"date": "2026-11-17"}).text
    assert 'href="?date=2026-11-17&amp;export=xlsx"' in page


def test_the_export_runs_the_same_queries_at_ten_times_the_days(
    client, specialist, django_assert_num_queries
):
    # session, user, the snapshots of the quarter
    client.force_login(specialist)
    _days(specialist, 0, 2)
    with django_assert_num_queries(3):
        small = client.get(URL, {"export": "xlsx"})
    _days(specialist, 2, 18)
    with django_assert_num_queries(3):
        large = client.get(URL, {"export": "xlsx"})
    assert (len(lines(small)), len(lines(large))) == (3, 21)
