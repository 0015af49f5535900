"""Login throttling (django-axes): five wrong passwords pause one login from one address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

OFFICE = "10.20.0.7"  # one NAT'd office: every desk reaches the portal from this address
HOME = "10.30.0.9"
# The clock is pinned at 11:00; the lockout lasts 15 minutes from the fifth wrong password.
PAUSED_UNTIL = "11:15"
MESSAGE = {
    "ru": f"Слишком много неверных паролей для этого логина с этого компьютера. Вход приостановлен до {PAUSED_UNTIL}",
    "kk": "Осы компьютерден бұл логинге қате құпиясөз тым көп рет енгізілді. Кіру уақытша "
    f"тоқтатылды, қайта кіруге болатын уақыт: {PAUSED_UNTIL}.",
    "en": f"Too many wrong passwords for this login from this computer. Sign-in is paused until {PAUSED_UNTIL}",
}


def sign_in(client, username: str, password: str, address: str = OFFICE, url: str = ""):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in_as(client) -> str | None:
    response = client.get(reverse("home"))
    return response.context["user"].username if response.status_code == 200 else None


def fail_five_times(client, username: str, address: str = OFFICE, url: str = "") -> None:
    for _attempt in range(5):
        sign_in(client, username, "wrong password", address, url)


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_five_wrong_passwords_then_the_right_one_is_refused_saying_until_when(
    client, specialist, language
):
    client.cookies["django_language"] = language
    fail_five_times(client, "specialist")

    response = sign_in(client, "specialist", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert MESSAGE[language] in page
    assert 'name="username"' in page and 'value="specialist"' in page
    assert signed_in_as(client) is None


def test_the_fifth_wrong_password_already_says_so(client, specialist):
    for _attempt in range(4):
        assert "приостановлен" not in sign_in(client, "specialist", "wrong").content.decode()
    response = sign_in(client, "specialist", "wrong")
    assert response.status_code == 429
    assert MESSAGE["ru"] in response.content.decode()


def test_another_person_in_the_same_office_still_signs_in(client, specialist, colleague):
    fail_five_times(client, "specialist")

    response = sign_in(client, "colleague", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == "colleague"


def test_the_same_person_from_another_address_still_signs_in(client, specialist):
    fail_five_times(client, "specialist", OFFICE)

    response = sign_in(client, "specialist", PASSWORD, HOME)

    assert response.status_code == 302
    assert signed_in_as(client) == "specialist"


def test_after_the_cool_off_the_right_password_works_again(client, specialist, pinned_clock):
    fail_five_times(client, "specialist")
    pinned_clock.shift(dt.timedelta(minutes=14))
    assert sign_in(client, "specialist", PASSWORD).status_code == 429

    pinned_clock.shift(dt.timedelta(minutes=1, seconds=5))
    response = sign_in(client, "specialist", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == "specialist"


def test_retrying_during_the_lockout_does_not_move_the_time_it_ends(
    client, specialist, pinned_clock
):
    fail_five_times(client, "specialist")
    pinned_clock.shift(dt.timedelta(minutes=10))

    response = sign_in(client, "specialist", "another wrong one")

    assert MESSAGE["ru"] in response.content.decode()


def test_the_admin_login_is_throttled_too(client, db):
    from tests.factories import UserFactory

    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    fail_five_times(client, "root", url=admin_login)

    response = sign_in(client, "root", PASSWORD, url=admin_login)

    assert response.status_code == 429
    assert MESSAGE["ru"] in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, specialist):
    fail_five_times(client, "specialist")

    response = client.post(
        reverse("login"),
        {"username": "specialist", "password": PASSWORD},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )

    assert response.status_code == 429


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.usefixtures("behind_one_proxy")
def test_behind_the_proxy_each_client_address_counts_on_its_own(client, specialist):
    proxy = "10.0.0.2"
    for _attempt in range(5):
        client.post(
            reverse("login"),
            {"username": "specialist", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.10",
        )

    # The same client, pretending in the header to be someone else (a public address, too):
    # the proxy appends the real address, and that is the one counted.
    for forged in ("203.0.113.50", "8.8.8.8", "not an address"):
        refused = client.post(
            reverse("login"),
            {"username": "specialist", "password": PASSWORD},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.10",
        )
        assert refused.status_code == 429, forged

    elsewhere = client.post(
        reverse("login"),
        {"username": "specialist", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert elsewhere.status_code == 302
