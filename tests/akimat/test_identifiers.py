from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from akimat.identifiers import (
    FIRST_WEIGHTS,
    check_digit,
    iin_birth_date,
    is_valid_bin,
    is_valid_iin,
    make_iin,
    mask_identifier,
    mask_identifiers_in,
    nth_bin,
    nth_iin,
    validate_bin,
    validate_iin,
    with_check_digit,
)
from tests.reception.factories import bin_, iin

# 061211600012 is the example the issue gives (a woman born on 11 December 2006); its first pass
# gives 10, so it exercises the second weights (3…11, 1, 2). 900101300017 is worked by hand below.
VALID_IINS = ["061211600012", "900101300017"]
# Registered in January 1994 and in May 2015: resident legal entities, head offices.
VALID_BINS = ["940140000385", "150540000017"]


def test_the_reference_iin_is_valid_through_the_second_pass():
    digits = [int(c) for c in "06121160001"]
    assert sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert check_digit("06121160001") == 2
    assert is_valid_iin("061211600012")
    assert iin_birth_date("061211600012") == dt.date(2006, 12, 11)


@pytest.mark.parametrize("number", VALID_IINS)
def test_valid_iins_pass_and_are_never_bins(number):
    validate_iin(number)
    assert not is_valid_bin(number)


@pytest.mark.parametrize("number", VALID_BINS)
def test_valid_bins_pass_and_are_never_iins(number):
    validate_bin(number)
    assert not is_valid_iin(number)


def test_hand_worked_check_digits():
    # 90010130001: 9*1 + 1*4 + 1*6 + 3*7 + 1*11 = 51, and 51 mod 11 = 7.
    assert check_digit("90010130001") == 7
    # 12345678912: 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64 + 81 + 10 + 22 = 317, and 317 mod 11 = 9.
    assert check_digit("12345678912") == 9
    assert with_check_digit("12345678912") == "123456789129"


@pytest.mark.parametrize("number", ["061211600013", "061211600010", "900101300015"])
def test_a_wrong_check_digit_is_refused_with_a_clear_message(number):
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        validate_iin(number)
    assert error.value.code == "check_digit"
    assert "ИИН" in error.value.messages[0]


@pytest.mark.parametrize(
    "number", ["", "06121160001", "0612116000123", "06121160001a", "０６１２１１６０００１２"]
)
def test_wrong_length_or_not_digits_is_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_bin(number)
    assert error.value.code == "length"


def test_eleven_digits_with_no_possible_check_digit_exist_and_are_all_refused():
    # Search a small range for prefixes where both passes give 10: every ending is invalid.
    impossible = next(
        f"{n:011d}" for n in range(10**10, 10**10 + 200_000) if check_digit(f"{n:011d}") is None
    )
    assert with_check_digit(impossible) is None
    assert not any(is_valid_iin(impossible + str(d)) for d in range(10))


# Each broken number below has the right check digit: only the structure gives it away.
@pytest.mark.parametrize(
    ("first_eleven", "code", "words"),
    [
        ("00000000000", "iin_century", {"ru": "седьмая цифра", "kk": "жетінші цифрасы", "en": "seventh digit"}),
        ("90130130001", "iin_birth_date", {"ru": "дата рождения", "kk": "туған күні", "en": "birth date"}),
        ("90013230001", "iin_birth_date", {"ru": "дата рождения", "kk": "туған күні", "en": "birth date"}),
        ("90010190001", "iin_century", {"ru": "седьмая цифра", "kk": "жетінші цифрасы", "en": "seventh digit"}),
        ("90010100001", "iin_century", {"ru": "седьмая цифра", "kk": "жетінші цифрасы", "en": "seventh digit"}),
        # 29 February 1900 (century digit 3) never was: 1900 was not a leap year.
        ("00022930001", "iin_birth_date", {"ru": "дата рождения", "kk": "туған күні", "en": "birth date"}),
        ("15054030001", "iin_birth_date", {"ru": "дата рождения", "kk": "туған күні", "en": "birth date"}),
    ],
)  # fmt: skip
def test_an_iin_with_an_impossible_structure_is_refused_saying_what_is_wrong(
    first_eleven, code, words
):
    number = with_check_digit(first_eleven)
    assert number is not None and check_digit(number[:11]) == int(number[11])
    for language, word in words.items():
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                validate_iin(number)
            message = error.value.messages[0]
        assert error.value.code == code
        assert word in message.lower(), (language, message)


