"""What people do with meetings and protocols, each action checked here (the views only show
what `can_*` allows; a request that skips the page is refused the same way).

- The register: `create_meeting`, `update_meeting`.
- The protocol: `save_draft` (the decisions, while a draft), `sign_off` (numbers it, makes every
  decision a task through tasks' services), `amend` (a numbered amendment: add a decision,
  change a deadline, cancel a decision; each change also made on the decision's task).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.change_reasons import with_data
from akimat.cleaning import NUL, NUL_MESSAGE, clean_text
from akimat.counters import next_number
from akimat.models import Department, Role, User
from meetings.models import (
    DECISIONS_MAX,
    DURATION_MAX_MINUTES,
    GUESTS_MAX,
    NAME_MAX_LENGTH,
    PARTICIPANTS_MAX,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Amendment,
    Decision,
    District,
    FieldVisit,
    Guest,
    Kind,
    Meeting,
    Protocol,
    ProtocolCounter,
)
from tasks import services as task_services
from tasks.models import Source

# --- who may do what ---------------------------------------------------------------------------


def can_create(user: User) -> bool:
    return user.has_role(Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN)


def keeps(user: User, meeting: Meeting) -> bool:
    """The chair or the secretary: edits the meeting, writes and signs the protocol, amends it."""
    return user.pk in (meeting.chair_id, meeting.secretary_id)


def can_edit(user: User, meeting: Meeting) -> bool:
    return keeps(user, meeting) or user.pk == meeting.created_by_id or user.has_role(Role.ADMIN)


def can_sign(user: User, protocol: Protocol) -> bool:
    return keeps(user, protocol.meeting) and not protocol.is_signed


def can_amend(user: User, protocol: Protocol) -> bool:
    """The chair alone: the decisions' tasks are the chair's (their author), and an amendment
    moves or cancels them."""
    return user.pk == protocol.meeting.chair_id and protocol.is_signed


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this with this meeting."))


# --- cleaning ----------------------------------------------------------------------------------


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    if NUL in value:
        raise ValidationError({field: NUL_MESSAGE})
    value = clean_text(value).strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    return value


def _people(people: Sequence[User], *, field: str, limit: int) -> list[User]:
    """People of the portal who can take part: existing, active; each once."""
    unique = list({person.pk: person for person in people}.values())
    if len(unique) > limit:
        raise ValidationError({field: _("At most %(limit)s people, please.") % {"limit": limit}})
    known = set(
        User.objects.filter(pk__in=[p.pk for p in unique], is_active=True).values_list(
            "pk", flat=True
        )
    )
    if any(person.pk not in known for person in unique):
        raise ValidationError({field: _("Choose people of the portal from the list.")})
    return unique


@dataclass(frozen=True)
class GuestData:
    full_name: str
    organisation: str = ""


@dataclass
class MeetingData:
    """What the meeting's form gives; the services check it whatever its source."""

    kind: str
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    chair: User
    place: str = ""
    district: District | None = None
    department: Department | None = None
    secretary: User | None = None
    participants: Sequence[User] = ()
    guests: Sequence[GuestData] = ()
    field_visit: FieldVisit | None = None

    def cleaned(self) -> MeetingData:
        if self.kind not in Kind.values:
            raise ValidationError({"kind": _("Choose a kind of meeting from the list.")})
        if not 1 <= self.duration_minutes <= DURATION_MAX_MINUTES:
            raise ValidationError(
                {
                    "duration_minutes": _("A meeting lasts from 1 to %(limit)s minutes.")
                    % {"limit": DURATION_MAX_MINUTES}
                }
            )
        if len(self.guests) > GUESTS_MAX:
            raise ValidationError(
                {"guests": _("At most %(limit)s guests, please.") % {"limit": GUESTS_MAX}}
            )
        people = [self.chair, *([self.secretary] if self.secretary else [])]
        _people(people, field="chair", limit=2)
        return MeetingData(
            kind=self.kind,
            title=_text(self.title, field="title", limit=TITLE_MAX_LENGTH),
            starts_at=self.starts_at,
            duration_minutes=self.duration_minutes,
            chair=self.chair,
            place=_text(self.place, field="place", limit=NAME_MAX_LENGTH, required=False),
            district=self.district,
            department=self.department or self.chair.department,
            secretary=self.secretary,
            participants=_people(self.participants, field="participants", limit=PARTICIPANTS_MAX),
            guests=[
                GuestData(
                    _text(g.full_name, field="guests", limit=NAME_MAX_LENGTH),
                    _text(g.organisation, field="guests", limit=NAME_MAX_LENGTH, required=False),
                )
                for g in self.guests
            ],
            field_visit=self.field_visit,
        )


# --- the register ------------------------------------------------------------------------------

MEETING_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "place",
    "district",
    "department",
    "chair",
    "secretary",
    "field_visit",
)


