"""Use cases of the reception desk. Views, the demo, the nightly job and the benchmark call these.

Every change runs in its own transaction and re-reads the visit under a row lock, so two
officials pressing buttons at once cannot both take one visitor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.calendar import add_working_days
from akimat.change_reasons import with_data
from akimat.cleaning import NUL, NUL_MESSAGE, clean_text
from akimat.counters import next_number
from akimat.identifiers import checked_identifier, validate_bin, validate_iin
from akimat.models import Language, Role, User
from reception.models import (
    ACTIVE_STATUSES,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    Case,
    CaseDocument,
    Closure,
    ContactLog,
    ContactOutcome,
    Desk,
    Organisation,
    Outcome,
    PriorityGround,
    Service,
    ServiceDocument,
    Shift,
    TicketCounter,
    Visit,
    Visitor,
    VisitorKind,
    VisitStatus,
)
from reception.selectors import is_receptionist, serves_visitors
from tasks import services as task_services
from tasks.models import Notification, Source, Status

# A finished visit's change reason by its outcome (stored in English, shown translated).
FINISHED: dict[str, str] = {
    Outcome.RESOLVED: gettext_noop("finished: resolved"),
    Outcome.CONSULTATION: gettext_noop("finished: consultation given"),
    Outcome.NEEDS_DOCUMENTS: gettext_noop("finished: needs documents"),
    Outcome.REDIRECTED: gettext_noop("finished: redirected"),
}

# What the reception adds when a visitor is back: it travels in a notification (400 characters).
VISITOR_BACK_NOTE_MAX_LENGTH = 200

# --- small helpers ---------------------------------------------------------------------------


def normalise_phone(raw: str) -> str:
    """A phone number in the international form (+77012345678); '' for nothing.

    Kazakh habits are understood: 8 701 …, +7 (701) …, 701 … all give the same number.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "KZ")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {"phone": _("This is not a phone number. Enter it as +7 701 234 56 78.")}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _clean_name(raw: str, *, field: str, limit: int = NAME_MAX_LENGTH) -> str:
    text = " ".join((raw or "").split())
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    if "<" in text or ">" in text:
        raise ValidationError({field: _("A name cannot contain the characters < and >.")})
    return text


def _clean_text(raw: str, *, field: str, limit: int) -> str:
    if NUL in (raw or ""):
        raise ValidationError({field: NUL_MESSAGE})
    text = clean_text(raw or "")
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    return text


def _require_consent(*, personal: bool, consent: bool) -> None:
    """No personal data is stored without the visitor's consent."""
    if personal and not consent:
        raise ValidationError(
            {
                "consent": _(
                    "Without the visitor's consent no personal data may be stored. Tick the "
                    "consent, or clear the name, IIN, phone and organisation to issue an "
                    "anonymous ticket."
                )
            }
        )


def closure_today(service: Service, day: dt.date) -> Closure | None:
    return (
        Closure.objects.filter(
            department_id=service.department_id, first_day__lte=day, last_day__gte=day
        )
        .order_by("first_day")
        .first()
    )


def _require_open(service: Service, day: dt.date, *, field: str = "service") -> None:
    if not service.is_active:
        raise ValidationError({field: _("This service is no longer offered. Choose another one.")})
    if getattr(service, "is_closed", None) is False:
        return  # the caller has just read today's closures (one query for every service)
    closure = closure_today(service, day)
    if closure is not None:
        raise ValidationError(
            {
                field: _(
                    "%(directorate)s does not receive visitors until %(day)s: %(reason)s. "
                    "Choose another service or invite the visitor back."
                )
                % {
                    "directorate": service.department.name,
                    "day": closure.last_day.strftime("%d.%m.%Y"),
                    "reason": closure.reason,
                }
            }
        )


def _save(visit: Visit, actor: User, reason: str, fields: list[str], at: dt.datetime) -> Visit:
    visit._change_reason = reason
    visit._history_user = actor
    visit._history_date = at
    visit.save(update_fields=fields)
    return visit


