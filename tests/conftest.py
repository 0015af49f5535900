"""Shared fixtures: role personas, the browser set-up, and the CI rule that nothing is skipped."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from tests import demo
from tests.factories import DepartmentFactory, UserFactory, head_of

PASSWORD = "correct horse battery"
# PBKDF2's deliberate slowness protects real passwords, not test fixtures.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Playwright drives the browser from an event loop; the live server's ORM calls are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- the clock ---------------------------------------------------------------------------------

# A working Wednesday at 11:00 in Almaty. The demo's dates are relative to today, so a test that
# reads the demo (or otherwise depends on today) runs here rather than at whatever moment the
# suite happens to start: just after midnight on a Sunday nobody is being served, no task is due
# "today" and the week has not begun.
WORKDAY_MORNING = dt.datetime(2026, 11, 18, 11, 0, tzinfo=ZoneInfo("Asia/Almaty"))


# `make test-at AT="2026-12-06 00:30:00"` runs the whole suite from that moment of Almaty's clock
# (TEST_AT), to show that no test depends on the day the suite runs. The portal's processes (this
# one and the Celery workers the tests start, see tests/akimat/test_jobs.py) move to it; the
# browser keeps the real clock, as a visitor's does, and so do the monotonic clock and the
# database server, which the portal never asks for the time.
SUITE_AT = os.environ.get("TEST_AT", "")


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():
    if not SUITE_AT:
        yield None
        return
    moment = dt.datetime.fromisoformat(SUITE_AT).replace(tzinfo=ZoneInfo("Asia/Almaty"))
    with time_machine.travel(moment, tick=True) as traveller:
        yield traveller


@pytest.fixture
def pinned_clock():
    """The clock at WORKDAY_MORNING, ticking on from there (live servers and timeouts need time
    to pass). Use it with `pytest.mark.usefixtures("pinned_clock")`."""
    with time_machine.travel(WORKDAY_MORNING, tick=True) as traveller:
        yield traveller


# --- the database: migrated by the owner, used by the portal's role ---------------------------

# The tests run as the portal runs: logged in as a role that owns nothing (akimat/roles.py), so
# they prove the portal works without ownership. The test database is created and migrated by
# the owner (DATABASE_OWNER_URL); where DATABASE_URL's role is the owner too (a developer's own
# server), the portal's part is played by this login, made once in the group akimat_portal.
TEST_PORTAL_LOGIN = "akimat_portal_test"
_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Create and migrate the test database as the owner; return the portal's credentials."""
    from django.conf import settings
    from django.db import connections

    db = connections["default"].settings_dict
    owner = {key: settings.DATABASE_OWNER[key] for key in _CREDENTIALS}
    portal = {key: db[key] for key in _CREDENTIALS}
    if portal == owner:
        portal = {**owner, "USER": TEST_PORTAL_LOGIN, "PASSWORD": ""}
    db.update(owner)
    return portal


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_blocker):
    """Once the test database is migrated, the tests and the live server use the portal's role."""
    from django.db import connections
    from psycopg.conninfo import make_conninfo

    from akimat.roles import create_portal_login

    db = connections["default"].settings_dict
    owner = {key: db[key] for key in _CREDENTIALS}
    portal = django_db_modify_db_settings
    with django_db_blocker.unblock():
        if portal["USER"] == TEST_PORTAL_LOGIN:
            conninfo = make_conninfo(
                dbname="postgres",
                user=owner["USER"],
                password=owner["PASSWORD"] or None,
                host=owner["HOST"] or None,
                port=owner["PORT"] or None,
            )
            create_portal_login(conninfo, TEST_PORTAL_LOGIN)
        connections["default"].close()
        db.update(portal)
    yield
    with django_db_blocker.unblock():
        connections["default"].close()
        db.update(owner)


_SET_ASIDE_TRUNCATE_TRIGGERS = r"""
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT tgrelid::regclass AS tab, tgname FROM pg_trigger
             WHERE tgname LIKE '%\_no\_truncate' LOOP
        EXECUTE format('ALTER TABLE %s {} TRIGGER %I', t.tab, t.tgname);
    END LOOP;
END;
$$;
"""


@pytest.fixture(scope="session", autouse=True)
def _flush_as_owner():
    """Between transactional tests Django empties every table with TRUNCATE: only the owner
    may, and only with the append-only tables' BEFORE TRUNCATE triggers set aside."""
    from django.core.management.commands import flush
    from django.db import connections

    from akimat.roles import as_owner

    original = flush.Command.handle

    def handle(self, **options):
        database = options["database"]
        with as_owner(database):
            with connections[database].cursor() as cursor:
                cursor.execute(_SET_ASIDE_TRUNCATE_TRIGGERS.format("DISABLE"))
            try:
                return original(self, **options)
            finally:
                with connections[database].cursor() as cursor:
                    cursor.execute(_SET_ASIDE_TRUNCATE_TRIGGERS.format("ENABLE"))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush.Command, "handle", handle)
        yield


