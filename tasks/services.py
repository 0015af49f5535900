"""Use cases of tasks. Views, jobs, commands, admin and other apps all call these functions.

Every change runs in its own transaction, re-reads the task under a row lock and checks the
version the person saw, so two people saving one task at once cannot overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, ngettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from akimat.calendar import add_working_days, is_working_day, working_days_between
from akimat.change_reasons import DEADLINE_MOVED, with_data
from akimat.cleaning import NUL, NUL_MESSAGE, clean_text, display_file_name
from akimat.models import Role, User
from akimat.versions import Conflict, check_version
from tasks.models import (
    END_OF_WORKING_DAY,
    IN_WORK_STATUSES,
    SETTABLE_KINDS,
    TEXT_MAX_LENGTH,
    Absence,
    Attachment,
    Channel,
    ChecklistItem,
    Comment,
    DeadlineChange,
    HandedTask,
    HandOver,
    Notification,
    NotificationPreference,
    Priority,
    RecurringTask,
    Source,
    StandupNote,
    Status,
    Task,
)
from tasks.selectors import (
    give_back_candidates,
    hand_over_candidates,
    manages_absence,
    outstanding_items,
    selection_key,
)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


# --- rules of who may do what ----------------------------------------------------------------


def can_manage(user: User, task: Task) -> bool:
    """The author, the head of the task's directorate, the deputy and the admin direct a task."""
    if user.has_role(Role.DEPUTY, Role.ADMIN) or task.author_id == user.pk:
        return True
    return (
        user.has_role(Role.HEAD)
        and task.department is not None
        and task.department.head_id == user.pk
    )


def can_work_on(user: User, task: Task) -> bool:
    return task.responsible_id == user.pk


def can_comment(user: User, task: Task) -> bool:
    """Everyone involved may comment; the methodologist observes and changes nothing."""
    if can_work_on(user, task) or can_manage(user, task):
        return True
    return task.co_executors.filter(pk=user.pk).exists()


def can_edit_checklist(user: User, task: Task) -> bool:
    """The responsible person and those who direct the task add and remove items; everyone
    involved ticks them."""
    return can_work_on(user, task) or can_manage(user, task)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this with this task."))


# --- small helpers ---------------------------------------------------------------------------


def deadline_from(day: dt.date, time: dt.time | None = None) -> dt.datetime:
    """An aware deadline: a date alone means the end of that working day (18:30 local)."""
    return timezone.make_aware(dt.datetime.combine(day, time or END_OF_WORKING_DAY))


def _clean_text(text: str, *, field: str, required: bool = True) -> str:
    if NUL in (text or ""):
        raise ValidationError({field: NUL_MESSAGE})
    text = clean_text(text or "")
    if required and not text:
        raise ValidationError({field: _("This cannot be empty.")})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": TEXT_MAX_LENGTH}}
        )
    return text


def _locked(task: Task, version: int | None) -> Task:
    """The task re-read under a row lock; a stale version raises Conflict."""
    current = (
        Task.objects.select_for_update(of=("self",))
        .select_related("department__head")
        .get(pk=task.pk)
    )
    check_version(
        current, version, _("Someone else has just changed this task. Here is its current state.")
    )
    return current


def _save(task: Task, actor: User, reason: str, fields: list[str]) -> Task:
    task.version += 1
    task._change_reason = reason
    task._history_user = actor
    task.save(update_fields=[*fields, "version"])
    return task


def _notify(
    recipients: Iterable[User | None],
    kind: str,
    *,
    task: Task | None,
    actor: User,
    text: str = "",
    link: str = "",
) -> None:
    rows = [
        Notification(recipient=r, kind=kind, task=task, actor=actor, text=text[:400], link=link)
        for r in {r.pk: r for r in recipients if r is not None and r.pk != actor.pk}.values()
    ]
    if not rows:
        return
    Notification.objects.bulk_create(rows)
    _email_instantly(rows, kind)


