"""Fixtures the reception tests share: a directorate's services, desks and an official."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from akimat.calendar import ensure_calendar
from tests.factories import UserFactory
from tests.reception.factories import DeskFactory, ServiceDocumentFactory, ServiceFactory


@pytest.fixture(autouse=True)
def _calendar(db):
    today = timezone.localdate()
    ensure_calendar(start=today - dt.timedelta(days=60), end=today + dt.timedelta(days=120))


@pytest.fixture
def service(department):
    """Agriculture's subsidies, prefix K, with two required documents."""
    service = ServiceFactory(
        department=department,
        name_ru="Субсидии в животноводстве",
        name_kk="Мал шаруашылығындағы субсидиялар",
        prefix="K",
        service_minutes=12,
        wait_minutes=15,
        legal_term_days=10,
    )
    ServiceDocumentFactory(service=service, name_ru="Заявка", name_kk="Өтінім", position=0)
    ServiceDocumentFactory(
        service=service,
        name_ru="Справка о поголовье",
        name_kk="Мал басы туралы анықтама",
        position=1,
    )
    return service


@pytest.fixture
def other_service(other_department):
    return ServiceFactory(
        department=other_department,
        name_ru="Предоставление земельного участка",
        name_kk="Жер учаскесін беру",
        prefix="L",
    )


@pytest.fixture
def desk():
    return DeskFactory(number=3)


@pytest.fixture
def official(specialist):
    """The agriculture specialist who serves visitors."""
    return specialist


@pytest.fixture
def second_official(department, head):
    return UserFactory(
        username="second", department=department, roles=["specialist"], last_name="Омаров"
    )
