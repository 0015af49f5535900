from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from akimat.calendar import is_working_day
from akimat.management.dates import parse_day
from tasks.digest import send_morning_digest


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
