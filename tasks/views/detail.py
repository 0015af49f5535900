"""The task page: everything about one task, its actions, and its history as a timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat.http import HtmxRequest, serve_file
from tasks import forms
from tasks.models import Attachment, Task, Watch
from tasks.panels import panels_for
from tasks.selectors import build_timeline
from tasks.services import actions_for, can_stop_recurring


def task_detail_context(request: HtmxRequest, pk: int) -> dict[str, object]:
    user = request.user
    task = get_object_or_404(
        Task.objects.visible_to(user)
        .with_figures()
        .annotate(watching=Exists(Watch.objects.filter(user=user, task=OuterRef("pk"))))
        .select_related(
            "author",
            "responsible",
            "department__head",
            "recurrence__responsible__department",
            "recurrence__stopped_by",
        ),
        pk=pk,
    )
    co_executors = list(task.co_executors.all())
    moves = list(
        task.deadline_changes.select_related("requested_by", "decided_by").order_by("-requested_at")
    )
    task.actions = actions_for(user, task, co_executor=any(u.pk == user.pk for u in co_executors))
    return {
        "task": task,
        "co_executors": co_executors,
        "checklist": list(task.checklist.all()),
        "comments": list(task.comments.select_related("author")),
        "attachments": list(task.attachments.select_related("uploaded_by")),
        "moves": moves,
        "timeline": build_timeline(task, moves),
        "move_form": forms.MoveRequestForm(),
        "can_decide": "cancel" in task.actions,
        "panels": panels_for(task, user),
        "can_stop_recurrence": task.recurrence is not None
        and task.recurrence.is_active
        and not task.recurrence.has_ended
        and can_stop_recurring(user, task.recurrence),
        # Annotated above, in the task's own query: the page costs no query more for it.
        "watching": task.watching,  # type: ignore[attr-defined]
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def task_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    template = "tasks/task_detail.html"
    if request.htmx:
        template += "#task-detail"
    return TemplateResponse(request, template, task_detail_context(request, pk))


@require_GET
@login_required
def attachment_download(request: HtmxRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Files are served only to people who may see the task."""
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, task=task)
    return serve_file(attachment.file, filename=attachment.name)
