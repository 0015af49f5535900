from __future__ import annotations

from django.urls import path

from scores.views import dashboard, score

# Not namespaced: the names are the ones the templates and the navigation used when these pages
# lived in akimat's urlconf ("dashboard", "score", "score-dispute", …).
urlpatterns = [
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path(
        "dashboard/directorates/<int:pk>/",
        dashboard.dashboard_directorate,
        name="dashboard-directorate",
    ),
    path(
        "dashboard/directorates/<int:pk>/people/<int:person>/",
        dashboard.dashboard_person,
        name="dashboard-person",
    ),
    path("score/", score.my_score, name="score"),
    path("score/dispute/", score.dispute_create, name="score-dispute"),
    path("score/disputes/", score.dispute_list, name="score-disputes"),
    path("score/disputes/<int:pk>/answer/", score.dispute_answer, name="score-dispute-answer"),
]
