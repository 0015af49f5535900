"""`manage.py import_instructions FILE --author LOGIN`: the import page's twin, with a progress bar."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from tqdm import tqdm

from akimat.imports import MAX_BYTES, read_rows
from akimat.models import User
from tasks.imports import INSTRUCTIONS

# Row errors printed before the rest are only counted.
SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import the akim's instructions from an .xlsx file: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--author", required=True, help="The login of who sets the tasks.")

    def handle(self, *args: object, file: Path, author: str, **options: Any) -> None:
        started = time.monotonic()
        try:
            user = User.objects.get(username=author, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active person with the login {author!r}.") from None
        if not INSTRUCTIONS.may_import(user):
            raise CommandError(f"{author} may not import instructions (deputy, admin or head).")
        if not file.is_file() or file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: not a file of at most {MAX_BYTES // 2**20} MB.")
        with translation.override(user.own_language):
            try:
                rows = read_rows(file, INSTRUCTIONS.columns)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            checked = INSTRUCTIONS.check(rows, user)
            if checked.errors:
                for row_error in checked.errors[:SHOWN_ERRORS]:
                    self.stderr.write(
                        f"row {row_error.row}, {row_error.column}: {row_error.message}"
                    )
                more = len(checked.errors) - SHOWN_ERRORS
                if more > 0:
                    self.stderr.write(f"… and {more} more errors.")
                raise CommandError(
                    f"{len({e.row for e in checked.errors})} of {checked.rows} rows have errors; "
                    "nothing was imported."
                )
            verbosity = int(options.get("verbosity", 1))
            with tqdm(
                total=len(checked.planned),
                desc="instructions",
                unit="task",
                disable=verbosity == 0,
                file=self.stderr,
            ) as bar:

                def progress(done: int) -> None:
                    bar.update(done - bar.n)

                with transaction.atomic():
                    outcome = INSTRUCTIONS.write(checked.planned, user, progress)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Imported {outcome.created} tasks from {file.name} in {elapsed:.1f} s.")
