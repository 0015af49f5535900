"""Reads of tasks: the bell's unread count, and the task's history as a log a person reads.

The history says who, when, and what changed, field by field.

Built from simple-history's records of the task (with the snapshots of its co-executors), of its
checklist items and of its files, by comparing each record with the one before it; the
deadline-move log adds the requests and the refusals. Lines written by one person at one moment
(a service stamps the records of one change with one `_history_date`) make one event.

Five queries whatever the length of the history: the task's records, the co-executors'
snapshots, the checklist's records, the files' records, and the names of the people in them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from akimat.change_reasons import DEADLINE_MOVED, SEPARATOR
from akimat.models import Department, Role, User
from tasks.models import (
    IN_WORK_STATUSES,
    Absence,
    Attachment,
    ChecklistItem,
    DeadlineChange,
    HandedTask,
    HandOver,
    Notification,
    NotificationPreference,
    Priority,
    Source,
    Status,
    Task,
)

# Long texts are shortened so one edit of a long description does not fill the column.
SHORT = 80
# The prefix `decide_deadline_move` gives the change reason of an approved move.
MOVED = DEADLINE_MOVED + SEPARATOR


def unread_count(user: User) -> int:
    """The bell's number: the person's notifications not yet read."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_channels(user: User) -> dict[str, str]:
    """The person's e-mail choice per kind of notification; a kind not in it is the digest's."""
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    who: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "; ".join(self.lines)


@dataclass(frozen=True)
class _Line:
    at: dt.datetime
    user_id: int | None
    who: str
    text: str