def _locked(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("service__department", "visitor", "desk")
        .get(pk=visit.pk)
    )


# --- registration ----------------------------------------------------------------------------


def _organisation(name: str, bin_: str, actor: User) -> Organisation | None:
    if not name and not bin_:
        return None
    found = (
        Organisation.objects.filter(bin=bin_).first()
        if bin_
        else Organisation.objects.filter(bin="", name__iexact=name).first()
    )
    if found is None:
        if not name:
            raise ValidationError({"organisation_name": _("Enter the organisation's name.")})
        found = Organisation(name=name, bin=bin_)
        found._change_reason = gettext_noop("registered at the reception")
        found._history_user = actor
        try:
            with transaction.atomic():
                found.save()
        except IntegrityError:
            if not bin_:
                raise
            # Registered at this very moment by another request (the unique BIN waited for it).
            found = Organisation.objects.get(bin=bin_)
    elif name and found.name != name:
        found.name = name
        found._change_reason = gettext_noop("name corrected at the reception")
        found._history_user = actor
        found.save(update_fields=["name"])
    return found


def _visitor(
    *,
    actor: User,
    visitor: Visitor | None,
    full_name: str,
    iin: str,
    phone: str,
    language: str,
    organisation: Organisation | None,
    now: dt.datetime,
) -> Visitor:
    """The returning visitor brought up to date, or a new one (found by IIN when one is given)."""
    if visitor is None and iin:
        visitor = Visitor.objects.filter(iin=iin).first()
    if visitor is None:
        if not full_name:
            raise ValidationError({"full_name": _("Enter the visitor's full name.")})
        visitor = Visitor(
            full_name=full_name,
            iin=iin,
            phone=phone,
            language=language,
            organisation=organisation,
            consent_at=now,
            consent_recorded_by=actor,
        )
        visitor._change_reason = gettext_noop("registered with consent")
        visitor._history_user = actor
        try:
            with transaction.atomic():
                visitor.save()
        except IntegrityError:
            if not iin:
                raise
            # The same new visitor registered at this very moment by another request: the
            # unique IIN waited for it, and the visitor it made is this one.
            visitor = Visitor.objects.get(iin=iin)
        else:
            return visitor
    if iin and visitor.iin and iin != visitor.iin:
        raise ValidationError(
            {
                "iin": _(
                    "This visitor has another IIN on record. Check the number or clear the choice."
                )
            }
        )
    changed = []
    for field, value in (
        ("full_name", full_name),
        ("iin", iin),
        ("phone", phone),
        ("organisation", organisation),
    ):
        if value and getattr(visitor, field) != value:
            setattr(visitor, field, value)
            changed.append(field)
    if language and visitor.language != language:
        visitor.language = language
        changed.append("language")
    if changed:
        visitor._change_reason = gettext_noop("details updated at the reception")
        visitor._history_user = actor
        visitor.save(update_fields=changed)
    return visitor


