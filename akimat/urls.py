from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from akimat import views

admin.site.site_header = _("Akimat portal administration")
admin.site.site_title = _("Akimat portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/import/", views.people_import, name="people-import"),
    path("people/import/confirm/", views.people_import_confirm, name="people-import-confirm"),
    path(
        "people/import/template.xlsx", views.people_import_template, name="people-import-template"
    ),
    path("people/import/<int:pk>/", views.people_import_run, name="people-import-run"),
    path("language/", views.set_language, name="set-language"),
    path("healthz", views.healthz, name="healthz"),
    path("tasks/", include("tasks.urls")),
    path("plans/", include("plans.urls")),
    path("reception/", include("reception.urls")),
    path("appeals/", include("appeals.urls")),
    path("meetings/", include("meetings.urls")),
    path("journal/", include("journal.urls")),
    # The dashboard (dashboard/…) and My score (score/…), at the addresses they always had.
    path("", include("scores.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
