from __future__ import annotations

import pytest
from django.utils import translation

from akimat.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_department_name_follows_the_active_language(department):
    with translation.override("kk"):
        assert department.name == "Ауыл шаруашылығы басқармасы"
    with translation.override("ru"):
        assert str(department) == "Управление сельского хозяйства"
    with translation.override("en"):
        assert department.name == "Управление сельского хозяйства"


def test_roles_come_from_groups_and_superuser_is_admin(head, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert head.has_role(Role.HEAD)
        assert not head.has_role(Role.DEPUTY, Role.SPECIALIST)
        assert head.roles == {"head"}
    boss = UserFactory(is_superuser=True)
    assert boss.has_role(Role.ADMIN)


def test_full_name_is_surname_name_patronymic():
    person = UserFactory(last_name="Ахметова", first_name="Айгерим", middle_name="Маратовна")
    assert str(person) == "Ахметова Айгерим Маратовна"
    assert person.get_short_name() == "Айгерим"
    assert str(UserFactory(username="nameless", first_name="", last_name="")) == "nameless"


def test_the_directorates_a_person_oversees(
    department, other_department, head, specialist, deputy, receptionist, methodologist
):
    from akimat.models import Department

    everything = {department.pk, other_department.pk}
    for watcher in (deputy, methodologist):
        assert set(Department.objects.watched_by(watcher).values_list("pk", flat=True)) == (
            everything
        )
    assert list(Department.objects.watched_by(head)) == [department]
    for nobody in (specialist, receptionist):
        assert not Department.objects.watched_by(nobody).exists()
