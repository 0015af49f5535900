"""The nightly SQL names its tables and status values through `psycopg.sql`, from the models and
their enums: the templates spell neither (the figures' results are tests/scores/test_scoring.py's
and test_figures_agree.py's)."""

from __future__ import annotations

import pytest

from scores import nightly_sql
from scores.models import ScoreRun
from tasks.models import DeadlineChange, Status

TEMPLATES = {
    name: getattr(nightly_sql, name)
    for name in (
        "BONUS_SQL",
        "FIGURES",
        "UPSERT_PEOPLE",
        "DELETE_STALE",
        "ROLL_UP",
        "FINISH",
        "DIRECTORATE_SUMS",
        "WEEKLY_OVERDUE",
    )
}
VALUES = [*Status.values, *DeadlineChange.State.values, *ScoreRun.Status.values]


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_templates_spell_no_status_value_nor_table(name):
    template = TEMPLATES[name]
    assert not [value for value in VALUES if f"'{value}'" in template]
    assert not [table for table in nightly_sql.tables().values() if table in template]


def test_the_statements_take_the_values_and_tables_from_the_models():
    figures = nightly_sql.render(nightly_sql.figures())
    for value in (Status.DONE, Status.AWAITING_ACCEPTANCE, Status.CANCELLED):
        assert f"'{value.value}'" in figures
    assert f"'{DeadlineChange.State.APPROVED.value}'" in figures
    assert '"tasks_task"' in figures
    assert "{" not in figures  # every name of the template was filled in
    finish = nightly_sql.render(nightly_sql.finish())
    assert f"'{ScoreRun.Status.SUCCEEDED.value}'" in finish
    assert f"'{ScoreRun.Status.SKIPPED.value}'" in finish
