"""The default bonus policy, valid from long before any data, so every date has one in force."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

DEFAULT = {
    "valid_from": dt.date(2000, 1, 1),
    "weight_on_time": Decimal(60),
    "weight_execution": Decimal(40),
    "penalty_overdue": Decimal(2),
    "penalty_move": Decimal(1),
    "cap": Decimal(100),
    # Data, not an interface string: written in the portal's default language.
    "note": "По умолчанию: 60 баллов за долю выполненного в срок, 40 — за оценку исполнения "
    "недели, минус 2 за каждую просроченную задачу и 1 за каждый перенос срока в цикле; "
    "итог от 0 до 100.",
}


def create_default(apps, schema_editor):
    BonusPolicy = apps.get_model("akimat", "BonusPolicy")
    BonusPolicy.objects.get_or_create(valid_from=DEFAULT["valid_from"], defaults=DEFAULT)


def remove_default(apps, schema_editor):
    BonusPolicy = apps.get_model("akimat", "BonusPolicy")
    BonusPolicy.objects.filter(valid_from=DEFAULT["valid_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [("akimat", "0003_scores")]

    operations = [migrations.RunPython(create_default, remove_default)]