def _set_people(meeting: Meeting, data: MeetingData) -> None:
    meeting.participants.set(data.participants)
    meeting.guests.all().delete()
    Guest.objects.bulk_create(
        [
            Guest(meeting=meeting, full_name=g.full_name, organisation=g.organisation)
            for g in data.guests
        ]
    )


@transaction.atomic
def create_meeting(*, actor: User, data: MeetingData) -> Meeting:
    _require(can_create(actor))
    data = data.cleaned()
    meeting = Meeting(created_by=actor, **{name: getattr(data, name) for name in MEETING_FIELDS})
    meeting._change_reason = gettext_noop("created")
    meeting._history_user = actor
    meeting.save()
    _set_people(meeting, data)
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, actor: User, data: MeetingData) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(can_edit(actor, meeting))
    data = data.cleaned()
    for name in MEETING_FIELDS:
        setattr(meeting, name, getattr(data, name))
    meeting._change_reason = gettext_noop("edited")
    meeting._history_user = actor
    meeting.save()
    _set_people(meeting, data)
    return meeting


# --- the protocol ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionData:
    text: str
    responsible: User | None = None
    co_executors: Sequence[User] = ()
    deadline: dt.date | None = None


def _locked_protocol(protocol: Protocol) -> Protocol:
    return (
        Protocol.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=protocol.pk)
    )


@transaction.atomic
def save_draft(
    *, meeting: Meeting, actor: User, heard: str, decisions: Sequence[DecisionData]
) -> Protocol:
    """Write the draft protocol: what was heard and the decisions, replacing the draft's. A
    decision may still lack its responsible person or deadline; the sign-off asks for them."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    protocol = Protocol.objects.select_for_update().filter(meeting=meeting).first()
    _require(keeps(actor, meeting))
    if protocol is not None and protocol.is_signed:
        raise ValidationError(
            _("The protocol is signed off: it changes only by a numbered amendment.")
        )
    if len(decisions) > DECISIONS_MAX:
        raise ValidationError(
            {"decisions": _("At most %(limit)s decisions, please.") % {"limit": DECISIONS_MAX}}
        )
    cleaned = [
        DecisionData(
            text=_text(d.text, field="decisions", limit=TEXT_MAX_LENGTH),
            responsible=d.responsible,
            co_executors=_people(d.co_executors, field="decisions", limit=PARTICIPANTS_MAX),
            deadline=d.deadline,
        )
        for d in decisions
    ]
    _people(
        [d.responsible for d in cleaned if d.responsible],
        field="decisions",
        limit=DECISIONS_MAX * 2,
    )
    heard = _text(heard, field="heard", limit=TEXT_MAX_LENGTH * 4, required=False)
    if protocol is None:
        protocol = Protocol(meeting=meeting, created_by=actor, heard=heard)
        protocol._change_reason = gettext_noop("created")
    else:
        protocol.heard = heard
        protocol._change_reason = gettext_noop("draft saved")
    protocol._history_user = actor
    protocol.save()
    protocol.decisions.all().delete()
    for position, data in enumerate(cleaned, start=1):
        decision = Decision(
            protocol=protocol,
            position=position,
            text=data.text,
            responsible=data.responsible,
            deadline=data.deadline,
        )
        decision._history_user = actor
        decision._change_reason = gettext_noop("draft saved")
        decision.save()
        if data.co_executors:
            decision.co_executors.set([u for u in data.co_executors if u != data.responsible])
    return protocol


def _check_ready(decision: Decision, now: dt.datetime) -> dict[str, str]:
    """What a decision lacks for the sign-off, by its position."""
    problems = []
    if decision.responsible_id is None:
        problems.append(_("no responsible person"))
    elif decision.responsible is not None and not decision.responsible.is_active:
        problems.append(_("the responsible person no longer works at the portal"))
    if decision.deadline is None:
        problems.append(_("no deadline"))
    elif task_services.deadline_from(decision.deadline) <= now:
        problems.append(_("the deadline has passed"))
    return {str(decision.position): ", ".join(problems)} if problems else {}


def _decision_task(decision: Decision, protocol: Protocol, actor: User) -> None:
    """The decision's task: set by the chair (who accepts its result), source "protocol", the
    protocol's number and the meeting's date, the deadline the end of the decision's day."""
    assert decision.responsible is not None and decision.deadline is not None
    meeting = protocol.meeting
    task = task_services.create_task(
        author=meeting.chair,
        title=decision.text.splitlines()[0][:200],
        description=decision.text,
        responsible=decision.responsible,
        co_executors=list(decision.co_executors.all()),
        deadline=task_services.deadline_from(decision.deadline),
        source=Source.PROTOCOL,
        source_number=protocol.code,
        source_date=timezone.localdate(meeting.starts_at),
    )
    decision.task = task
    decision._history_user = actor
    decision._change_reason = gettext_noop("task set")
    decision.save(update_fields=["task"])


