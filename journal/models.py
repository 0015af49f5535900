"""The methodologist's logbook: entries, their kept versions, tags, attachments, and the
experiment's indicators with their readings.

`journal` stands beside `tasks` and `reception`: it links to what it describes (tasks, reception
visits), and neither of them imports it. Search runs on a stored tsvector (Russian stems plus `simple` words for
Kazakh, which PostgreSQL has no stemmer for) that PostgreSQL computes from `search_document`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from akimat.cleaning import stored_file_name
from akimat.formats import hours
from akimat.models import Language, Role, StoredFile, User, in_language
from journal.rendering import plain_text

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 100_000
REASON_MAX_LENGTH = 2000
TAG_MAX_LENGTH = 40


class Kind(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    STANDUP = "standup", _("Stand-up")
    MEETING = "meeting", _("Meeting")
    INTERVIEW = "interview", _("Interview")
    DECISION = "decision", _("Decision")
    INCIDENT = "incident", _("Incident")
    NOTE = "note", _("Note")


class Tag(models.Model):
    """A word entries are grouped by; the same tag in any letter case is one tag."""

    name = models.CharField(_("tag"), max_length=TAG_MAX_LENGTH)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("name"), name="journal_tag_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        """The methodologist, the deputy and the admin read the logbook; a directorate reads
        the entries shared with it; withdrawn entries only the admin sees."""
        if user.has_role(Role.ADMIN):
            return self.all()
        entries = self.filter(withdrawn_at__isnull=True)
        if user.has_role(Role.METHODOLOGIST, Role.DEPUTY):
            return entries
        shared = Entry.shared_with.through.objects.filter(entry=OuterRef("pk")).filter(
            Q(department__members=user) | Q(department__head=user)
        )
        return entries.filter(Exists(shared))

    def current(self) -> EntryQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Entry(models.Model):
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="journal_entries",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NOTE)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    # The body rendered from Markdown and sanitised once, when it is saved.
    body_html = models.TextField(_("text as HTML"), editable=False)
    # What a reader sees of it, with no Markdown: what search snippets are cut from.
    body_text = models.TextField(_("text without markup"), editable=False, default="")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="entries")
    # A meeting's length and who took part.
    duration_minutes = models.PositiveIntegerField(_("duration, minutes"), null=True, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="journal_meetings",
    )
    # What the entry is about.
    departments = models.ManyToManyField(
        "akimat.Department",
        verbose_name=_("directorates"),
        blank=True,
        related_name="journal_entries",
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people"),
        blank=True,
        related_name="journal_mentions",
    )
    tasks = models.ManyToManyField(
        "tasks.Task", verbose_name=_("tasks"), blank=True, related_name="journal_entries"
    )
    visits = models.ManyToManyField(
        "reception.Visit", verbose_name=_("visits"), blank=True, related_name="journal_entries"
    )
    # Who besides the deputy and the admin may read it.
    shared_with = models.ManyToManyField(
        "akimat.Department",
        verbose_name=_("shared with"),
        blank=True,
        related_name="journal_shared_entries",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"), blank=True, max_length=REASON_MAX_LENGTH
    )
    # Lower-cased title, text and tags (Python lower-cases every alphabet, whatever the
    # database's locale); PostgreSQL builds the search vector from it.
    search_document = models.TextField(_("search text"), editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_document", config="russian")
        + SearchVector("search_document", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search index"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(
        excluded_fields=["search_vector", "search_document", "body_html", "body_text", "version"]
    )
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not fields: set on instances for the pages: the search's headlines with the matches marked.
    title_html: str
    body_html_marked: str

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")
        ordering: ClassVar = ["occurred_at", "pk"]
        indexes: ClassVar = [
            GinIndex(fields=["search_vector"], name="journal_entry_search"),
            models.Index(fields=["kind", "occurred_at"], name="journal_entry_kind_when"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="journal_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return reverse("journal:entry-detail", args=[self.pk])

    @property
    def heading(self) -> str:
        """The title, or else the first line of the text as a reader sees it (no Markdown)."""
        if self.title:
            return self.title
        text = self.body_text or plain_text(self.body)
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        return first[:80] + ("…" if len(first) > 80 else "")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class EntryVersion(models.Model):
    """The text an entry had before an edit made after the grace period. Never changed or
    deleted: a database trigger refuses both (migration 0002)."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("logbook entry"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    occurred_at = models.DateTimeField(_("when"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("text as HTML"))
    tags = models.CharField(_("tags"), max_length=1000, blank=True)
    written_at = models.DateTimeField(_("written"))
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering: ClassVar = ["entry", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entry", "number"], name="journal_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"


def attachment_path(instance: EntryAttachment, filename: str) -> str:
    return f"journal/{instance.entry_id}/{timezone.now():%Y%m%d%H%M%S}-{stored_file_name(filename)}"


class EntryAttachment(StoredFile):
    """A file kept with an entry (a photo of the whiteboard); served only through a view that
    checks who may read the entry."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("logbook entry"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)

    class Meta(StoredFile.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("journal:attachment", args=[self.entry_id, self.pk])

    @property
    def is_image(self) -> bool:
        return self.name.lower().rsplit(".", 1)[-1] in IMAGE_EXTENSIONS


# Shown inline; anything else (SVG included: it may carry script) is offered as a download.
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}


class Source(models.TextChoices):
    """Where an indicator's readings come from."""

    MANUAL = "manual", _("Entered by hand")
    MEETINGS = (
        "meetings",
        _("Internal meetings per week (the meeting register, the logbook's entries before it)"),
    )
    MEETING_HOURS = (
        "meeting_hours",
        _("Meeting hours per week (the meeting register, the logbook's entries before it)"),
    )
    APPROVAL_HOURS = "approval_hours", _("Average approval time, hours (tasks)")
    ON_TIME = "on_time", _("Share of tasks done on time, % (tasks)")
    PROTOCOL_DAYS = (
        "protocol_days",
        _("Days from a protocol's sign-off to its decisions' acceptance (protocols)"),
    )


class Indicator(models.Model):
    """A claim of the experiment made checkable: a measure, its baseline and its target."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    unit_ru = models.CharField(_("unit in Russian"), max_length=40)
    unit_kk = models.CharField(_("unit in Kazakh"), max_length=40)
    lower_is_better = models.BooleanField(_("lower is better"), default=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_start = models.DateField(_("baseline period from"))
    baseline_end = models.DateField(_("baseline period to"))
    target_value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(
        _("readings"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the whole department."),
        related_name="+",
    )
    tag = models.ForeignKey(
        Tag,
        verbose_name=_("tag of its entries"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Entries with this tag are marked on the indicator's chart."),
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not fields: set on instances for the pages: the change against the baseline (journal/views/indicators.py).
    summary: dict[str, object]

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering: ClassVar = ["position", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(baseline_end__gte=models.F("baseline_start")),
                name="journal_baseline_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journal:indicator-detail", args=[self.pk])

    @property
    def name(self) -> str:
        return in_language(self.name_ru, self.name_kk)

    @property
    def unit(self) -> str:
        return in_language(self.unit_ru, self.unit_kk)

    @property
    def is_computed(self) -> bool:
        return self.source != Source.MANUAL

    def amount(self, value: Decimal) -> str:
        """A reading with its unit: the computed hours to a sensible precision with the word in
        the form the number takes; any other to two decimals with the unit as it was typed."""
        if self.source == Source.APPROVAL_HOURS:
            return hours(value)
        return f"{floatformat(value, '-2g')} {self.unit}"

    def change_percent(self, value: Decimal | None) -> Decimal | None:
        """The change of `value` against the baseline, in per cent (None without a baseline)."""
        if value is None or not self.baseline_value:
            return None
        return (value - self.baseline_value) / self.baseline_value * 100

    def is_improvement(self, value: Decimal | None) -> bool | None:
        if value is None or value == self.baseline_value:
            return None
        return (value < self.baseline_value) == self.lower_is_better


class Reading(models.Model):
    """One value of an indicator for the week (or day) starting at `date`."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="readings"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    is_computed = models.BooleanField(_("computed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering: ClassVar = ["indicator", "date"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["indicator", "date"], name="journal_reading_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.date:%d.%m.%Y} = {formats.localize(self.value)}"


def export_path(instance: Export, filename: str) -> str:
    return f"journal/exports/{instance.owner_id}/{filename}"


class Export(models.Model):
    """A Word document of the logbook written by a Celery job (a large range takes a while) and
    kept for the person who asked: nobody else may see it exists. One person's export of one
    selection runs at most once at a time, so a double click starts one job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for its turn")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    UNFINISHED: ClassVar = (State.QUEUED, State.RUNNING)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="journal_exports",
    )
    # The export form's filters (ids and ISO dates), and their digest to spot a repeat.
    selection = models.JSONField(_("selection"))
    key = models.CharField(_("selection key"), max_length=64)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("entries in total"), default=0)
    written = models.PositiveIntegerField(_("entries written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=100)
    # The language of the page that asked, for the document's headings and dates.
    language = models.CharField(_("language"), max_length=8, default=Language.RU)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("logbook export")
        verbose_name_plural = _("logbook exports")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["owner", "key"],
                condition=Q(state__in=["queued", "running"]),
                name="journal_export_one_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journal:export-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state not in self.UNFINISHED

    @property
    def percent(self) -> int:
        return 100 * self.written // self.total if self.total else 0