@pytest.fixture
def seeded_demo(transactional_db, pinned_clock):
    """The demo as `seed_demo` leaves it, for a transactional (browser) test: seeded by the first
    such test of the session, restored for the others (tests/demo.py)."""
    demo.seed_for_transactional_test(pinned_clock)


# The test modules whose seeded demo (_demo_of_module) is in place right now.
_MODULES_WITH_DEMO: set[str] = set()


@pytest.fixture(scope="module")
def _demo_of_module(request, django_db_setup, django_db_blocker):
    """`seed_demo` once for a module's tests that read the demo (non-transactional), at the
    pinned clock, in a transaction that each test's own nests in (as a savepoint, rolled back
    after the test) and that is rolled back after the module: about a dozen seconds once rather
    than for every test. The tests that use it come last in their module; a test after them that
    does not is stopped (pytest_runtest_setup below), since it would find the demo there."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            # The hasher every test has (_fast_password_hasher), or no demo login would work.
            with (
                override_settings(PASSWORD_HASHERS=FAST_HASHERS),
                time_machine.travel(WORKDAY_MORNING, tick=True),
            ):
                summary = demo.seed()
                made_at = timezone.now()
        except BaseException:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            raise
    _MODULES_WITH_DEMO.add(request.module.__name__)
    yield summary, made_at
    _MODULES_WITH_DEMO.discard(request.module.__name__)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


@pytest.fixture
def demo_summary(_demo_of_module, db, pinned_clock) -> str:
    """The demo, seeded once for the module (_demo_of_module): what seed_demo printed. The clock
    moves on to the moment the demo was made, as if this test had seeded it."""
    summary, made_at = _demo_of_module
    demo.catch_up(pinned_clock, made_at)
    return summary


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.module.__name__ in _MODULES_WITH_DEMO and (
        "demo_summary" not in getattr(item, "fixturenames", ())
    ):
        pytest.fail(
            f"{item.nodeid} runs while its module's seeded demo is in place: put the tests that "
            "use demo_summary last in the module."
        )


# --- personas --------------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return DepartmentFactory(
        slug="agriculture",
        name_ru="Управление сельского хозяйства",
        name_kk="Ауыл шаруашылығы басқармасы",
    )


@pytest.fixture
def other_department(db):
    return DepartmentFactory(
        slug="land",
        name_ru="Управление земельных отношений",
        name_kk="Жер қатынастары басқармасы",
    )


@pytest.fixture
def head(department):
    return head_of(department, username="head", first_name="Ерлан", last_name="Ахметов")


@pytest.fixture
def specialist(department, head):
    return UserFactory(
        username="specialist",
        department=department,
        roles=["specialist"],
        first_name="Айгерим",
        last_name="Касымова",
    )


@pytest.fixture
def colleague(department, head):
    """A second specialist of the same directorate."""
    return UserFactory(
        username="colleague",
        department=department,
        roles=["specialist"],
        first_name="Болат",
        last_name="Абенов",
    )


@pytest.fixture
def deputy(db):
    return UserFactory(username="deputy", roles=["deputy"], first_name="Данат", last_name="Жумин")


@pytest.fixture
def receptionist(db):
    return UserFactory(
        username="reception",
        roles=["receptionist"],
        first_name="Асель",
        last_name="Сапарова",
    )


@pytest.fixture
def methodologist(db):
    return UserFactory(
        username="methodologist",
        roles=["methodologist"],
        first_name="Жанар",
        last_name="Евниева",
    )


@pytest.fixture
def outsider(other_department):
    """A specialist of another directorate."""
    return UserFactory(username="outsider", department=other_department, roles=["specialist"])


# --- the browser -----------------------------------------------------------------------------


# How long a browser assertion waits for the page to show what it expects. Playwright's 5 s is
# short for a live server on two busy cores (the suite must pass under CPU load); a page that
# never shows it still fails.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = (
            f"Chromium is not installed at {CHROMIUM}: the browser tests need it. "
            "Install it with `sudo apt-get install chromium` (Debian/Ubuntu) or point "
            "CHROMIUM_PATH at a Chromium or Chrome binary."
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# --- CI: a skipped test is a failure ---------------------------------------------------------

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if IN_CI and _skipped:
        terminalreporter.section("skipped tests fail in CI")
        for nodeid in _skipped:
            terminalreporter.write_line(f"SKIPPED (not allowed with CI=true): {nodeid}")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """FAST_HASHERS for every test."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
