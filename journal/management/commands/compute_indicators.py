from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from akimat.management.dates import parse_day
from journal.indicators import DEFAULT_WEEKS, compute_indicators


class Command(BaseCommand):
    help = (
        "Recompute the experiment's computed indicators for the whole weeks before a day "
        "(default: today); the twin of the weekly job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--weeks", type=int, default=DEFAULT_WEEKS, help="how many whole weeks back (1-104)"
        )

    def handle(self, *args: object, date: str | None, weeks: int, **options: object) -> None:
        if not 1 <= weeks <= 104:
            raise CommandError("--weeks must be a whole number from 1 to 104.")
        today = parse_day(date)
        written = compute_indicators(weeks=weeks, today=today)
        self.stdout.write(f"{today:%Y-%m-%d}: {written} indicator reading(s) written.")
