"""Appeals of citizens and business under the Administrative Procedural and Process Code of the
Republic of Kazakhstan (29.06.2020 № 350-VI, arts. 63–64 and 76): the topic catalogue, the
appeal with its coupon number, its legal term, extension, redirect and answer, and its files.

`appeals` builds on `akimat` (people, directorates, the working calendar), `tasks` (the
executor's task, made through tasks' services) and `reception` (the visit an appeal was
registered from); none of them imports it.

The rules of an appeal's figures are written here once (below, "the figures' rules") and used by
every page and export; the nightly SQL (appeals/nightly_sql.py) repeats them for speed, and
tests/appeals/test_figures_agree.py proves on generated data that the two agree.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from akimat.cleaning import stored_file_name
from akimat.identifiers import mask_identifier, validate_bin, validate_iin
from akimat.models import Department, Language, StoredFile, User, in_language

# --- the law's terms ------------------------------------------------------------------------
# APPC art. 76 p. 2: an appeal is considered within 15 working days of its receipt.
TERM_WORKING_DAYS = 15
# APPC art. 76 p. 3: an extension by a reasoned decision, to a reasonable term of at most two
# months from receipt; the applicant is told within three working days of the decision.
EXTENSION_MAX_MONTHS = 2
NOTICE_WORKING_DAYS = 3
# APPC art. 64 p. 2 (and art. 76): an appeal outside the body's competence is redirected to the
# competent one within three working days of its registration, telling the applicant.
REDIRECT_WORKING_DAYS = 3
# A repeat appeal: the same applicant on the same topic within this many days.
REPEAT_WITHIN_DAYS = 365
# Due soon on the control pages: the deadline within this many working days from today.
DUE_SOON_WORKING_DAYS = 3

TEXT_MAX_LENGTH = 20_000
NAME_MAX_LENGTH = 200


class Kind(models.TextChoices):
    """APPC art. 63: the kinds of appeal."""

    STATEMENT = "statement", _("Statement")
    COMPLAINT = "complaint", _("Complaint")
    PROPOSAL = "proposal", _("Proposal")
    RESPONSE = "response", _("Response")
    REQUEST = "request", _("Request")


# A proposal or a response may come without a name (it asks nothing of the body for the person);
# a statement, a complaint and a request need an applicant to answer.
ANONYMOUS_KINDS = frozenset({Kind.PROPOSAL, Kind.RESPONSE})


class Channel(models.TextChoices):
    """APPC art. 63 p. 2: written, electronic, or oral (recorded in a protocol)."""

    WRITTEN = "written", _("Written (letter)")
    ELECTRONIC = "electronic", _("Electronic (e-mail, e-gov)")
    ORAL = "oral", _("Oral (protocol)")


class Status(models.TextChoices):
    # Their own context: the words other parts of the portal use for "closed" or "redirected"
    # name a visit or a task, not an appeal (in Russian the ending follows the noun).
    REGISTERED = "registered", pgettext_lazy("appeal status", "Registered, awaiting an executor")
    IN_WORK = "in_work", pgettext_lazy("appeal status", "In work")
    ANSWERED = "answered", pgettext_lazy("appeal status", "Answered, awaiting closing")
    CLOSED = "closed", pgettext_lazy("appeal status", "Closed")
    REDIRECTED = "redirected", pgettext_lazy("appeal status", "Redirected to another body")


# Under consideration: the legal term runs.
OPEN_STATUSES = (Status.REGISTERED, Status.IN_WORK)
# The body has given its word (the answer or the redirect).
FINISHED_STATUSES = (Status.ANSWERED, Status.CLOSED, Status.REDIRECTED)


class Decision(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("appeal decision", "Satisfied")
    PARTLY = "partly", pgettext_lazy("appeal decision", "Partly satisfied")
    REFUSED = "refused", pgettext_lazy("appeal decision", "Refused")
    EXPLAINED = "explained", pgettext_lazy("appeal decision", "Explained")


# --- the figures' rules ----------------------------------------------------------------------


def under_consideration_on(day: dt.date) -> Q:
    """Registered by `day` and neither answered nor redirected by it. Every figure "on D" is
    built from the row's own dates, so a figure of a past day never changes when it is
    computed again (the answer, the redirect and the extension each keep their day)."""
    return (
        Q(registered_on__lte=day)
        & ~Q(answered_on__lte=day, answered_on__isnull=False)
        & ~Q(redirected_on__lte=day, redirected_on__isnull=False)
    )


def term_ended_before(day: dt.date) -> Q:
    """The term in force on `day` ended before it: the extended term from the day of the
    extension on, the law's term before it (an appeal is extended at most once, so the row holds
    both)."""
    extended = Q(extended_on__isnull=False, extended_on__lte=day)
    return (extended & Q(deadline__lt=day)) | (~extended & Q(legal_deadline__lt=day))


def overdue_on(day: dt.date) -> Q:
    """Overdue on `day`: under consideration on `day` and its term in force ended before it.
    Today's control pages and the nightly figure of D read this one rule; an appeal answered
    after its term is "answered late", not overdue."""
    return under_consideration_on(day) & term_ended_before(day)


def answered_on_time() -> Q:
    """Answered with the answer dated by its term (the extended one, if extended before)."""
    return Q(answered_on__isnull=False, answered_on__lte=F("deadline"))


def answered_late() -> Q:
    return Q(answered_on__isnull=False, answered_on__gt=F("deadline"))


def redirect_late() -> Q:
    """Redirected after the third working day from registration (APPC art. 64 p. 2)."""
    return Q(redirected_on__isnull=False, redirected_on__gt=F("redirect_due"))


def extension_notice_pending() -> Q:
    """Extended, still under consideration, and the applicant not told yet: once answered or
    redirected the answer itself tells them (a notice missed by then stays counted by
    `extension_notice_late`)."""
    return Q(extended_on__isnull=False, extension_notice_on__isnull=True, status__in=OPEN_STATUSES)


def extension_notice_late(day: dt.date) -> Q:
    """By `day`, the applicant was not told of the extension within three working days: still
    untold and the notice's last day is behind `day`, or told after it."""
    return Q(extended_on__lte=day) & (
        Q(extension_notice_due__lt=day)
        & (
            Q(extension_notice_on__isnull=True)
            | Q(extension_notice_on__gt=F("extension_notice_due"))
        )
    )


