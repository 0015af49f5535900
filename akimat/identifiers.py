"""Kazakhstan's personal (IIN, ЖСН) and business (BIN, БСН) identification numbers.

Both are 12 digits. Their structure is set by the Rules for forming the identification number
(Government Decree No. 406 of 22 May 2007, adilet.zan.kz P070000406_; explained on egov.kz,
"Individual identification number" and "Business identification number"):

- IIN: digits 1–6 the date of birth as YYMMDD; digit 7 the century of birth and sex (1/2 a man
  or a woman born in the 1800s, 3/4 in the 1900s, 5/6 in the 2000s); digits 8–11 a serial;
  digit 12 the check digit.
- BIN: digits 1–4 the year and month of registration as YYMM; digit 5 the kind of holder (4 a
  resident legal entity, 5 a non-resident one, 6 an individual entrepreneur in joint
  entrepreneurship); digit 6 the unit (0 head office, 1 branch, 2 representative office,
  3 a peasant farm in joint entrepreneurship); digits 7–11 a serial; digit 12 the check digit.

The check digit (the same for both, from Government Decree No. 565 of 11 June 2003): weights
1…11 over the first eleven digits, sum mod 11; when that gives 10, weights 3…11, 1, 2 and mod 11
again; a second 10 means no valid number ends this way.

Decisions:
- A seventh digit of 0 (said in places to mark foreigners) is refused: the Rules define only
  1–6, and foreigners resident in Kazakhstan are given IINs of the same scheme.
- Since Decree No. 853 of 26 August 2013 a new IIN need not match its holder's real birth date
  and sex, so the digits are checked to form a real date, never compared with the person's.
- The two never pass for each other: an IIN's fifth digit is the tens of a day (0–3), never a
  BIN's 4–6; a BIN's fifth and sixth digits (40–63) are never a day of the month.

No maintained Python library implements both numbers (python-stdnum has no Kazakhstan module;
kz-iin-validator covers the IIN only and raises its own messages), so the rules live here once,
for every app, with messages in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# The seventh digit of an IIN: the century the person was born in.
CENTURY_OF = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
BIN_HOLDER_KINDS = frozenset("456")
BIN_UNITS = frozenset("0123")

# Any run of twelve digits not part of a longer number: an IIN or BIN as it appears in text.
TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when none exists."""
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def with_check_digit(first_eleven: str) -> str | None:
    """The eleven digits completed with their check digit, or None when none exists."""
    digit = check_digit(first_eleven)
    return None if digit is None else f"{first_eleven}{digit}"


