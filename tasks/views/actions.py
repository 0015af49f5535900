"""Inline actions on a task, from My tasks or from the task page, with or without htmx.

Each view validates its small form and calls one service. The actions that need words also
answer GET with their form, which My tasks loads into a row only when asked. An htmx request gets back the region
it came from (My tasks or the task page) in its new state, with a toast; a plain request is
redirected back (Post/Redirect/Get) with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.http import HtmxRequest, Level, toast_or_redirect
from akimat.once import AlreadySaved, once
from tasks import forms, services
from tasks.models import ChecklistItem, DeadlineChange, Task
from tasks.views.detail import task_detail_context
from tasks.views.my import my_tasks_context

Operation = Callable[[Task, dict[str, Any]], object]


def _first_error(error: ValidationError | django_forms.Form) -> str:
    if isinstance(error, django_forms.Form):
        return next(
            iter(e for errors in error.errors.values() for e in errors), _("Check the form.")
        )
    return next(iter(error.messages), _("Check the form."))


def _respond(request: HtmxRequest, task: Task, text: str, level: Level) -> HttpResponse:
    from_detail = request.POST.get("from") == "detail"
    region = None
    if request.htmx:
        region = (
            TemplateResponse(
                request, "tasks/task_detail.html#task-detail", task_detail_context(request, task.pk)
            )
            if from_detail
            else TemplateResponse(
                request, "tasks/my_tasks.html#my-tasks", my_tasks_context(request)
            )
        )
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        redirect_to=task.get_absolute_url() if from_detail else reverse("tasks:my-tasks"),
        region=region,
    )


def _action_form(request: HtmxRequest, pk: int, action: str) -> HttpResponse:
    """The form of an action that needs words, asked for from a row of My tasks: htmx loads it
    into the row; without JavaScript it is a page of its own. Either way, posting it answers as
    from My tasks. Only the forms a person may use are given."""
    user = request.user
    task = get_object_or_404(
        Task.objects.visible_to(user).with_move_pending().select_related("department"),
        pk=pk,
    )
    co_executor = task.co_executors.filter(pk=user.pk).exists()
    if action not in services.actions_for(user, task, co_executor=co_executor) or (
        action == "move" and task.move_pending  # type: ignore[attr-defined]
    ):
        raise PermissionDenied(_("You may not do this with this task."))
    context = {"task": task, "action": action, "origin": "list", "target": ""}
    template = "tasks/task_action.html"
    if request.htmx:
        template += "#action-form"
        context["target"] = "#my-tasks"
    return TemplateResponse(request, template, context)


def _perform(
    request: HtmxRequest,
    pk: int,
    form_class: type[django_forms.Form] | None,
    operation: Operation,
    done: str,
) -> HttpResponse:
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _respond(request, task, _first_error(form), "danger")
    try:
        with once(request):
            operation(task, form.cleaned_data if form is not None else {})
    except AlreadySaved as repeat:
        return _respond(request, task, str(repeat), "info")
    except services.Conflict as conflict:
        return _respond(request, task, str(conflict), "warning")
    except ValidationError as error:
        return _respond(request, task, _first_error(error), "danger")
    except PermissionDenied as denied:
        return _respond(request, task, str(denied), "danger")
    return _respond(request, task, done, "success")


@require_POST
@login_required
def task_start(request: HtmxRequest, pk: int) -> HttpResponse:
    def start(task: Task, data: dict[str, Any]) -> object:
        return services.start_task(task=task, actor=request.user, version=data["version"])

    return _perform(request, pk, forms.VersionForm, start, _("The task is in progress."))


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def task_submit(request: HtmxRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _action_form(request, pk, "submit")

    def submit(task: Task, data: dict[str, Any]) -> object:
        return services.submit_task(
            task=task, actor=request.user, result=data["result"], version=data["version"]
        )

    return _perform(request, pk, forms.ResultForm, submit, _("The result has been submitted."))


@require_POST
@login_required
def task_accept(request: HtmxRequest, pk: int) -> HttpResponse:
    def accept(task: Task, data: dict[str, Any]) -> object:
        return services.accept_task(task=task, actor=request.user, version=data["version"])

    return _perform(request, pk, forms.VersionForm, accept, _("The result has been accepted."))


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def task_return(request: HtmxRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _action_form(request, pk, "return")

    def send_back(task: Task, data: dict[str, Any]) -> object:
        return services.return_task(
            task=task, actor=request.user, reason=data["reason"], version=data["version"]
        )

    return _perform(request, pk, forms.ReasonForm, send_back, _("The task has been returned."))


@require_POST
@login_required
def task_cancel(request: HtmxRequest, pk: int) -> HttpResponse:
    def cancel(task: Task, data: dict[str, Any]) -> object:
        return services.cancel_task(
            task=task, actor=request.user, reason=data["reason"], version=data["version"]
        )

    return _perform(request, pk, forms.ReasonForm, cancel, _("The task has been cancelled."))


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def task_comment(request: HtmxRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _action_form(request, pk, "comment")

    def comment(task: Task, data: dict[str, Any]) -> object:
        return services.add_comment(task=task, actor=request.user, body=data["body"])

    return _perform(request, pk, forms.CommentForm, comment, _("The comment has been added."))


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def task_move_request(request: HtmxRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _action_form(request, pk, "move")

    def ask(task: Task, data: dict[str, Any]) -> object:
        return services.request_deadline_move(
            task=task, actor=request.user, new_deadline=data["new_deadline"], reason=data["reason"]
        )

    return _perform(
        request,
        pk,
        forms.MoveRequestForm,
        ask,
        _("The request to move the deadline has been sent."),
    )


@require_POST
@login_required
def task_move_decide(request: HtmxRequest, pk: int, change_pk: int) -> HttpResponse:
    def decide(task: Task, data: dict[str, Any]) -> object:
        change = get_object_or_404(DeadlineChange, pk=change_pk, task=task)
        return services.decide_deadline_move(
            change=change,
            actor=request.user,
            approve=data["decision"] == "approve",
            note=data["note"],
        )

    return _perform(request, pk, forms.DecisionForm, decide, _("The decision has been saved."))


@require_POST
@login_required
def checklist_add(request: HtmxRequest, pk: int) -> HttpResponse:
    def add(task: Task, data: dict[str, Any]) -> object:
        return services.add_checklist_item(task=task, actor=request.user, text=data["text"])

    return _perform(request, pk, forms.ChecklistItemForm, add, _("The item has been added."))


@require_POST
@login_required
def checklist_toggle(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    def toggle(task: Task, data: dict[str, Any]) -> object:
        item = get_object_or_404(ChecklistItem, pk=item_pk, task=task)
        return services.toggle_checklist_item(item=item, actor=request.user)

    return _perform(request, pk, None, toggle, _("The checklist has been updated."))


@require_POST
@login_required
def checklist_remove(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    def remove(task: Task, data: dict[str, Any]) -> object:
        item = get_object_or_404(ChecklistItem, pk=item_pk, task=task)
        return services.remove_checklist_item(item=item, actor=request.user)

    return _perform(request, pk, None, remove, _("The item has been removed."))


@require_POST
@login_required
def attachment_upload(request: HtmxRequest, pk: int) -> HttpResponse:
    def attach(task: Task, data: dict[str, Any]) -> object:
        return services.add_attachment(task=task, actor=request.user, upload=data["file"])

    return _perform(request, pk, forms.AttachmentForm, attach, _("The file has been attached."))
