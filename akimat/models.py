"""The organisation: people, directorates, roles and the working calendar (the ground floor)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import holidays
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

    objects: ClassVar[UserManager[User]] = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering: ClassVar = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

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


# --- the nightly scores (the top floor's tables; filled by akimat.scoring) ----------------------


class BonusPolicyQuerySet(models.QuerySet["BonusPolicy"]):
    def in_force(self, day: dt.date) -> BonusPolicy | None:
        """The policy valid on `day`: the one with the latest `valid_from` not after it."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first()


class BonusPolicy(models.Model):
    """The bonus formula's weights from a date on. Points = on-time rate × its weight + week's
    execution score × its weight − penalties per overdue task and per deadline move, between 0
    and the cap (see `akimat.scoring.BONUS_SQL`)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    weight_on_time = models.DecimalField(
        _("weight of the on-time rate"), max_digits=6, decimal_places=2
    )
    weight_execution = models.DecimalField(
        _("weight of the week's execution score"), max_digits=6, decimal_places=2
    )
    penalty_overdue = models.DecimalField(
        _("penalty per overdue task"), max_digits=6, decimal_places=2
    )
    penalty_move = models.DecimalField(
        _("penalty per deadline move"), max_digits=6, decimal_places=2
    )
    cap = models.DecimalField(_("cap"), max_digits=6, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    note_kk = models.CharField(_("note in Kazakh"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = BonusPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("bonus policy")
        verbose_name_plural = _("bonus policies")
        ordering: ClassVar = ["-valid_from"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(weight_on_time__gte=0)
                & models.Q(weight_execution__gte=0)
                & models.Q(penalty_overdue__gte=0)
                & models.Q(penalty_move__gte=0),
                name="bonus_policy_weights_not_negative",
            ),
            models.CheckConstraint(condition=models.Q(cap__gt=0), name="bonus_policy_cap_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Bonus policy from %(date)s") % {"date": f"{self.valid_from:%d.%m.%Y}"})

    @property
    def localised_note(self) -> str:
        """The note in the active language (`note` is the Russian)."""
        return in_language(self.note, self.note_kk)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("weight_on_time", "weight_execution", "penalty_overdue", "penalty_move"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("A weight or penalty cannot be negative.")
        if self.cap is not None and self.cap <= 0:
            errors["cap"] = _("The cap must be more than zero.")
        if (
            self.weight_on_time is not None
            and self.weight_execution is not None
            and self.weight_on_time + self.weight_execution == 0
        ):
            errors["weight_on_time"] = _(
                "At least one of the two weights must be more than zero, or nobody can earn a point."
            )
        if errors:
            raise ValidationError(errors)


class Counters(models.Model):
    """The figures a snapshot holds, for a person or a directorate, "as of the end of `date`"."""

    date = models.DateField(_("date"))
    policy = models.ForeignKey(
        BonusPolicy, verbose_name=_("bonus policy"), on_delete=models.PROTECT, related_name="+"
    )
    open = models.PositiveIntegerField(_("open"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    # Results handed in by the deadline and awaiting acceptance: open, but not overdue.
    awaiting = models.PositiveIntegerField(_("handed in, awaiting acceptance"), default=0)
    overdue_days = models.PositiveIntegerField(_("overdue working days"), default=0)
    overdue_1_3 = models.PositiveIntegerField(_("overdue 1–3 working days"), default=0)
    overdue_4_10 = models.PositiveIntegerField(_("overdue 4–10 working days"), default=0)
    overdue_over_10 = models.PositiveIntegerField(_("overdue over 10 working days"), default=0)
    done_on_time = models.PositiveIntegerField(_("done on time in the cycle"), default=0)
    done_late = models.PositiveIntegerField(_("done late in the cycle"), default=0)
    deadline_moves = models.PositiveIntegerField(_("deadline moves in the cycle"), default=0)
    period_start = models.DateField(_("cycle start"))
    week_due = models.PositiveIntegerField(_("tactic-tasks due this week"), default=0)
    week_on_time = models.PositiveIntegerField(_("tactic-tasks done on time this week"), default=0)
    # NULL: nothing was due this week, so the week has no score (neither 0 nor 100).
    week_score = models.DecimalField(
        _("week's execution score, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    bonus = models.DecimalField(_("bonus score"), max_digits=7, decimal_places=2)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        abstract = True

    @property
    def on_time_rate(self) -> Decimal | None:
        """Done on time ÷ done in the cycle; None when nothing was done yet."""
        done = self.done_on_time + self.done_late
        return None if not done else Decimal(self.done_on_time) / Decimal(done)


class PersonSnapshot(Counters):
    """One person's figures at the end of a day; written by the nightly job, never edited."""

    # The composite indexes below lead with these columns, so the default FK indexes would only
    # slow the nightly upsert down.
    person = models.ForeignKey(
        "akimat.User",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("directorate"),
        on_delete=models.CASCADE,
        related_name="person_snapshots",
        db_index=False,
    )

    class Meta:
        verbose_name = _("person's daily figures")
        verbose_name_plural = _("people's daily figures")
        ordering: ClassVar = ["-date", "person_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["date", "person"], name="one_person_snapshot_per_day")
        ]
        indexes: ClassVar = [
            models.Index(fields=["department", "date"]),
            models.Index(fields=["person", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.person_id}"


class DepartmentSnapshot(Counters):
    """A directorate's figures at the end of a day: its people's summed, the head's own apart."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("directorate"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    people = models.PositiveIntegerField(_("people"), default=0)
    head_overdue = models.PositiveIntegerField(_("the head's own overdue"), default=0)

    class Meta:
        verbose_name = _("directorate's daily figures")
        verbose_name_plural = _("directorates' daily figures")
        ordering: ClassVar = ["-date", "department_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["date", "department"], name="one_department_snapshot_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.department_id}"


class ScoreRun(models.Model):
    """One run of the nightly computation for one date and one chunk (a directorate)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    date = models.DateField(_("date"))
    chunk = models.ForeignKey(
        Department, verbose_name=_("directorate"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration, ms"), null=True, blank=True)
    error = models.TextField(_("error or reason"), blank=True)
    forced = models.BooleanField(_("forced"), default=False)

    class Meta:
        verbose_name = _("score run")
        verbose_name_plural = _("score runs")
        ordering: ClassVar = ["-started_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["date", "chunk"]),
            # the dashboard's banner reads the latest run on every page (a chunk a directorate a
            # night: tens of thousands of rows within months)
            models.Index(fields=["-started_at"], name="score_run_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} / {self.chunk_id}: {self.get_status_display()}"


class ScoreDispute(models.Model):
    """A person disagrees with a day's score; the head answers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    person = models.ForeignKey(
        "akimat.User", verbose_name=_("person"), on_delete=models.CASCADE, related_name="disputes"
    )
    date = models.DateField(_("date"))
    comment = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        "akimat.User",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score dispute")
        verbose_name_plural = _("score disputes")
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["status", "created_at"])]
        constraints: ClassVar = [
            # One open dispute per person and day, held by the database against a double click.
            models.UniqueConstraint(
                fields=["person", "date"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_person_and_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.date:%d.%m.%Y}"


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
