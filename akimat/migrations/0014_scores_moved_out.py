"""The nightly scores' models leave akimat for the top-floor app `scores` (scores/0001_initial).

State only: the tables, their rows, indexes, constraints and grants stay where they are, and
`scores` declares the same tables under their old names (`db_table`). The content types and
permissions follow in scores/0002_content_types.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("akimat", "0013_verbose_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="departmentsnapshot",
                    name="policy",
                ),
                migrations.RemoveField(
                    model_name="personsnapshot",
                    name="policy",
                ),
                migrations.RemoveField(
                    model_name="departmentsnapshot",
                    name="department",
                ),
                migrations.RemoveField(
                    model_name="historicalbonuspolicy",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalscoredispute",
                    name="answered_by",
                ),
                migrations.RemoveField(
                    model_name="historicalscoredispute",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalscoredispute",
                    name="person",
                ),
                migrations.RemoveField(
                    model_name="personsnapshot",
                    name="department",
                ),
                migrations.RemoveField(
                    model_name="personsnapshot",
                    name="person",
                ),
                migrations.RemoveField(
                    model_name="scoredispute",
                    name="answered_by",
                ),
                migrations.RemoveField(
                    model_name="scoredispute",
                    name="person",
                ),
                migrations.RemoveField(
                    model_name="scorerun",
                    name="chunk",
                ),
                migrations.DeleteModel(
                    name="BonusPolicy",
                ),
                migrations.DeleteModel(
                    name="DepartmentSnapshot",
                ),
                migrations.DeleteModel(
                    name="HistoricalBonusPolicy",
                ),
                migrations.DeleteModel(
                    name="HistoricalScoreDispute",
                ),
                migrations.DeleteModel(
                    name="PersonSnapshot",
                ),
                migrations.DeleteModel(
                    name="ScoreDispute",
                ),
                migrations.DeleteModel(
                    name="ScoreRun",
                ),
            ],
        ),
    ]
