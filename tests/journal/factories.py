"""Typed factory_boy factories for the logbook.

A factory writes rows directly (rendering and indexing as the service does), so tests can build
entries at any size, dated anywhere, without the service's rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from journal.models import Entry, Indicator, Kind, Reading, Source, Tag
from journal.rendering import render_markdown, visible_text
from journal.services import search_document
from tests.factories import UserFactory


class TagFactory(factory.django.DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"тег-{n}")


class EntryFactory(factory.django.DjangoModelFactory[Entry]):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory, roles=["methodologist"])
    kind = Kind.OBSERVATION
    title = ""
    body = factory.Sequence(lambda n: f"Наблюдение номер {n} в открытом пространстве.")
    body_html = factory.LazyAttribute(lambda e: render_markdown(e.body))
    body_text = factory.LazyAttribute(lambda e: visible_text(e.body_html))
    occurred_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyAttribute(lambda e: e.occurred_at)
    search_document = factory.LazyAttribute(lambda e: search_document(e.title, e.body, []))

    @factory.post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)
            self.search_document = search_document(
                self.title, self.body, [t.name for t in extracted]
            )
            self.save(update_fields=["search_document"])


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    name_ru = factory.Sequence(lambda n: f"Показатель {n}")
    name_kk = factory.Sequence(lambda n: f"Көрсеткіш {n}")
    unit_ru = "совещаний"
    unit_kk = "жиналыс"
    lower_is_better = True
    baseline_value = Decimal("10")
    baseline_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=120))
    baseline_end = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=92))
    target_value = Decimal("8")
    source = Source.MANUAL


class ReadingFactory(factory.django.DjangoModelFactory[Reading]):
    class Meta:
        model = Reading

    indicator = factory.SubFactory(IndicatorFactory)
    date = factory.Sequence(lambda n: timezone.localdate() - dt.timedelta(weeks=n + 1))
    value = Decimal("9")
