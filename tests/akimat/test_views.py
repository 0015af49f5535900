from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from akimat.calendar import ensure_calendar
from akimat.models import DayTransfer, Department, User
from tests.conftest import PASSWORD
from tests.factories import DepartmentFactory, UserFactory, head_of

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


# --- login, logout, passwords ----------------------------------------------------------------


def test_login_page_is_russian_by_default(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en"})
    assert response.status_code == 200
    assert '<html lang="ru">' in response.text
    assert "Войти" in response.text


def test_login_with_demo_password_reaches_home(client, specialist):
    response = client.post(
        reverse("login"), {"username": "specialist", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == specialist


@pytest.mark.parametrize("username", ["specialist", "nobody"])
def test_wrong_password_or_unknown_user_gets_a_clear_message(client, specialist, username):
    response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.text
    assert "_auth_user_id" not in client.session


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_and_ends_the_session(client, specialist):
    client.force_login(specialist)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_in_russian(client, specialist):
    response = client.post(reverse("password_reset"), {"email": specialist.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
    assert "новый пароль" in mail.outbox[0].subject


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, specialist):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, specialist):
    client.force_login(specialist)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "zhana-kupia-soz-2026",
            "new_password2": "zhana-kupia-soz-2026",
        },
    )
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.check_password("zhana-kupia-soz-2026")


# --- the role-aware home page ----------------------------------------------------------------


def test_home_for_a_specialist_shows_directorate_and_head(client, specialist, head):
    client.force_login(specialist)
    response = client.get(reverse("home"))
    assert "Управление сельского хозяйства" in response.text
    assert str(head) in response.text
    assert "departments" not in response.context
    assert "team" not in response.context


def test_home_for_a_head_lists_the_team(client, head, specialist, outsider):
    client.force_login(head)
    response = client.get(reverse("home"))
    team = list(response.context["team"])
    assert specialist in team and head in team
    assert outsider not in team


@pytest.mark.parametrize("persona", ["deputy", "receptionist", "methodologist"])
def test_home_for_the_whole_department_lists_every_directorate(
    client, request, persona, department, other_department
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("home"))
    assert {d.slug for d in response.context["departments"]} == {"agriculture", "land"}
    assert "Управление земельных отношений" in response.text


def _directorates(count: int, people: int) -> None:
    for _ in range(count):
        department = DepartmentFactory()
        head_of(department)
        UserFactory.create_batch(people, department=department, roles=["specialist"])


def test_home_query_count_is_the_same_at_ten_times_the_data(
    client, deputy, django_assert_num_queries
):
    # session, user, calendar (covered? + working today?, covered? + next working day),
    # groups of the user, directorates with their head and head-count, the bell
    today = timezone.localdate()
    ensure_calendar(start=today, end=today.replace(year=today.year + 1))
    client.force_login(deputy)
    _directorates(2, 3)
    with django_assert_num_queries(9):
        small = client.get(reverse("home"))
    _directorates(18, 30)
    with django_assert_num_queries(9):
        large = client.get(reverse("home"))
    assert len(small.context["departments"]) == 2
    assert len(large.context["departments"]) == 20
    # 2 directorates of 1 head + 3 people, then 18 more of 1 head + 30: ten times the rows and more
    assert sum(d.people for d in small.context["departments"]) == 8
    assert sum(d.people for d in large.context["departments"]) == 8 + 18 * 31


# --- the people directory (search-as-you-type) -----------------------------------------------


def test_people_search_finds_by_surname_and_position(client, specialist, head, outsider):
    client.force_login(specialist)
    response = client.get(reverse("people"), {"q": "касым"})
    assert list(response.context["results"]) == [specialist]
    response = client.get(reverse("people"), {"q": "Главный"})
    assert specialist in response.context["results"]


def test_people_search_htmx_returns_only_the_fragment(client, specialist):
    client.force_login(specialist)
    response = client.get(reverse("people"), {"q": "Касымова"}, headers=HX)
    assert response.text.lstrip().startswith('<div id="people-results"')
    assert "<html" not in response.text
    assert "Касымова" in response.text
    full = client.get(reverse("people"), {"q": "Касымова"})
    assert "<html" in full.text
    assert full["Vary"] and "HX-Request" in full["Vary"]


def test_people_search_escapes_html_and_bounds_the_query(client, specialist):
    client.force_login(specialist)
    response = client.get(reverse("people"), {"q": "<script>alert(1)</script>" + "я" * 10_000})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert len(response.context["query"]) == 100


def test_people_query_count_is_fixed(client, specialist, django_assert_num_queries):
    # session, user, people (one query with the directorate joined); groups are not needed
    client.force_login(specialist)
    UserFactory.create_batch(5, department=specialist.department)
    with django_assert_num_queries(4):
        small = client.get(reverse("people"), headers=HX)
    UserFactory.create_batch(45, department=specialist.department)
    with django_assert_num_queries(4):
        large = client.get(reverse("people"), headers=HX)
    assert len(large.context_data["results"]) == 50 > len(small.context_data["results"])


def test_expired_session_on_htmx_sends_the_whole_page_to_login(client):
    response = client.get(
        reverse("people"),
        {"q": "x"},
        headers={**HX, "HX-Current-URL": "http://testserver/people/?q=x"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/people/%3Fq%3Dx"


# --- language --------------------------------------------------------------------------------


def test_language_switch_is_remembered_on_the_user(client, specialist):
    client.force_login(specialist)
    response = client.post(reverse("set-language"), {"language": "kk", "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    specialist.refresh_from_db()
    assert specialist.language == "kk"
    client.cookies.clear()
    client.force_login(specialist)
    page = client.get(reverse("home"))
    assert '<html lang="kk">' in page.text
    assert "Басты бет" in page.text


def test_language_switch_before_login_uses_a_cookie(client):
    client.post(reverse("set-language"), {"language": "en", "next": "/accounts/login/"})
    assert "Sign in" in client.get(reverse("login")).text


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client, specialist):
    client.force_login(specialist)
    response = client.post(
        reverse("set-language"), {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    specialist.refresh_from_db()
    assert specialist.language == "ru"


def test_language_switch_writes_history(client, specialist):
    client.force_login(specialist)
    client.post(reverse("set-language"), {"language": "en"})
    assert specialist.history.first().language == "en"


# --- health ----------------------------------------------------------------------------------


def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("admin", "admin@akimat.example", PASSWORD)


@pytest.mark.parametrize(
    "url",
    [
        "admin:akimat_user_changelist",
        "admin:akimat_department_changelist",
        "admin:akimat_daytransfer_changelist",
        "admin:akimat_calendarday_changelist",
    ],
)
def test_admin_pages_open(client, admin_user, department, url):
    client.force_login(admin_user)
    assert client.get(reverse(url)).status_code == 200


def test_admin_transfer_rebuilds_the_calendar(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:akimat_daytransfer_add"),
        {"date": "2026-03-28", "kind": DayTransfer.Kind.WORKED_DAY_OFF, "reason": "Перенос"},
    )
    assert response.status_code == 302
    from akimat.calendar import is_working_day

    assert is_working_day(dt.date(2026, 3, 28))
    transfer = DayTransfer.objects.get(date=dt.date(2026, 3, 28))
    client.post(reverse("admin:akimat_daytransfer_delete", args=[transfer.pk]), {"post": "yes"})
    assert not is_working_day(dt.date(2026, 3, 28))


def test_non_staff_cannot_open_admin(client, specialist):
    client.force_login(specialist)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert Department.objects.count() == 1


def test_a_kazakh_page_leaves_what_runs_next_in_the_thread_in_russian(client, specialist):
    """The person's language holds for their request only: the thread (a worker's, a test's)
    is back in the portal's default afterwards, so nothing after it speaks Kazakh by accident."""
    specialist.language = "kk"
    specialist.save(update_fields=["language"])
    client.force_login(specialist)
    assert '<html lang="kk">' in client.get(reverse("home")).text
    assert translation.get_language() == "ru"
    assert translation.gettext("Home") == "Главная"
