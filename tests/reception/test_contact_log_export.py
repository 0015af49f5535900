"""The contact log as a file: what the page shows (IINs masked, no BIN or phone), the day
chosen, a head's directorate only, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reception.models import ContactLog, Outcome
from tests.downloads import file_name, lines
from tests.reception.factories import OrganisationFactory, VisitFactory, VisitorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

URL = reverse("reception:contact-log")


def _meeting(service, official, *, desk=None, started_at=None, **visitor):
    visitor_row = VisitorFactory(**visitor)
    visit = VisitFactory(service=service, visitor=visitor_row, official=official, desk=desk)
    started = started_at or timezone.now() - dt.timedelta(minutes=20)
    return ContactLog.objects.create(
        visit=visit,
        ticket=visit.ticket,
        official=official,
        visitor=visitor_row,
        organisation=visitor_row.organisation,
        service=service,
        department=service.department,
        desk=desk,
        kind=visit.kind,
        purpose='=HYPERLINK("http://evil")',
        started_at=started,
        ended_at=started + dt.timedelta(minutes=15),
        outcome=Outcome.RESOLVED,
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_log_export_shows_what_the_page_shows(client, deputy, service, official, desk, kind):
    organisation = OrganisationFactory(name="ТОО «Береке»")
    entry = _meeting(
        service,
        official,
        desk=desk,
        full_name="Оспанов Ерлан",
        iin="900101300123",
        phone="+77015550707",
        organisation=organisation,
    )
    client.force_login(deputy)
    response = client.get(URL, {"export": kind})
    assert file_name(response) == f"Журнал контактов 18.11.2026.{kind}"
    table = lines(response)
    assert table[0] == [
        "Начало приёма",
        "Конец приёма",
        "Талон",
        "Сотрудник",
        "Стол",
        "Посетитель",
        "ИИН",
        "Организация",
        "Услуга",
        "Цель обращения",
        "Результат",
    ]
    [row] = table[1:]
    assert row[2:] == [
        entry.ticket,
        str(official),
        str(desk),
        "Оспанов Ерлан",
        "9001******23",
        "ТОО «Береке»",
        "Субсидии в животноводстве",
        '\'=HYPERLINK("http://evil")' if kind == "csv" else '=HYPERLINK("http://evil")',
        entry.get_outcome_display(),
    ]
    started = timezone.localtime(entry.started_at)
    if kind == "csv":
        assert row[0] == f"{started:%d.%m.%Y %H:%M}"
    body = response.content if kind == "csv" else str(table).encode()
    for secret in (b"900101300123", b"5550707", organisation.bin.encode()):
        assert secret not in body


def test_a_head_exports_their_directorates_log_of_the_day(
    client, head, service, other_service, official, outsider
):
    today = _meeting(service, official, full_name="Сегодняшний посетитель")
    _meeting(
        service,
        official,
        full_name="Вчерашний посетитель",
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    _meeting(other_service, outsider, full_name="Посетитель другого управления")
    client.force_login(head)
    day = timezone.localdate()
    response = client.get(URL, {"export": "csv", "day": f"{day:%Y-%m-%d}"})
    assert file_name(response) == f"Журнал контактов {day:%d.%m.%Y} 18.11.2026.csv"
    assert [row[2] for row in lines(response)[1:]] == [today.ticket]


def test_a_specialist_cannot_export_the_log(client, specialist):
    client.force_login(specialist)
    assert client.get(URL, {"export": "csv"}).status_code == 403


def test_the_page_links_its_exports_with_the_day(client, deputy):
    client.force_login(deputy)
    page = client.get(URL, {"day": "2026-11-17", "page": "2"}).text
    assert 'href="?day=2026-11-17&amp;export=xlsx"' in page


def test_the_log_export_runs_the_same_queries_at_ten_times_the_entries(
    client, deputy, service, official, desk, django_assert_num_queries
):
    # session, user, roles; the count, the lines with their people, service and desk
    client.force_login(deputy)
    for _n in range(2):
        _meeting(service, official, desk=desk)
    with django_assert_num_queries(5):
        small = client.get(URL, {"export": "xlsx"})
    for _n in range(18):
        _meeting(service, official, desk=desk)
    with django_assert_num_queries(5):
        large = client.get(URL, {"export": "xlsx"})
    assert (len(lines(small)), len(lines(large))) == (3, 21)
