"""Kazakhstan's personal (IIN) and business (BIN) identification numbers.

Both are 12 digits whose last is a check digit (the rules approved by Government Decree 565):
weights 1…11 over the first eleven digits, sum mod 11; when that gives 10, weights 3…11, 1, 2
and mod 11 again; a second 10 means no valid number ends this way. No maintained Python library
implements this check, so it is written here once for every app to use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when none exists."""
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def is_valid_identifier(value: str) -> bool:
    """True for twelve digits whose last is the right check digit (an IIN or a BIN)."""
    return (
        len(value) == 12
        and value.isascii()
        and value.isdigit()
        and check_digit(value[:11]) == int(value[11])
    )


def _validate(value: str, *, kind: str) -> None:
    if not (value.isascii() and value.isdigit()) or len(value) != 12:
        raise ValidationError(
            _("The %(kind)s must be exactly 12 digits."), code="length", params={"kind": kind}
        )
    if not is_valid_identifier(value):
        raise ValidationError(
            _("This %(kind)s is not valid: its check digit does not match. Check the number."),
            code="check_digit",
            params={"kind": kind},
        )


def validate_iin(value: str) -> None:
    """A Django validator for an individual's IIN."""
    _validate(value, kind=str(_("IIN")))


def validate_bin(value: str) -> None:
    """A Django validator for an organisation's BIN."""
    _validate(value, kind=str(_("BIN")))


def mask_identifier(value: str) -> str:
    """Show only the first four and the last two digits: 0612******12."""
    if len(value) != 12:
        return "*" * len(value)
    return f"{value[:4]}{'*' * 6}{value[-2:]}"
