"""The follow-up cases as a file: the state shown, whom the person may see, the visitor by name
only, in a fixed number of queries."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reception.models import Case
from tests.downloads import file_name, lines
from tests.reception.factories import MIDDAY, VisitorFactory
from tests.reception.test_cases import needs_documents

pytestmark = pytest.mark.django_db

CASES = reverse("reception:case-list")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@time_machine.travel(MIDDAY, tick=False)
def test_the_cases_export_lists_the_open_cases_as_the_page_does(
    client, receptionist, official, service, desk, kind
):
    case = needs_documents(
        official,
        service,
        desk,
        visitor=VisitorFactory(full_name="=Ким Сергей", iin="900101300123", phone="+77015550707"),
    )
    closed = needs_documents(official, service, desk)
    Case.objects.filter(pk=closed.pk).update(state=Case.State.CLOSED, closed_at=timezone.now())
    client.force_login(receptionist)
    response = client.get(CASES, {"export": kind})
    today = f"{timezone.localdate():%d.%m.%Y}"
    assert file_name(response) == f"Дела на доработку Открыто {today}.{kind}"
    table = lines(response)
    assert table[0][:3] == ["Талон", "Дата", "Посетитель"]
    [row] = table[1:]
    assert row[0] == case.visit.ticket
    assert row[2] == ("'=Ким Сергей" if kind == "csv" else "=Ким Сергей")
    assert row[3:5] == ["Субсидии в животноводстве", str(official)]
    assert [str(value) for value in row[6:]] == ["нет", "0", "2"]
    body = response.content if kind == "csv" else str(table).encode()
    assert b"900101300123" not in body and b"5550707" not in body


@time_machine.travel(MIDDAY, tick=False)
def test_the_cases_export_keeps_the_state_and_the_persons_scope(
    client, official, colleague, service, desk
):
    mine = needs_documents(official, service, desk)
    client.force_login(colleague)
    assert lines(client.get(CASES, {"export": "csv"}))[1:] == []
    client.force_login(official)
    assert [row[0] for row in lines(client.get(CASES, {"export": "csv"}))[1:]] == [
        mine.visit.ticket
    ]
    assert lines(client.get(CASES, {"export": "csv", "state": "closed"}))[1:] == []
    assert 'href="?state=closed&amp;export=xlsx"' in client.get(CASES, {"state": "closed"}).text


@time_machine.travel(MIDDAY, tick=False)
def test_the_cases_export_costs_the_same_for_more_cases(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    # session, user, roles; the count, the lines
    for _ in range(3):
        needs_documents(official, service, desk)
    client.force_login(receptionist)
    with django_assert_num_queries(5):
        small = client.get(CASES, {"export": "xlsx"})
    for _ in range(27):
        needs_documents(official, service, desk)
    with django_assert_num_queries(5):
        large = client.get(CASES, {"export": "xlsx"})
    assert (len(lines(small)), len(lines(large))) == (4, 31)
