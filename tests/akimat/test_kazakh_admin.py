"""Django's own strings (sign-in, password rules, the admin) in Kazakh, not Django's Russian.

Where Django has no Kazakh for a string it falls back to the default language, Russian; the
portal's catalogue in locale/libraries fills the gaps and replaces Django's wrong Kazakh.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from akimat.management.commands.library_messages import SOURCES
from akimat.models import User
from tests.conftest import PASSWORD
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# Letters of Russian that Kazakh words never use (ы is Kazakh too: «пайдаланушы»).
RUSSIAN_ONLY = re.compile(r"[щъэё]", re.IGNORECASE)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LOGIN_ERROR = (
    "Енгізілген пайдаланушы аты немесе құпиясөз дұрыс емес. Екі өрісте де бас әріп пен кіші "
    "әріп ажыратылуы мүмкін екенін ескеріңіз."
)


class _Text(HTMLParser):
    """The text a reader sees: no markup, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " | ".join(parser.parts)


def column_headers(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", html, re.DOTALL)
    ]


@functools.cache
def library_russian() -> frozenset[str]:
    """Django's and the libraries' own Russian: what a kk page shows where kk is missing."""
    texts: set[str] = set()
    for source in SOURCES:
        for entry in source.catalogue(source.russian) or ():
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            texts.update(form.casefold() for form in forms if CYRILLIC.search(form))
    return frozenset(texts)


@pytest.fixture
def kk_superuser() -> User:
    # Named here: the factory's Russian names may hold a «ё» or «э» the page would then show.
    return UserFactory(
        is_superuser=True,
        is_staff=True,
        language="kk",
        first_name="Айгерім",
        last_name="Сейітова",
    )


def test_wrong_password_on_the_login_page_is_told_in_kazakh(client) -> None:
    user = UserFactory(language="kk")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"

    response = client.post(
        reverse("login"), {"username": user.username, "password": "wrong " + PASSWORD}
    )

    assert response.status_code == 200
    # Django's Russian with its Kazakh field name: «Пожалуйста, введите правильные Қолданушы атауы…»
    assert LOGIN_ERROR in response.content.decode()


def test_password_rules_are_kazakh() -> None:
    with translation.override("kk"):
        with pytest.raises(ValidationError) as short_and_numeric:
            password_validation.validate_password("1234567")
        with pytest.raises(ValidationError) as like_the_login:
            password_validation.validate_password(
                "aidar.sultanov", user=User(username="aidar.sultanov")
            )
        help_texts = password_validation.password_validators_help_texts()

    assert short_and_numeric.value.messages == [
        "Құпиясөз тым қысқа. Ол кемінде 8 таңбадан тұруы керек.",
        "Бұл құпиясөз тым көп таралған.",
        "Құпиясөз тек цифрлардан тұрады.",
    ]
    assert like_the_login.value.messages == ["Құпиясөз мына өріске тым ұқсас: пайдаланушы аты."]
    assert "Құпиясөз кемінде 8 таңбадан тұруы керек." in help_texts


def test_the_admin_history_names_its_date_column_in_kazakh(client, kk_superuser) -> None:
    department = DepartmentFactory()
    client.force_login(kk_superuser)

    response = client.get(reverse("admin:akimat_department_history", args=[department.pk]))

    assert response.status_code == 200
    headers = column_headers(response.content.decode())
    assert "Күні/уақыты" in headers, headers
    assert "Өшіру/Уақыт" not in headers  # Django's own kk: "Delete/time"


@pytest.mark.parametrize(
    ("url", "kazakh"),
    [
        ("/admin/", "Соңғы әрекеттер"),
        ("/admin/akimat/department/", "Өзгерту үшін таңдаңыз"),
        # Django fixes this page's help text in Russian when it loads; the portal's form does not.
        (
            "/admin/akimat/user/{pk}/password/",
            "Пайдаланушының құпиясөзбен кіре алатынын білдіреді.",
        ),
        ("/admin/akimat/user/{pk}/password/", "Өшірілсе, пайдаланушының қазіргі құпиясөзі"),
    ],
    ids=["index", "change list", "set password", "set password warning"],
)
def test_the_admin_shows_a_kazakh_superuser_no_russian(
    client, kk_superuser, url: str, kazakh: str
) -> None:
    DepartmentFactory()
    client.force_login(kk_superuser)

    response = client.get(url.format(pk=kk_superuser.pk))

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert not RUSSIAN_ONLY.findall(text), text
    russian = [part for part in text.split(" | ") if part.casefold() in library_russian()]
    assert russian == [], text
    assert kazakh in text, text


@pytest.mark.parametrize(
    ("language", "expected"), [("kk", "| қосу"), ("ru", "| добавление"), ("en", "| add")]
)
def test_the_admin_lists_permissions_in_the_pages_language(language, expected):
    """Django stores "Can add task" in English; the user's and the group's admin pages list the
    model's translated name and the action instead."""
    from django.contrib import admin
    from django.contrib.auth.models import Group, Permission
    from django.test import RequestFactory

    from tasks.models import Task

    permission = Permission.objects.get(codename="add_task", content_type__app_label="tasks")
    request = RequestFactory().get("/")
    with translation.override(language):
        for model in (User, Group):
            model_admin = admin.site._registry[model]
            field_name = "user_permissions" if model is User else "permissions"
            db_field = model._meta.get_field(field_name)
            field = model_admin.formfield_for_manytomany(db_field, request)
            label = field.label_from_instance(permission)
            assert label.endswith(expected), label
            assert str(Task._meta.verbose_name).capitalize() in label
            assert "Can add" not in label or language == "en"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "Кіру: aigerim, 06.12.2026 14:05"), ("ru", "Вход: aigerim, 06.12.2026 14:05")],
)
def test_the_admin_names_sign_in_records_in_the_pages_language(language, expected):
    """django-axes names its records in English in code ("Access Log for … @ …")."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from axes.models import AccessLog

    moment = dt.datetime(2026, 12, 6, 14, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with translation.override(language):
        assert str(AccessLog(username="aigerim", attempt_time=moment)) == expected
