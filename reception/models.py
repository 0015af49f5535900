"""The single reception desk: visitors, the service catalogue, desks, tickets, follow-up cases and
the append-only contact log.

`reception` builds on `akimat` (people, directorates, the working calendar) and `tasks` (a
follow-up case's task); neither of them imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from akimat.identifiers import mask_identifier, validate_bin, validate_iin
from akimat.models import Language, User, in_language

NAME_MAX_LENGTH = 200
PURPOSE_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 2000


class Localised(models.Model):
    """A row named in Russian and Kazakh; `name` follows the active language."""

    name_ru = models.CharField(_("name in Russian"), max_length=NAME_MAX_LENGTH)
    name_kk = models.CharField(_("name in Kazakh"), max_length=NAME_MAX_LENGTH)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return in_language(self.name_ru, self.name_kk)


class VisitorKind(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    INVESTOR = "investor", _("Investor")
    CITIZEN = "citizen", _("Citizen")


class PriorityGround(models.TextChoices):
    """Visitors the law lets go first."""

    NONE = "", _("No priority")
    DISABILITY = "disability", _("Person with a disability")
    VETERAN = "veteran", _("Veteran")
    PREGNANT = "pregnant", _("Pregnant woman")


class Organisation(models.Model):
    name = models.CharField(_("organisation"), max_length=300)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[validate_bin])
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["bin"], condition=~Q(bin=""), name="organisation_bin")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})" if self.bin else self.name


class Visitor(models.Model):
    """A person who agreed to the processing of their personal data. Who declined has no row."""

    full_name = models.CharField(_("full name"), max_length=NAME_MAX_LENGTH)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visitors",
    )
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    consent_at = models.DateTimeField(_("consent to the processing of personal data given"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering: ClassVar = ["full_name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["iin"], condition=~Q(iin=""), name="visitor_iin")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_iin(self) -> str:
        return mask_identifier(self.iin) if self.iin else ""


class Service(Localised):
    """What people come for, and which directorate serves it (edited in the admin)."""

    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        related_name="reception_services",
    )
    prefix = models.CharField(
        _("ticket prefix"),
        max_length=1,
        validators=[RegexValidator(r"^[A-Z]$", _("One capital Latin letter, A to Z."))],
        help_text=_("The letter before the ticket number: A-001."),
    )
    service_minutes = models.PositiveSmallIntegerField(
        _("service time norm, minutes"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    wait_minutes = models.PositiveSmallIntegerField(
        _("waiting time norm, minutes"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    legal_term_days = models.PositiveSmallIntegerField(
        _("legal term for a follow-up, working days"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not fields: set on instances for the pages: the directorate is closed today.
    is_closed: bool

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("service catalogue")
        ordering: ClassVar = ["department__name_ru", "position", "name_ru"]

    def __str__(self) -> str:
        return self.name


class ServiceDocument(Localised):
    """A document a service requires; a follow-up case copies the missing ones."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering: ClassVar = ["service", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Closure(models.Model):
    """Days a directorate receives no visitors (an off-site meeting, a sanitary day)."""

    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.CASCADE,
        related_name="reception_closures",
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("closed days of a directorate")
        verbose_name_plural = _("closed days of directorates")
        ordering: ClassVar = ["-first_day"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.first_day:%d.%m}–{self.last_day:%d.%m} ({self.reason})"


class Desk(models.Model):
    """A numbered desk in the open space."""

    number = models.PositiveSmallIntegerField(_("desk number"), unique=True)
    place = models.CharField(_("where"), max_length=100, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering: ClassVar = ["number"]

    def __str__(self) -> str:
        return str(_("Desk %(number)s") % {"number": self.number})


class Shift(models.Model):
    """An official at a desk, from opening to closing, serving the chosen services."""

    desk = models.ForeignKey(Desk, verbose_name=_("desk"), on_delete=models.PROTECT)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="reception_shifts",
    )
    services = models.ManyToManyField(Service, verbose_name=_("services"), related_name="shifts")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[services])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not a field: set on instances for the queue page, the visit the desk serves now.
    serving: Visit | None

    class Meta:
        verbose_name = _("desk shift")
        verbose_name_plural = _("desk shifts")
        ordering: ClassVar = ["-opened_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["desk"], condition=Q(closed_at__isnull=True), name="one_open_shift_per_desk"
            ),
            models.UniqueConstraint(
                fields=["official"],
                condition=Q(closed_at__isnull=True),
                name="one_open_shift_per_official",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk}: {self.official}"


class TicketCounter(models.Model):
    """The last ticket number issued for a day and prefix. Incremented under its row lock inside
    the registration's transaction, so a rolled-back registration gives its number back."""

    day = models.DateField(_("day"))
    prefix = models.CharField(_("prefix"), max_length=1)
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["day", "prefix"], name="one_counter_per_day_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.prefix}-{self.last:03d}"


class VisitStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    IN_SERVICE = "in_service", _("In service")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Done")
    LEFT = "left", _("Left before being served")


ACTIVE_STATUSES = (VisitStatus.CALLED, VisitStatus.IN_SERVICE)


