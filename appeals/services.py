"""Use cases of an appeal: registration with its coupon, the executor (a task through tasks'
services), extension, redirect, answer and closing. Views, the demo and the benchmark call these.

Every change runs in its own transaction and re-reads the appeal under a row lock; the rules of
the law's terms live in `terms`, the rules of who may do what in the `can_*` functions, and both
are used by the pages to show (or not) each button.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.calendar import add_working_days
from akimat.change_reasons import with_data
from akimat.cleaning import NUL, NUL_MESSAGE, clean_text, display_file_name
from akimat.counters import next_number
from akimat.identifiers import checked_identifier, validate_bin, validate_iin
from akimat.models import Language, Role, User
from appeals.models import (
    ANONYMOUS_KINDS,
    EXTENSION_MAX_MONTHS,
    NAME_MAX_LENGTH,
    NOTICE_WORKING_DAYS,
    OPEN_STATUSES,
    REDIRECT_WORKING_DAYS,
    REPEAT_WITHIN_DAYS,
    TERM_WORKING_DAYS,
    TEXT_MAX_LENGTH,
    Appeal,
    AppealCounter,
    AppealFile,
    Channel,
    Decision,
    Kind,
    Status,
    Topic,
)
from reception.models import Visit
from reception.services import normalise_phone
from tasks import services as task_services
from tasks.models import Source
from tasks.models import Status as TaskStatus

# The answer's change reason by its decision (stored in English, shown translated).
ANSWERED: dict[str, str] = {
    Decision.SATISFIED: gettext_noop("answered: satisfied"),
    Decision.PARTLY: gettext_noop("answered: partly satisfied"),
    Decision.REFUSED: gettext_noop("answered: refused"),
    Decision.EXPLAINED: gettext_noop("answered: explained"),
}

# The largest file kept with an appeal (a scanned letter of a few pages).
FILE_MAX_BYTES = 20 * 1024 * 1024
FILES_MAX = 10

# --- who may do what -------------------------------------------------------------------------


def is_head_of(user: User, appeal: Appeal) -> bool:
    """The head of the directorate that considers the appeal (as `tasks.services.can_manage`)."""
    return user.has_role(Role.HEAD) and appeal.department.head_id == user.pk


def decides(user: User, appeal: Appeal) -> bool:
    """The head of the appeal's directorate or the deputy akim: assigns, extends, redirects,
    closes (APPC art. 76 p. 3 names the head or the deputy for an extension)."""
    return user.has_role(Role.DEPUTY, Role.ADMIN) or is_head_of(user, appeal)


def can_register(user: User) -> bool:
    return user.has_role(Role.RECEPTIONIST, Role.SPECIALIST, Role.HEAD, Role.DEPUTY, Role.ADMIN)


def can_assign(user: User, appeal: Appeal) -> bool:
    return decides(user, appeal) and appeal.status in OPEN_STATUSES


def can_extend(user: User, appeal: Appeal) -> bool:
    """Once: the law gives one extension, to at most two months from receipt."""
    return decides(user, appeal) and appeal.status in OPEN_STATUSES and appeal.extended_on is None


def can_record_extension_notice(user: User, appeal: Appeal) -> bool:
    return (
        (decides(user, appeal) or user.pk == appeal.executor_id)
        and appeal.extended_on is not None
        and appeal.extension_notice_on is None
    )


def can_redirect(user: User, appeal: Appeal) -> bool:
    return decides(user, appeal) and appeal.status in OPEN_STATUSES


def can_answer(user: User, appeal: Appeal) -> bool:
    return appeal.status == Status.IN_WORK and user.pk == appeal.executor_id


def can_close(user: User, appeal: Appeal) -> bool:
    return decides(user, appeal) and appeal.status == Status.ANSWERED


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this with this appeal."))


# --- the law's terms -------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where it is shorter (31 Dec + 2 → 28/29
    Feb). Written here because the standard library has no month arithmetic and one line of it
    does not justify python-dateutil as a dependency of the portal."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Terms:
    """An appeal's dates by the law, from the moment it was received."""

    registered_on: dt.date  # a non-working day's appeal: the next working day (art. 63)
    deadline: dt.date  # the 15th working day after registration (art. 76 p. 2)
    redirect_due: dt.date  # the 3rd working day after registration (art. 64 p. 2)
    extension_limit: dt.date  # two months from receipt (art. 76 p. 3)


