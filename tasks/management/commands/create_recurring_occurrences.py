from __future__ import annotations

import contextlib
import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tasks.services import create_recurring_occurrences


def parse_day(raw: str | None) -> dt.date:
    if raw is None:
        return timezone.localdate()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        with contextlib.suppress(ValueError):  # 2026-13-45 has the shape but is no date
            return dt.date.fromisoformat(raw)
    raise CommandError(
        f"--date {raw!r} is not a real date: give it as YYYY-MM-DD, for example 2026-03-20."
    )


class Command(BaseCommand):
    help = "Set the occurrences of recurring tasks due within five working days of a day (default: today); the twin of the nightly job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: today)")

    def handle(self, *args: object, date: str | None, **options: object) -> None:
        today = parse_day(date)
        created = create_recurring_occurrences(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}: {created} recurring task occurrence(s) created.")
