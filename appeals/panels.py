"""The task page's panel for an appeal's task: the appeal's code, status and term, with a link
to it for a person who sees the appeal. Registered in `AppealsConfig.ready()` through
`tasks.panels`, so `tasks` never imports `appeals`."""

from __future__ import annotations

from akimat.models import User
from appeals.models import Appeal
from tasks.models import Source, Task
from tasks.panels import Panel


def appeal_panel(task: Task, user: User) -> Panel | None:
    """No query for a task of another source; one for an appeal's task."""
    if task.source != Source.APPEAL:
        return None
    appeal = (
        Appeal.objects.visible_to(user)
        .filter(task_id=task.pk)
        .only("year", "number", "status", "deadline")
        .first()
    )
    if appeal is None:
        return None
    return Panel("appeals/_life_task_panel.html", {"appeal": appeal})
