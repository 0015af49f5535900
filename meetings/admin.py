from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import District


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ("name_ru", "name_kk", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_ru", "name_kk")
