"""The forms of one appeal's life: the executor, the extension and its notice, the redirect and
the answer. They check the shape of the input only; the rules (who may, the law's dates) are
the services', which every view calls after the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from akimat.forms import MultipleFileField, PortalForm, label_choices, model_choice_field
from akimat.models import User
from appeals.models import TEXT_MAX_LENGTH, Appeal, Decision
from appeals.services import FILE_MAX_BYTES, FILES_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BODY_MAX_LENGTH = 300


def directorate_people(appeal: Appeal) -> QuerySet[User]:
    """Who may execute the appeal: the active people of the directorate that considers it."""
    return User.objects.filter(is_active=True, department_id=appeal.department_id).order_by(
        "last_name", "first_name", "username"
    )


class LifeForm(PortalForm):
    """The page draws several of these forms at once: each field's id starts with its form's
    own prefix, so two fields of one name ("reason") never share an id or a label."""

    id_prefix = "life"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def _person(user: User) -> str:
    position = user.position
    return f"{user} ({position})" if position else str(user)


class AssignForm(LifeForm):
    id_prefix = "assign"

    executor = forms.ModelChoiceField(label=_("Executor"), queryset=User.objects.none())
    co_executors = forms.ModelMultipleChoiceField(
        label=_("Co-executors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("executor", "co_executors"):
            field = model_choice_field(self, name)
            field.queryset = directorate_people(appeal)
            label_choices(field, _person)
        if appeal.executor_id:
            self.fields["executor"].initial = appeal.executor_id


class ExtendForm(LifeForm):
    id_prefix = "extend"

    new_deadline = forms.DateField(label=_("New term"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reasons for the extension"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExtensionNoticeForm(LifeForm):
    id_prefix = "notice"

    day = forms.DateField(
        label=_("The applicant was told on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Empty: today."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()


class RedirectForm(LifeForm):
    id_prefix = "redirect"

    # Not `required`: an empty one reaches the service, which names what is missing in words of
    # the law ("Name the body the appeal is sent to") rather than "This field is required".
    body = forms.CharField(
        label=_("The competent body"), max_length=BODY_MAX_LENGTH, required=False
    )
    reason = forms.CharField(
        label=_("Why it is not in the akimat's competence"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notice_on = forms.DateField(
        label=_("The applicant was told on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Empty: today."),
    )


class AnswerForm(LifeForm):
    id_prefix = "answer"

    answer = forms.CharField(
        label=_("Text of the answer"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *Decision.choices])
    files = MultipleFileField(  # type: ignore[assignment]  # a list of files, not one
        max_files=FILES_MAX,
        max_bytes=FILE_MAX_BYTES,
        label=_("The signed answer and enclosures"),
        required=False,
    )
