"""The portal's layout in Chromium, on the demo, at a laptop's 1366×768 and a phone's 390×844:
no page scrolls sideways, the dashboard's ranking shows every column, the menu marks one
section and keeps a head's sections on one line; axe finds nothing serious, and the reception
statistics' table is reached by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from akimat.models import Department, User
from journal.models import Indicator
from plans.models import Plan
from scores import scoring
from tests.axe import serious_violations
from tests.tasks.test_browser import sign_in

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("pinned_clock"),
]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# How far the page reaches beyond the window, in CSS pixels (0: no sideways scroll).
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo(live_server, seeded_demo) -> dict[str, str]:
    """The demo loaded; the live server's address ("base") and the pages under test by name (their
    rows picked by key, never by a title the demo may repeat)."""
    # A transactional test's flush also empties the migration's default bonus policy.
    scoring.ensure_default_policy()
    agriculture = Department.objects.get(slug="agriculture")
    person = User.objects.get(username="specialist.agriculture")
    plan = (
        Plan.objects.filter(cycle__department=agriculture, goals__tactics__isnull=False)
        .order_by("pk")
        .first()
    )
    assert plan is not None
    return {
        "base": live_server.url,
        "dashboard": "/dashboard/",
        "directorate": f"/dashboard/directorates/{agriculture.pk}/",
        "person": f"/dashboard/directorates/{agriculture.pk}/people/{person.pk}/",
        "statistics": "/reception/stats/?period=week",
        "plan": f"/plans/{plan.pk}/",
        "logbook": "/journal/",
        "board": "/tasks/board/",
    }


# Who opens what: the deputy and a head read the figures, the methodologist the logbook.
ROLE_PAGES = {
    "deputy": ("dashboard", "directorate", "person", "statistics", "plan", "logbook"),
    "head.agriculture": ("dashboard", "directorate", "statistics", "plan", "logbook", "board"),
    "methodologist": ("logbook", "person", "statistics"),
}


def _open(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    expect(page.locator("main h1").first).to_be_visible()


def _active_sections(page: Page) -> list[str]:
    """The menu's sections marked as the current one, as the person reads them."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") == "false":
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()
    return page.locator("#main-nav .nav-link.active").all_inner_texts()