@pytest.mark.parametrize(
    ("first_eleven", "code", "words"),
    [
        ("00000000000", "bin_kind", {"ru": "пятая цифра", "kk": "бесінші цифрасы", "en": "fifth digit"}),
        ("15059000001", "bin_kind", {"ru": "пятая цифра", "kk": "бесінші цифрасы", "en": "fifth digit"}),
        # An IIN typed into the BIN field: its fifth digit is the tens of a day.
        ("90010130001", "bin_kind", {"ru": "пятая цифра", "kk": "бесінші цифрасы", "en": "fifth digit"}),
        ("15134000001", "bin_month", {"ru": "месяц регистрации", "kk": "тіркелген айы", "en": "registration month"}),
        ("15004000001", "bin_month", {"ru": "месяц регистрации", "kk": "тіркелген айы", "en": "registration month"}),
        ("15054700001", "bin_unit", {"ru": "шестая цифра", "kk": "алтыншы цифрасы", "en": "sixth digit"}),
    ],
)  # fmt: skip
def test_a_bin_with_an_impossible_structure_is_refused_saying_what_is_wrong(
    first_eleven, code, words
):
    number = with_check_digit(first_eleven)
    assert number is not None
    for language, word in words.items():
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                validate_bin(number)
            message = error.value.messages[0]
        assert error.value.code == code
        assert word in message.lower(), (language, message)


@st.composite
def valid_iins(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)))
    number = make_iin(born, female=draw(st.booleans()), serial=draw(st.integers(0, 9999)))
    assume(number is not None)
    assert number is not None
    return number


@st.composite
def valid_bins(draw: st.DrawFn) -> str:
    year, month = draw(st.integers(0, 99)), draw(st.integers(1, 12))
    holder, unit = draw(st.sampled_from("456")), draw(st.sampled_from("0123"))
    serial = draw(st.integers(0, 99_999))
    number = with_check_digit(f"{year:02d}{month:02d}{holder}{unit}{serial:05d}")
    assume(number is not None)
    assert number is not None
    return number


def _first_pass_works(number: str) -> bool:
    return sum(int(d) * w for d, w in zip(number[:11], FIRST_WEIGHTS, strict=True)) % 11 != 10


def _changed(number: str, position: int, shift: int) -> str:
    return number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]


@given(valid_iins())
def test_every_well_formed_iin_passes_and_never_as_a_bin(number):
    assert is_valid_iin(number)
    assert not is_valid_bin(number)


@given(valid_bins())
def test_every_well_formed_bin_passes_and_never_as_an_iin(number):
    assert is_valid_bin(number)
    assert not is_valid_iin(number)


# The national scheme cannot see every typo: the eleventh digit weighs 11 (0 mod 11) in the
# first pass, and a change that moves a number between the first and second pass can land on a
# valid number. Every other single-digit change must be refused.
@given(
    st.one_of(valid_iins(), valid_bins()),
    st.sampled_from([*range(10), 11]),
    st.integers(1, 9),
)
def test_a_single_digit_typo_is_refused(number, position, shift):
    typo = _changed(number, position, shift)
    assume(position == 11 or (_first_pass_works(number) and _first_pass_works(typo)))
    assert not is_valid_iin(typo)
    assert not is_valid_bin(typo)


@given(st.integers(0, 10**6), st.booleans())
def test_generated_runs_for_demo_data_and_factories_are_valid(n, female):
    assert is_valid_iin(nth_iin(n, born_from=dt.date(1990, 1, 1), female=female))
    assert is_valid_bin(nth_bin(n, registered_from=dt.date(2015, 5, 1)))


def test_generated_runs_never_repeat_a_number():
    # Factories count on into the thousands over a whole run of the suite.
    assert len({iin(n) for n in range(3000)}) == 3000
    assert len({bin_(n) for n in range(3000)}) == 3000
    assert all(is_valid_iin(iin(n)) and is_valid_bin(bin_(n)) for n in range(990, 1010))


def test_masking_keeps_only_the_ends():
    assert mask_identifier("061211600012") == "0612******12"
    assert mask_identifier("123") == "***"
    assert (
        mask_identifiers_in("Key (iin)=(061211600012) and 1234567890123 and 150540000017.")
        == "Key (iin)=(0612******12) and 1234567890123 and 1505******17."
    )
