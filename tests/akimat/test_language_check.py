"""The check the language crawl (test_browser_languages.py) runs on every page: it finds the
issue's examples of another language on a page, and passes a clean page."""

from __future__ import annotations

import pytest

from tests.leaks import leaks


# The issue's own examples, and what must pass: the detector itself, without a browser.
@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Пожалуйста, введите правильные Қолданушы атауы и пароль.", "kk", "Russian"),
        ("1 день, 2 часа бұрын", "kk", "Russian"),
        ("Жаңартылды 2:05 Т.Қ.", "kk", "12-hour clock"),
        ("Мерзімі: Жел. 6, 2026", "kk", "English date order"),
        ("Орындалуы 14.3 %", "kk", "decimal point"),
        ("Срок: Dec 6", "ru", "month"),
        ("This password is too short. It must contain at least 8 characters.", "ru", "English"),
    ],
)
def test_the_check_finds_a_leak(text, language, expected):
    assert expected in {leak.kind for leak in leaks(text, language)}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Басты бет · Менің тапсырмаларым · Инвестор · 5 күн 3 сағат бұрын", "kk"),
        ("№ 21-08/568, 31.07.2026 ж. 14:05, орындалуы 14,3 %, п. 3.1, Сс 17.11", "kk"),
        ("Поручение № 21-08/568 от 31.07.2026, 14:05; выполнено 14,3 %", "ru"),
    ],
)
def test_the_check_passes_a_clean_page(text, language):
    assert leaks(text, language) == []