def _email_instantly(rows: list[Notification], kind: str) -> None:
    """The lines whose recipients asked for this kind at once leave by e-mail once the change is
    committed (one query). A broker that does not answer is logged, not raised: the change is
    already saved, and an unsent line goes into the morning digest as before."""
    instant = set(
        NotificationPreference.objects.filter(
            user__in=[row.recipient_id for row in rows], kind=kind, channel=Channel.INSTANT
        ).values_list("user_id", flat=True)
    )
    ids = [row.pk for row in rows if row.recipient_id in instant]
    if ids:
        from tasks import jobs  # jobs import this module: a top-level import would be circular

        transaction.on_commit(partial(jobs.email_notifications.delay, ids), robust=True)


def notify_people(
    *,
    recipients: Iterable[User | None],
    kind: str,
    actor: User,
    text: str,
    link: str,
    task: Task | None = None,
) -> None:
    """A notification sent by an app above tasks (a score dispute and its answer, a follow-up
    case's visitor back at the reception): under the bell and in the morning digest, leading to
    `link`; the actor is never told of their own doing."""
    _notify(recipients, kind, task=task, actor=actor, text=text, link=link)


def _deciders(task: Task) -> list[User | None]:
    """Who hears of a result or a move request: the author and the directorate's head."""
    head = task.department.head if task.department_id and task.department else None
    return [task.author, head]


# --- creating and editing --------------------------------------------------------------------


@transaction.atomic
def create_task(
    *,
    author: User,
    title: str,
    responsible: User,
    deadline: dt.datetime,
    description: str = "",
    priority: int = Priority.NORMAL,
    source: str = Source.INITIATIVE,
    source_number: str = "",
    source_date: dt.date | None = None,
    co_executors: Sequence[User] = (),
    checklist: Sequence[str] = (),
    recurrence: RecurringTask | None = None,
    allow_past_deadline: bool = False,
    notify: bool = True,
) -> Task:
    """Set a task; it counts in the responsible person's directorate. The deadline must be ahead."""
    title = _clean_text(title, field="title")[:200]
    if not allow_past_deadline and deadline <= timezone.now():
        raise ValidationError(
            {"deadline": _("The deadline has already passed. Choose a later one.")}
        )
    task = Task(
        title=title,
        description=_clean_text(description, field="description", required=False),
        author=author,
        responsible=responsible,
        department_id=responsible.department_id,
        priority=priority,
        source=source,
        source_number=source_number.strip(),
        source_date=source_date,
        deadline=deadline,
        recurrence=recurrence,
    )
    task._change_reason = gettext_noop("created")
    task._history_user = author
    # The co-executors' record and the checklist's share the creation's moment, so the history
    # reads them as one event ("created, with …").
    now = timezone.now()
    task._history_date = now
    task.save()
    if co_executors:
        task.co_executors.set([u for u in co_executors if u.pk != responsible.pk])
    del task._history_date
    items = [
        ChecklistItem(task=task, text=text.strip()[:200], position=n)
        for n, text in enumerate(checklist)
        if text.strip()
    ]
    if items:
        bulk_create_with_history(
            items,
            ChecklistItem,
            default_user=author,
            default_change_reason=gettext_noop("created"),
            default_date=now,
        )
    if notify:
        _notify(
            [responsible, *co_executors],
            Notification.Kind.ASSIGNED,
            task=task,
            actor=author,
            text=title,
        )
    return task


def announce_assignment(*, recipients: Iterable[User], actor: User, text: str) -> None:
    """One line under the bell for a batch of tasks set at once (a plan's weekly tactics), in
    place of one line per task; pair it with `create_task(..., notify=False)`."""
    _notify(recipients, Notification.Kind.ASSIGNED, task=None, actor=actor, text=text)


