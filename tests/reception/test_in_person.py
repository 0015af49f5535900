"""A resident received in person away from the desk (`receive_in_person`): a finished visit with
its contact log line, the visitor found or registered by IIN with consent exactly as at the desk,
nothing identifying without consent, nothing at all on bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reception import services
from reception.models import (
    ContactLog,
    Outcome,
    TicketCounter,
    Visit,
    Visitor,
    VisitorKind,
    VisitStatus,
)
from tests.reception.factories import VisitorFactory, iin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def receive(official, service, **kwargs):
    kwargs.setdefault("kind", VisitorKind.CITIZEN)
    kwargs.setdefault("consent", True)
    kwargs.setdefault("purpose", "Ремонт дороги на улице Абая")
    return services.receive_in_person(official=official, service=service, **kwargs)


def nothing_stored() -> bool:
    return not (
        Visit.objects.exists()
        or Visitor.objects.exists()
        or ContactLog.objects.exists()
        or TicketCounter.objects.filter(last__gt=0).exists()
    )


def test_a_resident_received_is_a_finished_visit_with_its_contact_log_line(deputy, service):
    visit = receive(deputy, service, full_name="Сейтов Аскар", iin=iin(1), outcome=Outcome.RESOLVED)
    assert visit.status == VisitStatus.DONE and visit.outcome == Outcome.RESOLVED
    assert visit.official == deputy and visit.registered_by == deputy
    assert visit.ticket == "K-001" and visit.department_id == service.department_id
    assert visit.first_called_at is None  # never called in the hall: no waiting figure
    assert visit.visitor.full_name == "Сейтов Аскар" and visit.visitor.consent_recorded_by == deputy
    line = ContactLog.objects.get(visit=visit)
    assert (line.official, line.visitor, line.outcome) == (deputy, visit.visitor, "resolved")
    assert line.purpose == "Ремонт дороги на улице Абая" and line.desk is None
    assert visit.history.first().history_change_reason == "received in person outside the desk"


def test_its_number_follows_the_days_tickets_of_the_service(deputy, receptionist, service):
    services.register_visit(
        receptionist=receptionist, service=service, kind=VisitorKind.CITIZEN, consent=False
    )
    assert receive(deputy, service, consent=False).ticket == "K-002"


def test_a_returning_visitor_is_found_by_iin(deputy, service):
    known = VisitorFactory(iin=iin(2), full_name="Нурланова Дана")
    visit = receive(deputy, service, iin=iin(2))
    assert visit.visitor == known and Visitor.objects.count() == 1


def test_without_consent_only_the_question_is_kept(deputy, service):
    visit = receive(deputy, service, consent=False)
    assert visit.visitor is None and not Visitor.objects.exists()
    assert ContactLog.objects.get(visit=visit).visitor is None


def test_personal_data_without_consent_is_refused_with_the_desks_message(
    deputy, receptionist, service
):
    with pytest.raises(ValidationError) as at_the_desk:
        services.register_visit(
            receptionist=receptionist,
            service=service,
            kind=VisitorKind.CITIZEN,
            consent=False,
            full_name="Сейтов Аскар",
        )
    with pytest.raises(ValidationError) as refused:
        receive(deputy, service, consent=False, full_name="Сейтов Аскар")
    assert refused.value.message_dict["consent"] == at_the_desk.value.message_dict["consent"]
    assert nothing_stored()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"iin": "123456789012"}, "iin"),
        ({"purpose": "  "}, "purpose"),
        ({"purpose": "что\x00то"}, "purpose"),
        ({"purpose": "я" * 301}, "purpose"),
        ({"full_name": "<script>alert(1)</script>"}, "full_name"),
        ({"outcome": Outcome.NEEDS_DOCUMENTS}, "outcome"),
        ({"kind": "alien"}, "kind"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(deputy, service, change, field):
    with pytest.raises(ValidationError) as refused:
        receive(deputy, service, **change)
    assert field in refused.value.message_dict
    assert nothing_stored()


def test_a_service_no_longer_offered_is_refused(deputy, service):
    service.is_active = False
    service.save()
    with pytest.raises(ValidationError):
        receive(deputy, service)
    assert nothing_stored()


def test_the_reception_and_the_methodologist_do_not_receive_residents_this_way(
    receptionist, methodologist, service
):
    for person in (receptionist, methodologist):
        with pytest.raises(PermissionDenied):
            receive(person, service)
    assert nothing_stored()
