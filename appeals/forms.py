"""The registration form of an appeal. The rules (who may be anonymous, what an oral appeal
needs, the future) are the service's (`services.register_appeal`); the form reads the input, and
judges an identifier or a phone by the same functions the service calls, so every mistake of a
form is shown at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from akimat.forms import MultipleFileField, PortalForm
from akimat.identifiers import checked_identifier, validate_bin, validate_iin
from akimat.models import Language
from appeals import services
from appeals.models import NAME_MAX_LENGTH, TEXT_MAX_LENGTH, Channel, Kind, Topic
from appeals.services import FILE_MAX_BYTES, FILES_MAX, Applicant
from reception.services import normalise_phone

# The applicant's language: the coupon and the answer are in Kazakh or Russian.
APPLICANT_LANGUAGES = [(Language.RU, Language.RU.label), (Language.KK, Language.KK.label)]
RECEIVED_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LanguageSelect(forms.Select):
    """Each language named in itself and marked with its own `lang` (WCAG 3.1.2), as the
    desk's language list is."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


def grouped_topics(topics: Iterable[Topic]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Topics grouped by directorate, names in the active language, for <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for topic in topics:
        groups.setdefault(topic.department.name, []).append((str(topic.pk), topic.name))
    return sorted(groups.items())


class RegisterForm(PortalForm):
    visit = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=_("How it came"),
        choices=Channel.choices,
        initial=Channel.WRITTEN,
        widget=forms.RadioSelect,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), error_messages={"invalid_choice": _("Choose a topic from the list.")}
    )
    summary = forms.CharField(
        label=_("Summary of the appeal"),
        max_length=300,
        help_text=_("One line: what the applicant asks or reports."),
    )
    text = forms.CharField(
        label=_("Text of the appeal"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A written or electronic appeal: its text, or attach the scanned letter."),
    )
    # Named as the service names its errors ("files"); the form metaclass moves declared fields
    # into base_fields, so the instance's own `files` (the uploads) is untouched at run time.
    files = MultipleFileField(  # type: ignore[assignment]
        max_files=services.FILES_MAX,
        max_bytes=services.FILE_MAX_BYTES,
        label=_("Scanned letter and enclosures"),
        required=False,
    )
    protocol = forms.CharField(
        label=_("Protocol of the oral appeal"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("An oral appeal: write down what the applicant said."),
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        widget=RECEIVED_WIDGET,
        help_text=_(
            "Now, or earlier for a letter that came before; never in the future. An appeal "
            "received on a non-working day is registered on the next working day."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous (a proposal or a response only)"), required=False
    )
    applicant_name = forms.CharField(
        label=_("Applicant's full name"), required=False, max_length=NAME_MAX_LENGTH
    )
    applicant_iin = forms.CharField(label=_("IIN"), required=False, max_length=20)
    applicant_phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    applicant_address = forms.CharField(label=_("Postal address"), required=False, max_length=300)
    organisation_name = forms.CharField(label=_("Organisation"), required=False, max_length=300)
    organisation_bin = forms.CharField(label=_("BIN"), required=False, max_length=20)
    language = forms.ChoiceField(
        label=_("Applicant's language"),
        choices=APPLICANT_LANGUAGES,
        initial=Language.RU,
        widget=LanguageSelect,
        help_text=_("The coupon and the answer are written in it."),
    )

    def __init__(self, *args: Any, topics: Iterable[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics = {topic.pk: topic for topic in topics}
        field = self.fields["topic"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *grouped_topics(self.topics.values())]
        # Set here, not on the class: the numbers go into the text in the page's language.
        self.fields["files"].help_text = gettext(
            "Up to %(count)s files of at most %(size)s MB each."
        ) % {"count": FILES_MAX, "size": FILE_MAX_BYTES // (1024 * 1024)}

    def clean_topic(self) -> Topic:
        try:
            return self.topics[int(self.cleaned_data["topic"])]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("Choose a topic from the list.")) from None

    def clean_applicant_iin(self) -> str:
        return checked_identifier(self.cleaned_data["applicant_iin"], validate_iin)

    def clean_organisation_bin(self) -> str:
        return checked_identifier(self.cleaned_data["organisation_bin"], validate_bin)

    def clean_applicant_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["applicant_phone"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["phone"]) from None

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["applicant_name"],
            iin=data["applicant_iin"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            organisation=data["organisation_name"],
            bin=data["organisation_bin"],
            language=data["language"],
        )


def initial_from(applicant: Applicant) -> dict[str, object]:
    """The form's applicant fields filled from what a visit carries over."""
    return {
        "applicant_name": applicant.name,
        "applicant_iin": applicant.iin,
        "applicant_phone": applicant.phone,
        "organisation_name": applicant.organisation,
        "organisation_bin": applicant.bin,
        "language": applicant.language if applicant.language == Language.KK else Language.RU,
    }
