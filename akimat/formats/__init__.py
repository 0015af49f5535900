"""The portal's own date and number formats (settings.FORMAT_MODULE_PATH), one package a language.

Django has no `kk` module, so Kazakh would fall back to English ("N j, Y", a 12-hour clock,
"m/d/Y" input); `ru` takes Django's values and reads dd.mm.yyyy first. `en` keeps Django's.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def long_date(value: dt.date | dt.datetime) -> str:
    """The weekday and the date in the active language's DATE_FORMAT: «жексенбі, 6 желтоқсан
    2026 ж.», «воскресенье, 6 декабря 2026 г.», "Sunday, Dec. 6, 2026" (no format has both)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{formats.date_format(value, 'l')}, {formats.date_format(value, 'DATE_FORMAT')}"
