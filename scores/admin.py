"""The admin of the scores: the bonus policy is edited (with history), the runs and the
snapshots only read, the disputes answered."""

from __future__ import annotations

from django.contrib import admin

from akimat.admin import PortalAdmin, ReadOnly
from scores.models import BonusPolicy, DepartmentSnapshot, PersonSnapshot, ScoreDispute, ScoreRun


@admin.register(BonusPolicy)
class BonusPolicyAdmin(PortalAdmin):
    list_display = (
        "valid_from",
        "weight_on_time",
        "weight_execution",
        "penalty_overdue",
        "penalty_move",
        "cap",
        "note",
        "note_kk",
    )
    date_hierarchy = "valid_from"


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "date",
        "chunk",
        "status",
        "rows",
        "duration_ms",
        "started_at",
        "finished_at",
        "forced",
    )
    list_filter = ("status", "forced", "chunk")
    list_select_related = ("chunk",)
    date_hierarchy = "date"


@admin.register(PersonSnapshot)
class PersonSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("date", "person", "department", "open", "overdue", "week_score", "bonus")
    list_filter = ("department",)
    list_select_related = ("person", "department")
    date_hierarchy = "date"
    search_fields = ("person__last_name", "person__username")


@admin.register(DepartmentSnapshot)
class DepartmentSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "date",
        "department",
        "people",
        "open",
        "overdue",
        "head_overdue",
        "week_score",
        "bonus",
    )
    list_filter = ("department",)
    list_select_related = ("department",)
    date_hierarchy = "date"


@admin.register(ScoreDispute)
class ScoreDisputeAdmin(PortalAdmin):
    list_display = ("date", "person", "status", "created_at", "answered_by", "answered_at")
    list_filter = ("status",)
    list_select_related = ("person", "answered_by")
    raw_id_fields = ("person", "answered_by")
    date_hierarchy = "date"
