from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from akimat.admin import PortalAdmin
from tasks.models import Absence, DeadlineChange, RecurringTask, Task


@admin.register(Task)
class TaskAdmin(PortalAdmin):
    list_display = ("title", "responsible", "department", "status", "deadline", "priority")
    list_filter = ("status", "priority", "source", "department")
    list_select_related = ("responsible", "department")
    search_fields = ("title", "source_number", "responsible__last_name")
    date_hierarchy = "deadline"
    autocomplete_fields = ("author", "responsible", "co_executors")
    # Status, deadline and timestamps change only through the services' rules.
    readonly_fields = (
        "status", "deadline", "department", "created_at", "started_at", "submitted_at",
        "returned_at", "done_at", "cancelled_at", "version",
    )  # fmt: skip


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(PortalAdmin):
    list_display = ("task", "old_deadline", "new_deadline", "state", "requested_by", "decided_by")
    list_filter = ("state",)
    list_select_related = ("task", "requested_by", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # moves are requested and decided in the portal, never written by hand

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Absence)
class AbsenceAdmin(PortalAdmin):
    list_display = ("user", "kind", "start", "end", "acting")
    list_filter = ("kind",)
    autocomplete_fields = ("user", "acting")
    # Tasks are handed over and given back on the portal's page, which shows them first.
    readonly_fields = ("version",)


@admin.register(RecurringTask)
class RecurringTaskAdmin(PortalAdmin):
    list_display = ("title", "responsible", "every", "next_deadline", "until", "is_active")
    list_filter = ("every", "is_active")
    autocomplete_fields = ("author", "responsible")
    readonly_fields = ("stopped_at", "stopped_by")
