from __future__ import annotations

from django.urls import path

from tasks.views import (
    absences,
    actions,
    board,
    detail,
    forms,
    kanban,
    my,
    notifications,
    standup,
)

app_name = "tasks"

urlpatterns = [
    path("", my.my_tasks, name="my-tasks"),
    path("new/", forms.task_create, name="task-create"),
    path("people/", forms.people_options, name="people-options"),
    path("board/", board.board, name="board"),
    path("kanban/", kanban.kanban, name="kanban"),
    path("kanban/<int:pk>/move/", kanban.kanban_move, name="kanban-move"),
    path("standup/", standup.standup, name="standup"),
    path("standup/blockers/", standup.standup_blockers, name="standup-blockers"),
    path("absences/", absences.absence_list, name="absences"),
    path("absences/<int:pk>/edit/", absences.absence_edit, name="absence-edit"),
    path("absences/<int:pk>/delete/", absences.absence_delete, name="absence-delete"),
    path("absences/<int:pk>/hand-over/", absences.absence_hand_over, name="absence-hand-over"),
    path("absences/<int:pk>/give-back/", absences.absence_give_back, name="absence-give-back"),
    path("absences/<int:pk>/undo/<int:hand_over_pk>/", absences.absence_undo, name="absence-undo"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    path("notifications/bell/", notifications.bell, name="bell"),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification-settings",
    ),
    path("accept/", actions.task_accept_selected, name="task-accept-selected"),
    path("<int:pk>/", detail.task_detail, name="task-detail"),
    path("<int:pk>/edit/", forms.task_edit, name="task-edit"),
    path("<int:pk>/start/", actions.task_start, name="task-start"),
    path("<int:pk>/submit/", actions.task_submit, name="task-submit"),
    path("<int:pk>/accept/", actions.task_accept, name="task-accept"),
    path("<int:pk>/return/", actions.task_return, name="task-return"),
    path("<int:pk>/cancel/", actions.task_cancel, name="task-cancel"),
    path("<int:pk>/comment/", actions.task_comment, name="task-comment"),
    path("<int:pk>/move/", actions.task_move_request, name="task-move-request"),
    path(
        "<int:pk>/move/<int:change_pk>/decide/", actions.task_move_decide, name="task-move-decide"
    ),
    path("<int:pk>/checklist/", actions.checklist_add, name="checklist-add"),
    path(
        "<int:pk>/checklist/<int:item_pk>/toggle/",
        actions.checklist_toggle,
        name="checklist-toggle",
    ),
    path(
        "<int:pk>/checklist/<int:item_pk>/remove/",
        actions.checklist_remove,
        name="checklist-remove",
    ),
    path("<int:pk>/attachments/", actions.attachment_upload, name="attachment-upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/", detail.attachment_download, name="attachment"
    ),
]