@transaction.atomic
def update_task(
    *,
    task: Task,
    actor: User,
    version: int,
    title: str,
    description: str,
    priority: int,
    source: str,
    source_number: str,
    source_date: dt.date | None,
    co_executors: Sequence[User],
) -> Task:
    """Edit what a task asks for. The deadline moves only through a request."""
    task = _locked(task, version)
    _require(can_manage(actor, task) and task.is_open)
    task.title = _clean_text(title, field="title")[:200]
    task.description = _clean_text(description, field="description", required=False)
    task.priority = priority
    task.source = source
    task.source_number = source_number.strip()
    task.source_date = source_date
    # One moment for the edit and the co-executors' records (set() writes one for the removed
    # and one for the added), so the history shows them as one event.
    task._history_date = timezone.now()
    _save(
        task,
        actor,
        gettext_noop("edited"),
        ["title", "description", "priority", "source", "source_number", "source_date"],
    )
    task.co_executors.set([u for u in co_executors if u.pk != task.responsible_id])
    del task._history_date
    return task


# --- the status machine ----------------------------------------------------------------------


@transaction.atomic
def start_task(*, task: Task, actor: User, version: int | None = None) -> Task:
    """The responsible person starts a new or returned task."""
    task = _locked(task, version)
    _require(can_work_on(actor, task))
    if task.status not in (Status.NEW, Status.RETURNED):
        raise ValidationError(_("Only a new or returned task can be started."))
    task.status = Status.IN_PROGRESS
    task.started_at = task.started_at or timezone.now()
    return _save(task, actor, gettext_noop("started"), ["status", "started_at"])


@transaction.atomic
def submit_task(*, task: Task, actor: User, result: str, version: int | None = None) -> Task:
    """The responsible person hands in a result; a task one set for oneself is accepted at once."""
    task = _locked(task, version)
    _require(can_work_on(actor, task))
    if task.status not in (Status.NEW, Status.IN_PROGRESS, Status.RETURNED):
        raise ValidationError(_("This task cannot be submitted in its current state."))
    task.result = _clean_text(result, field="result")
    now = timezone.now()
    task.submitted_at = now
    task.started_at = task.started_at or now
    if task.is_self_set:
        task.status = Status.DONE
        task.done_at = now
        return _save(
            task,
            actor,
            gettext_noop("submitted and accepted"),
            ["status", "result", "submitted_at", "started_at", "done_at"],
        )
    task.status = Status.AWAITING_ACCEPTANCE
    _save(
        task, actor, gettext_noop("submitted"), ["status", "result", "submitted_at", "started_at"]
    )
    _notify(_deciders(task), Notification.Kind.SUBMITTED, task=task, actor=actor, text=task.title)
    return task


@transaction.atomic
def accept_task(*, task: Task, actor: User, version: int | None = None) -> Task:
    """The author or the head accepts a submitted result; nobody accepts their own."""
    task = _locked(task, version)
    _require(can_manage(actor, task))
    if task.responsible_id == actor.pk:
        raise ValidationError(_("You cannot accept your own result: the author or the head does."))
    if task.status != Status.AWAITING_ACCEPTANCE:
        raise ValidationError(_("Only a submitted result can be accepted."))
    task.status = Status.DONE
    task.done_at = timezone.now()
    return _save(task, actor, gettext_noop("accepted"), ["status", "done_at"])


@dataclass
class Acceptance:
    """What "Accept selected" did: the tasks accepted, and each refused one with why."""

    accepted: list[Task] = field(default_factory=list)
    refused: list[tuple[Task, str]] = field(default_factory=list)


@transaction.atomic
def accept_results(*, tasks: Iterable[Task], actor: User, versions: dict[int, int]) -> Acceptance:
    """Several results accepted at once, each by `accept_task` at the version it was shown at:
    one changed meanwhile or not this person's to accept is refused with its reason, and the
    others are accepted all the same."""
    outcome = Acceptance()
    # In the order of their ids, so two people accepting overlapping lists lock alike.
    for task in sorted(tasks, key=lambda task: task.pk):
        try:
            with transaction.atomic():
                accepted = accept_task(task=task, actor=actor, version=versions.get(task.pk, -1))
        except (Conflict, PermissionDenied) as refused:
            outcome.refused.append((task, str(refused)))
        except ValidationError as refused:
            outcome.refused.append((task, refused.messages[0]))
        else:
            outcome.accepted.append(accepted)
    return outcome


