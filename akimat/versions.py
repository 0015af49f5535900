"""Optimistic locking: the one rule for "someone else saved this after you opened it".

An editable record carries a `version` that every change bumps. A form carries the version it
was drawn from; the service re-reads the row under a lock and compares. A stale version raises
`Conflict` with the record as it is now, the view tells the person (a warning, in their
language) and shows the current values; nothing is saved, nothing is silently overwritten.
Tasks, logbook entries and every editable part of a 12-week plan use this one class.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.utils.translation import gettext as _


class Versioned(Protocol):
    version: int


class Conflict(Exception):
    """Somebody else changed the record after this person opened it; `current` is it now."""

    def __init__(self, current: Any, message: str | None = None) -> None:
        super().__init__(
            message or _("Someone else has just changed this. Here are the current values.")
        )
        self.current = current


def check_version(current: Versioned, version: int | None, message: str | None = None) -> None:
    """`current` (re-read under a row lock) must still be the version the form was drawn from;
    None means the caller holds no copy (a job, a command) and checks nothing."""
    if version is not None and current.version != version:
        raise Conflict(current, message)
