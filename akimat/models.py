"""The organisation: people, directorates, roles and the working calendar (the ground floor)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self

import holidays
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """The role groups; a person may hold several."""

    SPECIALIST = "specialist", _("Specialist")
    HEAD = "head", _("Head of directorate")
    DEPUTY = "deputy", _("Deputy akim")
    RECEPTIONIST = "receptionist", _("Receptionist")
    METHODOLOGIST = "methodologist", _("Methodologist")
    ADMIN = "admin", _("Administrator")


class Language(models.TextChoices):
    RU = "ru", "Русский"
    KK = "kk", "Қазақша"
    EN = "en", "English"


def in_language(ru: str, kk: str) -> str:
    """Data kept in both official languages, as the active language shows it: the Kazakh on a
    Kazakh page when there is one, the Russian otherwise."""
    return kk if kk and get_language() == Language.KK else ru


class DepartmentQuerySet(models.QuerySet["Department"]):
    def watched_by(self, user: User) -> DepartmentQuerySet:
        """The directorates a person oversees (their boards, stand-ups and the dashboard): every
        one for those who see every directorate, the headed ones for a head, none otherwise."""
        if user.sees_every_directorate():
            return self.all()
        if user.has_role(Role.HEAD):
            return self.filter(head=user)
        return self.none()


class Department(models.Model):
    """A directorate (управление) of the department under the deputy akim."""

    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    head = models.ForeignKey(
        "akimat.User",
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")
        ordering: ClassVar = ["name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Kazakh for kk, Russian otherwise)."""
        return in_language(self.name_ru, self.name_kk)