@transaction.atomic
def return_task(*, task: Task, actor: User, reason: str, version: int | None = None) -> Task:
    """The author or the head refuses a result, saying why; the task goes back to work."""
    task = _locked(task, version)
    _require(can_manage(actor, task))
    if task.responsible_id == actor.pk:
        raise ValidationError(_("You cannot return your own result."))
    if task.status != Status.AWAITING_ACCEPTANCE:
        raise ValidationError(_("Only a submitted result can be returned."))
    task.return_reason = _clean_text(reason, field="reason")
    task.status = Status.RETURNED
    task.returned_at = timezone.now()
    _save(task, actor, gettext_noop("returned"), ["status", "return_reason", "returned_at"])
    _notify(
        [task.responsible],
        Notification.Kind.RETURNED,
        task=task,
        actor=actor,
        text=task.return_reason,
    )
    return task


@transaction.atomic
def cancel_task(*, task: Task, actor: User, reason: str, version: int | None = None) -> Task:
    """The author or the head cancels an open task, saying why."""
    task = _locked(task, version)
    _require(can_manage(actor, task))
    if not task.is_open:
        raise ValidationError(_("Only an open task can be cancelled."))
    task.cancel_reason = _clean_text(reason, field="reason")
    task.status = Status.CANCELLED
    task.cancelled_at = timezone.now()
    return _save(
        task, actor, gettext_noop("cancelled"), ["status", "cancel_reason", "cancelled_at"]
    )


# --- deadline moves --------------------------------------------------------------------------


@transaction.atomic
def request_deadline_move(
    *, task: Task, actor: User, new_deadline: dt.datetime, reason: str
) -> DeadlineChange:
    """The responsible person asks to move the deadline, with a reason."""
    task = _locked(task, None)
    _require(can_work_on(actor, task) and task.is_open)
    if task.status == Status.AWAITING_ACCEPTANCE:
        # The result is judged against the deadline in force when it was handed in.
        raise ValidationError(
            _("The result has been handed in: a deadline cannot move while it awaits acceptance.")
        )
    reason = _clean_text(reason, field="reason")
    if new_deadline <= timezone.now():
        raise ValidationError({"new_deadline": _("The new deadline must be in the future.")})
    if new_deadline == task.deadline:
        raise ValidationError({"new_deadline": _("This is the current deadline.")})
    if task.deadline_changes.filter(state=DeadlineChange.State.PENDING).exists():
        raise ValidationError(
            _("A request to move this deadline is already waiting for a decision.")
        )
    change = DeadlineChange.objects.create(
        task=task,
        old_deadline=task.deadline,
        new_deadline=new_deadline,
        reason=reason,
        requested_by=actor,
    )
    # On a self-set task the author is the requester, whom _notify leaves out: the head decides.
    _notify(_deciders(task), Notification.Kind.MOVE_REQUESTED, task=task, actor=actor, text=reason)
    return change


@transaction.atomic
def decide_deadline_move(
    *, change: DeadlineChange, actor: User, approve: bool, note: str = ""
) -> DeadlineChange:
    """The author or the head approves or refuses a move; an approved move keeps accrued overdue days."""
    change = (
        DeadlineChange.objects.select_for_update(of=("self",))
        .select_related("task__department")
        .get(pk=change.pk)
    )
    task = _locked(change.task, None)
    _require(can_manage(actor, task) and actor.pk != change.requested_by_id)
    if change.state != DeadlineChange.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    now = timezone.now()
    change.state = DeadlineChange.State.APPROVED if approve else DeadlineChange.State.REFUSED
    change.decided_by = actor
    change.decided_at = now
    change.decision_note = _clean_text(note, field="note", required=False)
    if approve and task.is_open:
        if task.deadline < now:
            change.overdue_days_before = working_days_between(
                timezone.localdate(task.deadline), timezone.localdate(now)
            )
        task.deadline = change.new_deadline
        _save(task, actor, with_data(DEADLINE_MOVED, change.reason), ["deadline"])
    change._history_user = actor
    change.save()
    _notify(
        [change.requested_by],
        Notification.Kind.MOVE_APPROVED if approve else Notification.Kind.MOVE_REFUSED,
        task=task,
        actor=actor,
        text=_decision_text(change),
    )
    return change


