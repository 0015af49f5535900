from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from akimat import views, views_dashboard, views_score

admin.site.site_header = _("Akimat portal administration")
admin.site.site_title = _("Akimat portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("language/", views.set_language, name="set-language"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path(
        "dashboard/directorates/<int:pk>/",
        views_dashboard.dashboard_directorate,
        name="dashboard-directorate",
    ),
    path(
        "dashboard/directorates/<int:pk>/people/<int:person>/",
        views_dashboard.dashboard_person,
        name="dashboard-person",
    ),
    path("score/", views_score.my_score, name="score"),
    path("score/dispute/", views_score.dispute_create, name="score-dispute"),
    path("score/disputes/", views_score.dispute_list, name="score-disputes"),
    path(
        "score/disputes/<int:pk>/answer/", views_score.dispute_answer, name="score-dispute-answer"
    ),
    path("tasks/", include("tasks.urls")),
    path("plans/", include("plans.urls")),
    path("reception/", include("reception.urls")),
    path("journal/", include("journal.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
