from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from akimat.chain import describe
from reception.integrity import verify_contact_log


class Command(BaseCommand):
    help = "Walk the contact log's hash chain; name the first broken link and exit non-zero."

    def handle(self, *args: object, **options: object) -> None:
        report = verify_contact_log()
        self.stdout.write(describe(report, "Contact log"))
        if report.broken is not None:
            raise CommandError("The contact log has been tampered with: see the line above.")
