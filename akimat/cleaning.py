"""The one input-cleaning layer: every form (through `akimat.forms.PortalForm` /
`PortalModelForm`) and every query parameter (through `query_text` / `query_int` /
`query_date` / `query_data`) passes through these rules, so no screen can forget them.

Text
  - NUL (U+0000) is refused: a form field says so in the person's language and nothing is
    saved; a query parameter carrying it counts as absent (PostgreSQL cannot store it, and
    psycopg raises DataError on it).
  - Every other C0/C1 control character is removed, except TAB and LF; a CR is a line end, so
    CRLF and a lone CR become LF (browsers send textareas with CRLF). Removed rather than refused:
    they arrive by copy-paste from Word and PDFs, and the person never sees them.
  - Bidi embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069) are removed:
    they make text display differently from what is stored ("Trojan Source").
  - Whitespace and invisible characters (zero-width space, non-joiner, joiner, word joiner,
    BOM, LRM/RLM) are stripped from both ends, so text made only of them is empty and a
    required field says "required". Inside the text a zero-width joiner is kept: it is part of
    emoji and of some scripts.

Dates
  - Only 1900-01-01 … 2100-12-31 (`EARLIEST_DATE`, `LATEST_DATE`): year 1 or 9999 overflow
    date arithmetic (OverflowError) and are never a real deadline, document or absence.

File names
  - `stored_file_name` gives the name a file is stored under (short enough for any
    filesystem, extension kept); `display_file_name` the cleaned original shown to people.

Why hand-written: the rules are a few `str.translate` tables and comparisons; no maintained
library cleans form input this way (bleach/nh3 clean HTML, not plain text, and
django-sanitizer-style packages are unmaintained), and Django's own `ProhibitNullCharactersValidator`
covers only NUL in CharFields.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

NUL = "\x00"
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# The longest free text a query parameter may carry (a search box); longer input is cut.
QUERY_MAX_LENGTH = 200
# Bytes, not characters: a Cyrillic letter is two bytes in UTF-8, and filesystems count bytes
# (255 per name). The storage adds a timestamp prefix and the folder.
STORED_NAME_MAX_BYTES = 120
DISPLAY_NAME_MAX_LENGTH = 200
# An extension longer than this is part of the name, not a type ("report.final-version-2").
EXTENSION_MAX_LENGTH = 10

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"
_CONTROLS = {
    code: None
    for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))
    if chr(code) not in "\n\t\x00"
}
_TABLE = {**_CONTROLS, **{ord(char): None for char in BIDI_CONTROLS}}
_EDGES = re.compile(rf"^[\s{INVISIBLE}]+|[\s{INVISIBLE}]+\Z")

NUL_MESSAGE = _("The text contains a NUL character; remove it, please.")


def clean_text(value: str) -> str:
    """`value` by the text rules above, NUL removed (callers that must refuse it check first)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace(NUL, "")
    return _EDGES.sub("", value.translate(_TABLE))


def validate_no_nul(value: object) -> None:
    if isinstance(value, str) and NUL in value:
        raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")


def validate_date_range(value: dt.date | None) -> None:
    """A date (or the date of a datetime) within 1900–2100."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={
                "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "latest": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
        )


class CleanedQuery(QueryDict):
    """Parameters already cleaned; remembers which carried NUL, so a form given them (cleaned
    once more, harmlessly) still refuses those fields by name."""

    nul_keys: set[str]


def clean_data(data: Mapping[str, Any]) -> tuple[QueryDict | dict[str, Any], set[str]]:
    """A form's submitted data with every text value cleaned, and the keys that carried NUL."""
    nul_keys: set[str] = set()

    def clean(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if NUL in value:
            nul_keys.add(key)
        return clean_text(value)

    if isinstance(data, QueryDict) or hasattr(data, "lists"):
        cleaned = CleanedQuery(mutable=True)
        for key, values in data.lists():
            cleaned.setlist(key, [clean(key, value) for value in values])
        nul_keys |= getattr(data, "nul_keys", set())
        cleaned.nul_keys = nul_keys
        cleaned._mutable = False
        return cleaned, nul_keys
    return {
        key: [clean(key, v) for v in value]
        if isinstance(value, list | tuple)
        else clean(key, value)
        for key, value in data.items()
    }, nul_keys


# --- query parameters ------------------------------------------------------------------------
# A bad value (NUL, not a number, not a date, a date outside 1900–2100) counts as absent, so a
# page falls back to its default instead of failing.


def query_text(request: HttpRequest, name: str, *, max_length: int = QUERY_MAX_LENGTH) -> str:
    """A text parameter, cleaned and cut to `max_length`; "" when absent or carrying NUL."""
    raw = request.GET.get(name, "")
    if NUL in raw:
        return ""
    return clean_text(raw)[:max_length]


def query_present(request: HttpRequest, name: str) -> bool:
    """Whether the parameter was sent at all (some pages answer a fragment when it is)."""
    return name in request.GET


def query_int(request: HttpRequest, name: str) -> int | None:
    """A positive whole number (an id, a page); None when absent or anything else."""
    raw = query_text(request, name, max_length=18)
    return int(raw) if raw.isascii() and raw.isdecimal() else None


def query_date(request: HttpRequest, name: str) -> dt.date | None:
    """A YYYY-MM-DD date within 1900–2100; None when absent or anything else."""
    return parse_date(query_text(request, name, max_length=10))


def parse_date(raw: str | None) -> dt.date | None:
    """A YYYY-MM-DD text as a date within 1900–2100; None for anything else."""
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def query_data(request: HttpRequest) -> QueryDict:
    """All query parameters, cleaned, for a filter form (which still refuses NUL by name)."""
    cleaned, _nul_keys = clean_data(request.GET)
    assert isinstance(cleaned, QueryDict)  # a QueryDict's cleaned data is one too
    return cleaned


# --- file names ------------------------------------------------------------------------------


def _split_extension(name: str) -> tuple[str, str]:
    stem, extension = os.path.splitext(name)
    if len(extension) > EXTENSION_MAX_LENGTH + 1 or not extension[1:].isalnum():
        return name, ""
    return stem, extension


def display_file_name(name: str | None, *, max_length: int = DISPLAY_NAME_MAX_LENGTH) -> str:
    """The uploaded file's own name, cleaned and shortened (extension kept), for display."""
    base = clean_text((name or "").replace("\\", "/").rsplit("/", 1)[-1]) or "file"
    stem, extension = _split_extension(base)
    return stem[: max(1, max_length - len(extension))] + extension


def stored_file_name(name: str | None, *, max_bytes: int = STORED_NAME_MAX_BYTES) -> str:
    """A name safe to store on any filesystem: the display name, NFC, cut to `max_bytes` of
    UTF-8 at a character boundary, the extension kept."""
    stem, extension = _split_extension(unicodedata.normalize("NFC", display_file_name(name)))
    room = max_bytes - len(extension.encode())
    stem = stem.encode()[:room].decode(errors="ignore") or "file"
    return stem + extension
