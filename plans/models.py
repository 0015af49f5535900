"""12-week plans ("The 12 Week Year"): cycles, plans, goals with a lag measure, weekly tactics.

A tactic is not a tick-box: each of its weekly occurrences becomes a real task (through
`tasks.services`), and the `Occurrence` kept here points at that task. So the week's execution
score, the overdue counts and the dashboard all count the same rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from akimat.models import Role, User
from tasks.models import Status as TaskStatus

WEEKS = 12  # working weeks of a cycle; week 13 is the review week
REVIEW_WEEK = 13
# A cycle's days, from its first Monday to the Sunday of the review week: the one length the
# pages, the plans and the nightly scores (its `holding` days) use.
CYCLE_DAYS = REVIEW_WEEK * 7
MAX_GOALS = 3
TARGET_SCORE = 85  # per cent: the 12 Week Year's bar for a week well executed
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class CycleQuerySet(models.QuerySet["Cycle"]):
    def visible_to(self, user: User) -> CycleQuerySet:
        """The deputy, methodologist and admin see every cycle; others their directorate's."""
        if user.sees_every_directorate():
            return self.all()
        return self.filter(Q(department__head=user) | Q(department_id=user.department_id))

    def current(self) -> CycleQuerySet:
        """Cycles that are not closed yet."""
        return self.exclude(status=Cycle.Status.CLOSED)

    def holding(self, day: dt.date) -> CycleQuerySet:
        """Cycles whose days (the review week included) hold `day`."""
        return self.filter(start__lte=day, start__gt=day - dt.timedelta(days=CYCLE_DAYS))

    def overlapping(self, start: dt.date) -> CycleQuerySet:
        """Cycles that would share a day with a cycle starting on `start`."""
        return self.filter(
            start__gt=start - dt.timedelta(weeks=REVIEW_WEEK),
            start__lt=start + dt.timedelta(weeks=REVIEW_WEEK),
        )


class Cycle(models.Model):
    """A directorate's twelve working weeks plus the review week, from a Monday."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        REVIEW = "review", _("Review")
        CLOSED = "closed", _("Closed")

    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    start = models.DateField(_("first Monday"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNING
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("12-week cycle")
        verbose_name_plural = _("12-week cycles")
        ordering: ClassVar = ["-start", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(start__iso_week_day=1), name="cycle_starts_monday"),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(status="active"),
                name="one_active_cycle_per_directorate",
            ),
            models.UniqueConstraint(fields=["department", "start"], name="cycle_start_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("plans:cycle-detail", args=[self.pk])

    @property
    def end(self) -> dt.date:
        """The Sunday of the review week."""
        return self.start + dt.timedelta(days=CYCLE_DAYS - 1)

    @property
    def review_start(self) -> dt.date:
        return self.start + dt.timedelta(weeks=WEEKS)

    def week_of(self, day: dt.date) -> int:
        """The cycle week `day` falls in: 0 before the start, 1–12, 13 the review week, 14 after."""
        if day < self.start:
            return 0
        return min((day - self.start).days // 7 + 1, REVIEW_WEEK + 1)

    @property
    def current_week(self) -> int:
        return self.week_of(timezone.localdate())

    def week_bounds(self, week: int) -> tuple[dt.date, dt.date]:
        monday = self.start + dt.timedelta(weeks=week - 1)
        return monday, monday + dt.timedelta(days=6)


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: User) -> PlanQuerySet:
        """The deputy, methodologist and admin see every plan; a head the directorate's; everyone
        their own plan and their directorate's plan."""
        if user.sees_every_directorate():
            return self.all()
        mine = Q(owner=user)
        if user.department_id:
            mine |= Q(kind=Plan.Kind.DIRECTORATE, cycle__department_id=user.department_id)
        if user.has_role(Role.HEAD):
            mine |= Q(cycle__department__head=user)
        return self.filter(mine)


