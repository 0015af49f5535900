from __future__ import annotations

import contextlib
import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from akimat.calendar import is_working_day
from tasks.digest import send_morning_digest


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
    help = "Mail each person their morning digest for a day (default: today); the twin of the morning job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: today)")

    def handle(self, *args: object, date: str | None, **options: object) -> None:
        today = parse_day(date)
        if not is_working_day(today):
            self.stdout.write(f"{today:%Y-%m-%d}: a day off, no digest is sent.")
            return
        sent = send_morning_digest(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}: {sent} digest e-mail(s) sent.")
