"""The organisation: people, directorates, roles and the working calendar (the ground floor)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
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

    class Meta:
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")
        ordering: ClassVar = ["name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Kazakh for kk, Russian otherwise)."""
        return self.name_kk if get_language() == Language.KK else self.name_ru


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


class DayTransfer(models.Model):
    """A date the government moved: a Saturday made working, or a weekday made a day off."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: people work on this date. Unticked: a day off."),
    )
    reason = models.CharField(_("reason"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-day transfer")
        verbose_name_plural = _("working-day transfers")
        ordering: ClassVar = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.reason}"
