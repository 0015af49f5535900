"""The portal's own date and number formats (settings.FORMAT_MODULE_PATH), one package a language.

Django has no `kk` module, so Kazakh would fall back to English ("N j, Y", a 12-hour clock,
"m/d/Y" input); `ru` takes Django's values and reads dd.mm.yyyy first. `en` keeps Django's.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import ngettext


def long_date(value: dt.date | dt.datetime) -> str:
    """The weekday and the date in the active language's DATE_FORMAT: «жексенбі, 6 желтоқсан
    2026 ж.», «воскресенье, 6 декабря 2026 г.», "Sunday, Dec. 6, 2026" (no format has both)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{formats.date_format(value, 'l')}, {formats.date_format(value, 'DATE_FORMAT')}"


def hours(value: Decimal | float) -> str:
    """A number of hours as people say it: whole from 10 on, to a tenth below, with the word
    in the form the number takes («36 часов», «4,5 часа», «1 час», "2.5 hours")."""
    amount = Decimal(str(value))
    step = Decimal(1) if abs(amount) >= 10 else Decimal("0.1")
    amount = amount.quantize(step, rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
        count = int(amount)
    else:
        # A fraction takes the form of "two" in Russian («4,5 часа») and the plural in English.
        count = 2
    return ngettext("%(hours)s hour", "%(hours)s hours", count) % {
        "hours": formats.number_format(amount, use_l10n=True)
    }
