"""The base of every form of the portal: submitted data goes through the input-cleaning layer
(`akimat.cleaning`) before any field sees it, every date field keeps to 1900–2100, and every
decimal field reads the language's decimal separator («7,5» in ru and kk, as the pages show it).

Every form in the apps derives from `PortalForm` or `PortalModelForm` (a test walks them all),
so a new form cannot forget the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms

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


class CleanInputMixin:
    """Cleans the bound data (see `akimat.cleaning`), refuses NUL by field, bounds dates and
    localizes decimal fields."""

    cleans_input = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: forms.BaseForm = self  # type: ignore[assignment]
        self.nul_keys: set[str] = set()
        if form.is_bound:
            form.data, self.nul_keys = clean_data(form.data)
        self._prepare_fields()

    def _prepare_fields(self) -> None:
        # Also called from full_clean: some forms add fields after __init__.
        form: forms.BaseForm = self  # type: ignore[assignment]
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
        super().full_clean()  # type: ignore[misc]
        form: forms.BaseForm = self  # type: ignore[assignment]
        if not form.is_bound:
            return
        for name in form.fields:
            if form.add_prefix(name) in self.nul_keys:
                form.add_error(name, NUL_MESSAGE)


class PortalForm(CleanInputMixin, forms.Form):
    pass


class PortalModelForm(CleanInputMixin, forms.ModelForm):
    pass
