"""The import of the akim's instructions from Excel: one row a task (akimat/imports.py runs it).

A row: the instruction's text, the responsible person (a login, or «Фамилия Имя»), the deadline
(a working day ahead), and the instruction's document number and date. Every row is checked with
a fixed number of queries (the people the importer may assign, the calendar), and written through
`tasks.services.create_tasks`, which keeps `create_task`'s rules and history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from akimat.calendar import working_days_among
from akimat.imports import (
    Checked,
    Column,
    ImportSpec,
    Outcome,
    Progress,
    Row,
    RowError,
    date_cell,
    text_cell,
)
from akimat.models import Role, User
from tasks import services
from tasks.forms import assignable_people
from tasks.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Source, bare_document_number

NUMBER_MAX_LENGTH = 60
# The end of a sentence: the title is the instruction's first sentence when the text is long.
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def split_text(text: str) -> tuple[str, str]:
    """A title and a description from an instruction's text: a short one-line text is the title
    alone; a longer one gives its first sentence (cut at a word when even that is too long) as
    the title and the whole text as the description."""
    if len(text) <= TITLE_MAX_LENGTH and "\n" not in text:
        return text, ""
    first_line = text.split("\n", 1)[0].strip()
    end = SENTENCE_END.search(first_line)
    title = first_line[: end.end()] if end else first_line
    if len(title) > TITLE_MAX_LENGTH:
        cut = title[: TITLE_MAX_LENGTH - 1]
        title = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:—- ") + "…"
    return title, text


@dataclass(frozen=True)
class Instruction:
    row: int
    draft: services.TaskDraft


def may_import(user: User) -> bool:
    """The deputy (and the admin) for everyone; a head for their own directorate."""
    return user.has_role(Role.DEPUTY, Role.ADMIN, Role.HEAD)


def _people(
    rows: list[Row], author: User
) -> tuple[dict[str, User], dict[tuple[str, ...], list[User]]]:
    """The people the author may assign that a row names, by login and by name (one query)."""
    values = {str(row.get("responsible") or "").strip() for row in rows} - {""}
    logins = {v.lower() for v in values}
    last_names = {v.split()[0] for v in values if len(v.split()) >= 2}
    found = (
        assignable_people(author)
        .annotate(login=Lower("username"))
        .filter(Q(login__in=logins) | Q(last_name__in=last_names))
    )
    by_login: dict[str, User] = {}
    by_name: dict[tuple[str, ...], list[User]] = {}
    for person in found:
        by_login[person.username.lower()] = person
        name = (person.last_name.lower(), person.first_name.lower())
        by_name.setdefault(name, []).append(person)
        if person.middle_name:
            by_name.setdefault((*name, person.middle_name.lower()), []).append(person)
    return by_login, by_name


def check(rows: list[Row], author: User) -> Checked[Instruction]:
    """Every row's errors, and the tasks the error-free rows would set."""
    header = INSTRUCTIONS.column_header
    by_login, by_name = _people(rows, author)
    deadlines = {day for row in rows if isinstance(day := date_cell(row, "deadline")[0], dt.date)}
    working = working_days_among(deadlines)
    now = timezone.now()
    today = timezone.localdate(now)
    errors: list[RowError] = []
    planned: list[Instruction] = []
    for row in rows:
        number = row["_row"]
        found: list[RowError] = []

        def error(
            key: str, message: str, number: int = number, found: list[RowError] = found
        ) -> None:
            found.append(RowError(number, header(key), message))

        text, problem = text_cell(row, "text", max_length=TEXT_MAX_LENGTH)
        if problem:
            error("text", problem)
        name, problem = text_cell(row, "responsible", max_length=200)
        responsible: User | None = None
        if problem:
            error("responsible", problem)
        else:
            responsible = by_login.get(name.lower())
            if responsible is None:
                matches = by_name.get(tuple(w.lower() for w in name.split()), [])
                if len(matches) == 1:
                    responsible = matches[0]
                elif len(matches) > 1:
                    error(
                        "responsible",
                        _("Several people are called “%(name)s”: give the login instead.")
                        % {"name": name},
                    )
                else:
                    error(
                        "responsible",
                        _("Nobody you may set tasks for is called “%(name)s”.") % {"name": name},
                    )
        day, problem = date_cell(row, "deadline")
        deadline: dt.datetime | None = None
        if problem:
            error("deadline", problem)
        elif day is None:
            error("deadline", _("This cannot be empty."))
        elif (deadline := services.deadline_from(day)) <= now:
            error("deadline", _("The deadline has already passed. Choose a later one."))
        elif day not in working:
            error(
                "deadline",
                _("%(date)s is a day off: choose a working day.")
                % {"date": day.strftime("%d.%m.%Y")},
            )
        raw_number, problem = text_cell(
            row, "number", max_length=NUMBER_MAX_LENGTH + 10, required=False
        )
        document_number = bare_document_number(raw_number)
        if problem or len(document_number) > NUMBER_MAX_LENGTH:
            error(
                "number",
                problem
                or _("At most %(limit)s characters, please.") % {"limit": NUMBER_MAX_LENGTH},
            )
        document_date, problem = date_cell(row, "date")
        if problem:
            error("date", problem)
        elif document_date and document_date > today:
            error("date", _("The document's date is still to come."))
        if found:
            errors += found
            continue
        assert responsible is not None and deadline is not None
        title, description = split_text(text)
        planned.append(
            Instruction(
                row=number,
                draft=services.TaskDraft(
                    title=title,
                    description=description,
                    responsible=responsible,
                    deadline=deadline,
                    source=Source.INSTRUCTION,
                    source_number=document_number,
                    source_date=document_date,
                ),
            )
        )
    return Checked(planned=planned, errors=errors, rows=len(rows))


def write(planned: list[Instruction], author: User, progress: Progress) -> Outcome:
    created = services.create_tasks(
        author=author,
        drafts=[item.draft for item in planned],
        announcement=gettext_lazy("Akim's instructions"),
        progress=progress,
    )
    return Outcome(created=len(created))


INSTRUCTIONS: ImportSpec[Instruction] = ImportSpec(
    kind="instructions",
    title=gettext_lazy("Import of the akim's instructions"),
    columns=(
        Column(
            "text",
            gettext_lazy("Instruction text"),
            "Подготовить справку о ходе посевной кампании. Приложить данные по районам.",
        ),
        Column(
            "responsible", gettext_lazy("Responsible (login or «Surname Name»)"), "Ахметов Ерлан"
        ),
        Column("deadline", gettext_lazy("Deadline"), dt.date(2027, 3, 15)),
        Column("number", gettext_lazy("Document number"), "21-08/568"),
        Column("date", gettext_lazy("Document date"), dt.date(2027, 3, 1)),
    ),
    check=check,
    write=write,
    may_import=may_import,
    url_name="tasks:import",
    done_url=reverse_lazy("tasks:my-tasks"),
    done_label=gettext_lazy("To my tasks"),
)