def build_timeline(task: Task, moves: Sequence[DeadlineChange]) -> list[Event]:
    """The task's events, newest first."""
    records = list(
        task.history.select_related("history_user").order_by("history_date", "history_id")
    )
    snapshots = _co_executor_snapshots(task)
    items = list(
        ChecklistItem.history.filter(task_id=task.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    files = list(
        Attachment.history.filter(task_id=task.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    # The current responsible person is always asked for, so the query runs even for a task
    # that was bulk-inserted without history (the count stays fixed).
    ids = {task.responsible_id, *(r.responsible_id for r in records)}
    ids.update(*snapshots.values())
    named = User.objects.filter(pk__in=ids).only(
        "username", "first_name", "last_name", "middle_name"
    )
    people = {u.pk: u for u in named}
    lines = [
        *_task_lines(records, snapshots, people),
        *_checklist_lines(items),
        *_file_lines(files),
        *_move_lines(moves),
    ]
    # A stable sort: at one moment the task's own lines come first, then its checklist's.
    lines.sort(key=lambda line: line.at)
    events = []
    for (at, _user), grouped in groupby(lines, key=lambda line: (line.at, line.user_id)):
        group = list(grouped)
        events.append(Event(at, group[0].who, tuple(line.text for line in group)))
    return events[::-1]


# --- formatting values for people ------------------------------------------------------------


def _moment(value: dt.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "d.m.Y H:i") if value else ""


def _date(value: dt.date | None) -> str:
    return formats.date_format(value, "d.m.Y") if value else ""


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(SHORT)


def _label(choices: type[models.Choices], value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _person(people: dict[int, User], pk: int | None) -> str:
    """«Касымова А.» (surname and initials, as in documents)."""
    user = people.get(pk) if pk is not None else None
    if user is None:
        return _("person #%(id)s") % {"id": pk} if pk is not None else ""
    if not user.last_name:
        return str(user)
    initials = "".join(f"{name[0]}." for name in (user.first_name, user.middle_name) if name)
    return f"{user.last_name} {initials}".strip()


def _who(record: Any) -> str:
    return str(record.history_user) if record.history_user else _("the system")


def _field(name: str, old: str, new: str) -> str:
    field = Task._meta.get_field(name)
    assert isinstance(field, models.Field)  # the task's own columns, not relations
    label = capfirst(str(field.verbose_name))
    return _("%(field)s: %(old)s → %(new)s") % {
        "field": label,
        "old": old or "—",
        "new": new or "—",
    }


# --- the task's own records ------------------------------------------------------------------

STATUS_SENTENCES = {
    Status.IN_PROGRESS: lambda r: _("started the task"),
    Status.AWAITING_ACCEPTANCE: lambda r: (
        _("submitted the result: %(result)s") % {"result": r.result}
    ),
    Status.DONE: lambda r: _("accepted the result"),
    Status.RETURNED: lambda r: _("returned the result: %(reason)s") % {"reason": r.return_reason},
    Status.CANCELLED: lambda r: _("cancelled the task: %(reason)s") % {"reason": r.cancel_reason},
}


def _co_executor_snapshots(task: Task) -> dict[int, frozenset[int]]:
    """The co-executors each record of the task saw, by the record's history_id."""
    through = apps.get_model("tasks", "HistoricalTask_co_executors")
    seen: defaultdict[int, set[int]] = defaultdict(set)
    for history_id, user_id in through.objects.filter(task_id=task.pk).values_list(
        "history_id", "user_id"
    ):
        seen[history_id].add(user_id)
    return {history_id: frozenset(users) for history_id, users in seen.items()}


def _task_lines(
    records: Iterable[Any], snapshots: dict[int, frozenset[int]], people: dict[int, User]
) -> Iterator[_Line]:
    previous = None
    for record in records:
        if previous is None or record.history_type == "+":
            texts = [_("created the task")]
        else:
            texts = _task_changes(previous, record, snapshots, people)
        for text in texts:
            yield _Line(record.history_date, record.history_user_id, _who(record), text)
        previous = record


def _task_changes(
    old: Any, new: Any, snapshots: dict[int, frozenset[int]], people: dict[int, User]
) -> list[str]:
    out: list[str] = []
    if old.status != new.status and new.status in STATUS_SENTENCES:
        out.append(STATUS_SENTENCES[new.status](new))
    if old.title != new.title:
        out.append(_field("title", _short(old.title), _short(new.title)))
    if old.description != new.description:
        out.append(
            _("Description changed: “%(excerpt)s”") % {"excerpt": _short(new.description)}
            if new.description
            else _("Description removed")
        )
    if old.deadline != new.deadline:
        reason = new.history_change_reason or ""
        if reason.startswith(MOVED):
            out.append(
                _("moved the deadline from %(old)s to %(new)s: %(reason)s")
                % {
                    "old": _moment(old.deadline),
                    "new": _moment(new.deadline),
                    "reason": reason.removeprefix(MOVED),
                }
            )
        else:
            out.append(_field("deadline", _moment(old.deadline), _moment(new.deadline)))
    if old.responsible_id != new.responsible_id:
        out.append(
            _field(
                "responsible",
                _person(people, old.responsible_id),
                _person(people, new.responsible_id),
            )
        )
    out.extend(_co_executor_changes(old, new, snapshots, people))
    if old.priority != new.priority:
        out.append(
            _field("priority", _label(Priority, old.priority), _label(Priority, new.priority))
        )
    if old.source != new.source:
        out.append(_field("source", _label(Source, old.source), _label(Source, new.source)))
    if old.source_number != new.source_number:
        out.append(_field("source_number", old.source_number, new.source_number))
    if old.source_date != new.source_date:
        out.append(_field("source_date", _date(old.source_date), _date(new.source_date)))
    if not out and any(
        getattr(old, f.attname) != getattr(new, f.attname) for f in new.tracked_fields
    ):
        # A change of something the log does not spell out (an admin moving the directorate).
        out.append(_("edited the task"))
    return out


def _co_executor_changes(
    old: Any, new: Any, snapshots: dict[int, frozenset[int]], people: dict[int, User]
) -> list[str]:
    before = snapshots.get(old.history_id, frozenset())
    after = snapshots.get(new.history_id, frozenset())

    def names(ids: frozenset[int]) -> str:
        return ", ".join(sorted(_person(people, pk) for pk in ids))

    # A list of names, not a count: singular for one person, plural for several.
    out = []
    if added := after - before:
        out.append(
            (
                _("Co-executor added: %(people)s")
                if len(added) == 1
                else _("Co-executors added: %(people)s")
            )
            % {"people": names(added)}
        )
    if removed := before - after:
        out.append(
            (
                _("Co-executor removed: %(people)s")
                if len(removed) == 1
                else _("Co-executors removed: %(people)s")
            )
            % {"people": names(removed)}
        )
    return out


# --- checklist, files, deadline moves --------------------------------------------------------


def _checklist_lines(records: Iterable[Any]) -> Iterator[_Line]:
    last: dict[int, Any] = {}
    for record in records:
        before = last.get(record.id)
        last[record.id] = record
        item = {"item": _short(record.text)}
        if record.history_type == "+":
            text = _("Checklist item added: “%(item)s”") % item
        elif record.history_type == "-":
            text = _("Checklist item removed: “%(item)s”") % item
        elif before is not None and before.text != record.text:
            text = _("Checklist item renamed: “%(old)s” → “%(new)s”") % {
                "old": _short(before.text),
                "new": _short(record.text),
            }
        elif before is None or before.is_done != record.is_done:
            text = (
                _("Checklist item ticked as done: “%(item)s”") % item
                if record.is_done
                else _("Checklist item unticked: “%(item)s”") % item
            )
        else:
            continue  # only its position changed
        yield _Line(record.history_date, record.history_user_id, _who(record), text)


def _file_lines(records: Iterable[Any]) -> Iterator[_Line]:
    last: dict[int, Any] = {}
    for record in records:
        before = last.get(record.id)
        last[record.id] = record
        if record.history_type == "+":
            text = _("File added: %(name)s") % {"name": record.name}
        elif record.history_type == "-":
            text = _("File removed: %(name)s") % {"name": record.name}
        elif before is not None and before.name != record.name:
            text = _("File renamed: %(old)s → %(new)s") % {"old": before.name, "new": record.name}
        else:
            continue
        yield _Line(record.history_date, record.history_user_id, _who(record), text)


def _move_lines(moves: Iterable[DeadlineChange]) -> Iterator[_Line]:
    """Requests and refusals; an approved move is in the task's own records, with its reason."""
    for move in moves:
        if move.state == DeadlineChange.State.REFUSED and move.decided_at:
            yield _Line(
                move.decided_at,
                move.decided_by_id,
                str(move.decided_by),
                _("refused to move the deadline to %(new)s") % {"new": _moment(move.new_deadline)},
            )
        yield _Line(
            move.requested_at,
            move.requested_by_id,
            str(move.requested_by),
            _("asked to move the deadline to %(new)s: %(reason)s")
            % {"new": _moment(move.new_deadline), "reason": move.reason},
        )


# --- absences and hand-overs -------------------------------------------------------------------

# Absences and the tasks of a hand-over are listed this many to a page.
ABSENCES_PAGE = 25
HAND_OVER_PAGE = 25
# For this long after a hand-over its row offers "Undo" (a give-back without the preview).
UNDO_WINDOW = dt.timedelta(minutes=15)
# Ended absences stay on the list this long (and as long as any task is still out).
ENDED_SHOWN_FOR = dt.timedelta(days=30)


def absence_departments(user: User) -> list[Department]:
    """Where a person records absences and hands tasks over: the deputy and the admin anywhere,
    a head their own directorate."""
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return list(Department.objects.all())
    if user.has_role(Role.HEAD):
        return list(Department.objects.filter(head=user))
    return []


def manages_absence(user: User, absence: Absence) -> bool:
    """`absence_departments`' rule for one absence, without a query: the deputy and the admin
    manage any, a head those of their own directorate's people."""
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return True
    department = absence.user.department
    return user.has_role(Role.HEAD) and department is not None and department.head_id == user.pk


def absences_on_list(departments: Sequence[Department]) -> QuerySet[Absence]:
    """The absences of the list, soonest first: current, coming, ended within a month, and any
    whose tasks are still with the acting person; each with `out_count` (tasks still out) and
    `undo_id` (its hand-over of the last minutes that may still be undone)."""
    out = (
        HandedTask.objects.filter(hand_over__absence=OuterRef("pk"), state=HandedTask.State.OUT)
        .order_by()
        .values("hand_over__absence")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recent = HandOver.objects.filter(
        absence=OuterRef("pk"),
        handed_at__gte=timezone.now() - UNDO_WINDOW,
        items__state=HandedTask.State.OUT,
    ).order_by("-handed_at", "-pk")
    since = timezone.localdate() - ENDED_SHOWN_FOR
    return (
        Absence.objects.filter(user__department__in=departments)
        .annotate(
            out_count=Coalesce(Subquery(out), 0),
            undo_id=Subquery(recent.values("pk")[:1]),
        )
        .filter(Q(end__gte=since) | Q(out_count__gt=0))
        .select_related("user", "acting")
        .order_by("start", "pk")
    )


def hand_over_candidates(absence: Absence, scope: str) -> QuerySet[Task]:
    """The tasks a hand-over moves: the absent person's still in work (new, in progress,
    returned; a result handed in awaits its decision, not work), by default only those falling
    due during the absence."""
    tasks = Task.objects.filter(responsible_id=absence.user_id, status__in=IN_WORK_STATUSES)
    if scope == HandOver.Scope.DUE:
        start, end = absence.deadline_bounds()
        tasks = tasks.filter(deadline__gte=start, deadline__lt=end)
    return tasks.order_by("deadline", "pk")


def hand_over_counts(absence: Absence) -> dict[str, int]:
    """How many tasks each choice of a hand-over would move, in one query."""
    start, end = absence.deadline_bounds()
    return Task.objects.filter(
        responsible_id=absence.user_id, status__in=IN_WORK_STATUSES
    ).aggregate(
        all=Count("pk"),
        due=Count("pk", filter=Q(deadline__gte=start, deadline__lt=end)),
    )


def outstanding_items(absence: Absence, hand_over: HandOver | None = None) -> QuerySet[HandedTask]:
    """The handed-over tasks of the absence (or of one of its hand-overs) not yet back."""
    items = HandedTask.objects.filter(state=HandedTask.State.OUT)
    if hand_over is not None:
        return items.filter(hand_over=hand_over)
    return items.filter(hand_over__absence=absence)


def give_back_candidates(absence: Absence, hand_over: HandOver | None = None) -> QuerySet[Task]:
    """The tasks a give-back returns: handed over, still in work and still with the acting person
    they went to. Those the acting person finished or handed in, or that went on to someone
    else, stay where they are."""
    out = outstanding_items(absence, hand_over).filter(
        task=OuterRef("pk"), hand_over__to_user=OuterRef("responsible")
    )
    return Task.objects.filter(Exists(out), status__in=IN_WORK_STATUSES).order_by("deadline", "pk")


def selection_key(ids: Iterable[int]) -> str:
    """A short fingerprint of the tasks a preview showed: the confirmation moves exactly those,
    or, when the list has changed meanwhile, nothing."""
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Preview:
    """The tasks a hand-over or give-back would move: how many, their fingerprint, one page."""

    count: int
    key: str
    page: Page[int]
    tasks: list[Task]


def preview(tasks: QuerySet[Task], page_number: int | None) -> Preview:
    """Two queries whatever the length: the ids of all (for the count and the fingerprint), and
    the rows of the page shown."""
    ids = list(tasks.values_list("pk", flat=True))
    page = Paginator(ids, HAND_OVER_PAGE).get_page(page_number)
    rows = list(
        Task.objects.filter(pk__in=list(page.object_list))
        .select_related("author")
        .order_by("deadline", "pk")
    )
    return Preview(count=len(ids), key=selection_key(ids), page=page, tasks=rows)