# --- the catalogue ---------------------------------------------------------------------------


class Topic(models.Model):
    """What an appeal is about, and which directorate considers it (edited in the admin)."""

    name_ru = models.CharField(_("name in Russian"), max_length=NAME_MAX_LENGTH)
    name_kk = models.CharField(_("name in Kazakh"), max_length=NAME_MAX_LENGTH)
    department = models.ForeignKey(
        Department,
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        related_name="appeal_topics",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("appeal topic")
        verbose_name_plural = _("appeal topics")
        ordering: ClassVar = ["position", "name_ru"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ru, self.name_kk)


class AppealCounter(models.Model):
    """The last coupon number given in a year; see akimat.counters.next_number."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"))

    class Meta:
        verbose_name = _("coupon counter")
        verbose_name_plural = _("coupon counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def _secret() -> str:
    # Six characters a person can read off a coupon and type: no 0/O, 1/I/L.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class AppealQuerySet(models.QuerySet["Appeal"]):
    def visible_to(self, user: User) -> AppealQuerySet:
        """Who sees which appeal: the deputy, the methodologist and the admin every one; a head
        their directorate's; the reception the ones it registered; anyone the ones they execute
        or co-execute."""
        if user.sees_every_directorate():
            return self
        from akimat.models import Role

        seen = Q(executor=user) | Q(task__co_executors=user)
        if user.has_role(Role.HEAD):
            seen |= Q(department__head=user)
        if user.has_role(Role.RECEPTIONIST):
            seen |= Q(registered_by=user)
        return self.filter(pk__in=self.filter(seen).values("pk"))


class Appeal(models.Model):
    """One appeal, from its registration to its closing or redirect; every change in history."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    secret = models.CharField(_("status code"), max_length=6, default=_secret)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("received"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    # The applicant: kept with consent, as at the reception desk. Empty on an anonymous one.
    anonymous = models.BooleanField(_("anonymous"), default=False)
    applicant_name = models.CharField(_("applicant"), max_length=NAME_MAX_LENGTH, blank=True)
    applicant_iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    applicant_phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("postal address"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    organisation_bin = models.CharField(
        _("BIN"), max_length=12, blank=True, validators=[validate_bin]
    )
    language = models.CharField(
        _("applicant's language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    visitor = models.ForeignKey(
        "reception.Visitor",
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    visit = models.ForeignKey(
        "reception.Visit",
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    summary = models.CharField(_("summary"), max_length=300)
    text = models.TextField(_("text of the appeal"), max_length=TEXT_MAX_LENGTH, blank=True)
    # An oral appeal: what the official wrote down (APPC art. 63 p. 2).
    protocol = models.TextField(_("protocol"), max_length=TEXT_MAX_LENGTH, blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="appeals"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("directorate"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"))
    # The working day it is registered on: a non-working day's appeal on the next working day.
    registered_on = models.DateField(_("registered on"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
    )
    # The term in force (after an extension, the extended one); the law's own below.
    deadline = models.DateField(_("term"))
    legal_deadline = models.DateField(_("term by law"))
    redirect_due = models.DateField(_("redirect by"))
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeal",
    )
    # Extension (APPC art. 76 p. 3).
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    extension_reason = models.TextField(_("reasons for the extension"), blank=True)
    extension_notice_due = models.DateField(_("tell the applicant by"), null=True, blank=True)
    extension_notice_on = models.DateField(
        _("applicant told of the extension on"), null=True, blank=True
    )
    # Redirect (APPC art. 64 p. 2).
    redirected_on = models.DateField(_("redirected on"), null=True, blank=True)
    redirected_to = models.CharField(_("redirected to"), max_length=300, blank=True)
    redirect_reason = models.TextField(_("why it is not ours"), blank=True)
    redirected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redirected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    redirect_notice_on = models.DateField(
        _("applicant told of the redirect on"), null=True, blank=True
    )
    # The answer.
    answer = models.TextField(_("answer"), max_length=TEXT_MAX_LENGTH, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
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

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering: ClassVar = ["-year", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["year", "number"], name="one_appeal_number_per_year"),
            models.CheckConstraint(
                condition=Q(anonymous=True) | ~Q(applicant_name=""),
                name="appeal_named_unless_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("legal_deadline")), name="appeal_term_never_shorter"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["department", "status", "deadline"]),
            models.Index(fields=["executor", "status"]),
            models.Index(fields=["registered_on"]),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("appeals:detail", args=[self.pk])

    @property
    def code(self) -> str:
        """The coupon number as printed and typed: year and number, "2026-00042"."""
        return f"{self.year}-{self.number:05d}"

    @property
    def masked_iin(self) -> str:
        return mask_identifier(self.applicant_iin) if self.applicant_iin else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None


def appeal_file_path(instance: AppealFile, filename: str) -> str:
    return (
        f"appeals/{instance.appeal_id}/{timezone.now():%Y%m%d%H%M%S}-{stored_file_name(filename)}"
    )


class AppealFile(StoredFile):
    """The scanned letter, an enclosure, or the answer's signed copy."""

    class Role(models.TextChoices):
        LETTER = "letter", _("Letter or enclosure")
        ANSWER = "answer", _("Answer")

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="files"
    )
    role = models.CharField(_("what it is"), max_length=8, choices=Role.choices)
    file = models.FileField(_("file"), upload_to=appeal_file_path, max_length=300)
    history = HistoricalRecords()
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta(StoredFile.Meta):
        verbose_name = _("appeal's file")
        verbose_name_plural = _("appeal's files")

    def get_absolute_url(self) -> str:
        return reverse("appeals:file", args=[self.appeal_id, self.pk])


class AppealSnapshot(models.Model):
    """A directorate's appeal figures at the end of a day, written by the nightly job once and
    never rewritten: the deputy's dashboard reads "as of D" from here."""

    date = models.DateField(_("date"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("directorate"),
        on_delete=models.CASCADE,
        related_name="appeal_snapshots",
    )
    open = models.PositiveIntegerField(_("under consideration"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    extension_notice_late = models.PositiveIntegerField(_("extensions not told in time"), default=0)
    redirect_late = models.PositiveIntegerField(_("redirects late"), default=0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("directorate's appeal figures")
        verbose_name_plural = _("directorates' appeal figures")
        ordering: ClassVar = ["-date", "department_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["date", "department"], name="one_appeal_snapshot_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.department_id}"
