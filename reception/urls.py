from __future__ import annotations

from django.urls import path

from reception.views import board, cases, desk, queue, stats

app_name = "reception"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("visitors/", desk.visitor_lookup, name="visitor-lookup"),
    path("board/", board.board, name="board"),
    path("queue/", queue.queue, name="queue"),
    path("queue/open/", queue.desk_open, name="desk-open"),
    path("queue/close/", queue.desk_close, name="desk-close"),
    path("queue/next/", queue.call_next, name="call-next"),
    path("visits/<int:pk>/ticket/", desk.ticket, name="ticket"),
    path("visits/<int:pk>/left/", desk.visit_left, name="visit-left"),
    path("visits/<int:pk>/transfer/", desk.visit_transfer, name="visit-transfer"),
    path("visits/<int:pk>/start/", queue.visit_start, name="visit-start"),
    path("visits/<int:pk>/finish/", queue.visit_finish, name="visit-finish"),
    path("visits/<int:pk>/hold/", queue.visit_hold, name="visit-hold"),
    path("visits/<int:pk>/resume/", queue.visit_resume, name="visit-resume"),
    path("visits/<int:pk>/call-again/", queue.visit_call_again, name="visit-call-again"),
    path("visits/<int:pk>/no-show/", queue.visit_no_show, name="visit-no-show"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/toggle/",
        cases.case_document_toggle,
        name="case-document-toggle",
    ),
    path("cases/<int:pk>/visitor-back/", cases.case_visitor_back, name="case-visitor-back"),
    path("stats/", stats.stats, name="stats"),
    path("log/", stats.contact_log, name="contact-log"),
]
