"""The task page's panel for a tactic-task: the goal it serves, its week and a link to the plan."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from akimat.models import User
from plans.models import Occurrence, Plan
from tasks.models import Task
from tasks.panels import Panel


def goal_panel(task: Task, user: User) -> Panel | None:
    """One query: the occurrence behind the task, with whether this person may open its plan."""
    occurrence = (
        Occurrence.objects.filter(task_id=task.pk)
        .select_related("tactic__goal__plan__cycle", "tactic__goal__plan__owner")
        .annotate(
            can_open=Exists(Plan.objects.visible_to(user).filter(pk=OuterRef("tactic__goal__plan")))
        )
        .first()
    )
    if occurrence is None:
        return None
    return Panel("plans/_task_goal.html", {"occurrence": occurrence})
