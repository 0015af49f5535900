"""The applicant's status page over HTTP: the status and the term for the right pair, one and
the same answer for a wrong pair and an unknown number, nothing identifying in the page, the URL
or the log, and the rate limit per address and per coupon number."""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from appeals.models import Status
from appeals.views.public import RATE_PER_ADDRESS, RATE_PER_COUPON, parse_coupon
from tests.appeals.factories import AppealFactory, received

pytestmark = pytest.mark.django_db

STATUS = reverse("appeals:status")
# A working Wednesday in Almaty, the clock standing still (the limit's window must not turn).
MORNING = dt.datetime(2026, 11, 18, 11, 0, tzinfo=ZoneInfo("Asia/Almaty"))
NOT_FOUND = "No appeal was found, or the details do not match."


def _allowed(rate: str) -> int:
    return int(rate.split("/")[0])


@pytest.fixture(autouse=True)
def _clock_and_counters(client):
    # Russian is the default; the asserts read English (the other languages have their tests).
    client.cookies["django_language"] = "en"
    cache.clear()
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller
    cache.clear()


@pytest.fixture
def appeal():
    return AppealFactory(
        number=42,
        received_at=received(dt.date(2026, 11, 16)),
        applicant_name="Сериков Нурлан Ерланович",
        applicant_phone="+77015551234",
        applicant_iin="",
        summary="Просьба ускорить выдачу АПЗ",
        text="Тайный текст обращения",
        secret="K7M2QX",
        status=Status.IN_WORK,
    )


def ask(client, coupon: str, check: str, **extra):
    return client.post(STATUS, {"coupon": coupon, "check": check}, **extra)


def body(response) -> str:
    return response.content.decode()


