from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from akimat.forms import (
    MultipleFileField,
    PortalForm,
    PortalModelForm,
    label_choices,
    model_choice_field,
)
from akimat.models import Department, User
from journal.models import (
    BODY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Indicator,
    Kind,
    Tag,
)
from journal.selectors import visible_visits
from journal.services import EARLIEST, MAX_FILES, clean_tag_names
from reception.models import Visit
from tasks.models import Task

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# The longest date range one search or export covers.
MAX_RANGE_DAYS = 366


class LinkField(forms.ModelMultipleChoiceField):
    """Ids chosen with search-as-you-type; an id the person may not see is refused by name."""

    default_error_messages = {
        "invalid_choice": _(
            "One of the chosen items does not exist or is not visible to you: remove it and "
            "pick again from the list."
        ),
        "invalid_pk_value": _("“%(pk)s” is not a valid choice."),
    }
    widget = forms.MultipleHiddenInput

    def __init__(self, queryset: QuerySet, **kwargs: object) -> None:
        super().__init__(queryset, required=False, **kwargs)


class TagsField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Tags"),
            required=False,
            max_length=600,
            help_text=_("Separated by commas; existing tags are suggested as you type."),
            **kwargs,
        )

    def clean(self, value: object) -> list[str]:
        text = super().clean(value)
        try:
            return clean_tag_names(text or "")
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from None


class QuickEntryForm(PortalForm):
    body = forms.CharField(
        label=_("What happened"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "data-ctrl-enter": "submit"}),
        help_text=_("Markdown works: **bold**, lists, links. Ctrl+Enter saves."),
        error_messages={"required": _("Write something: an entry cannot be empty.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.OBSERVATION)
    tags = TagsField()


class EntryForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    occurred_date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    occurred_time = forms.TimeField(label=_("Time"), widget=TIME_WIDGET)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        help_text=_("Empty: the first line of the text."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "data-ctrl-enter": "submit"}),
        help_text=_("Markdown works: **bold**, lists, links. Ctrl+Enter saves."),
        error_messages={"required": _("Write something: an entry cannot be empty.")},
    )
    tags = TagsField()
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), required=False, min_value=1, max_value=24 * 60
    )
    participants = LinkField(User.objects.none(), label=_("Participants"))
    departments = forms.ModelMultipleChoiceField(
        label=_("About directorates"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = LinkField(User.objects.none(), label=_("About people"))
    tasks = LinkField(Task.objects.none(), label=_("About tasks"))
    visits = LinkField(Visit.objects.none(), label=_("About visits"))
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Share with directorates"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The deputy akim and the administrators always read the logbook."),
    )
    # The form field named "files": Django's form metaclass moves it into base_fields, so it does
    # not hide BaseForm.files (the uploaded files) as mypy, reading the class body, believes.
    files = MultipleFileField(  # type: ignore[assignment]
        max_files=MAX_FILES,
        label=_("Files (photos of the whiteboard)"),
        required=False,
        help_text=_("Up to 10 files of 10 MB each."),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).select_related("department")
        departments = Department.objects.all()
        model_choice_field(self, "participants").queryset = people
        model_choice_field(self, "people").queryset = people
        model_choice_field(self, "tasks").queryset = Task.objects.visible_to(user)
        model_choice_field(self, "visits").queryset = visible_visits(user).select_related("service")
        model_choice_field(self, "departments").queryset = departments
        model_choice_field(self, "shared_with").queryset = departments
        for name in ("departments", "shared_with"):
            label_choices(model_choice_field(self, name), lambda d: d.name)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        day, time = cleaned.get("occurred_date"), cleaned.get("occurred_time")
        cleaned["occurred_at"] = None
        if day is not None and time is not None:
            if day < EARLIEST:
                self.add_error("occurred_date", _("This date is too far in the past."))
            else:
                moment = timezone.make_aware(dt.datetime.combine(day, time))
                if moment > timezone.now() + dt.timedelta(minutes=1):
                    self.add_error(
                        "occurred_date",
                        _("An entry records what has happened: it cannot be in the future."),
                    )
                cleaned["occurred_at"] = moment
        return cleaned


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Why is the entry withdrawn?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FilterForm(PortalForm):
    """The search's words and filters; also the range of an export."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *Kind.choices]
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.all(),
        required=False,
        empty_label=_("Any"),
        error_messages={"invalid_choice": _("There is no such tag: choose one from the list.")},
    )
    department = forms.ModelChoiceField(
        label=_("Directorate"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("Any"),
        error_messages={
            "invalid_choice": _("There is no such directorate: choose one from the list.")
        },
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.all(),
        required=False,
        empty_label=_("Anyone"),
        error_messages={"invalid_choice": _("There is no such person: choose one from the list.")},
    )

    def __init__(self, *args: object, people: QuerySet[User] | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)
        label_choices(model_choice_field(self, "department"), lambda d: d.name)
        if people is not None:
            model_choice_field(self, "person").queryset = people

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day is not None and day < EARLIEST:
                self.add_error(name, _("This date is too far in the past."))
        if start and end:
            if start > end:
                self.add_error("date_to", _("The end of the range is before its start."))
            elif (end - start).days >= MAX_RANGE_DAYS:
                self.add_error(
                    "date_to",
                    _("At most %(days)s days at once, please.") % {"days": MAX_RANGE_DAYS},
                )
        return cleaned


class ExportForm(FilterForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("docx", _("Word document")), ("csv", "CSV")], initial="docx"
    )
    date_from = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), widget=DATE_WIDGET)


class ReadingForm(PortalForm):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class IndicatorForm(PortalModelForm):
    class Meta:
        model = Indicator
        fields = [
            "slug", "name_ru", "name_kk", "unit_ru", "unit_kk", "source", "department",
            "lower_is_better", "baseline_value", "baseline_start", "baseline_end",
            "target_value", "tag", "position",
        ]  # fmt: skip
        widgets = {"baseline_start": DATE_WIDGET, "baseline_end": DATE_WIDGET}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        label_choices(model_choice_field(self, "department"), lambda d: d.name)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("baseline_start"), cleaned.get("baseline_end")
        if start and end and start > end:
            self.add_error("baseline_end", _("The end of the period is before its start."))
        return cleaned
