"""The change reasons of the audit history: stored as English msgids (each literal marked with
`gettext_noop`, so makemessages collects it), shown in the reader's language by `as_text`.

A reason that carries data — a person's words, a desk's number — is stored as "<msgid>: <data>"
(`with_data`); only the msgid part is translated when shown.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext, gettext_noop

# A date in a reason is written as ru and kk write it (the reason is stored once, for every reader).
DATA_DATE_FORMAT = "%d.%m.%Y"
# The history field's length (django-simple-history: max_length=100).
REASON_MAX_LENGTH = 100
SEPARATOR = ": "
DEADLINE_MOVED = gettext_noop("deadline moved")


def with_data(reason: str, data: object) -> str:
    """A reason followed by data that is not translated (cut to the history field's length)."""
    if isinstance(data, dt.date):
        data = data.strftime(DATA_DATE_FORMAT)
    return f"{reason}{SEPARATOR}{data}"[:REASON_MAX_LENGTH]


def as_text(reason: str | None) -> str:
    """A stored reason in the active language; one the catalogues do not know is shown as is."""
    if not reason:
        return ""  # gettext("") would return the catalogue's header
    translated = gettext(reason)
    if translated != reason:
        return translated
    head, separator, data = reason.partition(SEPARATOR)
    if separator and head:
        return f"{gettext(head)}{separator}{data}"
    return reason
