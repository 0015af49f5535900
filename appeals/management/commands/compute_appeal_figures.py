from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from akimat.management.dates import parse_day
from appeals import figures


class Command(BaseCommand):
    help = (
        "Write the directorates' appeal figures (under consideration, overdue, extensions not "
        "told in time, late redirects) for a day that ended (default: yesterday); the twin of "
        "the nightly job. A day already written is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: yesterday)")

    def handle(self, *args: object, date: str | None, **options: object) -> None:
        day = parse_day(date) if date else figures.yesterday()
        try:
            rows = figures.record_day(day)
        except figures.FiguresError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{day:%Y-%m-%d}: {rows} directorate(s) written.")
