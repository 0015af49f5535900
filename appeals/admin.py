from __future__ import annotations

from django.contrib import admin

from akimat.admin import PortalAdmin, ReadOnly
from appeals.models import Appeal, AppealFile, AppealSnapshot, Topic


@admin.register(Topic)
class TopicAdmin(PortalAdmin):
    list_display = ("name_ru", "name_kk", "department", "position", "is_active")
    list_filter = ("department", "is_active")
    list_select_related = ("department",)
    search_fields = ("name_ru", "name_kk")


class AppealFileInline(ReadOnly, admin.TabularInline):
    model = AppealFile
    fields = ("role", "name", "size", "uploaded_by", "uploaded_at")


@admin.register(Appeal)
class AppealAdmin(ReadOnly, PortalAdmin):
    """Appeals change only through their services (the law's terms, the task, the history)."""

    list_display = ("code", "kind", "topic", "status", "registered_on", "deadline", "executor")
    list_filter = ("status", "kind", "channel", "department")
    list_select_related = ("topic", "executor")
    # Not by IIN or phone: the admin's search goes in the URL (?q=), and URLs end up in logs.
    search_fields = ("summary", "applicant_name")
    date_hierarchy = "registered_on"
    inlines = (AppealFileInline,)


@admin.register(AppealSnapshot)
class AppealSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("date", "department", "open", "overdue", "redirect_late")
    list_filter = ("department",)
    list_select_related = ("department",)
