"""The import of the staff list from Excel: one row a person (akimat/imports.py runs it).

A row: last name, first name, patronymic, login, e-mail, position in Russian and in Kazakh, the
directorate's short name and one role group. A known login updates that person (never their
password); a new one creates a person with an unusable password, who sets one through the
password-reset page. A head becomes their directorate's head.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from akimat.imports import (
    Checked,
    Column,
    ImportSpec,
    Outcome,
    Progress,
    Row,
    RowError,
    text_cell,
)
from akimat.models import Department, Role, User

IMPORTED = gettext_noop("imported from the staff list")
FIELDS = ("last_name", "first_name", "middle_name", "email", "position", "position_kk")
# Roles whose person works in a directorate.
DIRECTORATE_ROLES = (Role.SPECIALIST, Role.HEAD)
BATCH = 500


@dataclass
class Person:
    row: int
    login: str
    values: dict[str, str]
    department: Department | None
    role: str


def may_import(user: User) -> bool:
    return user.has_role(Role.ADMIN)


def _role(value: str) -> str | None:
    """A role group from its name or its label in any of the portal's languages."""
    wanted = value.strip().lower()
    for role in Role:
        if wanted in (role.value, str(role.label).lower()):
            return role.value
    return None


def check(rows: list[Row], author: User) -> Checked[Person]:
    header = STAFF.column_header
    slugs = {str(row.get("directorate") or "").strip() for row in rows} - {""}
    departments = {d.slug: d for d in Department.objects.filter(slug__in=slugs)}
    first_row_of_login: dict[str, int] = {}
    head_row_of: dict[str, int] = {}
    errors: list[RowError] = []
    planned: list[Person] = []
    limits = {"last_name": 150, "first_name": 150, "middle_name": 150, "email": 254}
    for row in rows:
        number = row["_row"]
        found: list[RowError] = []

        def error(
            key: str, message: str, number: int = number, found: list[RowError] = found
        ) -> None:
            found.append(RowError(number, header(key), message))

        values: dict[str, str] = {}
        for key in FIELDS:
            text, problem = text_cell(
                row,
                key,
                max_length=limits.get(key, 200),
                required=key in ("last_name", "first_name"),
            )
            if problem:
                error(key, problem)
            values[key] = text
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                error("email", _("Not an e-mail address."))
        login, problem = text_cell(row, "login", max_length=150)
        if problem:
            error("login", problem)
        else:
            try:
                UnicodeUsernameValidator()(login)
            except ValidationError:
                error("login", _("A login holds only letters, digits and @ . + - _."))
            earlier = first_row_of_login.setdefault(login.lower(), number)
            if earlier != number:
                error("login", _("The same login is in row %(row)s.") % {"row": earlier})
        slug, problem = text_cell(row, "directorate", max_length=60, required=False)
        department = departments.get(slug)
        if problem:
            error("directorate", problem)
        elif slug and department is None:
            error("directorate", _("There is no directorate “%(slug)s”.") % {"slug": slug})
        raw_role, problem = text_cell(row, "role", max_length=60)
        role = None if problem else _role(raw_role)
        if problem:
            error("role", problem)
        elif role is None:
            error(
                "role",
                _("Unknown role “%(role)s”: one of %(roles)s.")
                % {"role": raw_role, "roles": ", ".join(Role.values)},
            )
        elif role in DIRECTORATE_ROLES and not slug:
            error("directorate", _("A specialist or a head needs a directorate."))
        elif role == Role.HEAD and slug:
            earlier = head_row_of.setdefault(slug, number)
            if earlier != number:
                error(
                    "role",
                    _("Row %(row)s already makes a head of this directorate.") % {"row": earlier},
                )
        if found:
            errors += found
            continue
        assert role is not None
        planned.append(Person(number, login, values, department, role))
    return Checked(planned=planned, errors=errors, rows=len(rows))


def write(planned: list[Person], author: User, progress: Progress) -> Outcome:
    """Create or update every person, set their role group, and make heads heads."""
    logins = [p.login.lower() for p in planned]
    existing: dict[str, User] = {
        u.username.lower(): u
        for u in User.objects.annotate(login=Lower("username")).filter(login__in=logins)
    }
    new: list[User] = []
    changed: list[User] = []
    for person in planned:
        found = existing.get(person.login.lower())
        if found is None:
            user = User(username=person.login, password=make_password(None))
            new.append(user)
        else:
            user = found
            changed.append(user)
        for key, value in person.values.items():
            setattr(user, key, value)
        user.department = person.department
    for start in range(0, len(new), BATCH):
        bulk_create_with_history(
            new[start : start + BATCH],
            User,
            batch_size=BATCH,
            default_user=author,
            default_change_reason=IMPORTED,
        )
        progress(start + len(new[start : start + BATCH]))
    if changed:
        bulk_update_with_history(
            changed,
            User,
            [*FIELDS, "department"],
            batch_size=BATCH,
            default_user=author,
            default_change_reason=IMPORTED,
        )
    progress(len(planned))
    people = {u.username.lower(): u for u in [*new, *changed]}
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for role in Role.values:
        if role not in groups:
            groups[role] = Group.objects.create(name=role)
    membership = User.groups.through
    membership.objects.filter(
        user_id__in=[u.pk for u in people.values()], group_id__in=[g.pk for g in groups.values()]
    ).delete()
    membership.objects.bulk_create(
        membership(user_id=people[p.login.lower()].pk, group_id=groups[p.role].pk) for p in planned
    )
    for person in planned:
        if person.role == Role.HEAD and person.department is not None:
            department = person.department
            department.head = people[person.login.lower()]
            department._change_reason = IMPORTED
            department._history_user = author
            department.save(update_fields=["head"])
    return Outcome(created=len(new), updated=len(changed))


STAFF: ImportSpec[Person] = ImportSpec(
    kind="staff",
    title=gettext_lazy("Import of the staff list"),
    columns=(
        Column("last_name", gettext_lazy("Last name"), "Ахметов"),
        Column("first_name", gettext_lazy("First name"), "Ерлан"),
        Column("middle_name", gettext_lazy("Patronymic"), "Серикович"),
        Column("login", gettext_lazy("Login"), "e.akhmetov"),
        Column("email", gettext_lazy("E-mail"), "e.akhmetov@example.kz"),
        Column("position", gettext_lazy("Position in Russian"), "Главный специалист"),
        Column("position_kk", gettext_lazy("Position in Kazakh"), "Бас маман"),
        Column("directorate", gettext_lazy("Directorate (short name)"), "agriculture"),
        Column("role", gettext_lazy("Role"), Role.SPECIALIST.value),
    ),
    check=check,
    write=write,
    may_import=may_import,
    url_name="people-import",
    done_url=reverse_lazy("people"),
    done_label=gettext_lazy("To the people"),
)