def served_at_desk() -> Q:
    """Served at a desk: the visits whose service time is a sample of the desk's (the hall's
    estimate, the statistics). A resident an official received in person away from the desk
    (`services.receive_in_person`, a deputy's reception day) is served but has no desk."""
    return Q(status=VisitStatus.DONE, desk__isnull=False)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    CONSULTATION = "consultation", _("Consultation given")
    NEEDS_DOCUMENTS = "needs_documents", _("Needs documents")
    REDIRECTED = "redirected", _("Redirected to another body")


class VisitQuerySet(models.QuerySet["Visit"]):
    def on_day(self, day: dt.date) -> VisitQuerySet:
        return self.filter(day=day)

    def waiting(self) -> VisitQuerySet:
        return self.filter(status=VisitStatus.WAITING)

    def in_call_order(self) -> VisitQuerySet:
        """Priority visitors first, then the longest waiting (a transfer keeps the arrival)."""
        return self.annotate(
            is_priority=models.Case(
                models.When(priority="", then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        ).order_by("-is_priority", "arrived_at", "pk")


class Visit(models.Model):
    """A ticket: one visit from arrival to its end, with the time of every state."""

    day = models.DateField(_("day"))
    prefix = models.CharField(_("prefix"), max_length=1)
    number = models.PositiveIntegerField(_("number"))
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="visits"
    )
    # The service's directorate, kept beside it so the queues of a directorate read one index.
    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        related_name="reception_visits",
    )
    visitor = models.ForeignKey(
        Visitor,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    kind = models.CharField(_("comes as"), max_length=12, choices=VisitorKind.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_LENGTH, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=PriorityGround.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.WAITING
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.PROTECT, null=True, blank=True
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception_visits",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_from = models.ForeignKey(
        Service,
        verbose_name=_("transferred from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    first_called_at = models.DateTimeField(_("first called"), null=True, blank=True)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("times called"), default=0)
    started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    held_at = models.DateTimeField(_("put on hold"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not fields: set on instances for the pages (reception/queues.py): minutes waited, against the norm.
    waited: int
    level: str

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering: ClassVar = ["-day", "arrived_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["day", "prefix", "number"], name="one_ticket_per_day_prefix_number"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(outcome=""), name="visit_done_has_outcome"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["day", "status", "service"]),
            models.Index(fields=["day", "department", "status"]),
            models.Index(fields=["official", "status"]),
        ]

    def __str__(self) -> str:
        return self.ticket

    def get_absolute_url(self) -> str:
        return reverse("reception:ticket", args=[self.pk])

    @property
    def ticket(self) -> str:
        return f"{self.prefix}-{self.number:03d}"

    def waited_minutes(self, now: dt.datetime | None = None) -> int:
        """Minutes from arrival to the first call (or to now, while still waiting)."""
        end = self.first_called_at or now or timezone.now()
        return max(0, int((end - self.arrived_at).total_seconds() // 60))


class Case(models.Model):
    """A visit that needs documents: the official chases them by a legal deadline."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("status", "Open")
        CLOSED = "closed", _("Closed")

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="case"
    )
    visitor = models.ForeignKey(
        Visitor, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="cases"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        related_name="reception_cases",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="reception_cases",
    )
    # The task in the official's My tasks; the link lives here, `tasks` knows nothing of cases.
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception_case",
    )
    deadline = models.DateTimeField(_("legal deadline"))
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        ordering: ClassVar = ["deadline", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["responsible", "state"]),
            models.Index(fields=["department", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.visit.ticket}: {self.visitor}"

    def get_absolute_url(self) -> str:
        return reverse("reception:case-detail", args=[self.pk])


class CaseDocument(Localised):
    """A missing document of a case, ticked when the visitor brings it."""

    case = models.ForeignKey(
        Case, verbose_name=_("follow-up case"), on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("missing document")
        verbose_name_plural = _("missing documents")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ContactOutcome(models.TextChoices):
    RESOLVED = Outcome.RESOLVED.value, Outcome.RESOLVED.label
    CONSULTATION = Outcome.CONSULTATION.value, Outcome.CONSULTATION.label
    NEEDS_DOCUMENTS = Outcome.NEEDS_DOCUMENTS.value, Outcome.NEEDS_DOCUMENTS.label
    REDIRECTED = Outcome.REDIRECTED.value, Outcome.REDIRECTED.label
    TRANSFERRED = "transferred", _("Transferred to another service")


class ContactLog(models.Model):
    """Which official met which visitor, when, about what, with what outcome.

    Append-only: a trigger in the database refuses every UPDATE and DELETE (migration 0001),
    so neither the portal, the admin nor a hand-written SQL statement can rewrite the record.
    """

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="contacts"
    )
    ticket = models.CharField(_("ticket"), max_length=8)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visitor = models.ForeignKey(
        Visitor,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("comes as"), max_length=12, choices=VisitorKind.choices)
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_LENGTH, blank=True)
    started_at = models.DateTimeField(_("meeting started"))
    ended_at = models.DateTimeField(_("meeting ended"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        ordering: ClassVar = ["-started_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["official", "started_at"]),
            models.Index(fields=["department", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%d.%m.%Y %H:%M} {self.ticket}: {self.official}"
