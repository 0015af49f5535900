from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from akimat.management.dates import parse_day
from scores import scoring


class Command(BaseCommand):
    help = (
        "Compute the nightly scores (people's and directorates' snapshots) for a day that ended "
        "(default: yesterday) or a range of days; the twin of the 02:00 job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--from", dest="start", help="first day of a back-fill, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day of a back-fill, YYYY-MM-DD")
        parser.add_argument(
            "--force", action="store_true", help="compute again days that have snapshots"
        )
        parser.add_argument(
            "--department",
            type=int,
            action="append",
            dest="departments",
            metavar="ID",
            help="only this directorate (repeat for several; default: all)",
        )

    def handle(
        self,
        *args: object,
        date: str | None,
        start: str | None,
        end: str | None,
        force: bool,
        departments: list[int] | None,
        **options: object,
    ) -> None:
        days = self._days(date, start, end)
        try:
            # Every day is checked before any is written: a bad range writes nothing.
            for day in days:
                scoring.validate(day, departments)
            for day in days:
                runs = scoring.compute_scores(day=day, departments=departments, force=force)
                done = [r for r in runs if r.status == r.Status.SUCCEEDED]
                skipped = len(runs) - len(done)
                rows = sum(r.rows for r in done)
                self.stdout.write(
                    f"{day:%Y-%m-%d}: {len(done)} directorate(s) computed ({rows} people), "
                    f"{skipped} skipped."
                )
        except scoring.ScoringError as error:
            raise CommandError(str(error)) from error

    def _days(self, date: str | None, start: str | None, end: str | None) -> list[dt.date]:
        if date and (start or end):
            raise CommandError(_("Give either --date or --from and --to, not both."))
        if start or end:
            if not (start and end):
                raise CommandError(_("--from and --to go together."))
            first, last = parse_day(start, option="--from"), parse_day(end, option="--to")
            if last < first:
                raise CommandError(_("The first date must not be after the last one."))
            return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        return [parse_day(date) if date else scoring.yesterday()]
