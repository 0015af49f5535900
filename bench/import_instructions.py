"""Benchmark: the import of the akim's instructions, 10,000 rows (the limit), end to end.

Run from the repository root (needs PostgreSQL; makes its own scratch database):

    .venv/bin/python bench/import_instructions.py [--database-url URL] [--rows 10000] [--people 200]

It writes an .xlsx of `rows` instructions (a long text every tenth row, responsible people named
by login and by «Фамилия Имя» in turns, deadlines on working days over the next two months, a
document number and date), among `people` specialists in five directorates, and times each step
the import's job takes, as the deputy:

- reading the workbook (openpyxl, read-only);
- checking every row (the people named, the working calendar: a fixed number of queries);
- writing every task in one transaction (`tasks.services.create_tasks`: bulk inserts with their
  history records, one notification per person);

and the whole. The bar: under a minute for 10,000 rows. The transaction is rolled back at the end,
so the scratch database keeps no tasks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reception_register import configure  # noqa: E402

SLUGS = ("entrepreneurship", "land", "architecture", "construction", "agriculture")


def make_people(count: int):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    from akimat.models import Department, User

    specialist, _created = Group.objects.get_or_create(name="specialist")
    deputy_group, _created = Group.objects.get_or_create(name="deputy")
    departments = [
        Department.objects.get_or_create(slug=slug, defaults={"name_ru": slug, "name_kk": slug})[0]
        for slug in SLUGS
    ]
    deputy, _created = User.objects.get_or_create(username="bench.deputy")
    deputy.groups.add(deputy_group)
    people = []
    for n in range(count):
        person, _created = User.objects.get_or_create(
            username=f"bench.{n}",
            defaults={
                "first_name": f"Имя{n}",
                "last_name": f"Фамилия{n}",
                "department": departments[n % len(departments)],
            },
        )
        person.groups.add(specialist)
        people.append(person)
    return deputy, people


def make_file(rows: int, people: list, start: dt.date) -> bytes:  # type: ignore[type-arg]
    from openpyxl import Workbook

    from akimat.calendar import working_days_among

    days = sorted(working_days_among(start + dt.timedelta(days=n) for n in range(1, 70)))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Текст", "Ответственный", "Срок", "Номер", "Дата"])
    for n in range(rows):
        person = people[n % len(people)]
        text = f"Подготовить ответ на письмо № {n} о ходе работ."
        if n % 10 == 0:
            text += " Приложить справку по районам и согласовать с управлением." * 8
        sheet.append(
            [
                text,
                person.username if n % 2 else f"{person.last_name} {person.first_name}",
                days[n % len(days)],
                f"№ 21-08/{n}",
                start - dt.timedelta(days=3),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/akimat_import_instructions_bench",
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    configure(args.database_url)

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from akimat.imports import read_rows
    from tasks.imports import INSTRUCTIONS
    from tasks.models import Task

    call_command("migrate", verbosity=0)
    deputy, people = make_people(args.people)
    content = make_file(args.rows, people, timezone.localdate())
    load = os.getloadavg()[0]

    began = time.perf_counter()
    rows = read_rows(io.BytesIO(content), INSTRUCTIONS.columns)
    read = time.perf_counter()
    checked = INSTRUCTIONS.check(rows, deputy)
    check = time.perf_counter()
    assert not checked.errors, checked.errors[:5]
    with transaction.atomic():
        outcome = INSTRUCTIONS.write(checked.planned, deputy, lambda done: None)
        wrote = time.perf_counter()
        assert outcome.created == args.rows
        assert Task.history.filter(history_user=deputy).count() >= args.rows
        # The import's own commit is not timed: the scratch database keeps no tasks.
        transaction.set_rollback(True)

    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    print(
        f"import of instructions benchmark, {stamp}, {os.cpu_count()} cores, "
        f"{args.rows:,} rows ({len(content) / 1024:.0f} KB), {args.people} people, "
        f"load average before the run {load:.1f} (the machine is shared)"
    )
    print(f"{'step':<40} {'seconds':>8}")
    print(f"{'read the workbook':<40} {read - began:8.2f}")
    print(f"{'check every row':<40} {check - read:8.2f}")
    print(f"{'write every task (one transaction)':<40} {wrote - check:8.2f}")
    print(f"{'whole import':<40} {wrote - began:8.2f}")
    print(f"bar: under 60 s for 10,000 rows -> {'met' if wrote - began < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
