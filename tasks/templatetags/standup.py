"""What the blockers form needs wherever it is included: today's text and the length limit."""

from __future__ import annotations

from django import template
from django.utils import timezone

from tasks.models import TEXT_MAX_LENGTH, StandupNote

register = template.Library()


@register.simple_tag(takes_context=True)
def todays_blockers(context: template.Context) -> str:
    """The signed-in person's blockers for today (one query), for a page that includes the form
    without them, such as My tasks."""
    user = context["request"].user
    note = StandupNote.objects.filter(user=user, date=timezone.localdate()).first()
    return note.blockers if note else ""


@register.simple_tag
def blockers_max_length() -> int:
    return TEXT_MAX_LENGTH
