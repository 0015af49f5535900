"""My tasks: overdue, today, this week, later, handed in, and what awaits my acceptance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat.http import HtmxRequest
from akimat.models import Department
from tasks.models import OPEN_STATUSES, ChecklistItem, DeadlineChange, Status, Task
from tasks.services import actions_for
from tasks.views.common import end_of, week_bounds


def my_tasks_context(request: HtmxRequest) -> dict[str, object]:
    user, now, today = request.user, timezone.now(), timezone.localdate()
    # Plain id lists let PostgreSQL combine index scans (a subquery inside an OR would make it
    # read every task): the open tasks this person co-executes, the directorates they head.
    co_ids = set(
        Task.co_executors.through.objects.filter(
            user=user, task__status__in=OPEN_STATUSES
        ).values_list("task_id", flat=True)
    )
    headed = list(Department.objects.filter(head=user).values_list("pk", flat=True))
    tasks = list(
        Task.objects.open()
        .filter(Q(responsible=user) | Q(pk__in=co_ids))
        .annotate(
            move_pending=Exists(
                DeadlineChange.objects.filter(task=OuterRef("pk"), state="pending")
            ),
        )
        .with_figures(now)
        .select_related("author", "responsible", "department")
        .prefetch_related(
            Prefetch("checklist", queryset=ChecklistItem.objects.order_by("position", "pk"))
        )
        .order_by("deadline", "pk")
    )
    awaiting = list(
        Task.objects.filter(status=Status.AWAITING_ACCEPTANCE)
        .filter(Q(author=user) | Q(department_id__in=headed))
        .exclude(responsible=user)
        .select_related("author", "responsible", "department")
        .with_figures(now)
        .order_by("submitted_at", "pk")
    )
    moves = list(
        DeadlineChange.objects.filter(state=DeadlineChange.State.PENDING)
        .filter(Q(task__author=user) | Q(task__department_id__in=headed))
        .exclude(requested_by=user)
        .select_related("task", "requested_by")
        .order_by("requested_at")
    )
    end_today, (_monday, sunday) = end_of(today), week_bounds(today)
    sections: dict[str, list[Task]] = {
        "overdue": [],
        "today": [],
        "week": [],
        "later": [],
        "handed_in": [],
    }
    for task in tasks:
        task.is_co_executor = task.pk in co_ids  # type: ignore[attr-defined]
        task.actions = actions_for(user, task, co_executor=task.is_co_executor)  # type: ignore[attr-defined]
        if task.is_overdue:  # type: ignore[attr-defined]
            sections["overdue"].append(task)
        elif task.status == Status.AWAITING_ACCEPTANCE:
            sections["handed_in"].append(task)
        elif task.deadline < end_today:
            sections["today"].append(task)
        elif task.deadline < end_of(sunday):
            sections["week"].append(task)
        else:
            sections["later"].append(task)
    for task in awaiting:
        task.actions = actions_for(user, task)  # type: ignore[attr-defined]
    return {
        "sections": sections,
        "awaiting": awaiting,
        "moves": moves,
        "decisions": len(awaiting) + len(moves),
        "today": today,
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def my_tasks(request: HtmxRequest) -> HttpResponse:
    template = "tasks/my_tasks.html"
    if request.htmx:
        template += "#my-tasks"
    return TemplateResponse(request, template, my_tasks_context(request))
