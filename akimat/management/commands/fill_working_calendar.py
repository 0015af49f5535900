from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from akimat.calendar import fill_working_calendar
from akimat.models import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR


class Command(BaseCommand):
    help = "Rebuild the working calendar (holidays and transfers) for the given years; the twin of the nightly job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="*", type=int, help="years (default: this and next)")

    def handle(self, *args: object, years: list[int], **options: object) -> None:
        this_year = timezone.localdate().year
        for year in years or [this_year, this_year + 1]:
            if not CALENDAR_FIRST_YEAR <= year <= CALENDAR_LAST_YEAR:
                self.stderr.write(
                    f"Skipped {year}: the calendar covers {CALENDAR_FIRST_YEAR}-{CALENDAR_LAST_YEAR}."
                )
                continue
            days = fill_working_calendar(year=year)
            self.stdout.write(f"{year}: {days} days written.")