class Plan(models.Model):
    """The directorate's plan of a cycle, or one person's individual work plan."""

    class Kind(models.TextChoices):
        DIRECTORATE = "directorate", _("Directorate plan")
        INDIVIDUAL = "individual", _("Individual work plan")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("plan status", "Awaiting approval")
        APPROVED = "approved", pgettext_lazy("plan status", "Approved")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(
        _("why it was returned"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    submitted_at = models.DateTimeField(_("sent for approval at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Bumped by every change; a form carries the version it was drawn from (akimat/versions.py).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering: ClassVar = ["cycle", "kind", "owner__last_name", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind="directorate", owner__isnull=True)
                | Q(kind="individual", owner__isnull=False),
                name="plan_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(kind="directorate"),
                name="one_directorate_plan_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "owner"],
                condition=Q(kind="individual"),
                name="one_individual_plan_per_person",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.DIRECTORATE:
            return str(_("Directorate plan"))
        return str(self.owner)

    def get_absolute_url(self) -> str:
        return reverse("plans:plan-detail", args=[self.pk])

    @property
    def is_directorate(self) -> bool:
        return self.kind == self.Kind.DIRECTORATE


class Goal(models.Model):
    """What the plan is for, with its lag measure: a result going from a start to a target."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(_("goal"), max_length=TITLE_MAX_LENGTH)
    why = models.TextField(_("why it matters"), blank=True, max_length=TEXT_MAX_LENGTH)
    weight = models.PositiveSmallIntegerField(_("weight, %"))
    unit = models.CharField(_("unit"), max_length=40)
    start_value = models.DecimalField(_("start value"), max_digits=12, decimal_places=2)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped by every change; a form carries the version it was drawn from (akimat/versions.py).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering: ClassVar = ["position", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(target_value=F("start_value")), name="goal_target_differs_from_start"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="goal_weight_1_to_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def progress(self, current: Decimal | None) -> int:
        """Per cent of the way from start to target, linear and clamped to 0–100; no reading
        yet means the start."""
        if current is None:
            return 0
        share = (current - self.start_value) / (self.target_value - self.start_value)
        return round(max(Decimal(0), min(Decimal(1), share)) * 100)


class LagReading(models.Model):
    """The lag measure's value at the end of a cycle week."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="readings"
    )
    week = models.PositiveSmallIntegerField(_("week"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("lag measure reading")
        verbose_name_plural = _("lag measure readings")
        ordering: ClassVar = ["week"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["goal", "week"], name="one_reading_per_goal_week"),
            models.CheckConstraint(
                condition=Q(week__gte=1, week__lte=REVIEW_WEEK), name="reading_week_in_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.week} — {formats.localize(self.value)}"


class Tactic(models.Model):
    """A weekly action under a goal: who does it, on which weekday, in which weeks."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="tactics"
    )
    title = models.CharField(_("tactic"), max_length=TITLE_MAX_LENGTH)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="tactics",
    )
    weekday = models.PositiveSmallIntegerField(_("due on"), choices=WEEKDAYS, default=4)
    weeks = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("weeks"))
    # A tactic stopped after approval keeps its past occurrences; it sets no new ones.
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped by every change; a form carries the version it was drawn from (akimat/versions.py).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("tactic")
        verbose_name_plural = _("tactics")
        ordering: ClassVar = ["position", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=4), name="tactic_weekday_mon_to_fri"
            ),
            models.CheckConstraint(
                condition=Q(weeks__len__gte=1) & Q(weeks__contained_by=list(range(1, WEEKS + 1))),
                name="tactic_weeks_within_cycle",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def schedule(self) -> str:
        """'every' for all twelve weeks, 'once' for a single week, else 'chosen'."""
        if len(self.weeks) == WEEKS:
            return "every"
        return "once" if len(self.weeks) == 1 else "chosen"


class OccurrenceQuerySet(models.QuerySet["Occurrence"]):
    def live(self) -> OccurrenceQuerySet:
        """Occurrences not replaced by a later change of their tactic."""
        return self.filter(replaced_at__isnull=True)

    def scored(self, now: dt.datetime) -> OccurrenceQuerySet:
        """What a week's score counts: live tactic-tasks, not cancelled, that are due by `now`
        or already done (a task finished early counts before its day)."""
        return (
            self.live()
            .exclude(task__status=TaskStatus.CANCELLED)
            .filter(Q(due__lte=now) | Q(task__status=TaskStatus.DONE))
        )

    def week_counts(self, now: dt.datetime, *group_by: str) -> models.QuerySet:
        """Per `group_by` and week: `due` (tactic-tasks counted) and `on_time` (done, with the
        result handed in by the planned deadline) — one aggregate query.

        On time is measured against `due`, the deadline planned when the occurrence was set,
        so a later deadline move cannot turn a late week into a good one; and against the
        moment the result was handed in, so a slow acceptance does not spoil the person's week.
        """
        handed_in = Coalesce("task__submitted_at", "task__done_at")
        return (
            self.scored(now)
            .order_by()
            .values(*group_by, "week")
            .annotate(
                due_count=Count("pk"),
                on_time=Count("pk", filter=Q(task__status=TaskStatus.DONE) & Q(due__gte=handed_in)),
            )
        )


class Occurrence(models.Model):
    """One week of a tactic, made a real task when the plan is approved."""

    tactic = models.ForeignKey(
        Tactic, verbose_name=_("tactic"), on_delete=models.PROTECT, related_name="occurrences"
    )
    week = models.PositiveSmallIntegerField(_("week"))
    due = models.DateTimeField(_("planned deadline"))
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        related_name="plan_occurrence",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Set when a change of the tactic cancelled this occurrence's task and set a new one.
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tactic occurrence")
        verbose_name_plural = _("tactic occurrences")
        ordering: ClassVar = ["week", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tactic", "week"],
                condition=Q(replaced_at__isnull=True),
                name="one_live_occurrence_per_week",
            ),
            models.CheckConstraint(
                condition=Q(week__gte=1, week__lte=WEEKS), name="occurrence_week_in_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tactic} — {self.week}"


class Review(models.Model):
    """A weekly review with the accountability meeting's notes, or the mid-cycle (week 6) and
    final (week 13) review with the figures frozen at the time of writing."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly review")
        MIDCYCLE = "midcycle", _("Mid-cycle review")
        FINAL = "final", _("Final review")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    week = models.PositiveSmallIntegerField(_("week"))
    worked = models.TextField(_("what worked"), blank=True, max_length=TEXT_MAX_LENGTH)
    did_not_work = models.TextField(_("what did not work"), blank=True, max_length=TEXT_MAX_LENGTH)
    adjust = models.TextField(_("what to adjust"), blank=True, max_length=TEXT_MAX_LENGTH)
    meeting_notes = models.TextField(
        _("accountability meeting notes"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    lessons = models.TextField(_("lessons learned"), blank=True, max_length=TEXT_MAX_LENGTH)
    average_score = models.PositiveSmallIntegerField(
        _("average execution score, %"), null=True, blank=True
    )
    # [{"goal": title, "progress": per cent}, …] as it stood when the review was written.
    progress = models.JSONField(_("lag progress"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Bumped by every change; a form carries the version it was drawn from (akimat/versions.py).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering: ClassVar = ["week", "kind"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "kind", "week"], name="one_review_per_week"),
            models.CheckConstraint(
                condition=Q(week__gte=1, week__lte=REVIEW_WEEK), name="review_week_in_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.week}"
