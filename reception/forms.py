from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from akimat.forms import FormMixinBase, PortalForm, model_choice_field
from akimat.identifiers import checked_identifier, validate_bin, validate_iin
from akimat.models import Language
from reception.models import (
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    Desk,
    Outcome,
    PriorityGround,
    Service,
    ServiceDocument,
    Visitor,
    VisitorKind,
)
from reception.services import VISITOR_BACK_NOTE_MAX_LENGTH, normalise_phone


def grouped_services(services: Iterable[Service]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Services grouped by directorate, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for service in services:
        label = f"{service.prefix} · {service.name}"
        if getattr(service, "is_closed", False):
            label += " — " + str(_("not receiving today"))
        groups.setdefault(service.department.name, []).append((str(service.pk), label))
    return list(groups.items())


class ServiceChoiceMixin(FormMixinBase):
    """A service picked among the ones given to the form (one query builds the list)."""

    def set_services(self, services: Iterable[Service]) -> None:
        self.services = {s.pk: s for s in services}
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            *grouped_services(self.services.values()),
        ]

    def clean_service(self) -> Service:
        raw = self.cleaned_data["service"]
        try:
            return self.services[int(raw)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("Choose a service from the list.")) from None


class RegisterForm(ServiceChoiceMixin, PortalForm):
    visitor = forms.ModelChoiceField(
        queryset=Visitor.objects.all(), required=False, widget=forms.HiddenInput
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=NAME_MAX_LENGTH)
    iin = forms.CharField(label=_("IIN"), required=False, max_length=20)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    organisation_name = forms.CharField(label=_("Organisation"), required=False, max_length=300)
    bin = forms.CharField(label=_("BIN"), required=False, max_length=20)
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.RU
    )
    kind = forms.ChoiceField(
        label=_("Comes as"),
        choices=VisitorKind.choices,
        initial=VisitorKind.ENTREPRENEUR,
        widget=forms.RadioSelect,
    )
    service = forms.ChoiceField(label=_("Service"))
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=PURPOSE_MAX_LENGTH)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=PriorityGround.choices, required=False
    )
    consent = forms.BooleanField(
        label=_("The visitor consents to the processing of personal data"), required=False
    )

    def __init__(self, *args: object, services: Iterable[Service], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.set_services(services)

    def clean_iin(self) -> str:
        return checked_identifier(self.cleaned_data["iin"], validate_iin)

    def clean_bin(self) -> str:
        return checked_identifier(self.cleaned_data["bin"], validate_bin)

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["phone"]) from None


class OpenDeskForm(PortalForm):
    desk = forms.ModelChoiceField(label=_("Desk"), queryset=Desk.objects.none())
    services = forms.ModelMultipleChoiceField(
        label=_("Services I serve"),
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: object, desks: QuerySet[Desk], services: QuerySet[Service], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "desk").queryset = desks
        model_choice_field(self, "services").queryset = services


class FinishForm(PortalForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    missing_documents = forms.ModelMultipleChoiceField(
        label=_("Missing documents"),
        queryset=ServiceDocument.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_document = forms.CharField(
        label=_("Another document"), required=False, max_length=NAME_MAX_LENGTH
    )


class TransferForm(ServiceChoiceMixin, PortalForm):
    service = forms.ChoiceField(label=_("Transfer to"))

    def __init__(self, *args: object, services: Iterable[Service], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.set_services(services)


class VisitorBackForm(PortalForm):
    note = forms.CharField(
        label=_("What the visitor brought (optional)"),
        required=False,
        max_length=VISITOR_BACK_NOTE_MAX_LENGTH,
    )