def register_visit(
    *,
    receptionist: User,
    service: Service,
    kind: str,
    consent: bool,
    full_name: str = "",
    iin: str = "",
    phone: str = "",
    organisation_name: str = "",
    bin: str = "",
    language: str = Language.RU,
    purpose: str = "",
    priority: str = PriorityGround.NONE,
    visitor: Visitor | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Issue the next ticket for a service. Personal data is stored only with consent; without
    it the visitor still gets a ticket and nothing identifying is kept."""
    if not is_receptionist(receptionist):
        raise PermissionDenied(_("Only the reception registers visitors."))
    now = now or timezone.now()
    day = timezone.localdate(now)
    if kind not in VisitorKind.values:
        raise ValidationError({"kind": _("Choose who the visitor comes as.")})
    if priority not in PriorityGround.values:
        raise ValidationError({"priority": _("Choose a priority from the list.")})
    if language not in Language.values:
        language = Language.RU
    full_name = _clean_name(full_name, field="full_name")
    organisation_name = _clean_name(organisation_name, field="organisation_name", limit=300)
    iin = checked_identifier(iin, validate_iin, field="iin")
    bin_ = checked_identifier(bin, validate_bin, field="bin")
    phone = normalise_phone(phone)
    purpose = _clean_text(purpose, field="purpose", limit=PURPOSE_MAX_LENGTH)
    personal = any((full_name, iin, phone, organisation_name, bin_))
    if visitor is None:
        _require_consent(personal=personal, consent=consent)
    _require_open(service, day)
    with transaction.atomic():
        organisation = None
        if visitor is not None or personal:
            organisation = _organisation(organisation_name, bin_, receptionist)
            if organisation is None and visitor is not None:
                organisation = visitor.organisation
            visitor = _visitor(
                actor=receptionist,
                visitor=visitor,
                full_name=full_name,
                iin=iin,
                phone=phone,
                language=language,
                organisation=organisation,
                now=now,
            )
        visit = Visit(
            day=day,
            prefix=service.prefix,
            service=service,
            department_id=service.department_id,
            visitor=visitor,
            organisation=organisation,
            kind=kind,
            language=language,
            purpose=purpose,
            priority=priority,
            registered_by=receptionist,
            arrived_at=now,
        )
        # The number last: the counter row stays locked only for the insert that follows.
        visit.number = next_number(TicketCounter, day=day, prefix=service.prefix)
        visit._change_reason = gettext_noop("registered")
        visit._history_user = receptionist
        visit._history_date = now
        visit.save()
    return visit


# Outcomes of a resident received in person: a follow-up case ("needs documents") belongs to
# the desk, where the documents are ticked off as the visitor brings them.
IN_PERSON_OUTCOMES = (Outcome.RESOLVED, Outcome.CONSULTATION, Outcome.REDIRECTED)


def receive_in_person(
    *,
    official: User,
    service: Service,
    kind: str,
    consent: bool,
    purpose: str,
    outcome: str = Outcome.CONSULTATION,
    full_name: str = "",
    iin: str = "",
    phone: str = "",
    language: str = Language.RU,
    now: dt.datetime | None = None,
) -> Visit:
    """A resident received in person by an official away from the desk (a deputy's reception
    day, a district visit): no queue, no call; the visit is recorded served and finished by the
    official, with its line in the contact log. The visitor is found or registered by IIN with
    consent exactly as at the desk: without consent nothing identifying is kept.

    The service is chosen by whoever records the visit (what the resident asked about, from
    the admin's catalogue): it says which directorate's contact log and statistics the visit
    belongs to, as a desk visit's service does. The number is the next of that service's
    ticket counter for the day, so numbers stay unique and gapless across the desk and these
    visits without a second counter; it is never called in the hall (the visit is never
    waiting), and with no call its minutes stay out of the hall's waiting figures."""
    if not official.is_active or not (serves_visitors(official) or official.has_role(Role.DEPUTY)):
        raise PermissionDenied(_("Only the deputy or staff of a directorate receive residents."))
    now = now or timezone.now()
    if kind not in VisitorKind.values:
        raise ValidationError({"kind": _("Choose who the visitor comes as.")})
    if outcome not in IN_PERSON_OUTCOMES:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if language not in Language.values:
        language = Language.RU
    if not service.is_active:
        raise ValidationError(
            {"service": _("This service is no longer offered. Choose another one.")}
        )
    full_name = _clean_name(full_name, field="full_name")
    iin = checked_identifier(iin, validate_iin, field="iin")
    phone = normalise_phone(phone)
    purpose = _clean_text(purpose, field="purpose", limit=PURPOSE_MAX_LENGTH).strip()
    if not purpose:
        raise ValidationError({"purpose": _("Write what the resident asked.")})
    personal = any((full_name, iin, phone))
    _require_consent(personal=personal, consent=consent)
    day = timezone.localdate(now)
    with transaction.atomic():
        visitor = None
        if personal:
            visitor = _visitor(
                actor=official,
                visitor=None,
                full_name=full_name,
                iin=iin,
                phone=phone,
                language=language,
                organisation=None,
                now=now,
            )
        visit = Visit(
            day=day,
            prefix=service.prefix,
            service=service,
            department_id=service.department_id,
            visitor=visitor,
            organisation=visitor.organisation if visitor is not None else None,
            kind=kind,
            language=language,
            purpose=purpose,
            registered_by=official,
            official=official,
            status=VisitStatus.DONE,
            outcome=outcome,
            arrived_at=now,
            started_at=now,
            finished_at=now,
        )
        visit.number = next_number(TicketCounter, day=day, prefix=service.prefix)
        visit._change_reason = gettext_noop("received in person outside the desk")
        visit._history_user = official
        visit._history_date = now
        visit.save()
        _log_contact(visit, official, outcome, now)
    return visit


# --- desks -----------------------------------------------------------------------------------


def current_shift(official: User) -> Shift | None:
    return (
        Shift.objects.filter(official=official, closed_at__isnull=True)
        .select_related("desk")
        .first()
    )


def _close_stale_shifts(*, official: User, desk: Desk, today: dt.date) -> None:
    """A shift left open on an earlier day (nobody pressed "close") ends at that day's end."""
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    for shift in Shift.objects.select_for_update().filter(
        Q(official=official) | Q(desk=desk), closed_at__isnull=True, opened_at__lt=start_of_today
    ):
        shift.closed_at = start_of_today
        shift._change_reason = gettext_noop("closed: left open overnight")
        shift.save(update_fields=["closed_at"])


@transaction.atomic
def open_desk(
    *, official: User, desk: Desk, services: Sequence[Service], now: dt.datetime | None = None
) -> Shift:
    """An official opens a desk for a shift and serves the chosen services of their directorate."""
    if not serves_visitors(official):
        raise PermissionDenied(_("Only staff of a directorate open a desk."))
    now = now or timezone.now()
    services = list(services)
    if not services:
        raise ValidationError({"services": _("Choose at least one service to serve.")})
    if any(s.department_id != official.department_id or not s.is_active for s in services):
        raise ValidationError({"services": _("You can serve only your directorate's services.")})
    if not desk.is_active:
        raise ValidationError({"desk": _("This desk is not in use. Choose another one.")})
    Desk.objects.select_for_update().get(pk=desk.pk)
    _close_stale_shifts(official=official, desk=desk, today=timezone.localdate(now))
    mine = current_shift(official)
    if mine is not None:
        raise ValidationError(
            _("You already have %(desk)s open. Close it first.") % {"desk": mine.desk}
        )
    taken = Shift.objects.filter(desk=desk, closed_at__isnull=True).select_related("official")
    if taken:
        raise ValidationError(
            {
                "desk": _("%(desk)s is already open: %(who)s works there.")
                % {"desk": desk, "who": taken[0].official}
            }
        )
    shift = Shift(desk=desk, official=official, opened_at=now)
    shift._change_reason = gettext_noop("opened")
    shift._history_user = official
    try:
        with transaction.atomic():
            shift.save()
    except IntegrityError:
        raise ValidationError({"desk": _("Someone has just opened this desk.")}) from None
    shift.services.set(services)
    return shift


@transaction.atomic
def close_desk(*, official: User, now: dt.datetime | None = None) -> Shift:
    """Close one's desk; visitors on hold go back to the queue with their arrival time."""
    now = now or timezone.now()
    shift = current_shift(official)
    if shift is None:
        raise ValidationError(_("You have no desk open."))
    if Visit.objects.filter(official=official, status__in=ACTIVE_STATUSES):
        raise ValidationError(_("Finish with the current visitor before closing the desk."))
    for visit in Visit.objects.select_for_update().filter(
        official=official, status=VisitStatus.ON_HOLD
    ):
        visit.status, visit.desk, visit.official = VisitStatus.WAITING, None, None
        _save(
            visit,
            official,
            gettext_noop("back to the queue: desk closed"),
            ["status", "desk", "official"],
            now,
        )
    shift.closed_at = now
    shift._change_reason = gettext_noop("closed")
    shift._history_user = official
    shift.save(update_fields=["closed_at"])
    return shift


# --- the queue -------------------------------------------------------------------------------


def current_visit(official: User) -> Visit | None:
    """The visitor called to or served at the official's desk."""
    return (
        Visit.objects.filter(official=official, status__in=ACTIVE_STATUSES)
        .select_related("service__department", "visitor__organisation", "organisation", "desk")
        .order_by("called_at")
        .first()
    )


@transaction.atomic
def call_next(*, official: User, now: dt.datetime | None = None) -> Visit:
    """Call the next visitor of one's services: priority visitors first, then the longest waiting."""
    now = now or timezone.now()
    shift = current_shift(official)
    if shift is None:
        raise ValidationError(_("Open a desk first."))
    if current_visit(official) is not None:
        raise ValidationError(_("Finish with the current visitor first."))
    candidate = (
        Visit.objects.waiting()
        .on_day(timezone.localdate(now))
        .filter(service__in=shift.services.all())
        .in_call_order()
        .select_for_update(of=("self",), skip_locked=True)
        .first()
    )
    if candidate is None:
        raise ValidationError(_("Nobody is waiting for your services right now."))
    candidate.status = VisitStatus.CALLED
    candidate.desk_id = shift.desk_id
    candidate.official = official
    candidate.called_at = now
    candidate.first_called_at = candidate.first_called_at or now
    candidate.calls = 1  # a transferred visitor is called afresh at the new desk
    return _save(
        candidate,
        official,
        with_data(gettext_noop("called to the desk"), shift.desk.number),
        ["status", "desk", "official", "called_at", "first_called_at", "calls"],
        now,
    )


@transaction.atomic
def call_again(*, official: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """The called visitor has not come yet: the hall screen announces the same ticket again."""
    now = now or timezone.now()
    visit = _locked(visit)
    _require_mine(visit, official, VisitStatus.CALLED)
    visit.called_at, visit.calls = now, visit.calls + 1
    return _save(
        visit,
        official,
        with_data(gettext_noop("called to the desk again"), visit.calls),
        ["called_at", "calls"],
        now,
    )


# A visitor may have missed the first call: the hall announces the ticket a second time before
# the official may mark it as not come.
CALLS_BEFORE_NO_SHOW = 2


def _require_mine(visit: Visit, official: User, *statuses: str) -> None:
    if visit.official_id != official.pk:
        raise PermissionDenied(_("This visitor is served by another official."))
    if visit.status not in statuses:
        raise ValidationError(
            _("Ticket %(ticket)s is %(status)s now, so this cannot be done.")
            % {"ticket": visit.ticket, "status": visit.get_status_display().lower()}
        )


@transaction.atomic
def start_service(*, official: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """The called visitor has come to the desk."""
    now = now or timezone.now()
    visit = _locked(visit)
    _require_mine(visit, official, VisitStatus.CALLED)
    visit.status, visit.started_at = VisitStatus.IN_SERVICE, now
    return _save(visit, official, gettext_noop("service started"), ["status", "started_at"], now)


@transaction.atomic
def mark_no_show(*, official: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """The called visitor did not come: they left before being served."""
    now = now or timezone.now()
    visit = _locked(visit)
    _require_mine(visit, official, VisitStatus.CALLED)
    if visit.calls < CALLS_BEFORE_NO_SHOW:
        raise ValidationError(
            _(
                "Call ticket %(ticket)s again first: a visitor is marked as not come only after a second call."
            )
            % {"ticket": visit.ticket}
        )
    visit.status, visit.left_at = VisitStatus.LEFT, now
    return _save(
        visit, official, gettext_noop("did not come when called"), ["status", "left_at"], now
    )


@transaction.atomic
def mark_left(*, receptionist: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """The reception sees a waiting visitor go away."""
    if not is_receptionist(receptionist):
        raise PermissionDenied(_("Only the reception does this."))
    now = now or timezone.now()
    visit = _locked(visit)
    if visit.status not in (VisitStatus.WAITING, VisitStatus.ON_HOLD):
        raise ValidationError(_("Only a waiting visitor can be marked as gone."))
    visit.status, visit.left_at = VisitStatus.LEFT, now
    visit.desk, visit.official = None, None
    return _save(
        visit,
        receptionist,
        gettext_noop("left the hall"),
        ["status", "left_at", "desk", "official"],
        now,
    )


@transaction.atomic
def hold_visit(*, official: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """The visitor steps away (to fetch a paper); the desk may call the next one meanwhile."""
    now = now or timezone.now()
    visit = _locked(visit)
    _require_mine(visit, official, VisitStatus.IN_SERVICE)
    visit.status, visit.held_at = VisitStatus.ON_HOLD, now
    return _save(visit, official, gettext_noop("put on hold"), ["status", "held_at"], now)


@transaction.atomic
def resume_visit(*, official: User, visit: Visit, now: dt.datetime | None = None) -> Visit:
    """The visitor on hold is back at the desk."""
    now = now or timezone.now()
    visit = _locked(visit)
    _require_mine(visit, official, VisitStatus.ON_HOLD)
    if current_visit(official) is not None:
        raise ValidationError(_("Finish with the current visitor first."))
    visit.status = VisitStatus.IN_SERVICE
    return _save(visit, official, gettext_noop("service resumed"), ["status"], now)


def _log_contact(visit: Visit, official: User, outcome: str, now: dt.datetime) -> ContactLog:
    return ContactLog.objects.create(
        visit=visit,
        ticket=visit.ticket,
        official=official,
        visitor=visit.visitor,
        organisation=visit.organisation,
        service=visit.service,
        department_id=visit.department_id,
        desk=visit.desk,
        kind=visit.kind,
        purpose=visit.purpose,
        started_at=visit.started_at or visit.called_at or now,
        ended_at=now,
        outcome=outcome,
        recorded_at=now,
    )


@transaction.atomic
def transfer_visit(
    *, actor: User, visit: Visit, service: Service, now: dt.datetime | None = None
) -> Visit:
    """Send a visitor to another service or directorate; they keep their number and arrival."""
    now = now or timezone.now()
    visit = _locked(visit)
    movable: tuple[VisitStatus, ...]
    if is_receptionist(actor):
        movable = (VisitStatus.WAITING, VisitStatus.ON_HOLD)
    elif visit.official_id == actor.pk:
        movable = (VisitStatus.CALLED, VisitStatus.IN_SERVICE, VisitStatus.ON_HOLD)
    else:
        raise PermissionDenied(
            _("Only the reception or the official serving this visitor can transfer them.")
        )
    if visit.status not in movable:
        raise ValidationError(
            _("Ticket %(ticket)s is %(status)s now, so it cannot be transferred.")
            % {"ticket": visit.ticket, "status": visit.get_status_display().lower()}
        )
    if service.pk == visit.service_id:
        raise ValidationError({"service": _("The visitor is already in this service's queue.")})
    _require_open(service, timezone.localdate(now))
    if visit.status == VisitStatus.IN_SERVICE and visit.official_id == actor.pk:
        _log_contact(visit, actor, ContactOutcome.TRANSFERRED, now)
    visit.transferred_from_id = visit.service_id
    visit.service = service
    visit.department_id = service.department_id
    visit.status = VisitStatus.WAITING
    visit.desk, visit.official = None, None
    visit.transferred_at = now
    return _save(
        visit,
        actor,
        with_data(gettext_noop("transferred to another service"), service.name_ru),
        [
            "transferred_from",
            "service",
            "department",
            "status",
            "desk",
            "official",
            "transferred_at",
        ],
        now,
    )


@transaction.atomic
def finish_visit(
    *,
    official: User,
    visit: Visit,
    outcome: str,
    note: str = "",
    missing_documents: Sequence[ServiceDocument] = (),
    other_document: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """End the service with an outcome; "needs documents" opens a follow-up case with a task."""
    now = now or timezone.now()
    visit = _locked(visit)
    _require_mine(visit, official, VisitStatus.IN_SERVICE)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    visit.note = _clean_text(note, field="note", limit=NOTE_MAX_LENGTH)
    visit.status, visit.outcome, visit.finished_at = VisitStatus.DONE, outcome, now
    _save(visit, official, FINISHED[outcome], ["status", "outcome", "note", "finished_at"], now)
    _log_contact(visit, official, outcome, now)
    if outcome == Outcome.NEEDS_DOCUMENTS:
        open_case(
            visit=visit,
            official=official,
            missing_documents=missing_documents,
            other_document=other_document,
            now=now,
        )
    return visit


# --- follow-up cases -------------------------------------------------------------------------


def legal_deadline(service: Service, day: dt.date) -> dt.datetime:
    """The end of the working day `legal_term_days` working days after `day`."""
    return task_services.deadline_from(add_working_days(day, service.legal_term_days))


def open_case(
    *,
    visit: Visit,
    official: User,
    missing_documents: Sequence[ServiceDocument],
    other_document: str = "",
    now: dt.datetime,
) -> Case:
    """A case with the missing documents, the legal deadline and a task in the official's
    My tasks (set by the official for themselves, so the last document received closes it)."""
    if visit.visitor_id is None:
        raise ValidationError(
            {
                "outcome": _(
                    "A follow-up needs the visitor's name and phone, and this visitor gave no "
                    "consent to keep them. Give a consultation instead, or ask the reception to "
                    "register the visitor with consent."
                )
            }
        )
    documents = [d for d in missing_documents if d.service_id == visit.service_id]
    other = _clean_name(other_document, field="other_document")
    if not documents and not other:
        raise ValidationError(
            {"missing_documents": _("Tick the documents the visitor must bring.")}
        )
    deadline = legal_deadline(visit.service, timezone.localdate(now))
    names = [d.name_ru for d in documents] + ([other] if other else [])
    visitor = visit.visitor
    assert visitor is not None  # refused above without one
    with translation.override(official.own_language):
        title = _("Collect documents from %(visitor)s (ticket %(ticket)s)") % {
            "visitor": visitor.full_name,
            "ticket": visit.ticket,
        }
        description = "\n".join(
            [
                _("Service: %(service)s.") % {"service": visit.service.name},
                _("Phone: %(phone)s.") % {"phone": visitor.phone or "—"},
                _("Missing documents:"),
                *(f"— {name}" for name in names),
                *([_("Note: %(note)s") % {"note": visit.note}] if visit.note else []),
            ]
        )
    task = task_services.create_task(
        author=official,
        responsible=official,
        title=title,
        description=description,
        deadline=deadline,
        source=Source.RECEPTION,
        source_number=visit.ticket,
        source_date=visit.day,
    )
    case = Case(
        visit=visit,
        visitor=visit.visitor,
        service=visit.service,
        department_id=visit.department_id,
        responsible=official,
        task=task,
        deadline=deadline,
        opened_at=now,
    )
    case._change_reason = gettext_noop("opened: needs documents")
    case._history_user = official
    case.save()
    rows = [
        CaseDocument(case=case, name_ru=d.name_ru, name_kk=d.name_kk, position=n)
        for n, d in enumerate(documents)
    ]
    if other:
        rows.append(CaseDocument(case=case, name_ru=other, name_kk=other, position=len(rows)))
    CaseDocument.objects.bulk_create(rows)
    return case


def case_holder(case: Case) -> User:
    """Who works on a case now: its task's responsible person (an acting one after a hand-over),
    or the official who opened it when it has no task."""
    return case.task.responsible if case.task is not None else case.responsible


@transaction.atomic
def report_visitor_back(*, receptionist: User, case: Case, note: str = "") -> User:
    """The reception tells whoever holds an open case that its visitor has come back with
    documents; the official checks them and ticks what is received. Returns who was told."""
    if not is_receptionist(receptionist):
        raise PermissionDenied(_("Only the reception does this."))
    if case.state != Case.State.OPEN:
        raise ValidationError(_("This case is already closed."))
    note = _clean_text(note, field="note", limit=VISITOR_BACK_NOTE_MAX_LENGTH)
    holder = case_holder(case)
    with translation.override(holder.own_language):
        text = _("%(visitor)s has come back with documents for the case of ticket %(ticket)s.") % {
            "visitor": case.visitor.full_name,
            "ticket": case.visit.ticket,
        }
        if note:
            text += " " + _("Reception: %(note)s") % {"note": note}
    task_services.notify_people(
        recipients=[holder],
        kind=Notification.Kind.VISITOR_BACK,
        actor=receptionist,
        task=case.task,
        text=text,
        link=case.get_absolute_url(),
    )
    return holder


def can_tick(user: User, case: Case) -> bool:
    """The person who now holds the case's task ticks its documents (an acting person too)."""
    holder = case.task.responsible_id if case.task is not None else case.responsible_id
    return user.pk == holder


@transaction.atomic
def toggle_document(
    *, actor: User, document: CaseDocument, now: dt.datetime | None = None
) -> CaseDocument:
    """Tick a document as received (or untick it); the last one closes the case and its task."""
    now = now or timezone.now()
    document = CaseDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("task").get(pk=document.case_id)
    )
    if not can_tick(actor, case):
        raise PermissionDenied(
            _("Only the official responsible for this case ticks its documents.")
        )
    if case.state != Case.State.OPEN:
        raise ValidationError(_("This case is already closed."))
    received = document.received_at is None
    document.received_at = now if received else None
    document.received_by = actor if received else None
    document._change_reason = (
        gettext_noop("received") if received else gettext_noop("ticked off by mistake")
    )
    document._history_user = actor
    document.save(update_fields=["received_at", "received_by"])
    if received and not case.documents.filter(received_at__isnull=True).exists():
        _close_case(case, actor, now)
    return document


def _close_case(case: Case, actor: User, now: dt.datetime) -> None:
    case.state, case.closed_at = Case.State.CLOSED, now
    case._change_reason = gettext_noop("closed: every document received")
    case._history_user = actor
    case.save(update_fields=["state", "closed_at"])
    task = case.task
    if task is not None and task.status in (Status.NEW, Status.IN_PROGRESS, Status.RETURNED):
        names = ", ".join(case.documents.values_list("name_ru", flat=True))
        with translation.override(actor.own_language):
            result = _("Every document has been received: %(documents)s.") % {"documents": names}
        task_services.submit_task(task=task, actor=actor, result=result)


# --- the end of the day ----------------------------------------------------------------------


@transaction.atomic
def close_reception_day(*, day: dt.date, now: dt.datetime | None = None) -> tuple[int, int]:
    """At the end of a day, who still waits (or was called, or on hold) has left, and the desks
    left open are closed. Visitors still in service stay for their official to finish."""
    now = now or timezone.now()
    gone = 0
    for visit in Visit.objects.select_for_update().filter(
        day__lte=day,
        status__in=[VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.ON_HOLD],
    ):
        visit.status, visit.left_at = VisitStatus.LEFT, now
        visit._change_reason = gettext_noop("the reception day ended")
        visit.save(update_fields=["status", "left_at"])
        gone += 1
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    closed = 0
    for shift in Shift.objects.select_for_update().filter(
        closed_at__isnull=True, opened_at__lt=end
    ):
        shift.closed_at = now
        shift._change_reason = gettext_noop("closed at the end of the day")
        shift.save(update_fields=["closed_at"])
        closed += 1
    return gone, closed
