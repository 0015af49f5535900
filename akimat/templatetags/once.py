"""`{% once_field %}`: the hidden token that makes a form create once (see akimat/once.py)."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from akimat.once import FIELD

register = template.Library()


@register.simple_tag
def once_field() -> SafeString:
    """A fresh token each time the form is drawn: a redrawn form may be sent again."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
