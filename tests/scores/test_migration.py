"""The move of the scores' tables from akimat to scores, rehearsed: a database as the old code
left it (akimat/0013, before the move), with a row in every moved table and a moved model's
permission granted to a group, migrated forward, keeps every row, every id and the grant (the
content type is renamed, not replaced)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from akimat.models import User
from akimat.roles import as_owner
from scores.models import (
    BonusPolicy,
    DepartmentSnapshot,
    PersonSnapshot,
    ScoreDispute,
    ScoreRun,
)

BEFORE = [("akimat", "0013_verbose_names")]
MOVED_TABLES = (
    "akimat_bonuspolicy",
    "akimat_historicalbonuspolicy",
    "akimat_personsnapshot",
    "akimat_departmentsnapshot",
    "akimat_scorerun",
    "akimat_scoredispute",
    "akimat_historicalscoredispute",
)
DAY = dt.date(2026, 3, 10)


def _migrate(targets: list[tuple[str, str]] | None = None):  # type: ignore[no-untyped-def]
    """Migrate to `targets` (default: the latest) and return the state's apps there."""
    executor = MigrationExecutor(connection)
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _tables() -> dict[str, list[int]]:
    found = {}
    with connection.cursor() as cursor:
        for table in MOVED_TABLES:
            key = "history_id" if "historical" in table else "id"
            cursor.execute(f"SELECT {key} FROM {table} ORDER BY {key}")  # noqa: S608 (our names)
            found[table] = [row[0] for row in cursor.fetchall()]
    return found


def _seed_the_old_way(apps) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows of every moved table through the models as akimat/0013 knew them."""
    Department = apps.get_model("akimat", "Department")
    OldUser = apps.get_model("akimat", "User")
    Policy = apps.get_model("akimat", "BonusPolicy")
    HistoricalPolicy = apps.get_model("akimat", "HistoricalBonusPolicy")
    People = apps.get_model("akimat", "PersonSnapshot")
    Directorates = apps.get_model("akimat", "DepartmentSnapshot")
    Run = apps.get_model("akimat", "ScoreRun")
    Dispute = apps.get_model("akimat", "ScoreDispute")
    HistoricalDispute = apps.get_model("akimat", "HistoricalScoreDispute")
    ContentTypes = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    OldGroup = apps.get_model("auth", "Group")

    now = timezone.now()
    department = Department.objects.create(name_ru="Управление", name_kk="Басқарма", slug="old")
    person = OldUser.objects.create(username="old.person", last_name="Ахметова")
    head = OldUser.objects.create(username="old.head", last_name="Жумабаев")
    weights = {
        "weight_on_time": Decimal("60"),
        "weight_execution": Decimal("40"),
        "penalty_overdue": Decimal("5"),
        "penalty_move": Decimal("2"),
        "cap": Decimal("100"),
    }
    policy = Policy.objects.create(valid_from=dt.date(2026, 1, 1), note="перенос", **weights)
    HistoricalPolicy.objects.create(
        id=policy.pk,
        valid_from=policy.valid_from,
        history_date=now,
        history_type="+",
        history_user=head,
        **weights,
    )
    figures = {"date": DAY, "policy": policy, "period_start": DAY, "computed_at": now}
    People.objects.create(person=person, department=department, bonus=Decimal("80"), **figures)
    Directorates.objects.create(department=department, people=1, bonus=Decimal("80"), **figures)
    Run.objects.create(date=DAY, chunk=department, started_at=now, status="succeeded", rows=1)
    dispute = Dispute.objects.create(person=person, date=DAY, comment="Не согласна.")
    HistoricalDispute.objects.create(
        id=dispute.pk,
        person=person,
        date=DAY,
        comment=dispute.comment,
        created_at=now,
        status="open",
        history_date=now,
        history_type="+",
    )
    content_type, _ = ContentTypes.objects.get_or_create(app_label="akimat", model="scoredispute")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_scoredispute",
        defaults={"name": "Can view score dispute"},
    )
    group = OldGroup.objects.create(name="dispute readers")
    group.permissions.add(permission)
    person.groups.add(group)
    return {"content_type": content_type.pk, "permission": permission.pk, "person": person.pk}


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_id_and_grant():
    with as_owner(connection.alias):
        try:
            old = _seed_the_old_way(_migrate(BEFORE))
            before = _tables()
            assert all(before.values()), before  # a row in every moved table

            _migrate()

            assert _tables() == before
            models = (BonusPolicy, PersonSnapshot, DepartmentSnapshot, ScoreRun, ScoreDispute)
            for model in models:
                ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
                assert ids == before[model._meta.db_table]
            history = BonusPolicy.history.model
            assert (
                list(history.objects.values_list("history_id", flat=True))
                == (before["akimat_historicalbonuspolicy"])
            )
            content_type = ContentType.objects.get_for_model(ScoreDispute)
            assert (content_type.pk, content_type.app_label) == (old["content_type"], "scores")
            assert not ContentType.objects.filter(app_label="akimat", model="scoredispute").exists()
            group = Group.objects.get(name="dispute readers")
            assert list(group.permissions.values_list("pk", flat=True)) == [old["permission"]]
            assert User.objects.get(pk=old["person"]).has_perm("scores.view_scoredispute")
        finally:
            _migrate()  # the latest state, whatever happened above
            ContentType.objects.clear_cache()