def extension_limit(received_at: dt.datetime) -> dt.date:
    """The latest term an extension may give: two months from receipt (art. 76 p. 3). Calendar
    days, so no query: the appeal's page shows it without reading the working calendar."""
    return add_months(timezone.localdate(received_at), EXTENSION_MAX_MONTHS)


def terms(received_at: dt.datetime) -> Terms:
    received = timezone.localdate(received_at)
    registered = add_working_days(received, 0)
    return Terms(
        registered_on=registered,
        deadline=add_working_days(registered, TERM_WORKING_DAYS),
        redirect_due=add_working_days(registered, REDIRECT_WORKING_DAYS),
        extension_limit=extension_limit(received_at),
    )


# --- small helpers ---------------------------------------------------------------------------


def _text(raw: str, *, field: str, limit: int, required: bool = False) -> str:
    if NUL in (raw or ""):
        raise ValidationError({field: NUL_MESSAGE})
    text = clean_text(raw or "")
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    if required and not text:
        raise ValidationError({field: _("This cannot be empty.")})
    return text


def _name(raw: str, *, field: str, limit: int = NAME_MAX_LENGTH) -> str:
    text = _text(" ".join((raw or "").split()), field=field, limit=limit)
    if "<" in text or ">" in text:
        raise ValidationError({field: _("A name cannot contain the characters < and >.")})
    return text


def _save(appeal: Appeal, actor: User, reason: str, fields: list[str]) -> Appeal:
    appeal._change_reason = reason
    appeal._history_user = actor
    appeal.save(update_fields=fields)
    return appeal


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("department", "topic", "executor", "task")
        .get(pk=appeal.pk)
    )