@transaction.atomic
def sign_off(*, protocol: Protocol, actor: User) -> Protocol:
    """Sign the protocol off: every decision needs its responsible person and a deadline not
    passed; the protocol gets the year's next number and each decision becomes a task. Nothing
    is stored unless all of it is."""
    protocol = _locked_protocol(protocol)
    _require(can_sign(actor, protocol))
    decisions = list(protocol.decisions.select_related("responsible").order_by("position"))
    if not decisions:
        raise ValidationError(_("A protocol is signed off with at least one decision."))
    now = timezone.now()
    problems: dict[str, str] = {}
    for decision in decisions:
        problems |= _check_ready(decision, now)
    if problems:
        # Keyed by the decision's position, so the editor shows each next to its decision.
        raise ValidationError(
            {
                p: _("Decision %(position)s: %(problems)s.") % {"position": p, "problems": text}
                for p, text in problems.items()
            }
        )
    protocol.year = timezone.localdate(now).year
    protocol.number = next_number(ProtocolCounter, year=protocol.year)
    protocol.status = Protocol.Status.SIGNED
    protocol.signed_at = now
    protocol.signed_by = actor
    protocol._change_reason = gettext_noop("signed off")
    protocol._history_user = actor
    protocol.save()
    for decision in decisions:
        _decision_task(decision, protocol, actor)
    return protocol


@transaction.atomic
def amend(
    *,
    protocol: Protocol,
    actor: User,
    change: str,
    reason: str,
    decision: Decision | None = None,
    new_decision: DecisionData | None = None,
    new_deadline: dt.date | None = None,
) -> Amendment:
    """A numbered amendment to a signed protocol, one change each:
    - ADD: `new_decision` (ready as at the sign-off), made a task at once;
    - DEADLINE: `decision`'s deadline to `new_deadline`, its task's moved as a decision;
    - CANCEL: `decision` cancelled, its task cancelled with the amendment's reason."""
    protocol = _locked_protocol(protocol)
    _require(can_amend(actor, protocol))
    reason = _text(reason, field="reason", limit=TEXT_MAX_LENGTH)
    now = timezone.now()
    if change not in Amendment.Change.values:
        raise ValidationError({"change": _("Choose what the amendment changes.")})
    if change != Amendment.Change.ADD:
        if decision is None or decision.protocol_id != protocol.pk:
            raise ValidationError({"decision": _("Choose a decision of this protocol.")})
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("task")
            .get(pk=decision.pk)
        )
        if decision.cancelled:
            raise ValidationError({"decision": _("This decision is already cancelled.")})
    if change == Amendment.Change.ADD:
        if new_decision is None:
            raise ValidationError({"text": _("This field is required.")})
        if protocol.decisions.count() >= DECISIONS_MAX:
            raise ValidationError(
                {"text": _("At most %(limit)s decisions, please.") % {"limit": DECISIONS_MAX}}
            )
        position = (protocol.decisions.aggregate(m=Max("position"))["m"] or 0) + 1
        decision = Decision(
            protocol=protocol,
            position=position,
            text=_text(new_decision.text, field="text", limit=TEXT_MAX_LENGTH),
            responsible=new_decision.responsible,
            deadline=new_decision.deadline,
        )
        problems = _check_ready(decision, now)
        if problems:
            raise ValidationError({"text": next(iter(problems.values()))})
        co_executors = _people(
            new_decision.co_executors, field="co_executors", limit=PARTICIPANTS_MAX
        )
        decision._history_user = actor
        decision._change_reason = gettext_noop("added by an amendment")
        decision.save()
        decision.co_executors.set([u for u in co_executors if u != decision.responsible])
        _decision_task(decision, protocol, actor)
    elif change == Amendment.Change.DEADLINE:
        assert decision is not None
        if new_deadline is None or task_services.deadline_from(new_deadline) <= now:
            raise ValidationError({"new_deadline": _("Give a deadline that has not passed.")})
        if new_deadline == decision.deadline:
            raise ValidationError({"new_deadline": _("This is the decision's deadline already.")})
        decision.deadline = new_deadline
        decision._history_user = actor
        decision._change_reason = with_data(
            gettext_noop("deadline changed by an amendment"), new_deadline
        )
        decision.save(update_fields=["deadline"])
        if decision.task is not None and decision.task.is_open:
            task_services.move_deadline_by_decision(
                task=decision.task,
                actor=actor,
                new_deadline=task_services.deadline_from(new_deadline),
                reason=reason,
            )
    else:
        assert decision is not None
        decision.cancelled = True
        decision._history_user = actor
        decision._change_reason = gettext_noop("cancelled by an amendment")
        decision.save(update_fields=["cancelled"])
        if decision.task is not None and decision.task.is_open:
            task_services.cancel_task(task=decision.task, actor=actor, reason=reason)
    assert decision is not None
    number = (protocol.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment(
        protocol=protocol,
        number=number,
        change=change,
        decision=decision,
        reason=reason,
        new_deadline=new_deadline if change == Amendment.Change.DEADLINE else None,
        made_by=actor,
    )
    amendment._history_user = actor
    amendment._change_reason = gettext_noop("created")
    amendment.save()
    return amendment