def make_iin(born: dt.date, *, female: bool, serial: int) -> str | None:
    """The IIN of a person born that day with that serial (0–9999), or None when no check
    digit exists for it (about one serial in 121): for demo data, factories and benchmarks."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + female
    return with_check_digit(f"{born:%y%m%d}{century_digit}{serial:04d}")


# The generators below give the n-th of a run of distinct valid numbers (demo data, factories,
# benchmarks): the first of the ten serials 10n … 10n + 9 that has a check digit. The last
# serial digit weighs 2 in the second pass, so at most one of any ten lacks one.


def nth_iin(n: int, *, born_from: dt.date, female: bool = False) -> str:
    """The n-th of a run of IINs of people born from that day on, ten thousand serials a day."""
    for slot in range(n * 10, n * 10 + 10):
        born = born_from + dt.timedelta(days=slot // 10_000)
        number = make_iin(born, female=female, serial=slot % 10_000)
        if number is not None:
            return number
    raise AssertionError(n)  # unreachable, see above


def nth_bin(n: int, *, registered_from: dt.date) -> str:
    """The n-th of a run of BINs of resident legal entities' head offices registered from that
    month on, a hundred thousand serials a month."""
    for slot in range(n * 10, n * 10 + 10):
        year, month = divmod(
            registered_from.year * 12 + registered_from.month - 1 + slot // 10**5, 12
        )
        number = with_check_digit(f"{year % 100:02d}{month + 1:02d}40{slot % 10**5:05d}")
        if number is not None:
            return number
    raise AssertionError(n)  # unreachable, see above


def iin_birth_date(value: str) -> dt.date | None:
    """The birth date an IIN's digits spell, or None when they spell no real date."""
    century = CENTURY_OF.get(value[6:7])
    if century is None or not value[:6].isdigit():
        return None
    try:
        return dt.date(century + int(value[:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None


def _require_twelve_digits(value: str, kind: str) -> None:
    if not (value.isascii() and value.isdigit()) or len(value) != 12:
        raise ValidationError(
            _("The %(kind)s must be exactly 12 digits."), code="length", params={"kind": kind}
        )


def _require_check_digit(value: str, kind: str) -> None:
    if check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("This %(kind)s is not valid: its check digit does not match. Check the number."),
            code="check_digit",
            params={"kind": kind},
        )


def validate_iin(value: str) -> None:
    """A Django validator for an individual's IIN: digits, structure, then the check digit."""
    kind = str(_("IIN"))
    _require_twelve_digits(value, kind)
    if value[6] not in CENTURY_OF:
        raise ValidationError(
            _(
                "This is not an IIN: its seventh digit (century of birth and sex) must be "
                "from 1 to 6."
            ),
            code="iin_century",
        )
    if iin_birth_date(value) is None:
        raise ValidationError(
            _(
                "The birth date in this IIN is not a real date: the first six digits are the "
                "year, month and day of birth."
            ),
            code="iin_birth_date",
        )
    _require_check_digit(value, kind)


def validate_bin(value: str) -> None:
    """A Django validator for an organisation's BIN: digits, structure, then the check digit."""
    kind = str(_("BIN"))
    _require_twelve_digits(value, kind)
    if value[4] not in BIN_HOLDER_KINDS:
        raise ValidationError(
            _(
                "This is not a BIN: its fifth digit (the kind of organisation) must be 4, 5 "
                "or 6. An IIN is entered in the IIN field."
            ),
            code="bin_kind",
        )
    if not 1 <= int(value[2:4]) <= 12:
        raise ValidationError(
            _(
                "The registration month in this BIN is not a real month: the third and fourth "
                "digits must be from 01 to 12."
            ),
            code="bin_month",
        )
    if value[5] not in BIN_UNITS:
        raise ValidationError(
            _(
                "This is not a BIN: its sixth digit (head office, branch, representative "
                "office or farm) must be 0, 1, 2 or 3."
            ),
            code="bin_unit",
        )
    _require_check_digit(value, kind)


def is_valid_iin(value: str) -> bool:
    """True for a number that passes validate_iin."""
    try:
        validate_iin(value)
    except ValidationError:
        return False
    return True


def is_valid_bin(value: str) -> bool:
    """True for a number that passes validate_bin."""
    try:
        validate_bin(value)
    except ValidationError:
        return False
    return True


def mask_identifier(value: str) -> str:
    """Show only the first four and the last two digits: 0612******12."""
    if len(value) != 12:
        return "*" * len(value)
    return f"{value[:4]}{'*' * 6}{value[-2:]}"


def mask_identifiers_in(text: str) -> str:
    """The text with every run of twelve digits masked (an IIN or a BIN, whichever it is)."""
    return TWELVE_DIGITS.sub(lambda match: mask_identifier(match.group()), text)


def clean_identifier(raw: str) -> str:
    """An IIN or BIN as typed, without the spaces and dashes people put in."""
    return "".join((raw or "").split()).replace("-", "")


def checked_identifier(raw: str, validator: Callable[[str], None], *, field: str = "") -> str:
    """An IIN or BIN as stored: cleaned, then judged by its model field's validator
    (`validate_iin` or `validate_bin`); an empty one stays empty. The desk's form and the
    registration service both call this, so a number is judged in one place. With `field`, the
    error is that field's (as a service raises it)."""
    value = clean_identifier(raw)
    if value:
        try:
            validator(value)
        except ValidationError as error:
            if field:
                raise ValidationError({field: error.messages}) from None
            raise
    return value
