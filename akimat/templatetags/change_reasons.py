"""`{{ record.history_change_reason|change_reason }}`: a history record's reason in the reader's
language (see akimat.change_reasons)."""

from __future__ import annotations

from django import template

from akimat.change_reasons import as_text

register = template.Library()


@register.filter
def change_reason(reason: str | None) -> str:
    return as_text(reason)
