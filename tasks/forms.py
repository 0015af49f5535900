from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from akimat.forms import FormMixinBase, PortalForm, label_choices, model_choice_field
from akimat.models import Role, User
from tasks.models import (
    SETTABLE_KINDS,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Channel,
    Priority,
    Source,
    bare_document_number,
)
from tasks.services import deadline_from

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def assignable_people(user: User) -> QuerySet[User]:
    """Whom a person may set tasks for: the deputy and the admin anyone with a directorate; a
    head the directorate's people; a specialist themselves and their directorate's colleagues."""
    people = User.objects.filter(is_active=True).select_related("department")
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return people.filter(department__isnull=False)
    if user.has_role(Role.HEAD):
        return people.filter(Q(department__head=user) | Q(pk=user.pk))
    if user.has_role(Role.SPECIALIST) and user.department_id:
        return people.filter(department_id=user.department_id)
    return people.none()


class DocumentNumberField(forms.CharField):
    """A document number, stored without the «№» people type before it (the page adds one)."""

    def to_python(self, value: object) -> str:
        return bare_document_number(super().to_python(value) or "")


class DeadlineMixin(FormMixinBase):
    """A date with an optional time; a date alone is the end of that working day."""

    def deadline_value(self, date_field: str, time_field: str) -> dt.datetime | None:
        day = self.cleaned_data.get(date_field)
        if day is None:
            return None
        return deadline_from(day, self.cleaned_data.get(time_field))


class TaskCreateForm(DeadlineMixin, PortalForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=User.objects.none(), widget=forms.Select(attrs={"size": 6})
    )
    deadline_date = forms.DateField(label=_("Deadline"), widget=DATE_WIDGET)
    deadline_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=TIME_WIDGET,
        help_text=_("Empty: 18:30, the end of the working day."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.INITIATIVE)
    source_number = DocumentNumberField(label=_("Document number"), required=False, max_length=60)
    source_date = forms.DateField(label=_("Document date"), required=False, widget=DATE_WIDGET)
    co_executors = forms.ModelMultipleChoiceField(
        label=_("Co-executors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item per line."),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        people = assignable_people(user)
        model_choice_field(self, "responsible").queryset = people
        model_choice_field(self, "co_executors").queryset = people
        label_choices(model_choice_field(self, "responsible"), _person_label)
        label_choices(model_choice_field(self, "co_executors"), _person_label)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        deadline = self.deadline_value("deadline_date", "deadline_time")
        if deadline is not None and deadline <= timezone.now():
            self.add_error(
                "deadline_date", _("The deadline has already passed. Choose a later one.")
            )
        cleaned["deadline"] = deadline
        return cleaned


class TaskEditForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    source_number = DocumentNumberField(label=_("Document number"), required=False, max_length=60)
    source_date = forms.DateField(label=_("Document date"), required=False, widget=DATE_WIDGET)
    co_executors = forms.ModelMultipleChoiceField(
        label=_("Co-executors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "co_executors").queryset = assignable_people(user)
        label_choices(model_choice_field(self, "co_executors"), _person_label)


class ResultForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.CharField(
        label=_("Result"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class VersionForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# How many results one "Accept selected" may carry: far more than a page shows (25 a page).
MAX_SELECTED = 200
SELECTED = re.compile(r"(\d{1,9}):(\d{1,9})", re.ASCII)


class SelectedResultsForm(PortalForm):
    """The results ticked in My tasks, each "id:version" (the version the row was drawn at), as
    `{id: version}`."""

    accept = forms.Field(
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick the results to accept.")},
    )

    def clean_accept(self) -> dict[int, int]:
        ticked = self.cleaned_data["accept"]
        if len(ticked) > MAX_SELECTED:
            raise forms.ValidationError(
                _("At most %(limit)d results can be accepted at once."),
                params={"limit": MAX_SELECTED},
            )
        versions: dict[int, int] = {}
        for value in ticked:
            match = SELECTED.fullmatch(value)
            if match is None:
                raise forms.ValidationError(
                    _("This form is out of date. Reload the page and send it again.")
                )
            versions[int(match[1])] = int(match[2])
        return versions


class CommentForm(PortalForm):
    body = forms.CharField(
        label=_("Comment"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveRequestForm(DeadlineMixin, PortalForm):
    new_date = forms.DateField(label=_("New deadline"), widget=DATE_WIDGET)
    new_time = forms.TimeField(label=_("Time"), required=False, widget=TIME_WIDGET)
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        cleaned["new_deadline"] = self.deadline_value("new_date", "new_time")
        return cleaned


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_MAX_LENGTH)


class ChecklistItemForm(PortalForm):
    text = forms.CharField(label=_("New item"), max_length=TITLE_MAX_LENGTH)


class AttachmentForm(PortalForm):
    file = forms.FileField(label=_("File"))


def _person_label(user: User) -> str:
    department = user.department.name if user.department_id and user.department else ""
    return f"{user} — {department}" if department else str(user)


class NotificationChannelsForm(PortalForm):
    """One choice of e-mail per kind of notification (the field's name is the kind)."""

    def __init__(self, *args: object, channels: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for kind in SETTABLE_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=channels.get(kind, Channel.DIGEST),
            )
