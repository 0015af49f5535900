from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from journal.integrity import verify_logbook


class Command(BaseCommand):
    help = (
        "Walk the logbook's hash chains (entries' history, kept versions) and check every entry "
        "against its last history record; name the first broken link and exit non-zero."
    )

    def handle(self, *args: object, **options: object) -> None:
        verdict = verify_logbook()
        for line in verdict.lines:
            self.stdout.write(line)
        if not verdict.ok:
            raise CommandError("The logbook has been tampered with: see the line above.")
