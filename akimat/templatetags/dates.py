"""Dates in the active language's formats (akimat/formats): `{{ day|long_date }}`."""

from __future__ import annotations

import datetime as dt

from django import template

from akimat import formats

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def long_date(value: dt.date | dt.datetime | None) -> str:
    """«жексенбі, 6 желтоқсан 2026 ж.»; empty for no date."""
    return formats.long_date(value) if value else ""
