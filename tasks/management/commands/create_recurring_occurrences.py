from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from akimat.management.dates import parse_day
from tasks.services import create_recurring_occurrences


class Command(BaseCommand):
    help = "Set the occurrences of recurring tasks due within five working days of a day (default: today); the twin of the nightly job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: today)")

    def handle(self, *args: object, date: str | None, **options: object) -> None:
        today = parse_day(date)
        created = create_recurring_occurrences(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}: {created} recurring task occurrence(s) created.")
