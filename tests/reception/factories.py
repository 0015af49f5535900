"""Typed factory_boy factories for the reception.

A factory writes rows directly, so tests can lay out a morning (arrivals, calls, finished
visits) at chosen moments without going through the desk.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from akimat.identifiers import nth_bin, nth_iin
from reception.models import (
    Desk,
    Organisation,
    Service,
    ServiceDocument,
    Shift,
    Visit,
    Visitor,
    VisitorKind,
)
from tests.factories import DepartmentFactory, UserFactory

# A weekday at 11:00 in Almaty, for tests whose visitors came minutes "ago": they came today (run
# just after midnight, they would belong to yesterday's queue, which nobody calls).
MIDDAY = dt.datetime(2026, 11, 18, 11, tzinfo=dt.timezone(dt.timedelta(hours=5)))


def iin(n: int) -> str:
    """A valid IIN of a man born from 1 January 1990 on, the n-th of a run (all distinct)."""
    return nth_iin(n, born_from=dt.date(1990, 1, 1))


def bin_(n: int) -> str:
    """A valid BIN of a legal entity registered from May 2015 on, the n-th of a run."""
    return nth_bin(n, registered_from=dt.date(2015, 5, 1))


class ServiceFactory(factory.django.DjangoModelFactory[Service]):
    class Meta:
        model = Service

    department = factory.SubFactory(DepartmentFactory)
    name_ru = factory.Sequence(lambda n: f"Услуга № {n}")
    name_kk = factory.Sequence(lambda n: f"№ {n} қызмет")
    prefix = "A"


class ServiceDocumentFactory(factory.django.DjangoModelFactory[ServiceDocument]):
    class Meta:
        model = ServiceDocument

    service = factory.SubFactory(ServiceFactory)
    name_ru = factory.Sequence(lambda n: f"Документ № {n}")
    name_kk = factory.Sequence(lambda n: f"№ {n} құжат")
    position = factory.Sequence(lambda n: n)


class DeskFactory(factory.django.DjangoModelFactory[Desk]):
    class Meta:
        model = Desk
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"ТОО «Компания {n}»")
    bin = factory.Sequence(lambda n: bin_(n + 1))


class VisitorFactory(factory.django.DjangoModelFactory[Visitor]):
    class Meta:
        model = Visitor

    full_name = factory.Sequence(lambda n: f"Посетитель Номер {n}")
    iin = factory.Sequence(lambda n: iin(n + 1))
    phone = factory.Sequence(lambda n: f"+7701{n:07d}")
    consent_at = factory.LazyFunction(timezone.now)
    consent_recorded_by = factory.SubFactory(UserFactory, roles=["receptionist"])


class VisitFactory(factory.django.DjangoModelFactory[Visit]):
    class Meta:
        model = Visit

    service = factory.SubFactory(ServiceFactory)
    department = factory.LazyAttribute(lambda v: v.service.department)
    day = factory.LazyFunction(timezone.localdate)
    prefix = factory.LazyAttribute(lambda v: v.service.prefix)
    number = factory.Sequence(lambda n: n + 1)
    kind = VisitorKind.ENTREPRENEUR
    registered_by = factory.SubFactory(UserFactory, roles=["receptionist"])
    arrived_at = factory.LazyFunction(timezone.now)


class ShiftFactory(factory.django.DjangoModelFactory[Shift]):
    class Meta:
        model = Shift
        skip_postgeneration_save = True

    desk = factory.SubFactory(DeskFactory)
    official = factory.SubFactory(UserFactory, roles=["specialist"])

    @factory.post_generation
    def services(self, create: bool, extracted: list[Service] | None, **kwargs: object) -> None:
        if create and extracted:
            self.services.set(extracted)