def main(response) -> str:
    """The page's main region without the form's hidden CSRF token (it differs per request)."""
    text = body(response)
    text = text[text.index("<main") : text.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_the_page_opens_without_login_with_an_empty_form(client):
    response = client.get(STATUS)
    assert response.status_code == 200
    assert 'name="coupon"' in body(response)
    assert 'name="check"' in body(response)
    assert 'method="post"' in body(response)
    assert "no-cache" in response["Cache-Control"]


def test_coupon_and_phone_digits_show_the_status_and_the_term(client, appeal):
    response = ask(client, "2026-00042", "1234")
    assert response.status_code == 200
    page = body(response)
    assert "Appeal 2026-00042" in page
    assert "Under consideration by an executor" in page
    assert f"until {appeal.deadline:%d.%m.%Y}" in page
    assert NOT_FOUND not in page


@pytest.mark.parametrize("typed", ["2026-42", " 2026 - 00042 ", "2026/42", "202600042", "2026 42"])
def test_the_coupon_number_is_understood_as_people_type_it(client, appeal, typed):
    assert "Appeal 2026-00042" in body(ask(client, typed, "1234"))


def test_the_status_code_works_in_any_case(client, appeal):
    assert "Appeal 2026-00042" in body(ask(client, "2026-00042", "k7m2qx"))
    assert "Appeal 2026-00042" in body(ask(client, "2026-00042", "K7M 2QX"))


def test_an_extended_appeal_shows_the_extended_term(client, appeal):
    appeal.extended_on = dt.date(2026, 11, 18)
    appeal.deadline = dt.date(2027, 1, 15)
    appeal.save()
    assert "extended to 15.01.2027" in body(ask(client, "2026-00042", "1234"))


def test_a_redirected_appeal_says_where_and_when(client, appeal):
    appeal.status = Status.REDIRECTED
    appeal.redirected_on = dt.date(2026, 11, 17)
    appeal.redirected_to = "Департамент полиции"
    appeal.save()
    page = body(ask(client, "2026-00042", "1234"))
    assert "Redirected to the competent body" in page
    assert "to Департамент полиции on 17.11.2026" in page


def test_an_answered_appeal_says_when(client, appeal):
    appeal.status = Status.CLOSED
    appeal.answered_on = dt.date(2026, 11, 17)
    appeal.save()
    page = body(ask(client, "2026-00042", "1234"))
    assert "Answered" in page
    assert "17.11.2026" in page


def test_the_page_shows_nothing_identifying(client, appeal):
    page = body(ask(client, "2026-00042", "1234"))
    assert "Appeal 2026-00042" in page
    for secret in ["Сериков", "Нурлан", "+7701555", "5551234", "Просьба ускорить", "Тайный текст"]:
        assert secret not in page
    assert 'value="1234"' not in page


def test_wrong_digits_and_an_unknown_number_get_one_and_the_same_answer(client, appeal):
    wrong = ask(client, "2026-00042", "9999")
    unknown = ask(client, "2026-00043", "9999")
    wrong_code = ask(client, "2026-00042", "ABCDEF")
    for response in (wrong, unknown, wrong_code):
        assert response.status_code == 200
        assert NOT_FOUND in body(response)
        assert "Under consideration" not in body(response)
        assert 'value="9999"' not in body(response)
    # Apart from the number typed back into its field, byte for byte the same page.
    assert main(wrong) == main(unknown).replace("2026-00043", "2026-00042")


def test_an_anonymous_appeal_answers_only_to_its_status_code(client, appeal):
    appeal.anonymous = True
    appeal.applicant_name = ""
    appeal.applicant_phone = ""
    appeal.save()
    assert NOT_FOUND in body(ask(client, "2026-00042", "1234"))
    assert "Appeal 2026-00042" in body(ask(client, "2026-00042", "K7M2QX"))


@pytest.mark.parametrize(
    ("coupon", "check", "message"),
    [
        ("", "1234", "This field is required."),
        ("42", "1234", "Enter the number as printed, for example 2026-00042."),
        ("2026-0004\x002", "1234", "Null characters are not allowed."),
        ("<script>alert(1)</script>", "1234", "at most 20 characters"),
        ("<b>2026</b>", "1234", "Enter the number as printed"),
        ("2026-" + "9" * 5000, "1234", "at most 20 characters"),
        ("0000-00042", "1234", "Enter the number as printed"),
        ("2026-00042", "12", "Enter four digits of the phone or the six characters"),
        ("2026-00042", "12\x0034", "Null characters are not allowed."),
        ("2026-00042", "<b>x</b>", "Enter four digits of the phone or the six characters"),
        ("2026-00042", "1" * 5000, "at most 10 characters"),
    ],
)
def test_bad_input_is_named_and_shows_nothing(client, appeal, coupon, check, message):
    response = ask(client, coupon, check)
    assert response.status_code == 200
    assert message in body(response)
    assert "Under consideration" not in body(response)
    assert "<script>alert(1)</script>" not in body(response)


def test_the_page_speaks_kazakh_and_russian(client, appeal):
    client.cookies["django_language"] = "kk"
    page = body(ask(client, "2026-00042", "9999"))
    assert 'lang="kk"' in page
    assert NOT_FOUND not in page
    client.cookies["django_language"] = "ru"
    page = body(ask(client, "2026-00042", "1234"))
    assert "Обращение 2026-00042" in page


@pytest.mark.parametrize("others", [1, 10])
def test_one_query_answers_a_lookup_however_many_appeals(
    client, appeal, django_assert_num_queries, others
):
    AppealFactory.create_batch(others, topic=appeal.topic, received_at=appeal.received_at)
    # The appeal by year and number; nothing else (no session, no user for an anonymous visit).
    with django_assert_num_queries(1):
        assert "Appeal 2026-00042" in body(ask(client, "2026-00042", "1234"))
    with django_assert_num_queries(1):
        assert NOT_FOUND in body(ask(client, "2026-00043", "1234"))


def test_nothing_reaches_the_url_or_the_log(client, appeal, caplog):
    caplog.set_level(logging.DEBUG)
    response = ask(client, "2026-00042", "1234")
    assert response.request["PATH_INFO"] == STATUS
    assert response.request["QUERY_STRING"] == ""
    for _n in range(_allowed(RATE_PER_COUPON) + 1):
        ask(client, "2026-00042", "5678")
    assert "1234" not in caplog.text
    assert "5678" not in caplog.text
    assert "2026-00042" not in caplog.text


def test_one_coupon_number_is_limited_from_every_address(client, appeal, _clock_and_counters):
    for n in range(_allowed(RATE_PER_COUPON)):
        response = ask(client, "2026-00042", f"{n:04d}", REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 200
    refused = ask(client, "2026-00042", "1234", REMOTE_ADDR="10.0.1.1")
    assert refused.status_code == 429
    assert "Too many attempts" in body(refused)
    assert "Under consideration" not in body(refused)
    assert refused["Retry-After"] == "3600"
    # Another coupon is not held back by this one's guessers.
    assert ask(client, "2026-00043", "1234", REMOTE_ADDR="10.0.1.1").status_code == 200
    # An hour later the right pair works again.
    _clock_and_counters.shift(dt.timedelta(hours=1, seconds=1))
    assert "Appeal 2026-00042" in body(ask(client, "2026-00042", "1234", REMOTE_ADDR="10.0.1.1"))


def test_one_address_is_limited_whatever_it_asks(client, appeal):
    for n in range(_allowed(RATE_PER_ADDRESS)):
        # Each time another (unknown) coupon, so only the address's count grows.
        response = ask(client, f"2026-{n + 100:05d}", "1234", REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 200
    refused = ask(client, "2026-00042", "1234", REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429
    # Malformed attempts count as well.
    assert ask(client, "", "", REMOTE_ADDR="10.9.9.9").status_code == 429
    assert ask(client, "2026-00042", "1234", REMOTE_ADDR="10.9.9.10").status_code == 200


def test_the_limit_page_speaks_the_visitors_language(client, appeal):
    client.cookies["django_language"] = "kk"
    for _n in range(_allowed(RATE_PER_COUPON)):
        ask(client, "2026-00042", "0000")
    refused = ask(client, "2026-00042", "0000")
    assert refused.status_code == 429
    assert 'lang="kk"' in body(refused)
    assert "Too many attempts" not in body(refused)


def test_parse_coupon_refuses_what_cannot_be_a_number():
    assert parse_coupon("2026-00042") == (2026, 42)
    assert parse_coupon("2026-0") is None
    assert parse_coupon("2026-1234567") is None
    assert parse_coupon("abc") is None