@transaction.atomic
def move_deadline_by_decision(
    *, task: Task, actor: User, new_deadline: dt.datetime, reason: str
) -> DeadlineChange:
    """A deadline moved by a decision of the one who may decide it (the author or the head), with
    no request before it: an appeal's extension. It is kept and counted as every approved move,
    and the executor is told."""
    task = _locked(task, None)
    _require(can_manage(actor, task) and task.is_open)
    reason = _clean_text(reason, field="reason")
    now = timezone.now()
    change = DeadlineChange(
        task=task,
        old_deadline=task.deadline,
        new_deadline=new_deadline,
        reason=reason,
        requested_by=actor,
        requested_at=now,
        state=DeadlineChange.State.APPROVED,
        decided_by=actor,
        decided_at=now,
    )
    if task.deadline < now:
        change.overdue_days_before = working_days_between(
            timezone.localdate(task.deadline), timezone.localdate(now)
        )
    task.deadline = new_deadline
    _save(task, actor, with_data(DEADLINE_MOVED, reason), ["deadline"])
    change._history_user = actor
    change.save()
    _notify(
        [task.responsible],
        Notification.Kind.MOVE_APPROVED,
        task=task,
        actor=actor,
        text=_moved_text(task, reason),
    )
    return change


def _moved_text(task: Task, reason: str) -> str:
    """What the executor reads of a decided move, in their language: the new deadline and why."""
    with translation.override(task.responsible.own_language):
        text = _("New deadline: %(deadline)s.") % {
            "deadline": f"{timezone.localtime(task.deadline):%d.%m.%Y %H:%M}"
        }
        return f"{text} {reason}"


def _decision_text(change: DeadlineChange) -> str:
    """What the requester reads of a decision, in their language: the new deadline when
    approved, the reason (the decider's note) when refused."""
    with translation.override(change.requested_by.own_language):
        if change.state == DeadlineChange.State.APPROVED:
            text = _("New deadline: %(deadline)s.") % {
                "deadline": f"{timezone.localtime(change.new_deadline):%d.%m.%Y %H:%M}"
            }
            return f"{text} {change.decision_note}" if change.decision_note else text
        if change.decision_note:
            return _("Reason: %(reason)s") % {"reason": change.decision_note}
        return _("No reason was given.")


# --- comments, checklist, attachments --------------------------------------------------------


@transaction.atomic
def add_comment(*, task: Task, actor: User, body: str) -> Comment:
    _require(can_comment(actor, task))
    return Comment.objects.create(task=task, author=actor, body=_clean_text(body, field="body"))


@transaction.atomic
def add_checklist_item(*, task: Task, actor: User, text: str) -> ChecklistItem:
    _require(can_edit_checklist(actor, task))
    text = _clean_text(text, field="text")[:200]
    item = ChecklistItem(task=task, text=text, position=task.checklist.count())
    item._history_user = actor
    item.save()
    return item


@transaction.atomic
def remove_checklist_item(*, item: ChecklistItem, actor: User) -> None:
    """Remove an item, as those who may add one; its history keeps what it said."""
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("task__department")
        .get(pk=item.pk)
    )
    _require(can_edit_checklist(actor, item.task))
    item._history_user = actor
    item.delete()


@transaction.atomic
def toggle_checklist_item(*, item: ChecklistItem, actor: User) -> ChecklistItem:
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("task__department")
        .get(pk=item.pk)
    )
    _require(can_comment(actor, item.task))
    item.is_done = not item.is_done
    item.done_by = actor if item.is_done else None
    item.done_at = timezone.now() if item.is_done else None
    item._history_user = actor
    item.save(update_fields=["is_done", "done_by", "done_at"])
    return item


@transaction.atomic
def add_attachment(*, task: Task, actor: User, upload: UploadedFile) -> Attachment:
    _require(can_comment(actor, task))
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    name = display_file_name(upload.name)
    attachment = Attachment(
        task=task, file=upload, name=name, size=upload.size or 0, uploaded_by=actor
    )
    attachment._history_user = actor
    attachment.save()
    return attachment


