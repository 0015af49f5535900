"""Meetings and what they decide: the register of meetings (kind, time, place, chair, people,
agenda with its materials), the protocol whose decisions become controlled tasks when it is signed
off, its numbered amendments, and the deputy's month (district visits and reception days with
the residents received and the problem sites seen).

`meetings` builds on `akimat` (people, directorates), `tasks` (a decision's task, made through
tasks' services) and `reception` (the residents received, as the reception's visitor records);
none of them imports it. The logbook's indicators read the register (journal stands above).

The rules written here once (below, "the rules"):
- which kinds are internal meetings (the experiment's indicator counts them);
- a visit of the deputy's month not held by its date;
- a decision's state is its task's: the tasks' own figures (tasks.models), one definition.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from akimat.cleaning import stored_file_name
from akimat.models import Department, StoredFile, User, in_language

TITLE_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 5_000
NAME_MAX_LENGTH = 200
# A meeting lasts at least a minute and at most a working day and a half.
DURATION_MAX_MINUTES = 12 * 60
# What one meeting, agenda or protocol may hold: beyond this it is a mistake or an attack.
PARTICIPANTS_MAX = 200
GUESTS_MAX = 50
AGENDA_MAX = 30
DECISIONS_MAX = 50
FILES_MAX = 10


class Kind(models.TextChoices):
    STANDUP = "standup", pgettext_lazy("meeting kind", "Stand-up")
    INTERNAL = "internal", pgettext_lazy("meeting kind", "Internal meeting")
    COLLEGIAL = "collegial", pgettext_lazy("meeting kind", "Collegial meeting")
    DISTRICT_VISIT = "district_visit", pgettext_lazy("meeting kind", "District visit")
    SELECTOR = "selector", pgettext_lazy("meeting kind", "Selector meeting")
    RECEPTION = "reception", pgettext_lazy("meeting kind", "Reception of citizens")
    BRIEFING = "briefing", pgettext_lazy("meeting kind", "Briefing")


# --- the rules ---------------------------------------------------------------------------------
# Internal meetings, as the experiment counts them (its indicator "internal meetings per week"):
# the officials meeting among themselves. The daily stand-up is what replaces them, so it is not
# one; a district visit, a reception of citizens and a briefing meet people from outside.
INTERNAL_KINDS = (Kind.INTERNAL, Kind.COLLEGIAL, Kind.SELECTOR)


def internal_meeting() -> Q:
    """A meeting of the register that the experiment counts as an internal meeting."""
    return Q(kind__in=INTERNAL_KINDS)


def not_held_by(day: dt.date) -> Q:
    """A visit of the deputy's month not held by its date: planned before `day` and not held
    (a visit held late stops being flagged the day it is held)."""
    return Q(held_on__isnull=True, planned_on__lt=day)


class District(models.Model):
    """A district (or a rural district, a town) the deputies visit; edited in the admin."""

    name_ru = models.CharField(_("name in Russian"), max_length=NAME_MAX_LENGTH, unique=True)
    name_kk = models.CharField(_("name in Kazakh"), max_length=NAME_MAX_LENGTH, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering: ClassVar = ["name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ru, self.name_kk)


# --- the deputy's month --------------------------------------------------------------------------


class FieldVisit(models.Model):
    """A district visit or a reception day in the deputy's month: planned for a date, then held
    (with the deputy's assessment), its collegial meeting, residents and problem sites."""

    class Kind(models.TextChoices):
        DISTRICT_VISIT = "district_visit", pgettext_lazy("field visit", "District visit")
        RECEPTION_DAY = "reception_day", pgettext_lazy("field visit", "Reception day")

    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy akim"),
        on_delete=models.PROTECT,
        related_name="field_visits",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="visits"
    )
    sphere = models.CharField(_("sphere"), max_length=TITLE_MAX_LENGTH, blank=True)
    planned_on = models.DateField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("visit of the deputy's month")
        verbose_name_plural = _("visits of the deputy's month")
        ordering: ClassVar = ["planned_on", "pk"]
        indexes: ClassVar = [models.Index(fields=["deputy", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.district}, {self.planned_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:visit", args=[self.pk])

    def is_late(self, today: dt.date | None = None) -> bool:
        """The rule `not_held_by`, for one visit in hand."""
        today = today or timezone.localdate()
        return self.held_on is None and self.planned_on < today


class ProblemSite(models.Model):
    """A problem site seen on a district visit: what and where, what was found, its photos."""

    visit = models.ForeignKey(
        FieldVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("site"), max_length=NAME_MAX_LENGTH)
    address = models.CharField(_("address"), max_length=NAME_MAX_LENGTH, blank=True)
    found = models.TextField(_("what was found"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("problem site")
        verbose_name_plural = _("problem sites")
        ordering: ClassVar = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.name


def site_photo_path(instance: SitePhoto, filename: str) -> str:
    return f"meetings/sites/{instance.site_id}/{timezone.now():%Y%m%d%H%M%S}-{stored_file_name(filename)}"


class SitePhoto(StoredFile):
    site = models.ForeignKey(
        ProblemSite, verbose_name=_("problem site"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=site_photo_path, max_length=300)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta(StoredFile.Meta):
        verbose_name = _("photo of a problem site")
        verbose_name_plural = _("photos of problem sites")


class ResidentReceived(models.Model):
    """A resident received on a visit: the reception's visit record (the visitor's details kept
    only with consent, as at the desk), linked to the visit of the deputy's month."""

    visit = models.ForeignKey(
        FieldVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="residents"
    )
    reception_visit = models.OneToOneField(
        "reception.Visit",
        verbose_name=_("reception record"),
        on_delete=models.PROTECT,
        related_name="field_visit_link",
    )

    class Meta:
        verbose_name = _("resident received")
        verbose_name_plural = _("residents received")
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return str(self.reception_visit)


# --- meetings ------------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """Who sees which meeting: the deputy, the methodologist and the admin every one; anyone
        their directorate's; anyone a meeting they chair, keep the protocol of, take part in,
        report at or have a decision of."""
        if user.sees_every_directorate():
            return self
        seen = (
            Q(chair=user)
            | Q(secretary=user)
            | Q(participants=user)
            | Q(agenda__reporter=user)
            | Q(protocol__decisions__responsible=user)
            | Q(protocol__decisions__co_executors=user)
        )
        if user.department_id:
            seen |= Q(department_id=user.department_id)
        return self.filter(pk__in=self.filter(seen).values("pk"))


class Meeting(models.Model):
    """One meeting of the register."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("subject"), max_length=TITLE_MAX_LENGTH)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"))
    place = models.CharField(_("place"), max_length=NAME_MAX_LENGTH, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="meetings_chaired",
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_recorded",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="meetings_attended",
    )
    field_visit = models.ForeignKey(
        FieldVisit,
        verbose_name=_("visit of the deputy's month"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[participants])
    _change_reason: str
    _history_user: User | None

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering: ClassVar = ["-starts_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["department", "starts_at"]),
            models.Index(fields=["kind", "starts_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=DURATION_MAX_MINUTES),
                name="meeting_duration_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d.%m.%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Guest(models.Model):
    """A participant from outside the portal, by name."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="guests"
    )
    full_name = models.CharField(_("full name"), max_length=NAME_MAX_LENGTH)
    organisation = models.CharField(
        _("organisation or post"), max_length=NAME_MAX_LENGTH, blank=True
    )
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.full_name


class AgendaItem(models.Model):
    """An item of the agenda: what is discussed, who reports (a person of the portal or a guest
    by name), and its materials."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("item"), max_length=TITLE_MAX_LENGTH)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    reporter_name = models.CharField(
        _("reporter from outside"), max_length=NAME_MAX_LENGTH, blank=True
    )
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def reporter_display(self) -> str:
        return str(self.reporter) if self.reporter_id else self.reporter_name


def agenda_file_path(instance: AgendaFile, filename: str) -> str:
    return f"meetings/agenda/{instance.item_id}/{timezone.now():%Y%m%d%H%M%S}-{stored_file_name(filename)}"


class AgendaFile(StoredFile):
    """A material of an agenda item (a report, a presentation, a draft)."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=agenda_file_path, max_length=300)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta(StoredFile.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")


# --- protocols -----------------------------------------------------------------------------------


class ProtocolCounter(models.Model):
    """The last protocol number given in a year; see akimat.counters.next_number."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"))

    class Meta:
        verbose_name = _("protocol counter")
        verbose_name_plural = _("protocol counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Protocol(models.Model):
    """A meeting's protocol: a draft the secretary or the chair writes, then signed off (numbered
    in the year, its decisions made tasks) and changed only by numbered amendments."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("protocol status", "Draft")
        SIGNED = "signed", pgettext_lazy("protocol status", "Signed")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="protocol"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    heard = models.TextField(_("heard"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering: ClassVar = ["-signed_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["year", "number"], name="protocol_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, signed_at__isnull=True)
                | Q(
                    status="signed",
                    number__isnull=False,
                    year__isnull=False,
                    signed_at__isnull=False,
                ),
                name="protocol_signed_has_number",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Draft protocol"))
        return str(_("Protocol № %(number)s") % {"number": self.code})

    def get_absolute_url(self) -> str:
        return reverse("meetings:protocol", args=[self.meeting_id])

    @property
    def code(self) -> str:
        """The protocol's number as printed: "12" (the year is in its date)."""
        return "" if self.number is None else str(self.number)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class Amendment(models.Model):
    """A numbered amendment to a signed protocol: one change, its reason, who made it and when.
    The change itself is in the decision's history and its task's."""

    class Change(models.TextChoices):
        ADD = "add", pgettext_lazy("amendment", "Decision added")
        DEADLINE = "deadline", pgettext_lazy("amendment", "Deadline changed")
        CANCEL = "cancel", pgettext_lazy("amendment", "Decision cancelled")

    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.PROTECT, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    change = models.CharField(_("change"), max_length=10, choices=Change.choices)
    decision = models.ForeignKey(
        "Decision", verbose_name=_("decision"), on_delete=models.PROTECT, related_name="amendments"
    )
    reason = models.TextField(_("reason"))
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering: ClassVar = ["number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["protocol", "number"], name="amendment_number_unique")
        ]

    def __str__(self) -> str:
        return str(_("Amendment № %(number)s") % {"number": self.number})


class Decision(models.Model):
    """One decision of a protocol ("ПОСТАНОВИЛИ"): the text, the responsible person with
    co-executors, the deadline; from the sign-off (or the amendment that adds it) a task."""

    protocol = models.ForeignKey(
        Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("decision"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocol_decisions",
    )
    co_executors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-executors"),
        blank=True,
        related_name="protocol_decisions_co",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocol_decision",
    )
    cancelled = models.BooleanField(_("cancelled by an amendment"), default=False)
    history = HistoricalRecords(m2m_fields=[co_executors])
    _change_reason: str
    _history_user: User | None

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
