"""`migrate` as the owner of the tables (DATABASE_OWNER_URL): the portal's own role
(DATABASE_URL) owns nothing and may not create or alter a table (akimat/roles.py)."""

from __future__ import annotations

from django.core.management.commands import migrate

from akimat.roles import as_owner


class Command(migrate.Command):
    def handle(self, *args: object, **options: object) -> None:
        with as_owner(str(options["database"])):
            super().handle(*args, **options)
