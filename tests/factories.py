"""Typed factory_boy factories for the organisation."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from akimat.models import Department, User


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"directorate-{n}")
    name_ru = factory.Sequence(lambda n: f"Управление № {n}")
    name_kk = factory.Sequence(lambda n: f"№ {n} басқарма")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="ru_RU")
    last_name = factory.Faker("last_name", locale="ru_RU")
    email = factory.LazyAttribute(lambda u: f"{u.username}@akimat.example")
    password = factory.django.Password("correct horse battery")
    position = "Главный специалист"

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            # get_or_create: a transactional test's flush also empties the migration's groups.
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))


def head_of(department: Department, **kwargs: object) -> User:
    """A head of `department`, set as its head."""
    head = UserFactory(department=department, roles=["head"], **kwargs)
    department.head = head
    department.save(update_fields=["head"])
    return head
