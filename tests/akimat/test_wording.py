"""Words as people write them: hours to a sensible precision in the form the number takes, a
role said once when it is also the position, a case's or a dispute's state in the singular."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from akimat.formats import hours
from journal.models import Source
from reception.models import Case
from scores.models import ScoreDispute
from tests.journal.factories import IndicatorFactory, ReadingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, value, text",
    [
        ("ru", Decimal("35.56"), "36 часов"),
        ("ru", Decimal("4.5"), "4,5 часа"),
        ("ru", Decimal("4.04"), "4 часа"),
        ("ru", Decimal("1"), "1 час"),
        ("ru", Decimal("21.2"), "21 час"),
        ("ru", 0.96, "1 час"),
        ("en", Decimal("35.56"), "36 hours"),
        ("en", Decimal("1.0"), "1 hour"),
        ("en", Decimal("2.25"), "2.3 hours"),
        ("kk", Decimal("35.56"), "36 сағат"),
        ("kk", Decimal("4.5"), "4,5 сағат"),
    ],
)
def test_hours_are_rounded_sensibly_and_take_the_right_form(language, value, text):
    with translation.override(language):
        assert hours(value) == text


def test_a_role_named_as_the_position_is_said_once(client, head, specialist):
    head.position = "Руководитель управления"
    head.save(update_fields=["position"])
    client.force_login(head)
    roles = client.get(reverse("home")).text.split('data-testid="roles">')[1].split("</p>")[0]
    assert roles.split() == ["Руководитель", "управления"]
    client.force_login(specialist)
    roles = client.get(reverse("home")).text.split('data-testid="roles">')[1].split("</p>")[0]
    assert ">Специалист</span>" in roles and "· Главный специалист" in roles


@pytest.mark.parametrize("language, label", [("ru", "Открыто"), ("kk", "Ашық"), ("en", "Open")])
def test_an_open_case_or_dispute_is_open_in_the_singular(language, label):
    with translation.override(language):
        assert str(Case.State.OPEN.label) == label
        assert str(ScoreDispute.Status.OPEN.label) == label


def test_the_approval_time_indicator_shows_whole_hours_in_the_right_form(client, methodologist):
    indicator = IndicatorFactory(source=Source.APPROVAL_HOURS, unit_ru="часов", unit_kk="сағат")
    ReadingFactory(indicator=indicator, value=Decimal("35.56"))
    meetings = IndicatorFactory(unit_ru="совещаний")
    ReadingFactory(indicator=meetings, value=Decimal("12.50"))
    client.force_login(methodologist)
    text = client.get(reverse("journal:indicator-list")).text
    assert "36 часов" in text and "35,56" not in text
    assert "12,50 совещаний" in text  # any other unit as it was typed