# --- absences, recurring tasks, stand-up, notifications --------------------------------------


def _locked_absence(absence: Absence, actor: User, version: int | None = None) -> Absence:
    """The absence re-read under a row lock (so one hand-over or give-back of it runs at a time),
    its version checked, and the actor's right to it."""
    current = (
        Absence.objects.select_for_update(of=("self",))
        .select_related("user__department", "acting")
        .get(pk=absence.pk)
    )
    check_version(
        current, version, _("Someone else has just changed this absence. Here it is now.")
    )
    if not manages_absence(actor, current):
        raise PermissionDenied(_("You may not manage this absence."))
    return current


def _check_selection(tasks: Sequence[Task], selection: str | None, absence: Absence) -> None:
    """The tasks found now must be the ones the person confirmed (None: no preview to match)."""
    if selection is not None and selection_key(t.pk for t in tasks) != selection:
        raise Conflict(
            absence,
            _("The list of tasks has changed since you opened it. Here it is now: confirm again."),
        )


def _tell(recipient: User, actor: User, message: Promise, **values: object) -> None:
    """A hand-over's line under the bell, written in the recipient's language (`message` is an
    `ngettext_lazy` keyed on "count")."""
    with translation.override(recipient.own_language):
        text = str(message % values)
    _notify([recipient], Notification.Kind.HANDED_OVER, task=None, actor=actor, text=text)


@transaction.atomic
def hand_over_to_acting(
    *,
    absence: Absence,
    actor: User,
    scope: str = HandOver.Scope.DUE,
    selection: str | None = None,
) -> int:
    """Give the absent person's tasks in work to the acting person — by default those falling due
    during the absence, or all of them — and record which went; return how many. `selection`
    is the preview's fingerprint: when the tasks found now differ, nothing moves (Conflict)."""
    absence = _locked_absence(absence, actor)
    acting = absence.acting
    if acting is None:
        raise ValidationError(_("Name the acting person first."))
    tasks = list(hand_over_candidates(absence, scope).select_for_update(of=("self",)))
    _check_selection(tasks, selection, absence)
    if not tasks:
        raise ValidationError(_("No task is left to hand over."))
    now = timezone.now()
    hand_over = HandOver(
        absence=absence,
        from_user=absence.user,
        to_user=acting,
        scope=scope,
        handed_by=actor,
        handed_at=now,
    )
    hand_over._history_user = actor
    hand_over.save()
    for task in tasks:
        task.responsible = acting
        task._history_date = now
        _save(task, actor, gettext_noop("handed to the acting person"), ["responsible"])
    bulk_create_with_history(
        [HandedTask(hand_over=hand_over, task=task) for task in tasks],
        HandedTask,
        default_user=actor,
        default_date=now,
    )
    dates = f"{absence.start:%d.%m.%Y}–{absence.end:%d.%m.%Y}"
    _tell(
        acting,
        actor,
        ngettext_lazy(
            "%(count)s task of %(person)s is yours while they are away, %(dates)s.",
            "%(count)s tasks of %(person)s are yours while they are away, %(dates)s.",
            "count",
        ),
        count=len(tasks),
        person=absence.user,
        dates=dates,
    )
    _tell(
        absence.user,
        actor,
        ngettext_lazy(
            "%(count)s of your tasks went to %(person)s for your absence, %(dates)s.",
            "%(count)s of your tasks went to %(person)s for your absence, %(dates)s.",
            "count",
        ),
        count=len(tasks),
        person=acting,
        dates=dates,
    )
    return len(tasks)