def _attach(appeal: Appeal, actor: User, uploads: Sequence[UploadedFile], role: str) -> None:
    if len(uploads) > FILES_MAX:
        raise ValidationError(
            {"files": _("At most %(count)s files at once, please.") % {"count": FILES_MAX}}
        )
    for upload in uploads:
        if upload.size is None or upload.size > FILE_MAX_BYTES:
            raise ValidationError(
                {
                    "files": _("A file can be at most %(size)s MB.")
                    % {"size": FILE_MAX_BYTES // (1024 * 1024)}
                }
            )
        stored = AppealFile(
            appeal=appeal,
            role=role,
            name=display_file_name(upload.name),
            size=upload.size,
            uploaded_by=actor,
        )
        stored.file.save(upload.name or "file", upload, save=False)
        stored._history_user = actor
        stored.save()


# --- registration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who appeals, as the registrar took it down (empty on an anonymous appeal)."""

    name: str = ""
    iin: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    organisation: str = ""
    bin: str = ""
    language: str = Language.RU

    @classmethod
    def from_visit(cls, visit: Visit) -> Applicant:
        """The visitor's data carried over from a visit: only what the reception keeps with the
        visitor's consent (a visitor who declined has no row, and brings only the organisation
        named at the desk)."""
        visitor = visit.visitor
        organisation = visit.organisation
        return cls(
            name=visitor.full_name if visitor else "",
            iin=visitor.iin if visitor else "",
            phone=visitor.phone if visitor else "",
            organisation=organisation.name if organisation else "",
            bin=organisation.bin if organisation else "",
            language=visit.language or Language.RU,
        )


def _repeat_of(applicant: Applicant, topic: Topic, received: dt.date) -> Appeal | None:
    """The latest appeal of the same applicant (by IIN, else phone) on the same topic within a
    year before: the new one is a repeat."""
    if applicant.iin:
        same = Q(applicant_iin=applicant.iin)
    elif applicant.phone:
        same = Q(applicant_phone=applicant.phone)
    else:
        return None
    since = received - dt.timedelta(days=REPEAT_WITHIN_DAYS)
    return (
        Appeal.objects.filter(same, topic=topic, registered_on__gte=since)
        .order_by("-registered_on", "-pk")
        .first()
    )


@transaction.atomic
def register_appeal(
    *,
    registrar: User,
    kind: str,
    channel: str,
    topic: Topic,
    summary: str,
    applicant: Applicant,
    anonymous: bool = False,
    text: str = "",
    protocol: str = "",
    visit: Visit | None = None,
    received_at: dt.datetime | None = None,
    files: Sequence[UploadedFile] = (),
) -> Appeal:
    """Register an appeal and give it the year's next coupon number. Refusing is not a choice
    (APPC art. 63): whatever is missing is named, nothing is stored until it is given."""
    _require(can_register(registrar))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ValidationError({"received_at": _("An appeal cannot be received in the future.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of appeal.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the appeal came.")})
    if not topic.is_active:
        raise ValidationError({"topic": _("This topic is no longer in use. Choose another.")})
    errors: dict[str, str] = {}
    if anonymous and kind not in ANONYMOUS_KINDS:
        errors["anonymous"] = _(
            "Only a proposal or a response may be anonymous: a statement, a complaint and a "
            "request need the applicant's name and a way to answer."
        )
    name = _name(applicant.name, field="applicant_name")
    iin = checked_identifier(applicant.iin, validate_iin, field="applicant_iin")
    bin_ = checked_identifier(applicant.bin, validate_bin, field="organisation_bin")
    phone = normalise_phone(applicant.phone) if applicant.phone else ""
    email = _text(applicant.email, field="applicant_email", limit=254)
    address = _text(applicant.address, field="applicant_address", limit=300)
    organisation = _name(applicant.organisation, field="organisation_name", limit=300)
    if not anonymous:
        if not name:
            errors["applicant_name"] = _("Enter the applicant's full name.")
        elif not (phone or email or address):
            errors["applicant_phone"] = _(
                "Give a phone, an e-mail or a postal address: the answer must reach the applicant."
            )
    summary = _text(summary, field="summary", limit=300, required=True)
    text = _text(text, field="text", limit=TEXT_MAX_LENGTH)
    protocol = _text(protocol, field="protocol", limit=TEXT_MAX_LENGTH)
    if channel == Channel.ORAL and not protocol:
        errors["protocol"] = _(
            "An oral appeal is recorded in a protocol: write down what was said."
        )
    if channel != Channel.ORAL and not text and not files:
        errors["text"] = _("Enter the text of the appeal or attach the scanned letter.")
    if errors:
        raise ValidationError(errors)
    if anonymous:
        name = iin = phone = email = address = organisation = bin_ = ""
    language = applicant.language if applicant.language in Language.values else Language.RU
    dates = terms(received_at)
    appeal = Appeal(
        year=dates.registered_on.year,
        number=next_number(AppealCounter, year=dates.registered_on.year),
        kind=kind,
        channel=channel,
        anonymous=anonymous,
        applicant_name=name,
        applicant_iin=iin,
        applicant_phone=phone,
        applicant_email=email,
        applicant_address=address,
        organisation_name=organisation,
        organisation_bin=bin_,
        language=language,
        visitor=visit.visitor if visit is not None else None,
        visit=visit,
        summary=summary,
        text=text,
        protocol=protocol,
        topic=topic,
        department_id=topic.department_id,
        received_at=received_at,
        registered_on=dates.registered_on,
        registered_at=now,
        registered_by=registrar,
        repeat_of=None
        if anonymous
        else _repeat_of(Applicant(iin=iin, phone=phone), topic, dates.registered_on),
        deadline=dates.deadline,
        legal_deadline=dates.deadline,
        redirect_due=dates.redirect_due,
    )
    appeal._change_reason = gettext_noop("appeal registered")
    appeal._history_user = registrar
    appeal.save()
    _attach(appeal, registrar, files, AppealFile.Role.LETTER)
    return appeal


# --- the executor ----------------------------------------------------------------------------


def _task_title(appeal: Appeal, executor: User) -> str:
    with translation.override(executor.own_language):
        return _("Appeal %(code)s: %(summary)s") % {
            "code": appeal.code,
            "summary": appeal.summary,
        }


@transaction.atomic
def assign_executor(
    *, appeal: Appeal, actor: User, executor: User, co_executors: Sequence[User] = ()
) -> Appeal:
    """The head (or the deputy) gives the appeal to an executor of its directorate: a real task
    with the legal term as its deadline, source "appeal", the coupon number and date."""
    appeal = _locked(appeal)
    _require(can_assign(actor, appeal))
    if not executor.is_active or executor.department_id != appeal.department_id:
        raise ValidationError(
            {"executor": _("Choose a person of the directorate that considers this appeal.")}
        )
    others = [p for p in co_executors if p.pk != executor.pk]
    if any(not p.is_active for p in others):
        raise ValidationError({"co_executors": _("A co-executor has left the akimat.")})
    if appeal.task is not None:
        if appeal.executor_id == executor.pk:
            raise ValidationError({"executor": _("This person already executes the appeal.")})
        # Another executor: the old task is cancelled with the reason, a new one is set.
        task_services.cancel_task(
            task=appeal.task,
            actor=actor,
            reason=_("The appeal was given to %(person)s.") % {"person": executor},
        )
    with translation.override(executor.own_language):
        description = "\n".join(
            [
                _("Appeal %(code)s of %(date)s, %(kind)s.")
                % {
                    "code": appeal.code,
                    "date": f"{appeal.registered_on:%d.%m.%Y}",
                    "kind": appeal.get_kind_display(),
                },
                _("Answer the applicant on the appeal's page; the answer hands in this task."),
            ]
        )
    task = task_services.create_task(
        author=actor,
        responsible=executor,
        title=_task_title(appeal, executor),
        description=description,
        deadline=task_services.deadline_from(appeal.deadline),
        source=Source.APPEAL,
        source_number=appeal.code,
        source_date=appeal.registered_on,
        co_executors=others,
        allow_past_deadline=True,
    )
    appeal.task = task
    appeal.executor = executor
    appeal.assigned_by = actor
    appeal.status = Status.IN_WORK
    return _save(
        appeal,
        actor,
        with_data(gettext_noop("executor"), str(executor)),
        ["task", "executor", "assigned_by", "status"],
    )


# --- extension and redirect ------------------------------------------------------------------


@transaction.atomic
def extend_appeal(*, appeal: Appeal, actor: User, new_deadline: dt.date, reason: str) -> Appeal:
    """A reasoned decision of the head or the deputy to extend the term, to at most two months
    from receipt; the applicant must be told within three working days (APPC art. 76 p. 3)."""
    appeal = _locked(appeal)
    _require(can_extend(actor, appeal))
    reason = _text(reason, field="reason", limit=TEXT_MAX_LENGTH, required=True)
    limit = extension_limit(appeal.received_at)
    if new_deadline <= appeal.deadline:
        raise ValidationError(
            {
                "new_deadline": _("The new term must be later than the current one (%(date)s).")
                % {"date": f"{appeal.deadline:%d.%m.%Y}"}
            }
        )
    if new_deadline > limit:
        raise ValidationError(
            {
                "new_deadline": _(
                    "The law allows at most two months from receipt: the latest term is %(date)s."
                )
                % {"date": f"{limit:%d.%m.%Y}"}
            }
        )
    today = timezone.localdate()
    appeal.deadline = new_deadline
    appeal.extended_on = today
    appeal.extended_by = actor
    appeal.extension_reason = reason
    appeal.extension_notice_due = add_working_days(today, NOTICE_WORKING_DAYS)
    appeal.extension_notice_on = None
    if appeal.task is not None and appeal.task.is_open:
        task_services.move_deadline_by_decision(
            task=appeal.task,
            actor=actor,
            new_deadline=task_services.deadline_from(new_deadline),
            reason=reason,
        )
    return _save(
        appeal,
        actor,
        with_data(gettext_noop("term extended to"), new_deadline),
        [
            "deadline",
            "extended_on",
            "extended_by",
            "extension_reason",
            "extension_notice_due",
            "extension_notice_on",
        ],  # fmt: skip
    )


def _notice_day(day: dt.date | None, appeal: Appeal, *, field: str) -> dt.date:
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationError({field: _("The applicant cannot have been told in the future.")})
    if day < appeal.registered_on:
        raise ValidationError({field: _("This is before the appeal was registered.")})
    return day


@transaction.atomic
def record_extension_notice(*, appeal: Appeal, actor: User, day: dt.date | None = None) -> Appeal:
    """The day the applicant was told of the extension (a letter, a call, an e-mail)."""
    appeal = _locked(appeal)
    _require(can_record_extension_notice(actor, appeal))
    day = _notice_day(day, appeal, field="day")
    assert appeal.extended_on is not None  # can_record_extension_notice
    if day < appeal.extended_on:
        raise ValidationError({"day": _("This is before the extension was decided.")})
    appeal.extension_notice_on = day
    return _save(
        appeal,
        actor,
        with_data(gettext_noop("applicant told of the extension"), day),
        ["extension_notice_on"],
    )


@transaction.atomic
def redirect_appeal(
    *,
    appeal: Appeal,
    actor: User,
    body: str,
    reason: str,
    notice_on: dt.date | None = None,
) -> Appeal:
    """Send an appeal outside the body's competence to the competent body, telling the
    applicant at the same time (APPC art. 64 p. 2); after the third working day it is late."""
    appeal = _locked(appeal)
    _require(can_redirect(actor, appeal))
    errors = {}
    body = _name(body, field="body", limit=300)
    if not body:
        errors["body"] = _("Name the body the appeal is sent to.")
    reason = _text(reason, field="reason", limit=TEXT_MAX_LENGTH)
    if not reason:
        errors["reason"] = _("Say why the appeal is not in the akimat's competence.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    appeal.status = Status.REDIRECTED
    appeal.redirected_on = today
    appeal.redirected_to = body
    appeal.redirect_reason = reason
    appeal.redirected_by = actor
    appeal.redirect_notice_on = (
        None if appeal.anonymous else _notice_day(notice_on, appeal, field="notice_on")
    )
    if appeal.task is not None and appeal.task.is_open:
        task_services.cancel_task(
            task=appeal.task,
            actor=actor,
            reason=_("The appeal was redirected to %(body)s.") % {"body": body},
        )
    return _save(
        appeal,
        actor,
        with_data(gettext_noop("redirected to"), body),
        [
            "status",
            "redirected_on",
            "redirected_to",
            "redirect_reason",
            "redirected_by",
            "redirect_notice_on",
        ],  # fmt: skip
    )


# --- the answer ------------------------------------------------------------------------------


@transaction.atomic
def answer_appeal(
    *,
    appeal: Appeal,
    actor: User,
    answer: str,
    decision: str,
    files: Sequence[UploadedFile] = (),
) -> Appeal:
    """The executor answers: the text (and the signed copy), the decision; the answer hands in
    the appeal's task, and the head closes the appeal."""
    appeal = _locked(appeal)
    _require(can_answer(actor, appeal))
    answer = _text(answer, field="answer", limit=TEXT_MAX_LENGTH, required=True)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose the decision.")})
    now = timezone.now()
    appeal.answer = answer
    appeal.decision = decision
    appeal.answered_at = now
    appeal.answered_on = timezone.localdate(now)
    appeal.answered_by = actor
    appeal.status = Status.ANSWERED
    _attach(appeal, actor, files, AppealFile.Role.ANSWER)
    task = appeal.task
    if task is not None and task.status in (
        TaskStatus.NEW,
        TaskStatus.IN_PROGRESS,
        TaskStatus.RETURNED,
    ):
        task_services.submit_task(task=task, actor=actor, result=answer)
    return _save(
        appeal,
        actor,
        ANSWERED[decision],
        ["answer", "decision", "answered_at", "answered_on", "answered_by", "status"],
    )


@transaction.atomic
def close_appeal(*, appeal: Appeal, actor: User) -> Appeal:
    """The head (or the deputy) closes an answered appeal; its task is accepted."""
    appeal = _locked(appeal)
    _require(can_close(actor, appeal))
    task = appeal.task
    if task is not None and task.status == TaskStatus.AWAITING_ACCEPTANCE:
        if task.responsible_id == actor.pk:
            # A head who executed the appeal themself: the deputy accepts such a result; the
            # appeal is closed all the same, the task waits for the deputy.
            pass
        else:
            task_services.accept_task(task=task, actor=actor)
    appeal.status = Status.CLOSED
    appeal.closed_at = timezone.now()
    appeal.closed_by = actor
    return _save(appeal, actor, gettext_noop("appeal closed"), ["status", "closed_at", "closed_by"])
