from __future__ import annotations

from django.contrib import admin

from akimat.admin import PortalAdmin, ReadOnly
from reception.models import (
    Case,
    CaseDocument,
    Closure,
    ContactLog,
    Desk,
    Organisation,
    Service,
    ServiceDocument,
    Shift,
    Visit,
    Visitor,
)


class ServiceDocumentInline(admin.TabularInline):
    model = ServiceDocument
    extra = 1


@admin.register(Service)
class ServiceAdmin(PortalAdmin):
    list_display = (
        "name_ru", "department", "prefix", "service_minutes", "wait_minutes", "legal_term_days",
        "is_active",
    )  # fmt: skip
    list_filter = ("department", "is_active")
    list_select_related = ("department",)
    search_fields = ("name_ru", "name_kk")
    inlines = (ServiceDocumentInline,)


@admin.register(Desk)
class DeskAdmin(PortalAdmin):
    list_display = ("number", "place", "is_active")


@admin.register(Closure)
class ClosureAdmin(PortalAdmin):
    list_display = ("department", "first_day", "last_day", "reason")
    list_filter = ("department",)


@admin.register(Organisation)
class OrganisationAdmin(PortalAdmin):
    list_display = ("name", "bin")
    # Not by BIN: the admin's search goes in the URL (?q=), and URLs end up in access logs.
    search_fields = ("name",)


@admin.register(Visitor)
class VisitorAdmin(PortalAdmin):
    list_display = ("full_name", "phone", "organisation", "consent_at")
    # Not by IIN: the admin's search goes in the URL (?q=); the desk's lookup finds by IIN.
    search_fields = ("full_name", "phone")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("consent_at", "consent_recorded_by", "created_at")


@admin.register(Shift)
class ShiftAdmin(ReadOnly, PortalAdmin):
    list_display = ("desk", "official", "opened_at", "closed_at")
    list_select_related = ("desk", "official")


@admin.register(Visit)
class VisitAdmin(ReadOnly, PortalAdmin):
    list_display = ("__str__", "day", "service", "kind", "status", "outcome", "official")
    list_filter = ("day", "status", "outcome", "department")
    list_select_related = ("service", "official")


class CaseDocumentInline(ReadOnly, admin.TabularInline):
    model = CaseDocument
    fields = ("name_ru", "received_at", "received_by")


@admin.register(Case)
class CaseAdmin(ReadOnly, PortalAdmin):
    list_display = ("__str__", "service", "responsible", "deadline", "state")
    list_filter = ("state", "department")
    list_select_related = ("visit", "visitor", "service", "responsible")
    inlines = (CaseDocumentInline,)


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnly, admin.ModelAdmin):
    """The anti-corruption record: readable, never editable (the database refuses it anyway)."""

    list_display = ("started_at", "ticket", "official", "visitor", "service", "outcome")
    list_filter = ("outcome", "department")
    list_select_related = ("official", "visitor", "service")
    date_hierarchy = "started_at"
