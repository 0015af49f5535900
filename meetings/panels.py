"""The task page's panel for a protocol decision's task: the meeting it came from (kind, subject,
date), the protocol's number and the decision as written, with links for a person who sees the
meeting. Registered in `MeetingsConfig.ready()` through `tasks.panels`, so `tasks` never imports
`meetings`."""

from __future__ import annotations

from akimat.models import User
from meetings.models import Decision, Meeting
from tasks.models import Source, Task
from tasks.panels import Panel


def decision_panel(task: Task, user: User) -> Panel | None:
    """No query for a task of another source; one for a decision's task."""
    if task.source != Source.PROTOCOL:
        return None
    decision = (
        Decision.objects.filter(
            task_id=task.pk, protocol__meeting__in=Meeting.objects.visible_to(user)
        )
        .select_related("protocol__meeting")
        .first()
    )
    if decision is None:
        return None
    return Panel("meetings/_task_panel.html", {"decision": decision})
