"""Typed factory_boy factories for appeals.

`AppealFactory` writes a row directly with terms computed by the services' own `terms`, so tests
can lay out months of appeals at chosen moments; `register` goes through the service, as the
desk does."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Channel, Kind, Topic
from tests.factories import DepartmentFactory, UserFactory


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic

    department = factory.SubFactory(DepartmentFactory)
    name_ru = factory.Sequence(lambda n: f"Тема № {n}")
    name_kk = factory.Sequence(lambda n: f"№ {n} тақырып")


class AppealFactory(factory.django.DjangoModelFactory[Appeal]):
    class Meta:
        model = Appeal
        exclude = ("dates",)

    year = factory.LazyAttribute(lambda a: a.dates.registered_on.year)
    number = factory.Sequence(lambda n: 90_000 + n)
    kind = Kind.STATEMENT
    channel = Channel.WRITTEN
    applicant_name = factory.Sequence(lambda n: f"Заявитель № {n}")
    applicant_phone = factory.Sequence(lambda n: f"+7701{n % 10_000_000:07d}")
    summary = factory.Sequence(lambda n: f"Обращение № {n}")
    text = "Прошу рассмотреть."
    topic = factory.SubFactory(TopicFactory)
    department = factory.LazyAttribute(lambda a: a.topic.department)
    received_at = factory.LazyFunction(timezone.now)
    dates = factory.LazyAttribute(lambda a: services.terms(a.received_at))
    registered_on = factory.LazyAttribute(lambda a: a.dates.registered_on)
    registered_at = factory.LazyAttribute(lambda a: a.received_at)
    registered_by = factory.SubFactory(UserFactory, roles=["receptionist"])
    deadline = factory.LazyAttribute(lambda a: a.dates.deadline)
    legal_deadline = factory.LazyAttribute(lambda a: a.dates.deadline)
    redirect_due = factory.LazyAttribute(lambda a: a.dates.redirect_due)


def received(day: dt.date, hour: int = 11) -> dt.datetime:
    """A moment of `day` in Almaty's time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
