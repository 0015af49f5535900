"""Follow-up cases at the desk: the reception reads every case, finds a returning visitor's open
case as it types, tells the official the visitor is back; the official's note travels to the case
and its task; a new visitor's language follows the desk's."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reception import services
from reception.models import Case, Outcome
from tasks import services as task_services
from tasks.models import Absence, Notification
from tests.factories import UserFactory
from tests.reception.factories import MIDDAY, DeskFactory, VisitFactory, VisitorFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
DESK = reverse("reception:desk")
LOOKUP = reverse("reception:visitor-lookup")
CASES = reverse("reception:case-list")


def toast(response) -> dict:
    return json.loads(response["HX-Trigger"])["notify"]


def needs_documents(official, service, desk, *, visitor=None, note=""):
    """A visit served by `official` and finished with "needs documents": its case."""
    visit = VisitFactory(service=service, visitor=visitor or VisitorFactory())
    if services.current_shift(official) is None:
        services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    services.finish_visit(
        official=official,
        visit=visit,
        outcome=Outcome.NEEDS_DOCUMENTS,
        note=note,
        missing_documents=list(service.documents.all()),
    )
    return Case.objects.get(visit=visit)


# --- the reception reads cases ---------------------------------------------------------------


@time_machine.travel(MIDDAY, tick=False)
def test_the_receptionist_opens_every_directorates_cases_but_not_their_tasks(
    client, receptionist, official, outsider, service, other_service, desk
):
    ours = needs_documents(official, service, desk, visitor=VisitorFactory(full_name="Ким Сергей"))
    other_service.documents.create(name_ru="Схема участка", name_kk="Учаске сызбасы")
    theirs = needs_documents(
        outsider,
        other_service,
        DeskFactory(number=5),
        visitor=VisitorFactory(full_name="Беков Арман"),
    )
    client.force_login(receptionist)
    listed = client.get(CASES)
    assert listed.status_code == 200
    assert "Ким Сергей" in listed.text and "Беков Арман" in listed.text
    page = client.get(reverse("reception:case-detail", args=[theirs.pk]))
    assert page.status_code == 200 and "Беков Арман" in page.text
    # The task's title and link are the official's work: only its status shows.
    assert theirs.task.get_absolute_url() not in page.text
    assert theirs.task.title not in page.text
    assert client.get(theirs.task.get_absolute_url()).status_code == 404
    # Nor does the reception tick documents: the official checks them.
    assert "case-document-toggle" not in page.text
    document = ours.documents.first()
    refused = client.post(
        reverse("reception:case-document-toggle", args=[ours.pk, document.pk]), headers=HX
    )
    assert toast(refused)["level"] == "danger"
    document.refresh_from_db()
    assert document.received_at is None
    # The contact log stays with the watchers.
    assert client.get(reverse("reception:contact-log")).status_code == 403


@time_machine.travel(MIDDAY, tick=False)
def test_the_official_still_sees_the_link_to_the_task(client, official, service, desk):
    case = needs_documents(official, service, desk)
    client.force_login(official)
    page = client.get(reverse("reception:case-detail", args=[case.pk]))
    assert case.task.get_absolute_url() in page.text
    assert 'data-testid="visitor-back"' not in page.text


def test_someone_outside_the_reception_and_the_directorates_is_still_refused(client, service):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(CASES).status_code == 403


@time_machine.travel(MIDDAY, tick=False)
def test_the_case_list_is_paged_and_costs_the_same_for_more_cases(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    for _ in range(3):
        needs_documents(official, service, desk)
    client.force_login(receptionist)
    # session, user, roles; the count of cases, the page of cases; the bell
    with django_assert_num_queries(6):
        small = client.get(CASES)
    for _ in range(55):
        needs_documents(official, service, desk)
    with django_assert_num_queries(6):
        large = client.get(CASES)
    assert len(small.context_data["page"]) == 3
    assert (
        len(large.context_data["page"]) == 50 and large.context_data["page"].paginator.count == 58
    )
    second = client.get(CASES, {"page": 2})
    assert len(second.context_data["page"]) == 8
    assert 'href="?page=1"' in second.text
    # The pager keeps the list's other parameters (templates/_pager.html).
    named = client.get(CASES, {"state": "open", "page": 2})
    assert 'href="?state=open&amp;page=1"' in named.text


@time_machine.travel(MIDDAY, tick=False)
def test_the_case_page_costs_the_same_for_the_reception_and_the_official(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    case = needs_documents(official, service, desk, note="Печать сельского округа")
    url = case.get_absolute_url()
    for person in (receptionist, official):
        client.force_login(person)
        # session, user, roles; the case with its visit, visitor, service, official and task;
        # its documents; whether the task is the reader's to open; the bell
        with django_assert_num_queries(7):
            page = client.get(url)
        assert "Печать сельского округа" in page.text


# --- the desk finds a returning visitor's open case ------------------------------------------


@time_machine.travel(MIDDAY, tick=False)
def test_the_desk_lookup_shows_the_open_cases_by_name_phone_and_ticket(
    client, receptionist, official, service, desk
):
    visitor = VisitorFactory(full_name="Сулейменова Дана", phone="+77012223344")
    case = needs_documents(official, service, desk, visitor=visitor)
    closed = needs_documents(official, service, desk, visitor=visitor)
    for document in closed.documents.all():
        services.toggle_document(actor=official, document=document)
    client.force_login(receptionist)
    url = case.get_absolute_url()
    # The ticket as typed in a hurry: lower case, no leading zeros ("k-7" for K-007).
    loose = f"{case.visit.prefix.lower()}-{case.visit.number}"
    for typed in ({"full_name": "сулейменова"}, {"phone": "8 701 222"}, {"full_name": loose}):
        response = client.post(LOOKUP, typed, headers=HX)
        assert response.text.count('data-testid="open-case"') == 1, typed
        assert f'href="{url}"' in response.text
        assert f"по талону {case.visit.ticket}" in response.text
        assert "0 из 2" in response.text
    # The closed case's ticket finds nobody: only open cases are chased at the desk.
    none = client.post(LOOKUP, {"full_name": closed.visit.ticket}, headers=HX)
    assert 'data-testid="lookup-result"' not in none.text


@time_machine.travel(MIDDAY, tick=False)
def test_the_lookup_costs_two_queries_however_many_cases(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    for n in range(3):
        needs_documents(official, service, desk, visitor=VisitorFactory(full_name=f"Нуров {n}"))
    client.force_login(receptionist)
    # session, user, roles; the visitors; their open cases with the documents counted
    with django_assert_num_queries(5):
        small = client.post(LOOKUP, {"full_name": "Нуров"}, headers=HX)
    for n in range(3, 8):
        visitor = VisitorFactory(full_name=f"Нуров {n}")
        needs_documents(official, service, desk, visitor=visitor)
        needs_documents(official, service, desk, visitor=visitor)
    with django_assert_num_queries(5):
        large = client.post(LOOKUP, {"full_name": "Нуров"}, headers=HX)
    assert small.text.count('data-testid="open-case"') == 3
    assert large.text.count('data-testid="open-case"') == 13


# --- the visitor is back ---------------------------------------------------------------------


@time_machine.travel(MIDDAY, tick=False)
def test_the_reception_tells_the_official_the_visitor_is_back(
    client, receptionist, official, service, desk
):
    official.language = "kk"
    official.save()
    case = needs_documents(official, service, desk, visitor=VisitorFactory(full_name="Ким Сергей"))
    client.force_login(receptionist)
    url = reverse("reception:case-visitor-back", args=[case.pk])
    page = client.get(case.get_absolute_url())
    assert 'data-testid="visitor-back"' in page.text
    assert f"?visitor={case.visitor_id}&amp;service={service.pk}" in page.text
    response = client.post(url, {"note": "принёс справку о поголовье"}, headers=HX)
    assert toast(response)["level"] == "success"
    assert str(official) in toast(response)["text"]
    notification = Notification.objects.get()
    assert notification.recipient == official and notification.actor == receptionist
    assert notification.task == case.task
    assert notification.kind == Notification.Kind.VISITOR_BACK
    # In the official's language, with what the reception typed.
    assert "Ким Сергей" in notification.text and case.visit.ticket in notification.text
    assert "құжаттармен" in notification.text
    assert "принёс справку о поголовье" in notification.text
    client.force_login(official)
    assert notification.link == case.get_absolute_url()
    bell = client.get(reverse("tasks:notifications"))
    assert "принёс справку о поголовье" in bell.text
    # The line leads to the case, where the official ticks what was brought.
    assert f'<a href="{case.get_absolute_url()}">Пысықтау ісін ашу</a>' in bell.text


@time_machine.travel(MIDDAY, tick=False)
def test_an_acting_person_holding_the_task_is_the_one_told(
    client, receptionist, official, second_official, head, service, desk
):
    case = needs_documents(official, service, desk)
    # The official goes on leave until past the case's deadline; the head hands her tasks over.
    absence = Absence.objects.create(
        user=official,
        kind=Absence.Kind.LEAVE,
        start=timezone.localdate(),
        end=case.deadline.date(),
        acting=second_official,
    )
    task_services.hand_over_to_acting(absence=absence, actor=head)
    client.force_login(receptionist)
    client.post(reverse("reception:case-visitor-back", args=[case.pk]), headers=HX)
    told = Notification.objects.get(kind=Notification.Kind.VISITOR_BACK)
    assert told.recipient == second_official
    # The case the line leads to opens for the acting person, who ticks its documents.
    client.force_login(second_official)
    page = client.get(told.link)
    assert page.status_code == 200 and page.context_data["can_tick"]
    document = case.documents.first()
    client.post(reverse("reception:case-document-toggle", args=[case.pk, document.pk]))
    document.refresh_from_db()
    assert document.received_by == second_official


@time_machine.travel(MIDDAY, tick=False)
def test_visitor_back_is_refused_on_a_closed_case_from_staff_and_for_a_long_note(
    client, receptionist, official, head, service, desk
):
    case = needs_documents(official, service, desk)
    url = reverse("reception:case-visitor-back", args=[case.pk])
    client.force_login(head)
    refused = client.post(url, headers=HX)
    assert toast(refused) == {"text": "Это делает только приёмная.", "level": "danger"}
    client.force_login(receptionist)
    long = client.post(url, {"note": "x" * 201}, headers=HX)
    assert toast(long)["level"] == "danger" and "200" in toast(long)["text"]
    for document in case.documents.all():
        services.toggle_document(actor=official, document=document)
    closed = client.post(url, headers=HX)
    assert toast(closed) == {"text": "Это дело уже закрыто.", "level": "danger"}
    assert not Notification.objects.filter(kind=Notification.Kind.VISITOR_BACK).exists()
    plain = client.post(url)
    assert plain.status_code == 302 and plain["Location"] == case.get_absolute_url()


# --- the note typed at "needs documents" -----------------------------------------------------


@time_machine.travel(MIDDAY, tick=False)
def test_the_needs_documents_note_shows_on_the_case_and_its_task(
    client, official, receptionist, service, desk
):
    visit = VisitFactory(service=service, visitor=VisitorFactory())
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    client.force_login(official)
    client.post(
        reverse("reception:visit-finish", args=[visit.pk]),
        {
            "outcome": Outcome.NEEDS_DOCUMENTS,
            "missing_documents": [service.documents.first().pk],
            "note": "Справка нужна с печатью сельского округа",
        },
        headers=HX,
    )
    case = Case.objects.get()
    case_page = client.get(case.get_absolute_url())
    assert 'data-testid="case-note">Справка нужна с печатью сельского округа<' in case_page.text
    task_page = client.get(case.task.get_absolute_url())
    assert "Примечание: Справка нужна с печатью сельского округа" in task_page.text
    client.force_login(receptionist)
    assert "Справка нужна с печатью" in client.get(case.get_absolute_url()).text


# --- the visitor's language ------------------------------------------------------------------


@pytest.mark.parametrize(("ui", "chosen"), [("kk", "kk"), ("ru", "ru"), ("en", "ru")])
def test_a_new_visitors_language_follows_the_desk(client, receptionist, service, ui, chosen):
    receptionist.language = ui
    receptionist.save()
    client.force_login(receptionist)
    form = client.get(DESK).context_data["form"]
    assert form["language"].value() == chosen
    assert f'<option value="{chosen}" lang="{chosen}" selected>' in client.get(DESK).text


def test_a_returning_visitor_keeps_their_own_language(client, receptionist, service):
    receptionist.language = "kk"
    receptionist.save()
    visitor = VisitorFactory(language="ru")
    client.force_login(receptionist)
    form = client.get(DESK, {"visitor": visitor.pk}).context_data["form"]
    assert form["language"].value() == "ru"