@transaction.atomic
def give_back_tasks(
    *,
    absence: Absence,
    actor: User,
    hand_over: HandOver | None = None,
    selection: str | None = None,
) -> int:
    """Return the handed-over tasks (of the absence, or of one hand-over: an undo) that are still
    in work and still with the acting person to the person who was away; those the acting person
    finished, handed in or passed on stay. Return how many came back."""
    absence = _locked_absence(absence, actor)
    items = list(
        outstanding_items(absence, hand_over)
        .select_for_update(of=("self",))
        .select_related("hand_over")
    )
    back = list(give_back_candidates(absence, hand_over).select_for_update(of=("self",)))
    _check_selection(back, selection, absence)
    if not items:
        raise ValidationError(_("Nothing is out with the acting person: nothing to give back."))
    now = timezone.now()
    owner = {item.task_id: item.hand_over.from_user_id for item in items}
    for task in back:
        task.responsible_id = owner[task.pk]
        task._history_date = now
        _save(task, actor, gettext_noop("given back after the absence"), ["responsible"])
    returned = {task.pk for task in back}
    for item in items:
        item.state = HandedTask.State.BACK if item.task_id in returned else HandedTask.State.KEPT
        item.closed_at = now
        item.closed_by = actor
    bulk_update_with_history(
        items,
        HandedTask,
        ["state", "closed_at", "closed_by"],
        default_user=actor,
        default_date=now,
    )
    acting = items[0].hand_over.to_user
    _tell(
        absence.user,
        actor,
        ngettext_lazy(
            "%(count)s task came back to you from %(person)s.",
            "%(count)s tasks came back to you from %(person)s.",
            "count",
        ),
        count=len(back),
        person=acting,
    )
    _tell(
        acting,
        actor,
        ngettext_lazy(
            "%(count)s task of %(person)s went back to them.",
            "%(count)s tasks of %(person)s went back to them.",
            "count",
        ),
        count=len(back),
        person=absence.user,
    )
    return len(back)


@transaction.atomic
def update_absence(
    *,
    absence: Absence,
    actor: User,
    version: int,
    user: User,
    kind: str,
    start: dt.date,
    end: dt.date,
    acting: User | None,
) -> Absence:
    """Correct an absence. Who is away and who acts stay as they are while tasks are out."""
    absence = _locked_absence(absence, actor, version)
    if (absence.user_id != user.pk or absence.acting_id != (acting.pk if acting else None)) and (
        outstanding_items(absence).exists()
    ):
        raise ValidationError(
            _(
                "Tasks are with the acting person: give them back before changing who is away "
                "or who acts."
            )
        )
    if end < start:
        raise ValidationError({"end": _("The last day cannot be before the first.")})
    absence.user, absence.kind, absence.start, absence.end = user, kind, start, end
    absence.acting = acting
    absence.version += 1
    absence._history_user = actor
    absence._change_reason = gettext_noop("edited")
    absence.save(update_fields=["user", "kind", "start", "end", "acting", "version"])
    return absence


@transaction.atomic
def delete_absence(*, absence: Absence, actor: User, version: int) -> None:
    """Delete an absence recorded by mistake; refused while any of its tasks is still out (its
    hand-overs' records stay, as does every task's history)."""
    absence = _locked_absence(absence, actor, version)
    out = outstanding_items(absence).count()
    if out:
        raise ValidationError(
            ngettext(
                "%(count)s task is still with the acting person: give it back first.",
                "%(count)s tasks are still with the acting person: give them back first.",
                out,
            )
            % {"count": out}
        )
    absence._history_user = actor
    absence._change_reason = gettext_noop("deleted")
    absence.delete()


def _next_nominal(template: RecurringTask, after: dt.date) -> dt.date:
    """The template's next calendar date after `after`: that weekday, or that day next month."""
    if template.every == RecurringTask.Every.WEEK:
        return after + dt.timedelta(days=(template.day - after.weekday() - 1) % 7 + 1)
    year, month = after.year + after.month // 12, after.month % 12 + 1
    return dt.date(year, month, min(template.day, monthrange(year, month)[1]))


def _next_due(template: RecurringTask, after: dt.date) -> dt.date:
    """The first occurrence due after `after`. A day off moves it to the working day before,
    within the same month (or else to the next working day)."""
    nominal = after
    while True:
        nominal = _next_nominal(template, nominal)
        due = nominal
        while not is_working_day(due) and (due - dt.timedelta(days=1)).month == nominal.month:
            due -= dt.timedelta(days=1)
        if not is_working_day(due):
            due = add_working_days(nominal, 0)
        # A moved occurrence may land on the previous one; then the next nominal date counts.
        if due > after:
            return due


