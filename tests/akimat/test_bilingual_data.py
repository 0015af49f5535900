"""Data kept in Russian and Kazakh shows in the reader's language: a person's position (the
Kazakh on kk pages, the Russian when there is no Kazakh) and the bonus policy's note."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from akimat.models import User, in_language

pytestmark = pytest.mark.django_db


def test_in_language_falls_back_to_russian_when_the_kazakh_is_empty():
    with translation.override("kk"):
        assert in_language("Басшы", "Басшы kk") == "Басшы kk"
        assert in_language("Методолог", "") == "Методолог"
    for language in ("ru", "en"):
        with translation.override(language):
            assert in_language("Руководитель", "Басшы") == "Руководитель"


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("kk", "Қала әкімінің орынбасары", "Заместитель акима города"),
        ("ru", "Заместитель акима города", "Қала әкімінің орынбасары"),
    ],
)
def test_the_people_page_shows_the_position_in_the_readers_language(
    client, deputy, specialist, language, shown, hidden
):
    deputy.position = "Заместитель акима города"
    deputy.position_kk = "Қала әкімінің орынбасары"
    deputy.save(update_fields=["position", "position_kk"])
    specialist.position, specialist.position_kk = "Главный специалист", ""
    specialist.save(update_fields=["position", "position_kk"])
    User.objects.filter(pk=specialist.pk).update(language=language)
    client.force_login(specialist)
    page = client.get(reverse("people")).text
    assert shown in page and hidden not in page
    assert "Главный специалист" in page  # no Kazakh given: the Russian, not an empty cell
