"""The nightly SQL (appeals/nightly_sql.py) repeats the appeals' figures' rules of appeals.models
for speed; this property-based test generates appeals with every date of their life (registered,
the law's term, an extension on some day with a new term, the notice's last day and the notice,
the answer, the redirect and its last day) scattered around a few days, writes the snapshots of
those days in one statement, and proves that each directorate's counts equal the ORM's with the
Q rules (`under_consideration_on`, `overdue_on`, `extension_notice_late`, `redirect_late`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals import figures
from appeals.models import (
    Appeal,
    AppealSnapshot,
    extension_notice_late,
    overdue_on,
    redirect_late,
    under_consideration_on,
)
from tests.appeals.factories import AppealFactory, TopicFactory, received
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
# Tuesday 24 November 2026 and the days around it are counted; the clock stands a week later.
DAY = dt.date(2026, 11, 24)
DAYS = [DAY + dt.timedelta(days=n) for n in range(-2, 3)]
NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=ALMATY)
SETTINGS = settings(
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Offsets in days from DAY: small, so the boundaries (a date on the day counted, the day
# before, the day after) come up often. The last days (the notice's, the redirect's) are drawn
# around the day they are measured against, so "on the last day" and "a day after it" come up
# as often as the rest.
near = st.integers(-6, 6)
maybe = st.none() | near
around = st.none() | st.integers(-2, 2)
appeal_specs = st.fixed_dictionaries(
    {
        "department": st.integers(0, 1),
        "registered": near,
        "legal": near,
        # the extension: the day it was decided, how much later the new term is, the notice's
        # last day after the decision and the day the applicant was told around it (or not yet)
        "extended": maybe,
        "longer": st.integers(0, 8),
        "notice_due": st.integers(0, 4),
        "notice_on": around,
        "answered": maybe,
        # the redirect's last day after registration, and the redirect around it
        "redirect_due": st.integers(0, 4),
        "redirected": around,
    }
)


class Rollback(Exception):
    """Undo one generated example."""


@pytest.fixture
def topics(department, other_department):
    return [TopicFactory(department=department), TopicFactory(department=other_department)]


def _make(topic, registrar, spec) -> Appeal:
    def after(day: dt.date | None, offset: int | None) -> dt.date | None:
        return None if day is None or offset is None else day + dt.timedelta(days=offset)

    registered = DAY + dt.timedelta(days=spec["registered"])
    legal = DAY + dt.timedelta(days=spec["legal"])
    extended = after(DAY, spec["extended"])
    notice_due = after(extended, spec["notice_due"])
    redirect_due = after(registered, spec["redirect_due"])
    return AppealFactory(
        topic=topic,
        registered_by=registrar,
        received_at=received(registered),
        registered_on=registered,
        legal_deadline=legal,
        # the term in force: the extended one when extended (never shorter than the law's)
        deadline=legal + dt.timedelta(days=spec["longer"] if extended else 0),
        extended_on=extended,
        extension_notice_due=notice_due,
        extension_notice_on=after(notice_due, spec["notice_on"]),
        answered_on=after(DAY, spec["answered"]),
        redirected_on=after(redirect_due, spec["redirected"]),
        redirect_due=redirect_due,
    )


def _orm(day: dt.date, department) -> tuple[int, int, int, int]:
    """The pages' rules (appeals.models), per directorate."""
    appeals = Appeal.objects.filter(department=department)
    return (
        appeals.filter(under_consideration_on(day)).count(),
        appeals.filter(overdue_on(day)).count(),
        appeals.filter(extension_notice_late(day)).count(),
        appeals.filter(redirect_late(), redirected_on__lte=day).count(),
    )


def _sql(day: dt.date, department) -> tuple[int, int, int, int]:
    row = AppealSnapshot.objects.get(date=day, department=department)
    return (row.open, row.overdue, row.extension_notice_late, row.redirect_late)


@SETTINGS
@given(appeals=st.lists(appeal_specs, max_size=16))
def test_the_nightly_sql_counts_what_the_orm_rules_count(topics, appeals):
    registrar = UserFactory(roles=["receptionist"])
    with time_machine.travel(NOW, tick=False):
        try:
            with transaction.atomic():
                for spec in appeals:
                    _make(topics[spec["department"]], registrar, spec)
                written = figures.record_days(start=DAYS[0], end=DAYS[-1])
                # every directorate (the two of the topics at least) for every day
                assert written >= 2 * len(DAYS)
                for day in DAYS:
                    for topic in topics:
                        assert _sql(day, topic.department) == _orm(day, topic.department), day
                raise Rollback
        except Rollback:
            pass
