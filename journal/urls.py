from __future__ import annotations

from django.urls import path

from journal.views import day, entries, exports, indicators, options, search

app_name = "journal"

urlpatterns = [
    path("", day.day_view, name="day"),
    path("quick/", day.quick_entry, name="entry-quick"),
    path("new/", entries.entry_create, name="entry-create"),
    path("search/", search.search_view, name="search"),
    path("export/", search.export_view, name="export"),
    path("exports/<int:pk>/", exports.export_detail, name="export-detail"),
    path("exports/<int:pk>/file/", exports.export_download, name="export-download"),
    path("tags/", options.tag_options, name="tag-options"),
    path("links/<str:kind>/", options.link_options, name="link-options"),
    path("<int:pk>/", entries.entry_detail, name="entry-detail"),
    path("<int:pk>/edit/", entries.entry_edit, name="entry-edit"),
    path("<int:pk>/withdraw/", entries.entry_withdraw, name="entry-withdraw"),
    path("<int:pk>/files/<int:attachment_pk>/", entries.attachment_download, name="attachment"),
    path("indicators/", indicators.indicator_list, name="indicator-list"),
    path("indicators/new/", indicators.indicator_form, name="indicator-create"),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator-detail"),
    path("indicators/<int:pk>/edit/", indicators.indicator_form, name="indicator-edit"),
    path("indicators/<int:pk>/readings/", indicators.reading_add, name="reading-add"),
    path("indicators/<int:pk>/compute/", indicators.indicator_compute, name="indicator-compute"),
]
