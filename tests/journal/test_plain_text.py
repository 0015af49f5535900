"""An entry's Markdown never shows as markers where it is read as text: the search's snippets,
a quick entry's title, the Word export (as Word's own formatting there)."""

from __future__ import annotations

import io
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from docx import Document

from journal import export, services
from journal.models import Entry, Kind
from journal.rendering import plain_text

pytestmark = pytest.mark.django_db

SEARCH = reverse("journal:search")
QUICK = reverse("journal:entry-quick")
MARKDOWN = (
    "## Итоги совещания\n\n"
    "> Совещание **решило** сократить визы & согласования\n\n"
    "- первый *пункт*\n- второй пункт\n\n"
    "1. раз\n2. два\n\n"
    "Обычный абзац с `кодом`."
)


@pytest.mark.parametrize(
    "markdown, text",
    [
        ("## Итоги", "Итоги"),
        ("> цитата\n> дальше", "цитата\nдальше"),
        ("**Итоги** совещания: *решили*", "Итоги совещания: решили"),
        ("- один\n- два\n\n1. три", "один\nдва\nтри"),
        ("[ссылка](https://example.kz) и __жирный__", "ссылка и жирный"),
        ("| а | б |\n|---|---|\n| 1 | 2 |", "а | б\n1 | 2"),
        ("a < b & c", "a < b & c"),
        ("<script>alert(1)</script>Текст", "Текст"),
    ],
)
def test_plain_text_is_what_a_reader_sees_without_markers(markdown, text):
    assert plain_text(markdown) == text


def test_search_snippets_show_the_text_without_markdown(client, methodologist):
    services.create_entry(author=methodologist, title="Планёрка", body=MARKDOWN)
    client.force_login(methodologist)
    for params in ({"q": "совещание"}, {"kind": Kind.NOTE}):
        response = client.get(SEARCH, params)
        snippet = response.text.split('search-snippet">', 1)[1].split("</p>", 1)[0]
        assert "Итоги" in snippet and "визы" in snippet
        for marker in ("##", "&gt;", "**", "*пункт", "`"):
            assert marker not in snippet, (params, marker, snippet)
    marked = client.get(SEARCH, {"q": "совещание"}).text
    assert "<mark>совещания</mark>" in marked and "<mark>Совещание</mark>" in marked


def test_a_quick_entrys_title_keeps_no_markdown_marker(client, methodologist):
    client.force_login(methodologist)
    client.post(QUICK, {"body": "**Итоги** стендапа: *14* минут\n\nдалее", "kind": Kind.STANDUP})
    entry = Entry.objects.get()
    assert entry.heading == "Итоги стендапа: 14 минут"
    day = client.get(reverse("journal:day"), {"date": timezone.localdate().isoformat()})
    assert "Итоги стендапа: 14 минут" in day.text


def test_the_word_export_formats_headings_quotes_and_lists_without_markers(methodologist):
    entry = services.create_entry(author=methodologist, title="Планёрка", body=MARKDOWN)
    today = timezone.localdate()
    rows = export.entries(Entry.objects.filter(pk=entry.pk), methodologist)
    document = Document(io.BytesIO(export.to_docx(rows, first=today, last=today)))
    paragraphs = document.paragraphs
    body = paragraphs[[p.text for p in paragraphs].index("Итоги совещания") :]
    heading, quote, *items = body[:7]
    assert all(run.bold for run in heading.runs)
    assert quote.style.name == "Quote"
    assert quote.text == "Совещание решило сократить визы & согласования"
    assert [r.text for r in quote.runs if r.bold] == ["решило"]
    assert [(p.style.name, p.text) for p in items] == [
        ("List Bullet", "первый пункт"),
        ("List Bullet", "второй пункт"),
        ("List Number", "раз"),
        ("List Number", "два"),
        ("Normal", "Обычный абзац с кодом."),
    ]
    assert not any(m in p.text for p in paragraphs for m in ("##", "> ", "**", "`"))


def test_the_migration_fills_the_text_of_entries_written_before_it(methodologist):
    entry = services.create_entry(author=methodologist, body="## Было\n\n> до миграции")
    Entry.objects.filter(pk=entry.pk).update(body_text="")
    import_module("journal.migrations.0008_entry_body_text").fill_body_text(apps, None)
    entry.refresh_from_db()
    assert entry.body_text == "Было\nдо миграции"