def _menu_rows(page: Page) -> int:
    """How many lines the main menu's sections take."""
    return page.evaluate(
        """() => new Set([...document.querySelectorAll('#main-nav .navbar-nav .nav-link')]
                   .map(link => Math.round(link.getBoundingClientRect().top))).size"""
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_no_page_scrolls_sideways_and_the_menu_marks_one_section(page: Page, demo, viewport):
    base = demo["base"]
    page.set_viewport_size(viewport)
    for username, names in ROLE_PAGES.items():
        sign_in(page, base, username)
        for name in names:
            _open(page, base + demo[name])
            overflow = page.evaluate(OVERFLOW)
            assert overflow <= 0, f"{username} on {name}: the page scrolls {overflow} px sideways"
            active = _active_sections(page)
            assert len(active) == 1, f"{username} on {name}: sections marked current: {active}"


@pytest.mark.parametrize(
    ("language", "board"), [("ru", "Сводка"), ("kk", "Жиынтық"), ("en", "Board")]
)
def test_a_heads_sections_stand_on_one_line_and_the_board_is_the_current_one(
    page: Page, demo, language, board
):
    page.set_viewport_size(LAPTOP)
    # The person's chosen language is kept on their row (akimat.middleware).
    User.objects.filter(username="head.agriculture").update(language=language)
    sign_in(page, demo["base"], "head.agriculture")
    _open(page, demo["base"] + demo["board"])
    expect(page.locator("html")).to_have_attribute("lang", language)
    sections = page.locator("#main-nav .navbar-nav .nav-link")
    expect(sections).to_have_count(13)
    for link in sections.all():
        expect(link).to_be_visible()
    assert _menu_rows(page) == 1
    # /tasks/board/ lies under My tasks' /tasks/ too: only the board is current.
    assert _active_sections(page) == [board]
    expect(page.get_by_role("link", name=board, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


@pytest.mark.parametrize("username", ["deputy", "head.agriculture"])
def test_every_column_of_the_ranking_is_in_sight_at_1366(page: Page, demo, username):
    page.set_viewport_size(LAPTOP)
    sign_in(page, demo["base"], username)
    _open(page, demo["base"] + demo["dashboard"])
    ranking = page.locator("#dashboard-ranking .table-responsive")
    expect(ranking.locator("tbody tr").first).to_be_visible()
    box = ranking.bounding_box()
    assert box is not None
    # Nothing to scroll inside the ranking's box, and each heading within it and the window.
    assert ranking.evaluate("box => box.scrollWidth - box.clientWidth") <= 0
    headings = ranking.locator("thead th")
    expect(headings).to_have_count(10)
    for heading in headings.all():
        cell = heading.bounding_box()
        assert cell is not None
        assert cell["x"] >= box["x"] - 0.5, heading.inner_text()
        assert cell["x"] + cell["width"] <= min(box["x"] + box["width"], LAPTOP["width"]) + 0.5, (
            heading.inner_text()
        )
    # The sparkline (the last column) is drawn in sight.
    expect(ranking.locator("svg.sparkline").first).to_be_in_viewport()


def test_the_drill_downs_task_titles_get_a_readable_line_at_1366(page: Page, demo):
    page.set_viewport_size(LAPTOP)
    sign_in(page, demo["base"], "deputy")
    _open(page, demo["base"] + demo["dashboard"])
    head = Department.objects.get(slug="agriculture").head
    page.locator("#dashboard-ranking").get_by_role(
        "link", name="Управление сельского хозяйства"
    ).click()
    people = page.locator("#dashboard-detail")
    people.get_by_test_id("person-row").filter(has_text=str(head)).get_by_role("link").click()
    titles = (
        page.locator("#dashboard-person").get_by_test_id("task-row").locator("td:first-child > a")
    )
    expect(titles.first).to_be_visible()
    for title in titles.all():
        lines = title.evaluate(
            "a => Math.round(a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight))"
        )
        # At most two lines a title (they took five to eight in half the page's width).
        assert lines <= 2, title.inner_text()
    assert page.evaluate(OVERFLOW) <= 0


def test_a_button_label_never_breaks_inside_a_word_on_a_phone(page: Page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, demo["base"], "head.agriculture")
    _open(page, demo["base"] + demo["plan"])
    save = page.get_by_role("button", name="Сохранить", exact=True)
    expect(save.first).to_be_visible()
    for button in save.all():
        # One line: the label's height is its line height (a broken "Сохра-нить" is two).
        assert button.evaluate(
            """b => { const s = getComputedStyle(b);
                      const inner = b.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
                      return inner < 1.5 * parseFloat(s.lineHeight); }"""
        )


AXE_PAGES = {
    "deputy": ("dashboard", "directorate", "person", "statistics", "plan"),
    "methodologist": ("logbook", "logbook-search", "indicators", "indicator"),
}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_axe_finds_no_serious_violation_on_the_figures_and_the_logbook(page: Page, demo, viewport):
    indicator = Indicator.objects.order_by("pk").first()
    assert indicator is not None
    pages = {
        **demo,
        "logbook-search": "/journal/search/?q=итоги",
        "indicators": "/journal/indicators/",
        "indicator": f"/journal/indicators/{indicator.pk}/",
    }
    page.set_viewport_size(viewport)
    for username, names in AXE_PAGES.items():
        sign_in(page, demo["base"], username)
        for name in names:
            _open(page, demo["base"] + pages[name])
            assert serious_violations(page) == [], f"{username} on {name}"


def test_the_statistics_table_is_reached_and_scrolled_by_keyboard(page: Page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, demo["base"], "deputy")
    _open(page, demo["base"] + demo["statistics"])
    region = page.get_by_role("region", name="Статистика приёмной по управлениям")
    expect(region).to_be_visible()
    # On a phone the table is wider than its box: the box scrolls, the page does not.
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.evaluate(OVERFLOW) <= 0
    # From the last control before it, one Tab reaches the table; the arrow keys scroll it.
    page.get_by_role("link", name="Выгрузить в CSV").focus()
    page.keyboard.press("Tab")
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=region.element_handle())
