"""Tasks with deadlines: the spine that plans, reception and the nightly scores count from.

`tasks` knows nothing of plans or reception; those apps create tasks through `tasks.services`
and keep the link to the task on their own side.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from akimat.calendar import working_day_after, working_week_end
from akimat.cleaning import stored_file_name
from akimat.models import Role, StoredFile, User

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 10_000
# A deadline given as a bare date is the end of that working day.
END_OF_WORKING_DAY = dt.time(18, 30)


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_ACCEPTANCE = "awaiting", _("Awaiting acceptance")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.AWAITING_ACCEPTANCE, Status.RETURNED)
# Open and still with the executor (not handed in).
IN_WORK_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.RETURNED)
CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)


# --- the figures' rules ----------------------------------------------------------------------
# Each rule about a task's figures is written here once, as a Q or an annotation that every page
# uses (My tasks, the board, the stand-up, the digest, the task page, the dashboard's lists). The
# nightly SQL (scores/nightly_sql.py, FIGURES) repeats them for speed over millions of tasks;
# tests/scores/test_figures_agree.py proves on generated data that the two agree.

# Due soon: the deadline falls within this many working days from today.
DUE_SOON_WORKING_DAYS = 2
# The age buckets of overdue work, in working days: up to 3 (a task due today counts here), 4 to
# 10, over 10.
AGE_RECENT_MAX = 3
AGE_OLD_OVER = 10
# Behind schedule: at least this share of the time between setting and deadline is used, and
# the checklist is ticked less than half as far (20 % ticked at 80 % of the time).
BEHIND_AFTER_TIME_USED = 0.5
BEHIND_RATIO = 0.5


def handed_in_on_time() -> Q:
    """Awaiting acceptance with the result handed in by the deadline: the executor's part is done
    on time, and the wait is the deciding person's, not the executor's."""
    return Q(status=Status.AWAITING_ACCEPTANCE, submitted_at__lte=F("deadline"))


def overdue_at(at: dt.datetime) -> Q:
    """Overdue at `at`: open, the deadline passed, and not handed in on time."""
    return Q(status__in=OPEN_STATUSES, deadline__lt=at) & ~handed_in_on_time()


def due_soon_until(today: dt.date) -> Subquery:
    """The last deadline date that is due soon on `today`, as SQL: the working day
    DUE_SOON_WORKING_DAYS working days ahead."""
    return working_day_after(today, DUE_SOON_WORKING_DAYS)


def this_week_until(today: dt.date) -> Coalesce:
    """The last deadline date of "this week" on `today`, as SQL: the end of the working week
    ahead (on a Sunday, the coming one) and never before what is due soon, so a task flagged
    due soon is never "later"."""
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return Coalesce(
        Greatest(working_week_end(today), due_soon_until(today)),
        Value(sunday),
        output_field=models.DateField(),
    )


def done_on_time() -> Q:
    """Done, the result handed in by the deadline (a task one set oneself: accepted at once)."""
    return Q(status=Status.DONE) & (
        Q(submitted_at__lte=F("deadline"))
        | Q(submitted_at__isnull=True, done_at__lte=F("deadline"))
    )


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Source(models.TextChoices):
    INSTRUCTION = "instruction", _("Akim's instruction")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    PLAN = "plan", _("12-week plan")
    RECEPTION = "reception", _("Reception case")
    APPEAL = "appeal", _("Appeal")
    PROTOCOL = "protocol", _("Meeting protocol")
    INITIATIVE = "initiative", _("Own initiative")


# "№", "No." or "N" typed before a document number: the page prints its own sign.
NUMBER_SIGN = re.compile(r"^(?:\s*(?:№|No\.?(?=[\s\d])|N(?=\s))\s*)+", re.IGNORECASE)


def bare_document_number(number: str) -> str:
    """A document number without the number sign typed before it: «№ 21-08/568» → «21-08/568»."""
    return NUMBER_SIGN.sub("", number).strip()


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: User) -> TaskQuerySet:
        """What a person may see: the deputy, methodologist and admin everything; a head the
        directorate's; everyone the tasks they are responsible for, co-execute or wrote."""
        if user.sees_every_directorate():
            return self.all()
        involved: Q | Combinable = (
            Q(responsible=user)
            | Q(author=user)
            | Exists(Task.co_executors.through.objects.filter(task=OuterRef("pk"), user=user))
        )
        if user.has_role(Role.HEAD):
            involved |= Q(department__head=user)
        return self.filter(involved)

    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, at: dt.datetime | None = None) -> TaskQuerySet:
        return self.filter(overdue_at(at or timezone.now()))

    def for_department(self, department_id: int) -> TaskQuerySet:
        return self.filter(department_id=department_id)

    def with_move_pending(self) -> TaskQuerySet:
        """Annotate `move_pending`: a deadline move is asked for and not yet decided (at most
        one per task, by a constraint)."""
        return self.annotate(
            move_pending=Exists(
                DeadlineChange.objects.filter(
                    task=OuterRef("pk"), state=DeadlineChange.State.PENDING
                )
            )
        )

    def with_figures(self, at: dt.datetime | None = None) -> TaskQuerySet:
        """Annotate each task's figures at `at` (now), in the same query: `is_overdue`,
        `overdue_days` (working days after the deadline's date up to that day, less the days the
        responsible person was away), `due_soon`, `awaiting_days` (working days a handed-in result
        has waited for acceptance), and the checklist's `checklist_total`, `checklist_done` and
        `behind_schedule`."""
        from akimat.models import CalendarDay

        at = at or timezone.now()
        today = timezone.localdate(at)
        absent = Absence.objects.filter(
            user=OuterRef(OuterRef("responsible")),
            start__lte=OuterRef("date"),
            end__gte=OuterRef("date"),
        )

        def working_days_after(field: str, *, less_absences: bool = False) -> Subquery:
            days = CalendarDay.objects.filter(
                is_working=True, date__gt=OuterRef(field), date__lte=today
            )
            if less_absences:
                days = days.exclude(Exists(absent))
            return Subquery(
                days.order_by()
                .annotate(n=Func(F("date"), function="COUNT", output_field=models.IntegerField()))
                .values("n")
            )

        checklist = ChecklistItem.objects.filter(task=OuterRef("pk")).order_by().values("task")
        count = Func(F("pk"), function="COUNT", output_field=models.IntegerField())
        span = ExpressionWrapper(
            F("deadline") - F("created_at"), output_field=models.DurationField()
        )
        used = ExpressionWrapper(Value(at) - F("created_at"), output_field=models.DurationField())
        return self.annotate(
            deadline_date=TruncDate("deadline"),
            submitted_date=TruncDate("submitted_at"),
            is_overdue=ExpressionWrapper(overdue_at(at), output_field=models.BooleanField()),
            overdue_days=Case(
                When(
                    overdue_at(at),
                    then=Coalesce(working_days_after("deadline_date", less_absences=True), 0),
                ),
                default=Value(0),
                output_field=models.IntegerField(),
            ),
            due_soon=ExpressionWrapper(
                Q(status__in=IN_WORK_STATUSES, deadline__gte=at)
                & Q(deadline_date__lte=due_soon_until(today)),
                output_field=models.BooleanField(),
            ),
            awaiting_days=Case(
                When(
                    status=Status.AWAITING_ACCEPTANCE,
                    then=Coalesce(working_days_after("submitted_date"), 0),
                ),
                default=Value(0),
                output_field=models.IntegerField(),
            ),
            checklist_total=Coalesce(Subquery(checklist.annotate(n=count).values("n")), 0),
            checklist_done=Coalesce(
                Subquery(checklist.filter(is_done=True).annotate(n=count).values("n")), 0
            ),
        ).annotate(
            behind_schedule=ExpressionWrapper(
                Q(status__in=IN_WORK_STATUSES, deadline__gt=at, checklist_total__gt=0)
                & Q(
                    GreaterThanOrEqual(
                        ExpressionWrapper(
                            used / BEHIND_AFTER_TIME_USED, output_field=models.DurationField()
                        ),
                        span,
                    )
                )
                & Q(
                    LessThan(
                        ExpressionWrapper(
                            span * F("checklist_done") / BEHIND_RATIO,
                            output_field=models.DurationField(),
                        ),
                        ExpressionWrapper(
                            used * F("checklist_total"), output_field=models.DurationField()
                        ),
                    )
                ),
                output_field=models.BooleanField(),
            )
        )


