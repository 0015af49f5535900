"""The reception's pages over HTTP: who sees what, htmx fragments, bad input, query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reception import services
from reception.models import (
    Case,
    ContactLog,
    Outcome,
    TicketCounter,
    Visit,
    Visitor,
    VisitorKind,
    VisitStatus,
)
from tasks.models import Status, Task
from tests.factories import UserFactory
from tests.reception.factories import (
    MIDDAY,
    DeskFactory,
    ServiceFactory,
    ShiftFactory,
    VisitFactory,
    VisitorFactory,
    bin_,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
DESK = reverse("reception:desk")
QUEUE = reverse("reception:queue")
BOARD = reverse("reception:board")
VALID_IIN = "061211600012"


def toast(response) -> dict:
    return json.loads(response["HX-Trigger"])["notify"]


def registration(service, /, **extra):
    data = {"kind": VisitorKind.ENTREPRENEUR, "service": service.pk, "language": "ru"}
    data.update(extra)
    return data


# --- the desk --------------------------------------------------------------------------------


def test_the_receptionist_registers_with_enter_and_gets_the_ticket_back(
    client, receptionist, service
):
    client.force_login(receptionist)
    response = client.post(
        DESK,
        registration(
            service,
            full_name="Ахметов Ерлан",
            iin=VALID_IIN,
            phone="8 (701) 234-56-78",
            organisation_name="ТОО «Береке Агро»",
            bin=bin_(3),
            consent="on",
        ),
        headers=HX,
    )
    assert response.status_code == 200
    assert 'data-testid="ticket-number">K-001<' in response.text
    assert 'id="ticket" aria-live="polite" hx-swap-oob="true"' in response.text
    assert "<html" not in response.text
    assert json.loads(response["HX-Trigger"]) == {
        "reception-changed": {}
    }  # the list fetches itself
    visit = Visit.objects.get()
    assert visit.visitor.phone == "+77012345678" and visit.organisation.bin == bin_(3)


def test_a_plain_post_redirects_to_the_desk_showing_the_ticket(client, receptionist, service):
    client.force_login(receptionist)
    response = client.post(DESK, registration(service))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?ticket={visit.pk}")
    page = client.get(response["Location"])
    assert 'data-testid="ticket-number">K-001<' in page.text


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"iin": "061211600013", "full_name": "Омаров", "consent": "on"}, "iin", "контрольная"),
        ({"iin": "12345", "full_name": "Омаров", "consent": "on"}, "iin", "12 цифр"),
        ({"bin": "150540000019", "organisation_name": "ТОО", "consent": "on"}, "bin", "БИН"),
        # Right check digits, impossible structure: the message says what is wrong.
        ({"iin": "000000000000", "full_name": "Омаров", "consent": "on"}, "iin", "седьмая цифра"),
        ({"iin": "901301300017", "full_name": "Омаров", "consent": "on"}, "iin", "Дата рождения"),
        ({"bin": VALID_IIN, "organisation_name": "ТОО", "consent": "on"}, "bin", "пятая цифра"),
        ({"phone": "не дозвониться", "full_name": "Омаров", "consent": "on"}, "phone", "телефона"),
        ({"full_name": "Омаров Арман"}, "consent", "согласия"),
        ({"full_name": "<b>Омаров</b>", "consent": "on"}, "full_name", "&lt;"),
        ({"purpose": "x" * 5000}, "purpose", "300"),
        ({"service": "999999"}, "service", "Выберите корректный вариант"),
        ({"kind": "alien"}, "kind", "Выберите"),
    ],
)
def test_bad_input_is_refused_in_the_users_language_and_nothing_is_stored(
    client, receptionist, service, extra, field, message
):
    client.force_login(receptionist)
    response = client.post(DESK, registration(service, **extra), headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="register"')
    assert message in response.text
    assert field in response.context_data["form"].errors
    assert not Visit.objects.exists() and not Visitor.objects.exists()
    assert not TicketCounter.objects.exists()


def test_a_closed_directorate_is_refused_with_its_reason(client, receptionist, service, department):
    from reception.models import Closure

    today = timezone.localdate()
    Closure.objects.create(department=department, first_day=today, last_day=today, reason="аудит")
    client.force_login(receptionist)
    page = client.get(DESK)
    assert "не принимает сегодня" in page.text
    response = client.post(DESK, registration(service), headers=HX)
    assert "аудит" in response.text and not Visit.objects.exists()


def test_kazakh_messages_for_a_kazakh_receptionist(client, receptionist, service):
    receptionist.language = "kk"
    receptionist.save()
    client.force_login(receptionist)
    response = client.post(
        DESK,
        registration(service, full_name="Омаров", iin="061211600013", consent="on"),
        headers=HX,
    )
    assert "ЖСН" in response.text and not Visit.objects.exists()


def test_lookup_finds_a_returning_visitor_by_iin_phone_bin_or_name(client, receptionist):
    visitor = VisitorFactory(
        full_name="Сарсенбаев Данияр Болатович", iin=VALID_IIN, phone="+77017654321"
    )
    VisitorFactory(full_name="Иванова Ольга")
    client.force_login(receptionist)
    url = reverse("reception:visitor-lookup")
    for params, trigger in [
        ({"iin": "0612"}, "iin"),
        ({"phone": "8 701 765"}, "phone"),
        ({"full_name": "сарсен"}, "full_name"),
    ]:
        response = client.post(url, params, headers={**HX, "HX-Trigger-Name": trigger})
        found = response.context_data["results"]
        assert found == [visitor], params
    chosen = client.get(DESK, {"visitor": visitor.pk, "service": ""}, headers=HX)
    assert 'value="Сарсенбаев Данияр Болатович"' in chosen.text
    assert 'data-testid="returning"' in chosen.text


def test_the_lookup_takes_no_identifier_in_its_url(client, receptionist):
    """An IIN typed at the desk travels in the body: a query string would be in the access log."""
    VisitorFactory(iin=VALID_IIN)
    client.force_login(receptionist)
    url = reverse("reception:visitor-lookup")
    assert client.get(url, {"iin": VALID_IIN[:6]}, headers=HX).status_code == 405
    desk = client.get(DESK)
    assert f'hx-post="{url}"' in desk.text and f'hx-get="{url}"' not in desk.text


@pytest.mark.parametrize(
    ("typed", "found"),
    [("0612\x00", 0), ("\u202e0612", 1), ("\u200b\u2060", 0)],
    ids=["nul", "bidi", "invisible"],
)
def test_the_lookup_cleans_what_is_typed_like_every_input(client, receptionist, typed, found):
    """A NUL counts as nothing typed, a bidi override is dropped, invisible-only text is empty."""
    VisitorFactory(iin=VALID_IIN)
    client.force_login(receptionist)
    url = reverse("reception:visitor-lookup")
    response = client.post(url, {"iin": typed}, headers={**HX, "HX-Trigger-Name": "iin"})
    assert response.status_code == 200
    assert len(response.context_data["results"]) == found
    assert "\u202e" not in response.text and "\x00" not in response.text


def test_lookup_and_registration_are_for_the_reception_only(client, specialist, deputy, service):
    client.force_login(specialist)
    assert client.post(reverse("reception:visitor-lookup"), {"iin": "0612"}).status_code == 403
    assert client.post(DESK, registration(service)).status_code == 302  # to the queue
    client.force_login(deputy)
    assert client.get(DESK).status_code == 200  # the deputy sees the reception …
    assert client.post(DESK, registration(service)).status_code == 403  # … but registers nobody
    assert not Visit.objects.exists()


@time_machine.travel(MIDDAY, tick=True)
def test_the_waiting_list_colours_each_wait_against_the_norm(client, receptionist, service):
    now = timezone.now()
    VisitFactory(service=service, number=1, arrived_at=now - dt.timedelta(minutes=20))
    VisitFactory(service=service, number=2, arrived_at=now - dt.timedelta(minutes=13))
    VisitFactory(service=service, number=3, arrived_at=now - dt.timedelta(minutes=2))
    client.force_login(receptionist)
    response = client.get(DESK, {"part": "waiting"}, headers=HX)
    assert response.text.lstrip().startswith('<section id="waiting"')
    text = response.text
    assert text.index("K-001") < text.index("reception-wait-over") < text.index("K-002")
    assert text.index("K-002") < text.index("reception-wait-near") < text.index("K-003")
    assert text.index("K-003") < text.index("reception-wait-ok")


def test_the_reception_marks_a_visitor_gone_and_transfers_another(
    client, receptionist, service, other_service
):
    gone = VisitFactory(service=service, number=1)
    moved = VisitFactory(service=service, number=2)
    client.force_login(receptionist)
    response = client.post(reverse("reception:visit-left", args=[gone.pk]), headers=HX)
    assert toast(response)["level"] == "success"
    response = client.post(
        reverse("reception:visit-transfer", args=[moved.pk]),
        {"service": other_service.pk},
        headers=HX,
    )
    assert toast(response)["level"] == "success"
    assert Visit.objects.get(pk=gone.pk).status == VisitStatus.LEFT
    assert Visit.objects.get(pk=moved.pk).service == other_service
    again = client.post(reverse("reception:visit-left", args=[gone.pk]), headers=HX)
    assert toast(again)["level"] == "danger"


# --- the queue -------------------------------------------------------------------------------


def test_an_official_opens_a_desk_calls_starts_and_finishes_with_needs_documents(
    client, official, service, desk
):
    visit = VisitFactory(service=service, number=1, visitor=VisitorFactory(full_name="Ким Сергей"))
    client.force_login(official)
    ShiftFactory(desk=DeskFactory(number=8), services=[service])  # taken by a colleague
    page = client.get(QUEUE)
    offered = list(page.context_data["open_form"].fields["desk"].queryset)
    assert desk in offered and [d.number for d in offered] == [3]
    response = client.post(
        reverse("reception:desk-open"), {"desk": desk.pk, "services": [service.pk]}, headers=HX
    )
    assert toast(response)["level"] == "success"
    assert response.text.lstrip().startswith('<div id="queue">')
    response = client.post(reverse("reception:call-next"), headers=HX)
    assert "K-001" in toast(response)["text"] and "Ким Сергей" in response.text
    client.post(reverse("reception:visit-start", args=[visit.pk]), headers=HX)
    documents = list(service.documents.values_list("pk", flat=True))
    response = client.post(
        reverse("reception:visit-finish", args=[visit.pk]),
        {"outcome": Outcome.NEEDS_DOCUMENTS, "missing_documents": documents},
        headers=HX,
    )
    assert toast(response)["level"] == "success"
    case = Case.objects.get()
    assert case.task.responsible == official
    my_tasks = client.get(reverse("tasks:my-tasks"))
    assert "Ким Сергей" in my_tasks.text and "K-001" in my_tasks.text


def test_calling_from_an_empty_queue_says_so_and_changes_nothing(client, official, service, desk):
    services.open_desk(official=official, desk=desk, services=[service])
    client.force_login(official)
    response = client.post(reverse("reception:call-next"), headers=HX)
    assert toast(response) == {"text": "Сейчас никто не ждёт ваших услуг.", "level": "danger"}
    plain = client.post(reverse("reception:call-next"))
    assert plain.status_code == 302


def test_finishing_someone_elses_visit_is_refused(client, official, second_official, service, desk):
    visit = VisitFactory(service=service)
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    services.open_desk(official=second_official, desk=DeskFactory(number=9), services=[service])
    client.force_login(second_official)
    response = client.post(
        reverse("reception:visit-finish", args=[visit.pk]), {"outcome": "resolved"}, headers=HX
    )
    assert toast(response)["text"] == "Этого посетителя обслуживает другой сотрудник."
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.IN_SERVICE
    assert not ContactLog.objects.exists()
    missing = client.post(
        reverse("reception:visit-finish", args=[999999]), {"outcome": "resolved"}, headers=HX
    )
    assert missing.status_code == 404


def test_a_specialist_sees_only_their_directorates_queue(
    client, specialist, outsider, service, other_department
):
    client.force_login(specialist)
    assert client.get(QUEUE, {"department": other_department.pk}).status_code == 404
    assert client.get(QUEUE, {"department": "abc"}).status_code == 404
    assert client.get(QUEUE).context_data["department"] == specialist.department


def test_people_without_a_role_at_the_reception_are_refused(client, service):
    nobody = UserFactory(username="nobody")
    client.force_login(nobody)
    assert client.get(DESK).status_code == 403
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("reception:stats")).status_code == 403
    assert client.get(reverse("reception:contact-log")).status_code == 403
    assert client.get(reverse("reception:case-list")).status_code == 403


def test_the_iin_is_whole_only_for_the_reception_and_the_serving_official(
    client, receptionist, official, head, deputy, service, desk
):
    visitor = VisitorFactory(iin=VALID_IIN, full_name="Жумабаев Нурлан")
    visit = VisitFactory(service=service, visitor=visitor)
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    services.finish_visit(
        official=official,
        visit=visit,
        outcome=Outcome.NEEDS_DOCUMENTS,
        missing_documents=list(service.documents.all()),
    )
    case_url = reverse("reception:case-detail", args=[Case.objects.get().pk])
    client.force_login(official)
    assert VALID_IIN in client.get(case_url).text
    for person in (head, deputy):
        client.force_login(person)
        page = client.get(case_url)
        assert VALID_IIN not in page.text and "0612******12" in page.text
        log = client.get(reverse("reception:contact-log"))
        assert VALID_IIN not in log.text and "0612******12" in log.text


def test_ticking_documents_over_http_closes_the_case_and_the_task(
    client, official, head, service, desk
):
    visit = VisitFactory(service=service, visitor=VisitorFactory())
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    services.finish_visit(
        official=official,
        visit=visit,
        outcome=Outcome.NEEDS_DOCUMENTS,
        missing_documents=list(service.documents.all()),
    )
    case = Case.objects.get()
    urls = [
        reverse("reception:case-document-toggle", args=[case.pk, d.pk])
        for d in case.documents.all()
    ]
    client.force_login(head)
    refused = client.post(urls[0], headers=HX)
    assert toast(refused)["level"] == "danger"
    client.force_login(official)
    client.post(urls[0], headers=HX)
    response = client.post(urls[1], headers=HX)
    assert "закрыт" in toast(response)["text"]
    assert 'data-testid="case-state">Закрыт<' in response.text
    assert Task.objects.get(pk=case.task_id).status == Status.DONE
    other = UserFactory(username="stranger", department=official.department, roles=["specialist"])
    client.force_login(other)
    assert client.get(reverse("reception:case-detail", args=[case.pk])).status_code == 404


# --- the hall screen -------------------------------------------------------------------------


def test_the_hall_screen_needs_no_login_and_shows_numbers_never_names(
    client, official, service, desk
):
    visitor = VisitorFactory(full_name="Сейткалиев Асхат", iin=VALID_IIN, phone="+77011112233")
    VisitFactory(service=service, visitor=visitor, number=1)
    VisitFactory(service=service, number=2)
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    response = client.get(BOARD)
    assert response.status_code == 200
    assert 'data-testid="latest-call">' in response.text and "K-001" in response.text
    for secret in ("Сейткалиев", VALID_IIN, "0612", "+7701", official.last_name):
        assert secret not in response.text
    assert 'hx-trigger="every 5s"' in response.text
    fragment = client.get(BOARD, headers=HX)
    assert fragment.text.lstrip().startswith('<div id="board"')


# --- statistics and the contact log -----------------------------------------------------------


def _served(service, official, desk, *, waited: int, served: int, kind=VisitorKind.ENTREPRENEUR):
    arrived = timezone.now() - dt.timedelta(hours=2)
    called = arrived + dt.timedelta(minutes=waited)
    return VisitFactory(
        service=service,
        kind=kind,
        status=VisitStatus.DONE,
        outcome=Outcome.RESOLVED,
        official=official,
        desk=desk,
        arrived_at=arrived,
        first_called_at=called,
        called_at=called,
        started_at=called,
        finished_at=called + dt.timedelta(minutes=served),
    )


def test_statistics_count_kinds_waits_the_norm_and_no_shows_and_export(
    client, receptionist, official, service, desk
):
    # Waits of 5, 10, 20 and 30 minutes against a norm of 15; services of 10 and 20 minutes.
    for waited, served in [(5, 10), (10, 20), (20, 10), (30, 20)]:
        _served(service, official, desk, waited=waited, served=served)
    VisitFactory(service=service, kind=VisitorKind.INVESTOR, status=VisitStatus.LEFT)
    VisitFactory(service=service, kind=VisitorKind.CITIZEN)
    client.force_login(receptionist)
    response = client.get(reverse("reception:stats"))
    total = response.context_data["total"]
    assert (total.visitors, total.entrepreneurs, total.investors, total.citizens) == (6, 4, 1, 1)
    assert (total.served, total.no_shows, total.over_norm) == (4, 1, 2)
    assert total.average_wait == 16.2  # (5 + 10 + 20 + 30) / 4 = 16.25
    assert total.p90_wait == 27.0  # percentile_cont(0.9) of 5, 10, 20, 30
    assert total.average_service == 15.0 and total.p90_service == 20.0
    assert total.over_norm_share == 50.0
    exported = client.get(reverse("reception:stats"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Управление" and rows[-1][1] == "6"
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reception:stats"), {"export": "xlsx"}).content)
    )
    sheet = book.active
    assert sheet.cell(row=sheet.max_row, column=2).value == 6
    assert sheet.cell(row=sheet.max_row, column=9).value == 27.0
    # A resident the deputy received in person away from the desk is served, but no sample of
    # the desk's service time (the factory's tickets bypass the day's counter: start after them).
    TicketCounter.objects.create(day=timezone.localdate(), prefix=service.prefix, last=1_000)
    services.receive_in_person(
        official=UserFactory(roles=["deputy"]),
        service=service,
        kind=VisitorKind.CITIZEN,
        consent=False,
        purpose="Вопрос на выездном приёме",
    )
    after = client.get(reverse("reception:stats")).context_data["total"]
    assert (after.served, after.average_service, after.p90_service) == (5, 15.0, 20.0)


def test_a_heads_statistics_are_their_directorates(client, head, service, other_service):
    VisitFactory(service=service)
    VisitFactory(service=other_service)
    VisitFactory(service=other_service)
    client.force_login(head)
    assert client.get(reverse("reception:stats")).context_data["total"].visitors == 1


def test_the_contact_log_tolerates_a_broken_date(client, deputy):
    client.force_login(deputy)
    response = client.get(reverse("reception:contact-log"), {"day": "2026-13-45"})
    assert response.status_code == 200 and response.context_data["bad_day"]


# --- query counts ------------------------------------------------------------------------------


def _morning(service, official, desk, size: int) -> None:
    """`size` waiting, `size` served and `size` gone, and one more open desk per size."""
    for _ in range(size):
        VisitFactory(service=service, visitor=VisitorFactory())
        _served(service, official, desk, waited=5, served=10)
        VisitFactory(service=service, status=VisitStatus.LEFT)
        colleague = UserFactory(department=service.department, roles=["specialist"])
        ShiftFactory(official=colleague, desk=DeskFactory(), services=[service])


def _called(service, size: int) -> None:
    """`size` tickets called now, each to a desk of its own."""
    for _ in range(size):
        VisitFactory(
            service=service,
            status=VisitStatus.CALLED,
            desk=DeskFactory(),
            called_at=timezone.now(),
            first_called_at=timezone.now(),
            calls=1,
        )


def test_desk_query_count_is_the_same_at_ten_times_the_data(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    # session, user, roles; the closed directorates and the offered services for the form;
    # the directorates' queues (one query with subqueries); the waiting visitors; the bell
    client.force_login(receptionist)
    _morning(service, official, desk, 2)
    with django_assert_num_queries(8):
        small = client.get(DESK)
    _morning(service, official, desk, 18)
    with django_assert_num_queries(8):
        large = client.get(DESK)
    assert small.context_data["waiting_total"] == 2 and large.context_data["waiting_total"] == 20
    assert (
        small.context_data["queues"][0][0].desks == 2
        and large.context_data["queues"][0][0].desks == 20
    )


def test_queue_query_count_is_the_same_at_ten_times_the_data(
    client, official, service, desk, django_assert_num_queries
):
    # session, user, roles, the directorates allowed, the official's shift with its desk, the
    # shift's services, the current visit, the waiting visitors, the official's visitors on
    # hold, the open desks of the directorate, the visitors at those desks, the queue's totals,
    # the bell
    services.open_desk(official=official, desk=desk, services=[service])
    client.force_login(official)
    _morning(service, official, DeskFactory(), 2)
    with django_assert_num_queries(13):
        small = client.get(QUEUE)
    _morning(service, official, DeskFactory(), 18)
    with django_assert_num_queries(13):
        large = client.get(QUEUE)
    assert len(small.context_data["waiting"]) == 2 and len(large.context_data["waiting"]) == 20
    assert len(small.context_data["at_desks"]) == 3 and len(large.context_data["at_desks"]) == 21


def test_board_query_count_is_the_same_at_ten_times_the_data(
    client, official, service, desk, django_assert_num_queries
):
    # the tickets called now with their desks, every service's queue (one query with subqueries)
    _morning(service, official, desk, 2)
    _called(service, 2)
    with django_assert_num_queries(2):
        small = client.get(BOARD, headers=HX)
    _morning(service, official, desk, 18)
    _called(service, 18)
    with django_assert_num_queries(2):
        large = client.get(BOARD, headers=HX)
    assert (
        small.context_data["queues"][0].waiting == 2
        and large.context_data["queues"][0].waiting == 20
    )
    assert len(small.context_data["calls"]) == 2 and len(large.context_data["calls"]) == 8


def test_stats_query_count_is_the_same_at_ten_times_the_data(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    # session, user, roles, the per-directorate aggregate, the total aggregate, the bell
    client.force_login(receptionist)
    _morning(service, official, desk, 2)
    with django_assert_num_queries(6):
        small = client.get(reverse("reception:stats"))
    _morning(service, official, desk, 18)
    with django_assert_num_queries(6):
        large = client.get(reverse("reception:stats"))
    assert small.context_data["total"].visitors == 6 and large.context_data["total"].visitors == 60


def test_a_desk_serving_two_services_is_listed_once(client, deputy, official, service, desk):
    second = ServiceFactory(department=service.department, prefix="B")
    ShiftFactory(official=official, desk=desk, services=[service, second])
    client.force_login(deputy)
    response = client.get(QUEUE, {"department": service.department_id})
    assert [s.desk for s in response.context_data["at_desks"]] == [desk]
    assert response.context_data["queue"].desks == 1


def test_the_queue_refreshes_its_waiting_list_and_desks_in_a_few_queries(
    client, official, service, desk, django_assert_num_queries
):
    # session, user, roles, the directorates allowed, the official's shift with its desk, the
    # shift's services, the current visit, the waiting visitors, the official's visitors on
    # hold, the open desks of the directorate, the visitors at those desks, the queue's totals,
    # (the fragment has no bell)
    services.open_desk(official=official, desk=DeskFactory(number=500), services=[service])
    client.force_login(official)
    page = client.get(QUEUE)
    live = f"{QUEUE}?department={service.department_id}&amp;part=live"
    assert f'hx-get="{live}" hx-trigger="every 5s"' in page.text
    _morning(service, official, DeskFactory(), 2)
    with django_assert_num_queries(12):
        small = client.get(QUEUE, {"department": service.department_id, "part": "live"}, headers=HX)
    _morning(service, official, DeskFactory(), 18)
    newcomer = VisitFactory(service=service)
    services.call_next(official=official)  # the desk card's forms are not read for the poll
    with django_assert_num_queries(12):
        large = client.get(QUEUE, {"department": service.department_id, "part": "live"}, headers=HX)
    assert small.text.lstrip().startswith('<section id="queue-waiting"')
    assert f'data-visit="{newcomer.pk}"' in large.text and newcomer.ticket in large.text
    # The desks and the totals come along out of band; the official's own desk card does not.
    assert 'id="queue-desks" aria-labelledby="desks-heading" hx-swap-oob="true"' in large.text
    assert 'id="queue-summary" hx-swap-oob="true"' in large.text
    assert "Вызвать следующего" not in large.text and "finish_form" not in large.context_data
    assert len(large.context_data["waiting"]) == 20


@time_machine.travel(MIDDAY, tick=True)
def test_call_again_comes_before_did_not_come(client, official, service, desk):
    visit = VisitFactory(service=service, number=9)
    services.open_desk(official=official, desk=desk, services=[service])
    client.force_login(official)
    response = client.post(reverse("reception:call-next"), headers=HX)
    again = reverse("reception:visit-call-again", args=[visit.pk])
    no_show = reverse("reception:visit-no-show", args=[visit.pk])
    assert f'hx-post="{again}"' in response.text and no_show not in response.text
    refused = client.post(no_show, headers=HX)
    assert toast(refused)["level"] == "danger" and "K-009" in toast(refused)["text"]
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CALLED
    response = client.post(again, headers=HX)
    assert toast(response) == {
        "text": "Талон K-009 вызван повторно: Стол 3 (вызов 2).",
        "level": "success",
    }
    assert 'data-testid="current-calls">Вызовов: 2' in response.text
    assert f'hx-post="{no_show}"' in response.text
    hall = client.get(BOARD)
    assert "повторный вызов" in hall.text and "қайта шақыру" in hall.text
    response = client.post(no_show, headers=HX)
    assert toast(response)["level"] == "success"
    hall = client.get(BOARD)
    assert 'data-testid="latest-call"' not in hall.text and "K-009" not in hall.text


def test_the_hall_screen_and_the_ticket_speak_kazakh_then_russian(
    client, receptionist, official, service, desk
):
    visit = VisitFactory(service=service, number=1, language="en")
    services.open_desk(official=official, desk=desk, services=[service])
    client.force_login(receptionist)
    client.post(reverse("set-language"), {"language": "en"})
    ticket = client.get(reverse("reception:ticket", args=[visit.pk])).text
    kazakh = ticket.index('lang="kk">Әкімдіктің бірыңғай қабылдау орны')
    russian = ticket.index('lang="ru">Единая приёмная акимата')
    assert kazakh < russian
    assert 'lang="kk">Мал шаруашылығындағы субсидиялар<' in ticket
    assert 'lang="ru">Субсидии в животноводстве<' in ticket
    # Nobody ahead and a desk open: no wait, never "about 0 minutes".
    assert 'lang="kk">күтусіз<' in ticket and 'lang="ru">без ожидания<' in ticket
    assert "0 мин" not in ticket and "0 minutes" not in ticket
    hall = client.get(BOARD).text
    assert hall.index('lang="kk">Күтуде<') < hall.index('lang="ru">В очереди<')
    assert 'lang="kk">Ауыл шаруашылығы басқармасы<' in hall
    assert 'lang="ru">Управление сельского хозяйства<' in hall
    # The ticket waits for the one open desk: 12 minutes, written once ("≈12 мин" in both).
    assert '<td class="text-end" data-testid="hall-wait">≈12 мин</td>' in hall


def test_ticket_query_count_is_the_same_at_ten_times_the_data(
    client, receptionist, official, service, desk, django_assert_num_queries
):
    # session, user, roles, the ticket with its service and directorate, every service's queue
    # (one query with subqueries), the people ahead of it, the bell
    client.force_login(receptionist)
    _morning(service, official, desk, 2)
    ticket = reverse("reception:ticket", args=[VisitFactory(service=service).pk])
    with django_assert_num_queries(7):
        small = client.get(ticket)
    _morning(service, official, desk, 18)
    ticket = reverse("reception:ticket", args=[VisitFactory(service=service).pk])
    with django_assert_num_queries(7):
        large = client.get(ticket)
    assert (small.context_data["estimate"].ahead, small.context_data["estimate"].desks) == (2, 2)
    assert (large.context_data["estimate"].ahead, large.context_data["estimate"].desks) == (21, 20)
