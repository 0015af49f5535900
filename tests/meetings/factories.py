"""Typed factory_boy factories for meetings. `MeetingFactory` writes the row directly (a meeting
at a chosen moment); the protocol's life goes through the services, as the pages do."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from meetings import services
from meetings.models import District, FieldVisit, Kind, Meeting, Protocol
from tests.factories import UserFactory


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    name_ru = factory.Sequence(lambda n: f"Район № {n}")
    name_kk = factory.Sequence(lambda n: f"№ {n} аудан")


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    kind = Kind.INTERNAL
    title = factory.Sequence(lambda n: f"Совещание № {n}")
    starts_at = factory.LazyFunction(timezone.now)
    duration_minutes = 45
    place = "Открытое пространство, зал 1"
    chair = factory.SubFactory(UserFactory, roles=["head"])
    department = factory.LazyAttribute(lambda m: m.chair.department)
    created_by = factory.LazyAttribute(lambda m: m.chair)


class FieldVisitFactory(factory.django.DjangoModelFactory[FieldVisit]):
    class Meta:
        model = FieldVisit

    deputy = factory.SubFactory(UserFactory, roles=["deputy"])
    kind = FieldVisit.Kind.DISTRICT_VISIT
    district = factory.SubFactory(DistrictFactory)
    planned_on = factory.LazyFunction(timezone.localdate)
    planned_by = factory.LazyAttribute(lambda v: v.deputy)


def decision(text: str, responsible=None, days: int = 5, co_executors=()) -> services.DecisionData:
    """A decision due `days` days from today."""
    return services.DecisionData(
        text=text,
        responsible=responsible,
        co_executors=list(co_executors),
        deadline=timezone.localdate() + dt.timedelta(days=days) if days is not None else None,
    )


def signed_protocol(meeting: Meeting, *decisions: services.DecisionData) -> Protocol:
    """The meeting's protocol with `decisions`, signed off by its chair."""
    protocol = services.save_draft(
        meeting=meeting, actor=meeting.chair, heard="Доклады заслушаны.", decisions=decisions
    )
    return services.sign_off(protocol=protocol, actor=meeting.chair)
