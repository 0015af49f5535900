"""Links from logbook entries to reception visits: search-as-you-type by ticket and date, the
form's refusal of unknown visits, and each reader seeing only the visits the reception shows
them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import services
from journal.models import Entry, Kind
from tests.reception.factories import ServiceFactory, VisitFactory

pytestmark = pytest.mark.django_db

OPTIONS = reverse("journal:link-options", args=["visits"])


@pytest.fixture
def visits(department, other_department):
    today = timezone.localdate()
    ours = ServiceFactory(department=department, prefix="A")
    theirs = ServiceFactory(department=other_department, prefix="B")
    return {
        "a12_today": VisitFactory(service=ours, number=12, day=today),
        "a12_before": VisitFactory(service=ours, number=12, day=today - dt.timedelta(days=7)),
        "a7_today": VisitFactory(service=ours, number=7, day=today),
        "b12_today": VisitFactory(service=theirs, number=12, day=today),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("A-012", {"a12_today", "a12_before"}),
        ("а12", {"a12_today", "a12_before"}),  # a Cyrillic "а" typed for the Latin prefix
        ("12", {"a12_today", "a12_before", "b12_today"}),
        ("B-12", {"b12_today"}),
        ("A-012 {today}", {"a12_today"}),
        ("{today}", {"a12_today", "a7_today", "b12_today"}),
        ("{iso}", {"a12_today", "a7_today", "b12_today"}),
        ("31.02", set()),
        ("A-999", set()),
        ("приём", set()),
    ],
)
def test_visits_are_found_by_ticket_and_date(client, methodologist, visits, query, expected):
    today = timezone.localdate()
    query = query.format(today=f"{today:%d.%m}", iso=today.isoformat())
    client.force_login(methodologist)
    response = client.get(OPTIONS, {"visits_q": query})
    assert response.status_code == 200
    found = {pk for pk, _label, _service in response.context["items"]}
    assert found == {visits[name].pk for name in expected}
    if expected:
        assert "A-012" in response.text or "B-012" in response.text or "A-007" in response.text


def test_only_the_writer_searches_visits(client, head, visits):
    client.force_login(head)
    assert client.get(OPTIONS, {"visits_q": "A-012"}).status_code == 403


def test_an_entry_links_visits_and_a_missing_visit_is_refused(client, methodologist, visits):
    client.force_login(methodologist)
    data = {
        "occurred_date": timezone.localdate().isoformat(),
        "occurred_time": "00:01",
        "kind": Kind.OBSERVATION,
        "body": "Очередь к столу земельных отношений.",
        "visits": [visits["a12_today"].pk, visits["b12_today"].pk],
    }
    assert client.post(reverse("journal:entry-create"), data).status_code == 302
    entry = Entry.objects.get()
    assert set(entry.visits.all()) == {visits["a12_today"], visits["b12_today"]}
    page = client.get(entry.get_absolute_url())
    assert "A-012" in page.text and "B-012" in page.text
    assert visits["a12_today"].get_absolute_url() in page.text  # the methodologist opens tickets
    response = client.post(reverse("journal:entry-create"), {**data, "visits": ["999999"]})
    assert "visits" in response.context["form"].errors
    assert Entry.objects.count() == 1


def test_a_reader_sees_only_the_visits_of_their_directorate(
    client, methodologist, head, department, visits
):
    entry = services.create_entry(
        author=methodologist,
        body="Две очереди сразу.",
        visits=[visits["a12_today"], visits["b12_today"]],
        shared_with=[department],
    )
    client.force_login(head)
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200
    assert "A-012" in page.text and "B-012" not in page.text
    assert visits["a12_today"].get_absolute_url() not in page.text  # no ticket page for staff
    day = client.get(reverse("journal:day"))
    assert "A-012" in day.text and "B-012" not in day.text
