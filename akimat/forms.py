"""The base of every form of the portal: submitted data goes through the input-cleaning layer
(`akimat.cleaning`) before any field sees it, every date field keeps to 1900–2100, and every
decimal field reads the language's decimal separator («7,5» in ru and kk, as the pages show it).

Every form in the apps derives from `PortalForm` or `PortalModelForm` (a test walks them all),
so a new form cannot forget the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from akimat.cleaning import (
    EARLIEST_DATE,
    LATEST_DATE,
    NUL_MESSAGE,
    clean_data,
    validate_date_range,
)

DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
DECIMAL_FIELDS = (forms.DecimalField, forms.FloatField)


def localize_number_field(field: forms.Field) -> None:
    """Read and show the field in the active language («7,5»). A type=number input cannot hold
    a comma (the browser sends nothing), so it becomes a text input with a decimal keypad."""
    if field.localize:
        return
    field.localize = True
    field.widget.is_localized = True
    if isinstance(field.widget, forms.NumberInput):
        attrs = {k: v for k, v in field.widget.attrs.items() if k not in {"min", "max", "step"}}
        field.widget = forms.TextInput(attrs={"inputmode": "decimal", **attrs})
        field.widget.is_localized = True


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field `name` (single or multiple), typed as one: `form.fields`
    holds plain `Field`s, which have no queryset or label_from_instance."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field


def label_choices(field: forms.ModelChoiceField[Any], label: Callable[[Any], str]) -> None:
    """Show the field's choices as `label` draws them, the way Django's documentation shows:
    an attribute of this one field instance that stands in for the method."""
    # mypy forbids assigning to a method; here that is the point (a per-instance override).
    field.label_from_instance = label  # type: ignore[method-assign,assignment]


if TYPE_CHECKING:
    # The base of a mixin that is only ever mixed into forms: checked as a form, a plain class
    # at run time.
    FormMixinBase = forms.BaseForm
else:
    FormMixinBase = object


class CleanInputMixin(FormMixinBase):
    """Cleans the bound data (see `akimat.cleaning`), refuses NUL by field, bounds dates and
    localizes decimal fields."""

    cleans_input = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: forms.BaseForm = self
        self.nul_keys: set[str] = set()
        if form.is_bound:
            form.data, self.nul_keys = clean_data(form.data)
        self._prepare_fields()

    def _prepare_fields(self) -> None:
        # Also called from full_clean: some forms add fields after __init__.
        form: forms.BaseForm = self
        for field in form.fields.values():
            if isinstance(field, DECIMAL_FIELDS):
                localize_number_field(field)
            if isinstance(field, DATE_FIELDS) and validate_date_range not in field.validators:
                field.validators.append(validate_date_range)
                if isinstance(field.widget, forms.DateInput):
                    field.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
                    field.widget.attrs.setdefault("max", LATEST_DATE.isoformat())

    def full_clean(self) -> None:
        self._prepare_fields()
        super().full_clean()
        form: forms.BaseForm = self
        if not form.is_bound:
            return
        for name in form.fields:
            if form.add_prefix(name) in self.nul_keys:
                form.add_error(name, NUL_MESSAGE)


class PortalForm(CleanInputMixin, forms.Form):
    pass


class PortalModelForm(CleanInputMixin, forms.ModelForm):
    pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe: its FileField takes one): at most
    `max_files`, and, with `max_bytes`, each judged by its size before anything is stored, so a
    refused form leaves no stray file on the disk."""

    def __init__(self, *, max_files: int, max_bytes: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)
        self.max_files = max_files
        self.max_bytes = max_bytes

    def clean(self, data: object, initial: object = None) -> list[object]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if len(items) > self.max_files:
            raise ValidationError(
                _("At most %(count)s files at once, please.") % {"count": self.max_files}
            )
        files = [super(MultipleFileField, self).clean(item, initial) for item in items]
        limit = self.max_bytes
        if limit is not None and any(
            getattr(f, "size", None) is None or f.size > limit for f in files
        ):
            raise ValidationError(
                _("A file can be at most %(size)s MB.") % {"size": limit // (1024 * 1024)}
            )
        return files
