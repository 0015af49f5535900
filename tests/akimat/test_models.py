from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


# The apps whose models the admin and the forms show by name (simple_history's copies aside).
PORTAL_APPS = ("akimat", "tasks", "plans", "reception", "journal", "scores")


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a form or the admin may label: its own columns and many-to-many relations,
    not the reverse accessors or join tables Django adds."""
    return [
        field
        for field in model._meta.get_fields()
        if not field.auto_created and (field.concrete or field.many_to_many)
    ]


def _unmarked_names(model: type[models.Model]) -> list[str]:
    """A model's names that a ru or kk page would show in English: Django makes a missing verbose
    name from the attribute ("updated at"), and a plain string is never translated."""
    opts = model._meta
    # An unset plural is Django's lazy "{}s" of the singular: lazy, but English all the same.
    unmarked = [
        f"{opts.label} Meta.{name}"
        for name in ("verbose_name", "verbose_name_plural")
        if not isinstance(opts.original_attrs.get(name), Promise)
    ]
    unmarked += [
        f"{opts.label}.{field.name}"
        for field in _shown_fields(model)
        if not isinstance(field.verbose_name, Promise)
    ]
    return unmarked


def _portal_models() -> list[type[models.Model]]:
    return [
        model
        for label in PORTAL_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]


@isolate_apps("akimat")
def test_an_unmarked_verbose_name_is_found():
    class Unmarked(models.Model):  # noqa: DJ008 (never shown)
        updated_at = models.DateTimeField()
        marked_at = models.DateTimeField(_("updated at"))

        class Meta:
            app_label = "akimat"

    assert _unmarked_names(Unmarked) == [
        "akimat.Unmarked Meta.verbose_name",
        "akimat.Unmarked Meta.verbose_name_plural",
        "akimat.Unmarked.updated_at",
    ]


def test_every_model_and_field_name_is_translatable():
    portal_models = _portal_models()
    # The walk reaches every app and the fields named after their columns (no empty pass).
    assert {model._meta.app_label for model in portal_models} == set(PORTAL_APPS)
    shown = {f"{m._meta.label}.{f.name}" for m in portal_models for f in _shown_fields(m)}
    assert {"tasks.Notification.read_at", "journal.Entry.tags", "akimat.User.username"} <= shown
    unmarked = [name for model in portal_models for name in _unmarked_names(model)]
    assert unmarked == [], (
        'Give these a verbose name in gettext_lazy (`_("…")`, ForeignKey: verbose_name=), '
        f"run make messages and translate it: {unmarked}"
    )
