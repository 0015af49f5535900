"""The nightly scores' tables (the top floor): the bonus policy, the people's and the
directorates' daily snapshots, the runs of the nightly computation and the disputes.

They moved here from `akimat`; the tables keep their names (`db_table`, and `table_name` for the
history tables), so the move touched no data (scores/migrations/0001_initial.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from akimat.models import Department, User, in_language


class BonusPolicyQuerySet(models.QuerySet["BonusPolicy"]):
    def in_force(self, day: dt.date) -> BonusPolicy | None:
        """The policy valid on `day`: the one with the latest `valid_from` not after it."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first()


class BonusPolicy(models.Model):
    """The bonus formula's weights from a date on. Points = on-time rate × its weight + week's
    execution score × its weight − penalties per overdue task and per deadline move, between 0
    and the cap (see `scores.nightly_sql.BONUS_SQL`)."""

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
    history = HistoricalRecords(table_name="akimat_historicalbonuspolicy")
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime

    objects = BonusPolicyQuerySet.as_manager()

    class Meta:
        db_table = "akimat_bonuspolicy"
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

    # Not a field: set on the live rows of a directorate's dashboard (scores/selectors.py).
    is_head: bool

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
        db_table = "akimat_personsnapshot"
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
        db_table = "akimat_departmentsnapshot"
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
        db_table = "akimat_scorerun"
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
        OPEN = "open", pgettext_lazy("status", "Open")
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
    history = HistoricalRecords(table_name="akimat_historicalscoredispute")
    # Read by django-simple-history when the instance is saved: the record's reason, user, date.
    _change_reason: str
    _history_user: User | None
    _history_date: dt.datetime
    # Not a field: set on instances for the pages, whether the reader may answer it.
    answerable: bool

    class Meta:
        db_table = "akimat_scoredispute"
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
