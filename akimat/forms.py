"""The base of every form of the portal: submitted data goes through the input-cleaning layer
(`akimat.cleaning`) before any field sees it, and every date field keeps to 1900–2100.

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


class CleanInputMixin:
    """Cleans the bound data (see `akimat.cleaning`), refuses NUL by field, bounds dates."""

    cleans_input = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: forms.BaseForm = self  # type: ignore[assignment]
        self.nul_keys: set[str] = set()
        if form.is_bound:
            form.data, self.nul_keys = clean_data(form.data)
        self._bound_dates()

    def _bound_dates(self) -> None:
        # Also called from full_clean: some forms add fields after __init__.
        form: forms.BaseForm = self  # type: ignore[assignment]
        for field in form.fields.values():
            if isinstance(field, DATE_FIELDS) and validate_date_range not in field.validators:
                field.validators.append(validate_date_range)
                if isinstance(field.widget, forms.DateInput):
                    field.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
                    field.widget.attrs.setdefault("max", LATEST_DATE.isoformat())

    def full_clean(self) -> None:
        self._bound_dates()
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