@transaction.atomic
def create_recurring_occurrences(*, today: dt.date) -> int:
    """Set the occurrences of active templates due within the next five working days."""
    created = 0
    horizon = add_working_days(today, 5)
    templates = RecurringTask.objects.select_for_update().select_related("author", "responsible")
    for template in templates.filter(is_active=True, next_deadline__lte=horizon):
        while template.next_deadline <= horizon:
            if template.next_deadline >= today:
                create_task(
                    author=template.author,
                    title=template.title,
                    description=template.description,
                    responsible=template.responsible,
                    priority=template.priority,
                    deadline=deadline_from(template.next_deadline),
                    recurrence=template,
                    allow_past_deadline=True,
                )
                created += 1
            template.next_deadline = _next_due(template, template.next_deadline)
        template.save(update_fields=["next_deadline"])
    return created


@transaction.atomic
def save_standup_blockers(*, user: User, date: dt.date, blockers: str) -> StandupNote | None:
    """Keep, change or (with an empty text) clear a person's own blockers for the day's
    stand-up. A new or changed text notifies the head of their directorate once (a repeat of
    the same text, a double click included, notifies nobody; a head is not told of their own)."""
    text = _clean_text(blockers, field="blockers", required=False)
    notes = StandupNote.objects.select_for_update().filter(user=user, date=date)
    if not text:
        for note in notes:
            note._change_reason = gettext_noop("blockers cleared")
            note.delete()
        return None
    # get_or_create waits for a concurrent first save of the same note (a double click) and then
    # reads it, so the second request finds the text already there instead of failing.
    note, created = notes.get_or_create(
        user=user, date=date, defaults={"blockers": text, "updated_at": timezone.now()}
    )
    if not created:
        if note.blockers == text:
            return note
        note.blockers = text
        note.updated_at = timezone.now()
        note._change_reason = gettext_noop("blockers changed")
        note.save(update_fields=["blockers", "updated_at"])
    head = user.department.head if user.department_id and user.department else None
    _notify([head], Notification.Kind.BLOCKER, task=None, actor=user, text=text)
    return note


@transaction.atomic
def set_notification_channels(*, user: User, channels: Mapping[str, str]) -> int:
    """Keep a person's choice of e-mail per kind of notification; write only what changed (with
    history), so saving the same form twice changes nothing the second time. Return the count."""
    # One person's saves run one after another: two at once cannot both create a kind's row.
    User.objects.select_for_update().filter(pk=user.pk).exists()
    kept = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    changed = 0
    for kind in SETTABLE_KINDS:
        channel = channels.get(kind)
        if channel not in Channel.values:
            continue
        preference = kept.get(kind)
        if (preference.channel if preference else Channel.DIGEST) == channel:
            continue
        if preference is None:
            preference = NotificationPreference(user=user, kind=kind)
        preference.channel = channel
        preference._change_reason = gettext_noop("notification setting changed")
        preference.save()
        changed += 1
    return changed


def mark_notifications_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def actions_for(user: User, task: Task, *, co_executor: bool = False) -> frozenset[str]:
    """The buttons a person gets on a task, by the same rules the services enforce."""
    allowed: set[str] = set()
    works, manages = can_work_on(user, task), can_manage(user, task)
    if works and task.status in (Status.NEW, Status.RETURNED):
        allowed.add("start")
    if works and task.status in (Status.NEW, Status.IN_PROGRESS, Status.RETURNED):
        allowed.add("submit")
    if works and task.status in IN_WORK_STATUSES:
        allowed.add("move")
    if manages and not works and task.status == Status.AWAITING_ACCEPTANCE:
        allowed |= {"accept", "return"}
    if manages and task.is_open:
        allowed |= {"cancel", "edit"}
    if works or manages or co_executor:
        allowed |= {"comment", "checklist", "attach"}
    if can_edit_checklist(user, task):
        allowed.add("checklist-edit")
    return frozenset(allowed)
