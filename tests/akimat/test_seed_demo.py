from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError
from django.test import RequestFactory

from akimat.models import Department, User
from tests.demo import seed

# The demo is relative to today: these tests read it at a pinned working morning.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

DEMO_LOGINS = {
    "admin": "admin",
    "deputy": "deputy",
    "reception": "receptionist",
    "methodologist": "methodologist",
    **{
        f"head.{slug}": "head"
        for slug in ("entrepreneurship", "land", "architecture", "construction", "agriculture")
    },
    **{
        f"specialist.{slug}": "specialist"
        for slug in ("entrepreneurship", "land", "architecture", "construction", "agriculture")
    },
}


def test_scale_adds_directorates_of_the_same_shape_and_keeps_the_demo_logins():
    seed()
    seed("--scale", "3")
    assert Department.objects.count() == 15
    assert User.objects.filter(department__isnull=False).count() == 15 * 20
    generated = Department.objects.exclude(
        slug__in=["entrepreneurship", "land", "architecture", "construction", "agriculture"]
    )
    assert all(d.head_id and d.members.count() == 20 for d in generated)
    assert User.objects.get(username="head.agriculture").department.slug == "agriculture"


def test_seed_demo_refuses_a_nonsense_scale():
    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "0")
    assert not User.objects.exists()


def test_every_demo_login_works_with_the_demo_password_and_its_role(demo_summary):
    for username, role in DEMO_LOGINS.items():
        # Login throttling (django-axes) needs the request, as every sign-in has one.
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password="demo")
        assert user is not None, username
        assert user.has_role(role), (username, role)
    assert User.objects.get(username="admin").is_superuser


def test_the_five_directorates_have_about_twenty_people_and_their_heads(demo_summary):
    summary = demo_summary
    assert "5 directorates" in summary
    departments = Department.objects.select_related("head")
    assert {d.slug for d in departments} == {
        "entrepreneurship",
        "land",
        "architecture",
        "construction",
        "agriculture",
    }
    for department in departments:
        assert department.head.username == f"head.{department.slug}"
        assert department.members.count() == 20
        assert department.name_kk and department.name_kk != department.name_ru
    agriculture = User.objects.get(username="head.agriculture")
    assert agriculture.department.slug == "agriculture"


def test_names_are_realistic_and_agree_in_gender(demo_summary):
    for person in User.objects.exclude(username="admin"):
        assert person.last_name and person.first_name and person.middle_name
        if person.middle_name.endswith("овна") or person.middle_name.endswith("евна"):
            assert not person.last_name.endswith(("ов", "ев", "ин")), person


def test_seed_demo_is_idempotent(demo_summary):
    counts = (
        User.objects.count(),
        Department.objects.count(),
        User.history.count(),
        Department.history.count(),
    )
    second = seed()
    assert "0 people created" in second
    assert (
        User.objects.count(),
        Department.objects.count(),
        User.history.count(),
        Department.history.count(),
    ) == counts