class User(AbstractUser):
    """A person of the akimat: staff of a directorate, the deputy, reception, methodologist."""

    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    position_kk = models.CharField(_("position in Kazakh"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering: ClassVar = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def own_language(self) -> str:
        """The language to write to this person in (a notification, a mail, a task set for them):
        the one they chose, the portal's default where none is kept."""
        return self.language or settings.LANGUAGE_CODE

    def get_absolute_url(self) -> str:
        return reverse("admin:akimat_user_change", args=[self.pk])

    def get_full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def get_short_name(self) -> str:
        return self.first_name or self.username

    @property
    def localised_position(self) -> str:
        """The position in the active language (`position` is the Russian)."""
        return in_language(self.position, self.position_kk)

    @property
    def roles(self) -> frozenset[str]:
        """The person's role names; cached on the instance (one query per request)."""
        cached = getattr(self, "_roles", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True))
            if self.is_superuser:
                cached |= {Role.ADMIN}
            self._roles = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def sees_every_directorate(self) -> bool:
        """The deputy akim, the methodologist (who reads everything) and the admin see every
        directorate's tasks, plans, reception, scores and dashboard."""
        return self.has_role(Role.DEPUTY, Role.METHODOLOGIST, Role.ADMIN)


class CalendarDay(models.Model):
    """One calendar date: a working day or not. Filled by `calendar.fill_working_calendar`."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day")
        WEEKEND = "weekend", _("Weekend")
        HOLIDAY = "holiday", _("Public holiday")
        TRANSFER = "transfer", _("Transferred day")

    date = models.DateField(_("date"), primary_key=True)
    is_working = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering: ClassVar = ["date"]
        indexes: ClassVar = [
            models.Index(
                fields=["date"],
                condition=models.Q(is_working=True),
                name="calendar_working_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} ({self.get_kind_display()})"


# The years the working calendar covers: the holiday library knows Kazakhstan from 1991, and
# a date far outside this span in a correction is a typo rather than a decree.
CALENDAR_FIRST_YEAR = 2000
CALENDAR_LAST_YEAR = 2100

SATURDAY = 5


def library_holidays(year: int) -> holidays.HolidayBase:
    """Kazakhstan's public holidays of `year` from the pinned `holidays` library, in Kazakh.

    The library applies the Labour Code's carry-over (a holiday on a Saturday or Sunday makes
    the next working day off, except the religious ones) and some ministerial transfers, but
    never marks the weekend day worked in exchange: that side comes from `DayTransfer`.
    """
    return holidays.country_holidays("KZ", years=year, language="kk")


class CorrectionKind(models.TextChoices):
    """What a `DayTransfer` does to its date (`DayTransfer.Kind`)."""

    WORKED_DAY_OFF = "worked", _("Worked day off (a Saturday or Sunday made working)")
    DAY_OFF = "day_off", _("Day off instead of a working day")
    HOLIDAY = "holiday", _("One-off public holiday")
    NOT_HOLIDAY = "not_holiday", _("Not a holiday this year")


class DayTransfer(models.Model):
    """An admin's correction of one date of the working calendar: one side of a government
    transfer (a weekend day worked, a weekday off), a one-off public holiday, or a library
    holiday that does not apply this year. Saving or deleting one rebuilds that year."""

    Kind = CorrectionKind

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=Kind.choices,
        help_text=_(
            "A transfer is two corrections: the weekend day people work and the weekday they "
            "get off instead."
        ),
    )
    reason = models.CharField(
        _("reason"),
        max_length=200,
        help_text=_("The decree or order and its date, e.g. the Government's resolution."),
    )
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering: ClassVar = ["-date"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CorrectionKind.values),
                name="day_transfer_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    date__gte=dt.date(CALENDAR_FIRST_YEAR, 1, 1),
                    date__lte=dt.date(CALENDAR_LAST_YEAR, 12, 31),
                ),
                name="day_transfer_date_in_calendar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} ({self.get_kind_display()}): {self.reason}"

    @property
    def is_working(self) -> bool:
        """Whether people work on the date once the correction applies."""
        if self.kind == self.Kind.NOT_HOLIDAY:
            # The holiday goes; the date is what the week makes it (clean() allows weekdays only).
            return self.date.weekday() < SATURDAY
        return self.kind == self.Kind.WORKED_DAY_OFF

    def clean(self) -> None:
        """Refuse a correction that would change nothing or contradict the week and the library."""
        from django.core.exceptions import ValidationError

        if self.date is None or not self.kind:
            return
        if not CALENDAR_FIRST_YEAR <= self.date.year <= CALENDAR_LAST_YEAR:
            raise ValidationError(
                {
                    "date": _("The working calendar covers %(first)s to %(last)s.")
                    % {"first": CALENDAR_FIRST_YEAR, "last": CALENDAR_LAST_YEAR}
                }
            )
        weekend = self.date.weekday() >= SATURDAY
        holiday = library_holidays(self.date.year).get(self.date)
        day = f"{self.date:%d.%m.%Y}"
        message = None
        if self.kind == self.Kind.WORKED_DAY_OFF and not weekend:
            message = _(
                "%(date)s is a weekday, already a working day: a worked day off is the Saturday "
                "or Sunday people work. Enter the weekday as “day off instead of a working day”."
            )
        elif self.kind == self.Kind.WORKED_DAY_OFF and holiday:
            message = _(
                "%(date)s is a public holiday (%(holiday)s): a transfer does not make a holiday "
                "a working day."
            )
        elif self.kind in (self.Kind.DAY_OFF, self.Kind.HOLIDAY) and weekend:
            message = _(
                "%(date)s is a Saturday or Sunday, already a day off: enter the weekday people "
                "get off instead."
            )
        elif self.kind == self.Kind.HOLIDAY and holiday:
            # A weekday off in a transfer may already be in the library (it knows some
            # ministerial transfers, such as 3 January 2025): repeating it keeps the calendar
            # right whatever the library's next version says, so only a holiday is refused here.
            message = _("%(date)s is already a public holiday (%(holiday)s).")
        elif self.kind == self.Kind.NOT_HOLIDAY and not holiday:
            message = _(
                "%(date)s is not a public holiday in the calendar, so there is no holiday to "
                "remove."
            )
        elif self.kind == self.Kind.NOT_HOLIDAY and weekend:
            message = _(
                "%(date)s is a Saturday or Sunday and stays a day off without its holiday: "
                "remove the weekday the holiday was carried over to instead."
            )
        if message:
            raise ValidationError({"kind": message % {"date": day, "holiday": holiday}})


class Submission(models.Model):
    """A form sent once: its token (rendered into the form by `{% once_field %}`) is claimed
    in the same transaction as what the form creates, see akimat/once.py."""

    user = models.ForeignKey(
        "akimat.User", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.UUIDField(_("token"))
    location = models.CharField(_("page address"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")
        ]

    def __str__(self) -> str:
        return str(self.token)


class StoredFile(models.Model):
    """What every kept file records, whatever it is kept with (a task's attachment, a logbook
    entry's photo): its name as uploaded, its size, who added it and when. Each app's model adds
    the link to its record and the file itself in that record's folder, and is served only
    through a view that checks who may read the record (akimat.http.serve_file)."""

    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering: ClassVar = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One confirmed import from Excel (akimat/imports.py): its `token` names the uploaded file
    kept between the preview and the confirmation, and being unique it makes a second
    confirmation of the same file create nothing. Written by the import's job, never by a
    person, so it keeps no history."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    token = models.UUIDField(_("token"), unique=True)
    kind = models.CharField(_("kind"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
