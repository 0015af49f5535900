"""The reception's use cases: registration, the queue, follow-up cases, the end of the day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from akimat.calendar import add_working_days
from reception import services
from reception.models import (
    Case,
    Closure,
    ContactLog,
    Organisation,
    Outcome,
    PriorityGround,
    Shift,
    TicketCounter,
    Visit,
    Visitor,
    VisitorKind,
    VisitStatus,
)
from tasks.models import Source, Status, Task
from tests.reception.factories import MIDDAY, DeskFactory, ServiceFactory, bin_

pytestmark = pytest.mark.django_db

VALID_IIN = "061211600012"


def register(receptionist, service, **kwargs):
    kwargs.setdefault("kind", VisitorKind.ENTREPRENEUR)
    kwargs.setdefault("consent", False)
    return services.register_visit(receptionist=receptionist, service=service, **kwargs)


def nothing_stored() -> bool:
    return not (
        Visit.objects.exists()
        or Visitor.objects.exists()
        or Organisation.objects.exists()
        or TicketCounter.objects.filter(last__gt=0).exists()
    )


# --- registration ----------------------------------------------------------------------------


def test_an_anonymous_visitor_gets_a_ticket_and_nothing_identifying_is_kept(receptionist, service):
    visit = register(receptionist, service, purpose="Узнать о субсидиях")
    assert visit.ticket == "K-001"
    assert visit.visitor is None and visit.organisation is None
    assert visit.status == VisitStatus.WAITING
    assert not Visitor.objects.exists()
    assert visit.history.first().history_change_reason == "registered"


def test_with_consent_the_visitor_and_the_organisation_are_kept_and_found_again(
    receptionist, service
):
    first = register(
        receptionist,
        service,
        consent=True,
        full_name="Ахметов  Ерлан Нурланович",
        iin=VALID_IIN,
        phone="8 701 234 56 78",
        organisation_name="ТОО «Береке Агро»",
        bin=bin_(7),
        language="kk",
    )
    visitor = first.visitor
    assert visitor.full_name == "Ахметов Ерлан Нурланович"
    assert visitor.phone == "+77012345678"
    assert visitor.language == "kk" and first.language == "kk"
    assert visitor.consent_at and visitor.consent_recorded_by == receptionist
    assert first.organisation.bin == bin_(7) and visitor.organisation == first.organisation
    # The next time the same IIN brings back the same person, with the new phone.
    second = register(receptionist, service, consent=True, iin=VALID_IIN, phone="+77019998877")
    assert second.visitor == visitor
    assert Visitor.objects.get().phone == "+77019998877"
    assert second.ticket == "K-002"


def test_personal_data_without_consent_is_refused_and_nothing_is_stored(receptionist, service):
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        register(receptionist, service, full_name="Касымов Болат", phone="+77011234567")
    assert "согласи" in error.value.message_dict["consent"][0]
    assert nothing_stored()
    assert register(receptionist, service).number == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("iin", "061211600013", "контрольная"),
        ("iin", "0612116000", "12 цифр"),
        ("bin", "150540000019", "контрольная"),
        ("phone", "позвоните мне", "не номер телефона"),
        ("phone", "12345", "не номер телефона"),
        ("full_name", "<script>alert(1)</script>", "<"),
        ("full_name", "Я" * 201, "200"),
    ],
)
def test_bad_identifiers_phones_and_names_are_refused_in_russian(
    receptionist, service, field, value, words
):
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        register(receptionist, service, consent=True, **{"full_name": "Омаров Арман", field: value})
    assert words in " ".join(error.value.message_dict[field])
    assert nothing_stored()


def test_a_closed_directorate_and_a_withdrawn_service_take_no_visitors(
    receptionist, service, department
):
    today = timezone.localdate()
    Closure.objects.create(
        department=department, first_day=today, last_day=today, reason="выездное совещание"
    )
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        register(receptionist, service)
    assert "выездное совещание" in error.value.message_dict["service"][0]
    other = ServiceFactory(prefix="Q", is_active=False)
    with pytest.raises(ValidationError):
        register(receptionist, other)
    assert nothing_stored()


def test_only_the_reception_registers(specialist, service):
    with pytest.raises(PermissionDenied):
        register(specialist, service)
    assert nothing_stored()


def test_numbers_run_per_day_and_prefix(receptionist, service, other_service):
    today = timezone.now()
    tickets = [
        register(receptionist, service).ticket,
        register(receptionist, other_service).ticket,
        register(receptionist, service).ticket,
        register(receptionist, service, now=today + dt.timedelta(days=1)).ticket,
    ]
    assert tickets == ["K-001", "L-001", "K-002", "K-001"]


# --- desks and the queue ---------------------------------------------------------------------


def test_an_official_opens_a_desk_only_for_their_directorate_and_a_free_desk(
    official, second_official, service, other_service, desk
):
    with pytest.raises(ValidationError):
        services.open_desk(official=official, desk=desk, services=[other_service])
    shift = services.open_desk(official=official, desk=desk, services=[service])
    assert list(shift.services.all()) == [service]
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        services.open_desk(official=second_official, desk=desk, services=[service])
    assert "уже открыт" in str(error.value)
    with pytest.raises(ValidationError):
        services.open_desk(official=official, desk=DeskFactory(number=4), services=[service])


def test_a_desk_left_open_yesterday_is_closed_when_opened_again(official, service, desk):
    yesterday = timezone.now() - dt.timedelta(days=1)
    services.open_desk(official=official, desk=desk, services=[service], now=yesterday)
    shift = services.open_desk(official=official, desk=desk, services=[service])
    assert Shift.objects.filter(closed_at__isnull=True).get() == shift
    assert Shift.objects.filter(closed_at__isnull=False).count() == 1


@time_machine.travel(MIDDAY, tick=True)
def test_call_next_takes_priority_visitors_first_then_the_longest_waiting(
    receptionist, official, service, other_service, desk
):
    now = timezone.now()
    early = register(receptionist, service, now=now - dt.timedelta(minutes=30))
    register(receptionist, other_service, now=now - dt.timedelta(minutes=40))  # not my service
    late = register(receptionist, service, now=now - dt.timedelta(minutes=10))
    veteran = register(
        receptionist, service, priority=PriorityGround.VETERAN, now=now - dt.timedelta(minutes=5)
    )
    with pytest.raises(ValidationError):
        services.call_next(official=official)  # no desk yet
    services.open_desk(official=official, desk=desk, services=[service])
    order = []
    for _ in range(3):
        called = services.call_next(official=official)
        assert called.status == VisitStatus.CALLED and called.desk == desk
        order.append(called.pk)
        services.start_service(official=official, visit=called)
        services.finish_visit(official=official, visit=called, outcome=Outcome.RESOLVED)
    assert order == [veteran.pk, early.pk, late.pk]
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        services.call_next(official=official)
    assert "никто не ждёт" in str(error.value).lower()


def test_one_visitor_at_a_time_and_nobody_finishes_someone_elses_visit(
    receptionist, official, second_official, service, desk
):
    register(receptionist, service)
    register(receptionist, service)
    services.open_desk(official=official, desk=desk, services=[service])
    services.open_desk(official=second_official, desk=DeskFactory(number=5), services=[service])
    mine = services.call_next(official=official)
    with pytest.raises(ValidationError):
        services.call_next(official=official)
    with pytest.raises(ValidationError):  # not started yet
        services.finish_visit(official=official, visit=mine, outcome=Outcome.RESOLVED)
    services.start_service(official=official, visit=mine)
    with translation.override("ru"), pytest.raises(PermissionDenied) as denied:
        services.finish_visit(official=second_official, visit=mine, outcome=Outcome.RESOLVED)
    assert "другой" in str(denied.value)
    theirs = services.call_next(official=second_official)
    assert theirs.pk != mine.pk
    mine.refresh_from_db()
    assert mine.status == VisitStatus.IN_SERVICE and not ContactLog.objects.exists()


def test_finishing_records_the_contact_and_every_moment(receptionist, official, service, desk):
    visit = register(receptionist, service, consent=True, full_name="Пак Ольга", purpose="Субсидия")
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    services.finish_visit(
        official=official, visit=visit, outcome=Outcome.CONSULTATION, note="Разъяснены условия"
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.outcome == Outcome.CONSULTATION
    assert visit.arrived_at <= visit.called_at <= visit.started_at <= visit.finished_at
    log = ContactLog.objects.get()
    assert (log.official, log.visitor, log.service, log.ticket, log.outcome, log.purpose) == (
        official,
        visit.visitor,
        service,
        "K-001",
        "consultation",
        "Субсидия",
    )
    statuses = [h.status for h in visit.history.order_by("history_date", "history_id")]
    assert statuses == ["waiting", "called", "in_service", "done"]


def test_hold_resume_no_show_and_gone(receptionist, official, service, desk):
    held = register(receptionist, service)
    absent = register(receptionist, service)
    gone = register(receptionist, service)
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=held)
    services.hold_visit(official=official, visit=held)
    assert services.call_next(official=official) == absent
    services.call_again(official=official, visit=absent)
    services.mark_no_show(official=official, visit=absent)
    services.resume_visit(official=official, visit=held)
    services.mark_left(receptionist=receptionist, visit=gone)
    statuses = dict(Visit.objects.values_list("pk", "status"))
    assert statuses == {
        held.pk: VisitStatus.IN_SERVICE,
        absent.pk: VisitStatus.LEFT,
        gone.pk: VisitStatus.LEFT,
    }
    with pytest.raises(PermissionDenied):
        services.mark_left(receptionist=official, visit=held)


@time_machine.travel(MIDDAY, tick=True)
def test_a_transfer_keeps_the_number_and_the_arrival_and_logs_the_meeting(
    receptionist, official, service, other_service, desk
):
    visit = register(receptionist, service, now=timezone.now() - dt.timedelta(minutes=20))
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    services.start_service(official=official, visit=visit)
    services.transfer_visit(actor=official, visit=visit, service=other_service)
    moved = Visit.objects.get(pk=visit.pk)
    assert (moved.ticket, moved.arrived_at) == ("K-001", visit.arrived_at)
    assert moved.service == other_service and moved.department == other_service.department
    assert moved.status == VisitStatus.WAITING and moved.official is None
    assert moved.transferred_from == service
    assert ContactLog.objects.get().outcome == "transferred"
    # The reception may move a waiting visitor; the old official no longer may.
    with pytest.raises(PermissionDenied):
        services.transfer_visit(actor=official, visit=moved, service=service)
    services.transfer_visit(actor=receptionist, visit=moved, service=service)
    assert Visit.objects.get(pk=visit.pk).service == service


# --- follow-up cases -------------------------------------------------------------------------


def _in_service(receptionist, official, service, desk, **kwargs):
    visit = register(receptionist, service, **kwargs)
    services.open_desk(official=official, desk=desk, services=[service])
    services.call_next(official=official)
    return services.start_service(official=official, visit=visit)


def test_needs_documents_opens_a_case_and_a_task_with_the_legal_deadline(
    receptionist, official, service, desk
):
    visit = _in_service(
        receptionist, official, service, desk, consent=True, full_name="Сейткалиев Асхат",
        phone="+77015550011",
    )  # fmt: skip
    documents = list(service.documents.all())
    services.finish_visit(
        official=official,
        visit=visit,
        outcome=Outcome.NEEDS_DOCUMENTS,
        missing_documents=documents,
        other_document="Копия паспорта скота",
    )
    case = Case.objects.get()
    today = timezone.localdate()
    due = add_working_days(today, 10)
    assert timezone.localtime(case.deadline).date() == due
    assert [d.name_ru for d in case.documents.all()] == [
        "Заявка",
        "Справка о поголовье",
        "Копия паспорта скота",
    ]
    task = case.task
    assert task.responsible == official and task.author == official
    assert task.deadline == case.deadline
    assert (timezone.localtime(task.deadline).hour, timezone.localtime(task.deadline).minute) == (
        18,
        30,
    )
    assert task.source == Source.RECEPTION and task.source_number == "K-001"
    assert "Сейткалиев Асхат" in task.title and "+77015550011" in task.description
    assert Task.objects.visible_to(official).filter(pk=task.pk).exists()


def test_ticking_the_last_document_closes_the_case_and_completes_the_task(
    receptionist, official, head, service, desk
):
    visit = _in_service(receptionist, official, service, desk, consent=True, full_name="Ли Анна")
    services.finish_visit(
        official=official,
        visit=visit,
        outcome=Outcome.NEEDS_DOCUMENTS,
        missing_documents=list(service.documents.all()),
    )
    case = Case.objects.get()
    first, last = case.documents.all()
    with pytest.raises(PermissionDenied):
        services.toggle_document(actor=head, document=first)
    services.toggle_document(actor=official, document=first)
    services.toggle_document(actor=official, document=first)  # unticked: a mistake
    services.toggle_document(actor=official, document=first)
    case.refresh_from_db()
    assert case.state == Case.State.OPEN and case.task.status == Status.NEW
    services.toggle_document(actor=official, document=last)
    case.refresh_from_db()
    case.task.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.closed_at
    assert case.task.status == Status.DONE
    assert "Заявка" in case.task.result
    with pytest.raises(ValidationError):
        services.toggle_document(actor=official, document=first)


def test_needs_documents_for_an_anonymous_visitor_or_without_documents_changes_nothing(
    receptionist, official, service, desk
):
    visit = _in_service(receptionist, official, service, desk)
    with pytest.raises(ValidationError) as error:
        services.finish_visit(
            official=official,
            visit=visit,
            outcome=Outcome.NEEDS_DOCUMENTS,
            missing_documents=list(service.documents.all()),
        )
    assert "outcome" in error.value.message_dict
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_SERVICE
    assert not (Case.objects.exists() or Task.objects.exists() or ContactLog.objects.exists())


# --- the end of the day ----------------------------------------------------------------------


def test_the_end_of_the_day_sends_the_waiting_home_and_closes_the_desks(
    receptionist, official, service, desk
):
    served = _in_service(receptionist, official, service, desk)
    waiting = register(receptionist, service)
    gone, closed = services.close_reception_day(day=timezone.localdate())
    assert (gone, closed) == (1, 1)
    assert Visit.objects.get(pk=waiting.pk).status == VisitStatus.LEFT
    assert Visit.objects.get(pk=served.pk).status == VisitStatus.IN_SERVICE
    assert not Shift.objects.filter(closed_at__isnull=True).exists()


@time_machine.travel(MIDDAY, tick=True)
def test_call_again_counts_the_calls_and_no_show_waits_for_the_second_call(
    receptionist, official, second_official, service, desk
):
    visit = register(receptionist, service)
    services.open_desk(official=official, desk=desk, services=[service])
    first = timezone.now()
    services.call_next(official=official, now=first)
    assert Visit.objects.get(pk=visit.pk).calls == 1
    # After one call "did not come" is refused and changes nothing.
    with pytest.raises(ValidationError, match=visit.ticket):
        services.mark_no_show(official=official, visit=visit)
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CALLED
    # Nobody else calls my visitor again.
    with pytest.raises(PermissionDenied):
        services.call_again(official=second_official, visit=visit)
    again = first + dt.timedelta(minutes=2)
    services.call_again(official=official, visit=visit, now=again)
    called = Visit.objects.get(pk=visit.pk)
    assert (called.calls, called.called_at, called.first_called_at) == (2, again, first)
    assert called.history.first().history_change_reason.startswith("called to the desk again")
    services.mark_no_show(official=official, visit=visit)
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.LEFT
    # A visitor who is gone is not called again.
    with pytest.raises(ValidationError):
        services.call_again(official=official, visit=visit)
    assert Visit.objects.get(pk=visit.pk).calls == 2
