from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from akimat.forms import PortalForm, label_choices, model_choice_field
from akimat.models import Department, User
from plans.models import (
    REVIEW_WEEK,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WEEKDAYS,
    WEEKS,
    Goal,
    Plan,
    Review,
    Tactic,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VALUE: dict[str, Any] = {
    "max_digits": 12,
    "decimal_places": 2,
    "max_value": Decimal("9999999999.99"),
}
WEEK_CHOICES = [(n, str(n)) for n in range(1, WEEKS + 1)]


def next_monday(day: dt.date | None = None) -> dt.date:
    day = day or timezone.localdate()
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)


class CycleForm(PortalForm):
    department = forms.ModelChoiceField(label=_("Directorate"), queryset=Department.objects.none())
    start = forms.DateField(
        label=_("First Monday"),
        widget=DATE_WIDGET,
        help_text=_("Twelve working weeks from this Monday, then the review week."),
    )

    def __init__(self, *args: object, departments: QuerySet[Department], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "department").queryset = departments


class VersionForm(PortalForm):
    """The version a button acting on a record was drawn with (akimat/versions.py)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GoalForm(PortalForm):
    # The version the form was drawn from (akimat/versions.py); empty for a new one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=_("Goal"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A result, for example: cut the time to a land-plot decision."),
    )
    why = forms.CharField(
        label=_("Why it matters"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.CharField(
        label=_("Unit of the lag measure"),
        max_length=40,
        help_text=_("What the result is counted in: working days, applications, %…"),
    )
    start_value = forms.DecimalField(label=_("Start value"), **VALUE)
    target_value = forms.DecimalField(label=_("Target value"), **VALUE)
    weight = forms.IntegerField(
        label=_("Weight, %"),
        min_value=1,
        max_value=100,
        help_text=_("The goals of a plan weigh 100 % together."),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, target = cleaned.get("start_value"), cleaned.get("target_value")
        if start is not None and target is not None and start == target:
            self.add_error("target_value", _("The target must differ from the start value."))
        return cleaned

    @staticmethod
    def initial_for(goal: Goal) -> dict[str, object]:
        return {
            name: getattr(goal, name)
            for name in ("version", "title", "why", "unit", "start_value", "target_value", "weight")
        }


class TacticForm(PortalForm):
    # The version the form was drawn from (akimat/versions.py); empty for a new one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    SCHEDULES = [
        ("every", _("Every week")),
        ("once", _("One week")),
        ("chosen", _("Chosen weeks")),
    ]

    title = forms.CharField(
        label=_("Weekly action"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_(
            "What is done each week, for example: review all land applications older than 10 days."
        ),
    )
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=User.objects.none())
    weekday = forms.TypedChoiceField(label=_("Due on"), choices=WEEKDAYS, coerce=int, initial=4)
    schedule = forms.ChoiceField(
        label=_("Weeks"), choices=SCHEDULES, initial="every", widget=forms.RadioSelect
    )
    week = forms.TypedChoiceField(
        label=_("Which week"), choices=WEEK_CHOICES, coerce=int, required=False
    )
    weeks = forms.TypedMultipleChoiceField(
        label=_("Which weeks"),
        choices=WEEK_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, people: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible").queryset = people

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        schedule = cleaned.get("schedule")
        if schedule == "every":
            cleaned["weeks"] = list(range(1, WEEKS + 1))
        elif schedule == "once":
            if not cleaned.get("week"):
                self.add_error("week", _("Choose the week."))
            cleaned["weeks"] = [cleaned["week"]] if cleaned.get("week") else []
        elif schedule == "chosen" and not cleaned.get("weeks"):
            self.add_error("weeks", _("Choose at least one week."))
        return cleaned

    @staticmethod
    def initial_for(tactic: Tactic) -> dict[str, object]:
        return {
            "version": tactic.version,
            "title": tactic.title,
            "responsible": tactic.responsible_id,
            "weekday": tactic.weekday,
            "schedule": tactic.schedule,
            "week": tactic.weeks[0],
            "weeks": tactic.weeks,
        }


class ReadingForm(PortalForm):
    # The goal's version: a reading changes the goal's measure.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    week = forms.TypedChoiceField(
        label=_("Week"), choices=[(n, str(n)) for n in range(1, REVIEW_WEEK + 1)], coerce=int
    )
    value = forms.DecimalField(label=_("Value"), **VALUE)


class WeightsForm(PortalForm):
    """One weight field per goal, named `weight-<goal id>`, and the plan's version."""

    # The version the form was drawn from (akimat/versions.py); empty for a new one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, goals: list[Goal], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"weight-{goal.pk}"] = forms.IntegerField(
                label=goal.title, min_value=1, max_value=100, initial=goal.weight
            )

    def weights(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"weight-{goal.pk}"] for goal in self.goals}


class ReasonForm(PortalForm):
    reason = forms.CharField(
        label=_("Why it goes back"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _text(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(PortalForm):
    # The version the form was drawn from (akimat/versions.py); empty for a new one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    worked = _text(_("What worked"))
    did_not_work = _text(_("What did not work"))
    adjust = _text(_("What to adjust"))
    meeting_notes = _text(
        _("Weekly accountability meeting"), _("Who was there, what each committed to.")
    )
    lessons = _text(_("Lessons learned"))

    FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        Review.Kind.WEEKLY: ("worked", "did_not_work", "adjust", "meeting_notes"),
        Review.Kind.MIDCYCLE: ("worked", "did_not_work", "adjust", "lessons"),
        Review.Kind.FINAL: ("worked", "did_not_work", "lessons"),
    }

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS[kind] and name != "version":
                del self.fields[name]


class CloseForm(PortalForm):
    tactics = forms.ModelMultipleChoiceField(
        label=_("Carry over to the next cycle"),
        queryset=Tactic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    next_start = forms.DateField(
        label=_("The next cycle starts on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Used only when tactics are carried over and no next cycle exists yet."),
    )

    def __init__(self, *args: object, tactics: list[Tactic], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "tactics")
        field.queryset = Tactic.objects.filter(pk__in=[t.pk for t in tactics])
        labels = {t.pk: t for t in tactics}
        label_choices(field, lambda t: _carry_label(labels.get(t.pk, t)))


def _carry_label(tactic: Tactic) -> str:
    plan: Plan = tactic.goal.plan
    done = getattr(tactic, "done", 0)
    counted = getattr(tactic, "counted", 0)
    return f"{tactic.title} — {plan} · {done}/{counted}"
