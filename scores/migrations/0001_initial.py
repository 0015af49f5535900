"""The nightly scores' models, moved from akimat (akimat/0014_scores_moved_out).

State only: the tables exist since akimat/0003_scores (and the later akimat migrations) and keep
their names, `akimat_bonuspolicy` and the rest, history tables included (`db_table`), so the
move touched no row. Renaming them would be an AlterModelTable here; keeping them is simpler and
keeps the grants of akimat/0009 and 0011 (the history tables are append-only) as they are.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("akimat", "0014_scores_moved_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="BonusPolicy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("valid_from", models.DateField(unique=True, verbose_name="valid from")),
                        (
                            "weight_on_time",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="weight of the on-time rate",
                            ),
                        ),
                        (
                            "weight_execution",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="weight of the week's execution score",
                            ),
                        ),
                        (
                            "penalty_overdue",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="penalty per overdue task",
                            ),
                        ),
                        (
                            "penalty_move",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="penalty per deadline move",
                            ),
                        ),
                        (
                            "cap",
                            models.DecimalField(decimal_places=2, max_digits=6, verbose_name="cap"),
                        ),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                        (
                            "note_kk",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="note in Kazakh"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "bonus policy",
                        "verbose_name_plural": "bonus policies",
                        "db_table": "akimat_bonuspolicy",
                        "ordering": ["-valid_from"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("weight_on_time__gte", 0),
                                    ("weight_execution__gte", 0),
                                    ("penalty_overdue__gte", 0),
                                    ("penalty_move__gte", 0),
                                ),
                                name="bonus_policy_weights_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("cap__gt", 0)), name="bonus_policy_cap_positive"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalBonusPolicy",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("valid_from", models.DateField(db_index=True, verbose_name="valid from")),
                        (
                            "weight_on_time",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="weight of the on-time rate",
                            ),
                        ),
                        (
                            "weight_execution",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="weight of the week's execution score",
                            ),
                        ),
                        (
                            "penalty_overdue",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="penalty per overdue task",
                            ),
                        ),
                        (
                            "penalty_move",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=6,
                                verbose_name="penalty per deadline move",
                            ),
                        ),
                        (
                            "cap",
                            models.DecimalField(decimal_places=2, max_digits=6, verbose_name="cap"),
                        ),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                        (
                            "note_kk",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="note in Kazakh"
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical bonus policy",
                        "verbose_name_plural": "historical bonus policies",
                        "db_table": "akimat_historicalbonuspolicy",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalScoreDispute",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("comment", models.TextField(max_length=5000, verbose_name="comment")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="created"
                            ),
                        ),
                        (
                            "answer",
                            models.TextField(blank=True, max_length=5000, verbose_name="answer"),
                        ),
                        (
                            "answered_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="answered"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("answered", "Answered")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical score dispute",
                        "verbose_name_plural": "historical score disputes",
                        "db_table": "akimat_historicalscoredispute",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="DepartmentSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("open", models.PositiveIntegerField(default=0, verbose_name="open")),
                        ("overdue", models.PositiveIntegerField(default=0, verbose_name="overdue")),
                        (
                            "awaiting",
                            models.PositiveIntegerField(
                                default=0, verbose_name="handed in, awaiting acceptance"
                            ),
                        ),
                        (
                            "overdue_days",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue working days"
                            ),
                        ),
                        (
                            "overdue_1_3",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue 1–3 working days"
                            ),
                        ),
                        (
                            "overdue_4_10",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue 4–10 working days"
                            ),
                        ),
                        (
                            "overdue_over_10",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue over 10 working days"
                            ),
                        ),
                        (
                            "done_on_time",
                            models.PositiveIntegerField(
                                default=0, verbose_name="done on time in the cycle"
                            ),
                        ),
                        (
                            "done_late",
                            models.PositiveIntegerField(
                                default=0, verbose_name="done late in the cycle"
                            ),
                        ),
                        (
                            "deadline_moves",
                            models.PositiveIntegerField(
                                default=0, verbose_name="deadline moves in the cycle"
                            ),
                        ),
                        ("period_start", models.DateField(verbose_name="cycle start")),
                        (
                            "week_due",
                            models.PositiveIntegerField(
                                default=0, verbose_name="tactic-tasks due this week"
                            ),
                        ),
                        (
                            "week_on_time",
                            models.PositiveIntegerField(
                                default=0, verbose_name="tactic-tasks done on time this week"
                            ),
                        ),
                        (
                            "week_score",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=5,
                                null=True,
                                verbose_name="week's execution score, %",
                            ),
                        ),
                        (
                            "bonus",
                            models.DecimalField(
                                decimal_places=2, max_digits=7, verbose_name="bonus score"
                            ),
                        ),
                        ("computed_at", models.DateTimeField(verbose_name="computed")),
                        ("people", models.PositiveIntegerField(default=0, verbose_name="people")),
                        (
                            "head_overdue",
                            models.PositiveIntegerField(
                                default=0, verbose_name="the head's own overdue"
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="snapshots",
                                to="akimat.department",
                                verbose_name="directorate",
                            ),
                        ),
                        (
                            "policy",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="scores.bonuspolicy",
                                verbose_name="bonus policy",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "directorate's daily figures",
                        "verbose_name_plural": "directorates' daily figures",
                        "db_table": "akimat_departmentsnapshot",
                        "ordering": ["-date", "department_id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("date", "department"),
                                name="one_department_snapshot_per_day",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PersonSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("open", models.PositiveIntegerField(default=0, verbose_name="open")),
                        ("overdue", models.PositiveIntegerField(default=0, verbose_name="overdue")),
                        (
                            "awaiting",
                            models.PositiveIntegerField(
                                default=0, verbose_name="handed in, awaiting acceptance"
                            ),
                        ),
                        (
                            "overdue_days",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue working days"
                            ),
                        ),
                        (
                            "overdue_1_3",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue 1–3 working days"
                            ),
                        ),
                        (
                            "overdue_4_10",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue 4–10 working days"
                            ),
                        ),
                        (
                            "overdue_over_10",
                            models.PositiveIntegerField(
                                default=0, verbose_name="overdue over 10 working days"
                            ),
                        ),
                        (
                            "done_on_time",
                            models.PositiveIntegerField(
                                default=0, verbose_name="done on time in the cycle"
                            ),
                        ),
                        (
                            "done_late",
                            models.PositiveIntegerField(
                                default=0, verbose_name="done late in the cycle"
                            ),
                        ),
                        (
                            "deadline_moves",
                            models.PositiveIntegerField(
                                default=0, verbose_name="deadline moves in the cycle"
                            ),
                        ),
                        ("period_start", models.DateField(verbose_name="cycle start")),
                        (
                            "week_due",
                            models.PositiveIntegerField(
                                default=0, verbose_name="tactic-tasks due this week"
                            ),
                        ),
                        (
                            "week_on_time",
                            models.PositiveIntegerField(
                                default=0, verbose_name="tactic-tasks done on time this week"
                            ),
                        ),
                        (
                            "week_score",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=5,
                                null=True,
                                verbose_name="week's execution score, %",
                            ),
                        ),
                        (
                            "bonus",
                            models.DecimalField(
                                decimal_places=2, max_digits=7, verbose_name="bonus score"
                            ),
                        ),
                        ("computed_at", models.DateTimeField(verbose_name="computed")),
                        (
                            "department",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="person_snapshots",
                                to="akimat.department",
                                verbose_name="directorate",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="snapshots",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="person",
                            ),
                        ),
                        (
                            "policy",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="scores.bonuspolicy",
                                verbose_name="bonus policy",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "person's daily figures",
                        "verbose_name_plural": "people's daily figures",
                        "db_table": "akimat_personsnapshot",
                        "ordering": ["-date", "person_id"],
                        "indexes": [
                            models.Index(
                                fields=["department", "date"], name="akimat_pers_departm_d5f40b_idx"
                            ),
                            models.Index(
                                fields=["person", "date"], name="akimat_pers_person__e92550_idx"
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("date", "person"), name="one_person_snapshot_per_day"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ScoreDispute",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("comment", models.TextField(max_length=5000, verbose_name="comment")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="created"
                            ),
                        ),
                        (
                            "answer",
                            models.TextField(blank=True, max_length=5000, verbose_name="answer"),
                        ),
                        (
                            "answered_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="answered"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("answered", "Answered")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="disputes",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "score dispute",
                        "verbose_name_plural": "score disputes",
                        "db_table": "akimat_scoredispute",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["status", "created_at"],
                                name="akimat_scor_status_8cfb31_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status", "open")),
                                fields=("person", "date"),
                                name="one_open_dispute_per_person_and_day",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ScoreRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                    ("skipped", "Skipped"),
                                ],
                                default="running",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("started_at", models.DateTimeField(verbose_name="started")),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                        ),
                        (
                            "rows",
                            models.PositiveIntegerField(default=0, verbose_name="rows written"),
                        ),
                        (
                            "duration_ms",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="duration, ms"
                            ),
                        ),
                        ("error", models.TextField(blank=True, verbose_name="error or reason")),
                        ("forced", models.BooleanField(default=False, verbose_name="forced")),
                        (
                            "chunk",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="akimat.department",
                                verbose_name="directorate",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "score run",
                        "verbose_name_plural": "score runs",
                        "db_table": "akimat_scorerun",
                        "ordering": ["-started_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["date", "chunk"], name="akimat_scor_date_14687f_idx"
                            ),
                            models.Index(fields=["-started_at"], name="score_run_latest_idx"),
                        ],
                    },
                ),
            ],
        ),
    ]
