"""The backup drill's checks (.ci/backup_drill.sh runs them; see there for the whole drill).

    backup_drill.py attach                      a file kept with a logbook entry (so media matters)
    backup_drill.py counts OWNER_URL_A OWNER_URL_B   the same row count in every table of both
    backup_drill.py render DIR MOMENT           pages as demo users see them, at one frozen moment
    backup_drill.py same DIR_A DIR_B            the pages identical, CSRF tokens aside

Django-side steps read DATABASE_URL, DATABASE_OWNER_URL and MEDIA_ROOT from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

# What a person sees, and as whom: the role home, the deputy's dashboard, a logbook day, the
# reception desk, and an attachment's bytes (from the restored media folder).
PAGES = [
    ("deputy", "/", "home-deputy.html"),
    ("deputy", "/dashboard/", "dashboard.html"),
    ("methodologist", "/journal/", "journal.html"),
    ("reception", "/reception/", "reception.html"),
]
# The CSRF token differs in every response; nothing else may.
# What differs on every drawing of a page by design: CSRF tokens and the forms' double-submit
# tokens (akimat/once.py, a fresh UUID each time a form is drawn).
CSRF = re.compile(
    rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ?"|csrf-token" content="|name="once" value=")'
    rb'[^"]+'
)


def _django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "akimat.settings")
    import django

    django.setup()


def attach() -> None:
    _django()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from akimat.models import User
    from journal import services
    from journal.models import Entry

    methodologist = User.objects.get(username="methodologist")
    entry = Entry.objects.filter(author=methodologist).order_by("pk").first()
    board = SimpleUploadedFile("доска.png", b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    services.add_attachments(entry=entry, actor=methodologist, files=[board])


def counts(first: str, second: str) -> None:
    import psycopg

    def table_counts(url: str) -> dict[str, int]:
        with psycopg.connect(url) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            return {
                table: conn.execute(
                    psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier(table))
                ).fetchone()[0]
                for table in tables
            }

    before, after = table_counts(first), table_counts(second)
    differing = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()}
    differing = {t: pair for t, pair in differing.items() if pair[0] != pair[1]}
    if differing:
        sys.exit(f"Row counts differ after the restore: {differing}")
    print(f"Same row counts in all {len(before)} tables ({sum(before.values())} rows).")


def render(out: str, moment: str) -> None:
    _django()
    import time_machine
    from django.test import Client

    from akimat.models import User
    from journal.models import EntryAttachment

    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    attachment = EntryAttachment.objects.order_by("pk").last()
    pages = [*PAGES, ("methodologist", attachment.get_absolute_url(), "attachment.bin")]
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
        for username, url, name in pages:
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} as {username}: HTTP {response.status_code}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            (target / name).write_bytes(body)
    print(f"Rendered {len(pages)} pages into {target}.")


def same(first: str, second: str) -> None:
    names = sorted(p.name for p in Path(first).iterdir())
    for name in names:
        a = CSRF.sub(rb"\1-", (Path(first) / name).read_bytes())
        b = CSRF.sub(rb"\1-", (Path(second) / name).read_bytes())
        if a != b:
            sys.exit(f"{name} differs after the restore.")
    print(
        f"The same {len(names)} pages and files before and after the restore: {', '.join(names)}."
    )


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"attach": attach, "counts": counts, "render": render, "same": same}[command](*arguments)
