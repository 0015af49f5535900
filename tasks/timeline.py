"""The task's history as sentences a person reads: who did what, when.

Built from simple-history's records of the task (one query) by comparing each record with the
one before it; the deadline-move log adds the reason of each move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tasks.models import DeadlineChange, Status, Task


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    who: str
    text: str


def _day(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "d.m.Y H:i")


STATUS_SENTENCES = {
    Status.IN_PROGRESS: lambda r: _("started the task"),
    Status.AWAITING_ACCEPTANCE: lambda r: (
        _("submitted the result: %(result)s") % {"result": r.result}
    ),
    Status.DONE: lambda r: _("accepted the result"),
    Status.RETURNED: lambda r: _("returned the result: %(reason)s") % {"reason": r.return_reason},
    Status.CANCELLED: lambda r: _("cancelled the task: %(reason)s") % {"reason": r.cancel_reason},
}


def build_timeline(task: Task, moves: list[DeadlineChange]) -> list[Entry]:
    records = list(
        task.history.select_related("history_user", "responsible").order_by(
            "history_date", "history_id"
        )
    )
    entries: list[Entry] = []
    previous = None
    for record in records:
        who = str(record.history_user) if record.history_user else _("the system")
        if previous is None:
            entries.append(Entry(record.history_date, who, _("created the task")))
        else:
            entries.extend(_changes(previous, record, who))
        previous = record
    for move in moves:
        if move.state == DeadlineChange.State.REFUSED and move.decided_at:
            entries.append(
                Entry(
                    move.decided_at,
                    str(move.decided_by),
                    _("refused to move the deadline to %(new)s") % {"new": _day(move.new_deadline)},
                )
            )
        entries.append(
            Entry(
                move.requested_at,
                str(move.requested_by),
                _("asked to move the deadline to %(new)s: %(reason)s")
                % {"new": _day(move.new_deadline), "reason": move.reason},
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _changes(old, new, who: str) -> list[Entry]:  # type: ignore[no-untyped-def]
    at = new.history_date
    out: list[Entry] = []
    if old.status != new.status and new.status in STATUS_SENTENCES:
        out.append(Entry(at, who, STATUS_SENTENCES[new.status](new)))
    if old.deadline != new.deadline:
        reason = (new.history_change_reason or "").removeprefix("deadline moved: ")
        out.append(
            Entry(
                at,
                who,
                _("moved the deadline from %(old)s to %(new)s: %(reason)s")
                % {"old": _day(old.deadline), "new": _day(new.deadline), "reason": reason},
            )
        )
    if old.responsible_id != new.responsible_id:
        out.append(Entry(at, who, _("handed the task to %(person)s") % {"person": new.responsible}))
    edited = [
        f
        for f in ("title", "description", "priority", "source", "source_number")
        if getattr(old, f) != getattr(new, f)
    ]
    if edited:
        out.append(Entry(at, who, _("edited the task")))
    return out
