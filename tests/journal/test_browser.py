"""The Chromium journey of the logbook: the methodologist writes an entry with a tag, finds it by
another form of the word, sees it on the day view, and opens an indicator whose chart draws."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from journal.models import Entry, Indicator
from tests.tasks.test_browser import sign_in

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]


def test_methodologist_writes_finds_and_charts(page: Page, live_server, seeded_demo):
    base = live_server.url
    sign_in(page, base, "methodologist")
    page.get_by_role("link", name="Журнал учёта").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Журнал методолога")
    # A click waits only for the new page to start loading; the suggestions are htmx's, which
    # runs deferred. She types once the page has loaded, as a person would (a busy CI once typed
    # before htmx had bound the field, and no suggestion ever came).
    page.wait_for_load_state("load")

    # Quick entry: text, kind, an existing tag picked from the suggestions, Ctrl+Enter.
    page.evaluate("window.__marker = 'no reload'")
    body = page.get_by_label("Что произошло")
    body.fill("Еженедельные совещания управления сократили до одного, по вторникам.")
    page.get_by_label("Вид").select_option(label="Совещание")
    tags = page.get_by_role("textbox", name="Теги", exact=True)
    tags.press_sequentially("сове")
    suggestions = page.locator("#id_tags-options")
    expect(suggestions.locator("[data-tag-pick='совещание']")).to_be_visible()
    suggestions.locator("[data-tag-pick='совещание']").click()
    expect(tags).to_have_value("совещание, ")
    # The second word is suggested too: the suggestions box outlives the first pick.
    tags.press_sequentially("стен")
    expect(suggestions.locator("[data-tag-pick='стендап']")).to_be_visible()
    suggestions.locator("[data-tag-pick='стендап']").click()
    expect(tags).to_have_value("совещание, стендап, ")
    # A word nobody has used yet is announced as a new tag.
    tags.press_sequentially("пилот")
    expect(suggestions).to_contain_text("«пилот» станет новым тегом")
    tags.fill("совещание, стендап")
    body.press("Control+Enter")
    expect(page.locator("#notifications")).to_contain_text("Запись сохранена")
    entry = Entry.objects.order_by("-pk").first()
    assert entry is not None and "сократили" in entry.body
    assert sorted(t.name for t in entry.tags.all()) == ["совещание", "стендап"]
    card = page.locator(f"#entry-{entry.pk}")
    expect(card).to_contain_text("Еженедельные совещания")
    expect(body).to_have_value("")
    assert page.evaluate("window.__marker") == "no reload"

    # Search by another form of the word: "совещаниями" finds "совещания", highlighted.
    page.get_by_role("link", name="Найти").click()
    # Typed before the page's scripts have loaded, the words would wait for the next keystroke.
    page.wait_for_load_state("load")
    page.get_by_label("Слова").fill("совещаниями сократили")
    results = page.locator("#search-results")
    expect(results.get_by_test_id("result-count")).to_contain_text("Найдена 1 запись")
    expect(results.locator("mark").first).to_have_text("совещания")

    # From the result to its day.
    results.locator("article a").first.click()
    expect(page.locator(f"#entry-{entry.pk}")).to_be_visible()
    expect(page.get_by_test_id("day-entries")).to_contain_text("по вторникам")

    # The indicator of internal meetings: the chart draws its datasets.
    indicator = Indicator.objects.get(slug="internal-meetings")
    page.get_by_role("link", name="Показатели").click()
    page.get_by_role("link", name=indicator.name_ru).click()
    canvas = page.get_by_test_id("chart")
    expect(canvas).to_have_attribute("data-rendered", "4")  # readings, baseline, target, entries
    points = page.evaluate(
        "Chart.getChart(document.getElementById('indicator-chart')).data.datasets[0].data.length"
    )
    assert points == indicator.readings.count()
    expect(page.get_by_test_id("change")).to_contain_text("к базовому уровню")
