from __future__ import annotations

from django.contrib import admin

from akimat.admin import PortalAdmin, ReadOnly
from plans.models import Cycle, Goal, Occurrence, Plan, Review, Tactic


@admin.register(Cycle)
class CycleAdmin(PortalAdmin):
    list_display = ("department", "start", "status")
    list_filter = ("status", "department")
    list_select_related = ("department",)
    # Status moves only through the portal's steps (activate, review, close).
    readonly_fields = ("status", "created_by", "created_at", "closed_at", "previous")


@admin.register(Plan)
class PlanAdmin(PortalAdmin):
    list_display = ("__str__", "cycle", "kind", "status", "approved_by", "approved_at")
    list_filter = ("kind", "status")
    list_select_related = ("cycle__department", "owner", "approved_by")
    readonly_fields = (
        "cycle", "kind", "owner", "status", "submitted_at", "approved_by", "approved_at",
        "created_by", "created_at",
    )  # fmt: skip


@admin.register(Goal)
class GoalAdmin(PortalAdmin):
    list_display = ("title", "plan", "weight", "start_value", "target_value", "unit")
    list_select_related = ("plan__owner",)
    readonly_fields = ("plan", "carried_from")


@admin.register(Tactic)
class TacticAdmin(PortalAdmin):
    list_display = ("title", "goal", "responsible", "weekday", "is_active")
    list_filter = ("is_active", "weekday")
    list_select_related = ("goal", "responsible")
    # The weeks and the person decide which tasks exist: they change through the plan page,
    # which sets and cancels the tasks accordingly.
    readonly_fields = ("goal", "responsible", "weekday", "weeks", "is_active", "carried_from")


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("tactic", "week", "due", "task", "replaced_at")
    list_select_related = ("tactic", "task")


@admin.register(Review)
class ReviewAdmin(PortalAdmin):
    list_display = ("plan", "kind", "week", "author", "updated_at")
    list_filter = ("kind",)
    readonly_fields = ("plan", "kind", "week", "author", "average_score", "progress")
