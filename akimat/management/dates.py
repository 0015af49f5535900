"""Date options shared by the management commands (`--date`, and later `--from`/`--to`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from django.core.management.base import CommandError
from django.utils import timezone


def parse_day(raw: str | None, *, option: str = "--date") -> dt.date:
    """A YYYY-MM-DD option as a date (today's local date when not given); a clear error otherwise."""
    if raw is None:
        return timezone.localdate()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        with contextlib.suppress(ValueError):  # 2026-13-45 has the shape but is no date
            return dt.date.fromisoformat(raw)
    raise CommandError(
        f"{option} {raw!r} is not a real date: give it as YYYY-MM-DD, for example 2026-03-20."
    )
