from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from akimat.management.dates import parse_day
from reception.services import close_reception_day


class Command(BaseCommand):
    help = "End a reception day (default: today): the waiting have left, open desks close; the twin of the evening job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: today)")

    def handle(self, *args: object, date: str | None, **options: object) -> None:
        day = parse_day(date)
        gone, closed = close_reception_day(day=day)
        self.stdout.write(
            f"{day:%Y-%m-%d}: {gone} visitor(s) marked as left, {closed} desk(s) closed."
        )
