"""The protocol's forms: the draft (what was heard and a formset of decisions) and the amendment.
The rules (a decision ready for the sign-off, a deadline not passed, a decision of this protocol)
are the services'; the forms read the input and offer the people a decision may be given to.

The people are loaded once per page (`people_for`) and shared by every row's two selects, so a
protocol of fifty decisions costs one query for them, not a hundred."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from akimat.forms import PortalForm
from akimat.models import Department, User
from meetings.models import DECISIONS_MAX, TEXT_MAX_LENGTH, Amendment, Decision, Meeting
from meetings.services import DecisionData

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# What the heard part may hold (the service's bound: four decisions' worth of text).
HEARD_MAX_LENGTH = TEXT_MAX_LENGTH * 4


def people_for(meeting: Meeting) -> list[User]:
    """Whom a decision may be given to: the active people of the meeting's directorate, its
    chair, secretary, participants and reporters, and the heads of directorates (a deputy's
    meeting gives its decisions to them). One query."""
    heads = Department.objects.filter(head__isnull=False).values("head_id")
    people = (
        Q(pk__in=[meeting.chair_id, meeting.secretary_id])
        | Q(pk__in=heads)
        | Q(meetings_attended=meeting)
        | Q(agenda_items__meeting=meeting)
    )
    if meeting.department_id:
        people |= Q(department_id=meeting.department_id)
    chosen = User.objects.filter(people, is_active=True).values("pk")
    return list(
        User.objects.filter(pk__in=chosen)
        .select_related("department")
        .order_by("last_name", "first_name", "pk")
    )


def _label(user: User) -> str:
    department = user.department.name if user.department_id and user.department else ""
    return f"{user} — {department}" if department else str(user)


class PersonField(forms.ChoiceField):
    """One person of a list loaded beforehand; cleans to the User."""

    default_error_messages = {"invalid_choice": _("Choose people of the portal from the list.")}

    def __init__(self, *, people: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_people(people)

    def set_people(self, people: Sequence[User]) -> None:
        self.people = {str(person.pk): person for person in people}
        self.choices = [("", "—"), *((key, _label(p)) for key, p in self.people.items())]

    def clean(self, value: Any) -> User | None:
        key = super().clean(value)
        return self.people[key] if key else None


class PeopleField(forms.MultipleChoiceField):
    """Several people of a list loaded beforehand; cleans to a list of Users."""

    default_error_messages = {"invalid_choice": _("Choose people of the portal from the list.")}

    def set_people(self, people: Sequence[User]) -> None:
        self.people = {str(person.pk): person for person in people}
        self.choices = [(key, _label(p)) for key, p in self.people.items()]

    def clean(self, value: Any) -> list[User]:
        return [self.people[key] for key in super().clean(value)]


class HeardForm(PortalForm):
    heard = forms.CharField(
        label=_("Heard"),
        required=False,
        max_length=HEARD_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was reported: the reporters and the substance of their reports."),
    )


class DecisionForm(PortalForm):
    text = forms.CharField(
        label=_("Decision"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible = PersonField(label=_("Responsible"), required=False)
    co_executors = PeopleField(
        label=_("Co-executors"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, people: Sequence[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("responsible", "co_executors"):
            field = self.fields[name]
            assert isinstance(field, PersonField | PeopleField)
            field.set_people(people)

    def data_for_service(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(
            text=data["text"],
            responsible=data["responsible"],
            co_executors=data["co_executors"],
            deadline=data["deadline"],
        )


if TYPE_CHECKING:
    FormSetBase = forms.BaseFormSet[DecisionForm]
else:  # BaseFormSet is generic only in the stubs
    FormSetBase = forms.BaseFormSet


class BaseDecisionFormSet(FormSetBase):
    def decisions(self) -> list[DecisionData]:
        """The rows as typed, in order; a row left entirely blank is skipped."""
        return [
            form.data_for_service()
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


# formset_factory builds a subclass of `formset`; the stubs type it as the base class.
DecisionFormSet: type[BaseDecisionFormSet] = forms.formset_factory(  # type: ignore[assignment]
    DecisionForm,
    formset=BaseDecisionFormSet,
    extra=0,
    max_num=DECISIONS_MAX,
    validate_max=True,
    absolute_max=DECISIONS_MAX,
)
PREFIX = "decisions"
ROW_FIELDS = ("text", "responsible", "deadline")


def rows_from_post(data: Any) -> list[dict[str, Any]]:
    """The decision rows a sent form holds, as initial values (raw strings), in order: what the
    editor draws again after "add a decision" or "remove" without storing anything."""
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", 0)), DECISIONS_MAX)
    except (TypeError, ValueError):
        total = 0
    rows = []
    for index in range(max(total, 0)):
        row: dict[str, Any] = {
            name: data.get(f"{PREFIX}-{index}-{name}", "") for name in ROW_FIELDS
        }
        row["co_executors"] = data.getlist(f"{PREFIX}-{index}-co_executors")
        rows.append(row)
    return rows


def rows_from_protocol(decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    return [
        {
            "text": d.text,
            "responsible": str(d.responsible_id or ""),
            "co_executors": [str(u.pk) for u in d.co_executors.all()],
            "deadline": d.deadline.isoformat() if d.deadline else "",
        }
        for d in decisions
    ]


class AmendForm(PortalForm):
    change = forms.ChoiceField(
        label=_("What changes"), choices=Amendment.Change.choices, widget=forms.RadioSelect
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        help_text=_("For a changed deadline or a cancelled decision."),
        error_messages={"invalid_choice": _("Choose a decision of this protocol.")},
    )
    new_deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("Text of the new decision"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible = PersonField(label=_("Responsible"), required=False)
    co_executors = PeopleField(
        label=_("Co-executors"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        decisions: Sequence[Decision],
        people: Sequence[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.live = {str(d.pk): d for d in decisions if not d.cancelled}
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            *((key, f"{d.position}. {str(d)}") for key, d in self.live.items()),
        ]
        for name in ("responsible", "co_executors"):
            person_field = self.fields[name]
            assert isinstance(person_field, PersonField | PeopleField)
            person_field.set_people(people)

    def clean_decision(self) -> Decision | None:
        key = self.cleaned_data["decision"]
        return self.live[key] if key else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        change = cleaned.get("change")
        if change == Amendment.Change.ADD:
            if not cleaned.get("text"):
                self.add_error("text", _("Write the new decision."))
        elif change in (Amendment.Change.DEADLINE, Amendment.Change.CANCEL):
            if "decision" in cleaned and cleaned["decision"] is None:
                self.add_error("decision", _("Choose a decision of this protocol."))
            if change == Amendment.Change.DEADLINE and cleaned.get("new_deadline", 0) is None:
                self.add_error("new_deadline", _("Give a deadline that has not passed."))
        return cleaned

    def new_decision(self) -> DecisionData | None:
        data = self.cleaned_data
        if data["change"] != Amendment.Change.ADD:
            return None
        return DecisionData(
            text=data["text"],
            responsible=data["responsible"],
            co_executors=data["co_executors"],
            deadline=data["deadline"],
        )
