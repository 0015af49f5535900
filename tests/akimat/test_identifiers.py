from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from akimat.identifiers import (
    check_digit,
    is_valid_identifier,
    mask_identifier,
    validate_bin,
    validate_iin,
)

# 061211600012 is the example the issue gives; its first pass gives 10, so it exercises the
# second weights (3…11, 1, 2). The other two are worked out by hand in the test below.
VALID = ["061211600012", "900101300017", "123456789129"]


def test_the_reference_iin_is_valid_through_the_second_pass():
    digits = [int(c) for c in "06121160001"]
    assert sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert check_digit("06121160001") == 2
    assert is_valid_identifier("061211600012")


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert is_valid_identifier(number)
    validate_iin(number)
    validate_bin(number)


def test_hand_worked_check_digits():
    # 90010130001: 9*1 + 1*4 + 1*6 + 3*7 + 1*11 = 51, and 51 mod 11 = 7.
    assert check_digit("90010130001") == 7
    # 12345678912: 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64 + 81 + 10 + 22 = 317, and 317 mod 11 = 9.
    assert check_digit("12345678912") == 9
    assert not is_valid_identifier("123456789120")


@pytest.mark.parametrize("number", ["061211600013", "061211600010", "900101300015"])
def test_a_wrong_check_digit_is_refused_with_a_clear_message(number):
    assert not is_valid_identifier(number)
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        validate_iin(number)
    assert error.value.code == "check_digit"
    assert "ИИН" in error.value.messages[0]


@pytest.mark.parametrize(
    "number", ["", "06121160001", "0612116000123", "06121160001a", "０６１２１１６０００１２"]
)
def test_wrong_length_or_not_digits_is_refused(number):
    assert not is_valid_identifier(number)
    with pytest.raises(ValidationError) as error:
        validate_bin(number)
    assert error.value.code == "length"


def test_eleven_digits_with_no_possible_check_digit_exist_and_are_all_refused():
    # Search a small range for prefixes where both passes give 10: every ending is invalid.
    impossible = next(
        f"{n:011d}" for n in range(10**10, 10**10 + 200_000) if check_digit(f"{n:011d}") is None
    )
    assert not any(is_valid_identifier(impossible + str(d)) for d in range(10))


def test_masking_keeps_only_the_ends():
    assert mask_identifier("061211600012") == "0612******12"
    assert mask_identifier("123") == "***"
