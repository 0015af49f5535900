from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from akimat.admin import PortalAdmin, ReadOnly
from journal.models import Entry, EntryVersion, Indicator, Reading, Tag


@admin.register(Entry)
class EntryAdmin(ReadOnly, PortalAdmin):
    """Read-only: entries are written in the logbook; withdrawn ones show their reason here.
    Nothing is deleted; the database refuses it too."""

    list_display = ("occurred_at", "kind", "heading", "author", "withdrawn_at")
    list_filter = ("kind", ("withdrawn_at", admin.EmptyFieldListFilter))
    list_select_related = ("author",)
    search_fields = ("title", "body")
    date_hierarchy = "occurred_at"
    exclude = ("search_document",)


@admin.register(EntryVersion)
class EntryVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("entry", "number", "replaced_at", "replaced_by")
    list_select_related = ("entry", "replaced_by")


@admin.register(Tag)
class TagAdmin(PortalAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(PortalAdmin):
    list_display = ("name_ru", "source", "baseline_value", "target_value", "lower_is_better")
    list_filter = ("source",)


@admin.register(Reading)
class ReadingAdmin(PortalAdmin):
    list_display = ("indicator", "date", "value", "is_computed")
    list_filter = ("indicator", "is_computed")
