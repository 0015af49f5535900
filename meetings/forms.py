"""The forms of the register: its filters, a meeting (new or edited) and its agenda. The rules
(lengths, limits, who takes part) are the services'; the forms read the input and show every
mistake at once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from akimat.forms import MultipleFileField, PortalForm, label_choices, model_choice_field
from akimat.models import Department, User
from meetings import agenda, selectors
from meetings.models import (
    DURATION_MAX_MINUTES,
    FILES_MAX,
    NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    District,
    FieldVisit,
    Kind,
)
from meetings.services import GuestData, MeetingData
from meetings.visits import visits_visible_to

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# "Full name — organisation or post": an em or en dash, or a hyphen between spaces.
GUEST_SEPARATOR = re.compile(r"\s*[—–]\s*|\s+-\s+")
PEOPLE_MESSAGE = _("Choose people of the portal from the list.")
PEOPLE_ERRORS = {
    "invalid_choice": PEOPLE_MESSAGE,
    "invalid_pk_value": PEOPLE_MESSAGE,
    "invalid_list": PEOPLE_MESSAGE,
}


def active_people() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )


def person_label(user: User) -> str:
    department = user.department.name if user.department_id and user.department else ""
    return f"{user} — {department}" if department else str(user)


def visits_seen_by(user: User) -> QuerySet[FieldVisit]:
    """The visits of the deputy's month a person may hold a meeting for: those they see, by the
    month's one rule (`meetings.visits.visits_visible_to`)."""
    return visits_visible_to(user).select_related("district", "deputy")


def month_bounds(raw: str) -> tuple[dt.datetime, dt.datetime] | None:
    """A "YYYY-MM" month as its first moment and the next month's, in the portal's time zone."""
    match = MONTH.match(raw)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2100 and 1 <= month <= 12):
        return None
    return selectors.month_bounds(dt.date(year, month, 1))


class RegisterFilterForm(PortalForm):
    """The register's filters: kind, month, directorate (for who sees every one), only mine."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *Kind.choices]
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
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
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mine"].help_text = _("The meetings I chair, keep or take part in.")
        if user.sees_every_directorate():
            label_choices(model_choice_field(self, "department"), lambda d: d.name)
        else:
            del self.fields["department"]

    def clean_month(self) -> tuple[dt.datetime, dt.datetime] | None:
        raw = self.cleaned_data["month"]
        if not raw:
            return None
        bounds = month_bounds(raw)
        if bounds is None:
            raise ValidationError(_("Give a month as year and month, e.g. 2026-11."))
        return bounds


class MeetingForm(PortalForm):
    """A meeting, new or edited; `visit` is the visit of the deputy's month it belongs to."""

    # The edited meeting's last history record when the form was drawn (see views.register).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    visit = forms.ModelChoiceField(
        queryset=FieldVisit.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("There is no such visit of the deputy's month among yours.")
        },
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Kind.choices])
    title = forms.CharField(label=_("Subject"), max_length=TITLE_MAX_LENGTH)
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"),
        widget=forms.NumberInput(attrs={"min": 1, "max": DURATION_MAX_MINUTES}),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=NAME_MAX_LENGTH)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.filter(is_active=True),
        required=False,
        error_messages={"invalid_choice": _("Choose a district from the list.")},
    )
    department = forms.ModelChoiceField(
        label=_("Directorate"),
        queryset=Department.objects.all(),
        required=False,
        help_text=_("Empty: the chair's directorate."),
        error_messages={
            "invalid_choice": _("There is no such directorate: choose one from the list.")
        },
    )
    chair = forms.ModelChoiceField(
        label=_("Chair"), queryset=User.objects.none(), error_messages=PEOPLE_ERRORS
    )
    secretary = forms.ModelChoiceField(
        label=_("Secretary"),
        queryset=User.objects.none(),
        required=False,
        error_messages=PEOPLE_ERRORS,
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages=PEOPLE_ERRORS,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    guests = forms.CharField(
        label=_("Guests from outside"),
        required=False,
        max_length=(NAME_MAX_LENGTH * 2 + 3) * 50,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: full name — organisation or post."),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        current_visit: int | None = None,
        current_district: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # An edited meeting keeps its visit, whoever edits it, and its district, even one no
        # longer in use.
        visits = visits_seen_by(user)
        if current_visit is not None:
            visits = visits | FieldVisit.objects.filter(pk=current_visit)
        model_choice_field(self, "visit").queryset = visits
        if current_district is not None:
            model_choice_field(self, "district").queryset = District.objects.filter(
                Q(is_active=True) | Q(pk=current_district)
            )
        for name in ("chair", "secretary", "participants"):
            field = model_choice_field(self, name)
            field.queryset = active_people()
            label_choices(field, person_label)
        label_choices(model_choice_field(self, "district"), lambda d: d.name)
        if user.sees_every_directorate():
            label_choices(model_choice_field(self, "department"), lambda d: d.name)
        else:
            del self.fields["department"]

    def clean_guests(self) -> list[GuestData]:
        guests = []
        for line in self.cleaned_data["guests"].splitlines():
            if not line.strip():
                continue
            name, *rest = GUEST_SEPARATOR.split(line.strip(), maxsplit=1)
            organisation = rest[0] if rest else ""
            if not name.strip():
                raise ValidationError(
                    gettext("Each guest needs a full name: %(line)s") % {"line": line.strip()}
                )
            guests.append(GuestData(full_name=name.strip(), organisation=organisation.strip()))
        return guests

    def meeting_data(self, *, department: Department | None) -> MeetingData:
        """What the services are given; `department` where the form has no such field."""
        data = self.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["day"], data["start"]))
        return MeetingData(
            kind=data["kind"],
            title=data["title"],
            starts_at=starts_at,
            duration_minutes=data["duration_minutes"],
            chair=data["chair"],
            place=data["place"],
            district=data["district"],
            department=data["department"] if "department" in self.fields else department,
            secretary=data["secretary"],
            participants=list(data["participants"]),
            guests=data["guests"],
            field_visit=data["visit"],
        )


class AgendaItemForm(PortalForm):
    """An item of the agenda: its title, its reporter (from the portal or from outside) and its
    materials."""

    title = forms.CharField(label=_("Agenda item"), max_length=TITLE_MAX_LENGTH)
    reporter = forms.ModelChoiceField(
        label=_("Reporter"),
        queryset=User.objects.none(),
        required=False,
        error_messages=PEOPLE_ERRORS,
    )
    reporter_name = forms.CharField(
        label=_("Or a reporter from outside"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("Full name and organisation, when the reporter is not a person of the portal."),
    )
    # Named as the service names its errors ("files"); the form metaclass moves declared fields
    # into base_fields, so the instance's own `files` (the uploads) is untouched at run time.
    files = MultipleFileField(  # type: ignore[assignment]
        max_files=FILES_MAX,
        max_bytes=agenda.FILE_MAX_BYTES,
        label=_("Materials"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "reporter")
        field.queryset = active_people()
        label_choices(field, person_label)
        self.fields["files"].help_text = _files_help()


class AgendaFilesForm(PortalForm):
    """More materials to an agenda item."""

    files = MultipleFileField(  # type: ignore[assignment]
        max_files=FILES_MAX, max_bytes=agenda.FILE_MAX_BYTES, label=_("Materials")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()


def _files_help() -> str:
    # Set on the instance: the numbers go into the text in the page's language.
    return gettext("Up to %(count)s files of at most %(size)s MB each.") % {
        "count": FILES_MAX,
        "size": agenda.FILE_MAX_BYTES // (1024 * 1024),
    }
