"""The forms of the deputy's month. They read what was typed; the rules are the services'
(meetings/visits.py, reception.services.receive_in_person), whatever the source."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from akimat.forms import MultipleFileField, PortalForm, label_choices, model_choice_field
from akimat.models import User
from meetings import visits
from meetings.models import (
    FILES_MAX,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    District,
    FieldVisit,
)
from reception.models import PURPOSE_MAX_LENGTH, Outcome, Service, VisitorKind
from reception.services import IN_PERSON_OUTCOMES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanVisitForm(PortalForm):
    deputy = forms.ModelChoiceField(label=_("Deputy akim"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=FieldVisit.Kind.choices)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.filter(is_active=True)
    )
    sphere = forms.CharField(
        label=_("Sphere"),
        required=False,
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What the visit is about: roads, schools, agriculture…"),
    )
    planned_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)

    def __init__(self, *args: Any, deputies: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if deputies is None:
            del self.fields["deputy"]
        else:
            field = model_choice_field(self, "deputy")
            field.queryset = deputies
            label_choices(field, lambda person: person.get_full_name() or person.username)


class RescheduleForm(PortalForm):
    planned_on = forms.DateField(label=_("New date"), widget=DATE_INPUT)


class HoldForm(PortalForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT)
    assessment = forms.CharField(
        label=_("Assessment"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The deputy's assessment of the district's work and what was decided."),
    )


class ResidentForm(PortalForm):
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=NAME_MAX_LENGTH)
    iin = forms.CharField(label=_("IIN"), required=False, max_length=20)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    consent = forms.BooleanField(
        label=_("The resident consents to the processing of personal data"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Comes as"), choices=VisitorKind.choices, initial=VisitorKind.CITIZEN
    )
    service = forms.ModelChoiceField(
        label=_("Question"),
        queryset=Service.objects.none(),
        help_text=_("The service of the catalogue the question belongs to."),
    )
    purpose = forms.CharField(
        label=_("What the resident asked"),
        max_length=PURPOSE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, o.label) for o in Outcome if o in IN_PERSON_OUTCOMES],
        initial=Outcome.CONSULTATION,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "service")
        field.queryset = Service.objects.filter(is_active=True).select_related("department")
        label_choices(field, lambda s: f"{s.department.name}: {s.name}")


class SiteForm(PortalForm):
    name = forms.CharField(label=_("Site"), max_length=NAME_MAX_LENGTH)
    address = forms.CharField(label=_("Address"), required=False, max_length=NAME_MAX_LENGTH)
    found = forms.CharField(
        label=_("What was found"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        max_files=FILES_MAX,
        max_bytes=visits.PHOTO_MAX_BYTES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = gettext(
            "JPEG, PNG, GIF or WebP; at most %(count)s, each up to %(size)s MB."
        ) % {"count": FILES_MAX, "size": visits.PHOTO_MAX_BYTES // (1024 * 1024)}