class Task(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="authored_tasks",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    co_executors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-executors"),
        blank=True,
        related_name="co_executed_tasks",
    )
    # The responsible person's directorate when the task was set: the task counts where the work is.
    department = models.ForeignKey(
        "akimat.Department",
        verbose_name=_("directorate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.INITIATIVE
    )
    source_number = models.CharField(_("document number"), max_length=60, blank=True)
    source_date = models.DateField(_("document date"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    result = models.TextField(_("result"), blank=True, max_length=TEXT_MAX_LENGTH)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=TEXT_MAX_LENGTH)
    cancel_reason = models.TextField(
        _("reason for cancelling"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    recurrence = models.ForeignKey(
        "tasks.RecurringTask",
        verbose_name=_("recurring template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
    )
    # Bumped by every change; a form carries the version it was drawn from, so a second person
    # saving an older version is told instead of silently overwriting (optimistic locking).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[co_executors])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not fields: set on instances by the views for the pages (the buttons, co-execution).
    is_co_executor: bool
    actions: frozenset[str]

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering: ClassVar = ["deadline", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["responsible", "status", "deadline"]),
            models.Index(fields=["department", "status", "deadline"]),
            models.Index(fields=["author", "status"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="task_done_has_done_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:task-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def source_reference(self) -> str:
        """The source document's number and date as one sentence of the active language
        («№ 21-08/568 от 31.07.2026», «31.07.2026 № 21-08/568»); empty when neither is known."""
        number = bare_document_number(self.source_number)
        day = f"{self.source_date:%d.%m.%Y}" if self.source_date else ""
        if number and day:
            return gettext("No. %(number)s of %(date)s") % {"number": number, "date": day}
        if number:
            return gettext("No. %(number)s") % {"number": number}
        if day:
            return gettext("dated %(date)s") % {"date": day}
        return ""

    @property
    def is_self_set(self) -> bool:
        return self.author_id == self.responsible_id


class DeadlineChange(models.Model):
    """A request to move a deadline, and its decision. Every move is kept and counted."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="deadline_changes"
    )
    old_deadline = models.DateTimeField(_("old deadline"))
    new_deadline = models.DateTimeField(_("new deadline"))
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=TEXT_MAX_LENGTH)
    # Working days the task was already overdue when the move was approved: they stay counted.
    overdue_days_before = models.PositiveIntegerField(
        _("working days overdue before the move"), default=0
    )
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("deadline move")
        verbose_name_plural = _("deadline moves")
        ordering: ClassVar = ["-requested_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="pending"), name="one_pending_move_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.old_deadline:%d.%m} → {self.new_deadline:%d.%m}"


class Comment(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]


class ChecklistItem(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="checklist"
    )
    text = models.CharField(_("item"), max_length=TITLE_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tasks/{instance.task_id}/{timezone.now():%Y%m%d%H%M%S}-{stored_file_name(filename)}"


class Attachment(StoredFile):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    # The task's history tells who added (or an admin removed) which file.
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta(StoredFile.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("tasks:attachment", args=[self.task_id, self.pk])


class RecurringTask(models.Model):
    """A template that sets the next occurrence of a repeated task when the previous one is due."""

    class Every(models.TextChoices):
        WEEK = "week", _("Every week")
        MONTH = "month", _("Every month")

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="recurring_tasks",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    every = models.CharField(_("repeats"), max_length=5, choices=Every.choices)
    # Weekly: 0 = Monday … 4 = Friday; monthly: the day of the month (a day off moves it earlier).
    day = models.PositiveSmallIntegerField(_("day"))
    next_deadline = models.DateField(_("next deadline"))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("recurring task")
        verbose_name_plural = _("recurring tasks")
        ordering: ClassVar = ["next_deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class Absence(models.Model):
    """Leave, sick leave or a business trip, with the acting person (и.о.)."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sick leave")
        TRIP = "trip", _("Business trip")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    acting = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acting_for",
    )
    # Bumped by every edit: a form saved after someone else's change is refused (akimat.versions).
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["version"])
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering: ClassVar = ["-start"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {self.start:%d.%m}–{self.end:%d.%m}"

    def deadline_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The absence as aware moments: from the first day's midnight to the day after the last."""
        start = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))
        return start, end


class HandOver(models.Model):
    """One hand-over of an absent person's tasks to the acting person: which tasks went (its
    items), who handed them, and, item by item, whether they came back."""

    class Scope(models.TextChoices):
        DUE = "due", _("Falling due during the absence")
        ALL = "all", _("All tasks in work")

    # Kept when the absence is deleted (only once every task is back): the tasks' history and
    # this record still tell who held them.
    absence = models.ForeignKey(
        Absence,
        verbose_name=_("absence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hand_overs",
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from whom"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to whom"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.CharField(_("which tasks"), max_length=3, choices=Scope.choices)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("handed over at"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering: ClassVar = ["-handed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user} {self.handed_at:%d.%m.%Y}"


class HandedTask(models.Model):
    """A task of a hand-over: out with the acting person, given back, or kept by them (finished
    or no longer theirs when the rest came back)."""

    class State(models.TextChoices):
        OUT = "out", _("With the acting person")
        BACK = "back", _("Given back")
        KEPT = "kept", _("Stayed with the acting person")

    hand_over = models.ForeignKey(
        HandOver, verbose_name=_("hand-over"), on_delete=models.CASCADE, related_name="items"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="hand_overs"
    )
    state = models.CharField(_("state"), max_length=4, choices=State.choices, default=State.OUT)
    closed_at = models.DateTimeField(_("given back at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given back by"),
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
        verbose_name = _("handed-over task")
        verbose_name_plural = _("handed-over tasks")
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            # A task is out with one acting person at a time: two hand-overs at once cannot both
            # take it.
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="out"), name="one_hand_over_out_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hand_over}: {self.task}"


class Notification(models.Model):
    """A line under the bell; the same events feed the morning digest."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("New task")
        MOVE_REQUESTED = "move_requested", _("Deadline move requested")
        # Before a decision's notification said which: kept for the rows of that time.
        MOVE_DECIDED = "move_decided", _("Deadline move decided")
        MOVE_APPROVED = "move_approved", _("Deadline move approved")
        MOVE_REFUSED = "move_refused", _("Deadline move refused")
        RETURNED = "returned", _("Result returned")
        SUBMITTED = "submitted", _("Result submitted")
        BLOCKER = "blocker", _("Blocker raised")
        DISPUTED = "disputed", _("Score disputed")
        DISPUTE_ANSWERED = "dispute_answered", _("Dispute answered")
        HANDED_OVER = "handed_over", _("Tasks handed over")
        VISITOR_BACK = "visitor_back", _("Visitor is back")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from whom"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    text = models.CharField(_("text"), max_length=TITLE_MAX_LENGTH * 2, blank=True)
    # Where a notification about no task leads (a score dispute, which lives above tasks).
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set by the one worker that claims the instant e-mail (an UPDATE … WHERE emailed_at IS
    # NULL), so a job run twice never mails twice; the digest leaves e-mailed lines out.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.task}"


class Channel(models.TextChoices):
    """How a person hears of one kind of notification beyond the bell."""

    INSTANT = "instant", _("Instant e-mail")
    DIGEST = "digest", _("Morning digest only")
    NONE = "none", _("No e-mail")


# Kinds no longer created (kept for old rows) have no setting of their own.
SETTABLE_KINDS = [kind for kind in Notification.Kind if kind != Notification.Kind.MOVE_DECIDED]


class NotificationPreference(models.Model):
    """A person's choice of e-mail for one kind of notification; without a row, the digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Notification.Kind.choices)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.DIGEST
    )

    history = HistoricalRecords()
    _change_reason: str

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} → {self.get_channel_display()}"


class StandupNote(models.Model):
    """A person's blockers at a directorate's stand-up of one day."""

    date = models.DateField(_("date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    blockers = models.TextField(_("blockers"), max_length=TEXT_MAX_LENGTH)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    history = HistoricalRecords()
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    class Meta:
        verbose_name = _("stand-up note")
        verbose_name_plural = _("stand-up notes")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["date", "user"], name="one_standup_note_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.user}"
