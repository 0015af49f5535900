"""Inline actions on a task, from My tasks or from the task page, with or without htmx.

Each view validates its small form and calls one service. The actions that need words also
answer GET with their form, which My tasks loads into a row only when asked. An htmx request
gets back, with a toast, the task page in its new state, or from My tasks only what changed (the
rows, the counters; tasks/_my_tasks_changes.html); a plain request is redirected back
(Post/Redirect/Get) with a message.
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
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reselect, reswap, retarget

from akimat.http import HtmxRequest, Level, first_error, notify, toast_or_redirect
from akimat.once import AlreadySaved, once
from akimat.versions import Conflict
from tasks import forms, services
from tasks.models import ChecklistItem, DeadlineChange, Task
from tasks.views.detail import task_detail_context
from tasks.views.my import my_tasks_changes
from tasks.views.search import search_changes

Operation = Callable[[Task, dict[str, Any]], object]


def _respond(
    request: HtmxRequest, task: Task, text: str, level: Level, *, changed: bool = True
) -> HttpResponse:
    """The one responder, with the region the action came from: the task page, or only what
    changed in My tasks (a refused form changed nothing, so its row stays as typed in)."""
    if request.POST.get("from") == "detail":
        return toast_or_redirect(
            request,
            text=text,
            level=level,
            redirect_to=task.get_absolute_url(),
            template="tasks/task_detail.html#task-detail",
            context=lambda: task_detail_context(request, task.pk),
        )
    return _respond_in_list(request, [task.pk] if changed else [], text, level)


def _respond_in_list(
    request: HtmxRequest, pks: list[int], text: str, level: Level, *, fresh_form: bool = False
) -> HttpResponse:
    """My tasks' answer: with htmx the rows of these tasks (and of the move decided), the
    counters and, with `fresh_form`, "Accept selected" with a new token, all out of band; a
    plain request goes back to the page."""

    if request.POST.get("section") == "search":
        # From the task search: the rows acted on, in place, in their new state.
        return toast_or_redirect(
            request,
            text=text,
            level=level,
            redirect_to=reverse("tasks:search"),
            template="tasks/_search_changes.html",
            context=lambda: search_changes(request, pks),
        )

    def changes() -> dict[str, object]:
        context = my_tasks_changes(
            request,
            task_pks=pks,
            section=request.POST.get("section"),
            move=request.POST.get("move"),
        )
        return {**context, "fresh_form": fresh_form}

    return toast_or_redirect(
        request,
        text=text,
        level=level,
        redirect_to=reverse("tasks:my-tasks"),
        template="tasks/_my_tasks_changes.html",
        context=changes,
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
        # move_pending: annotated by TaskQuerySet.with_move_pending(), which mypy's Django
        # plugin does not follow through a custom queryset method.
        action == "move" and task.move_pending  # type: ignore[attr-defined]
    ):
        raise PermissionDenied(_("You may not do this with this task."))
    context = {"task": task, "action": action, "origin": "list", "target": ""}
    template = "tasks/task_action.html"
    if request.htmx:
        template += "#action-form"
        context["target"] = "none"  # the answer swaps only what changed (tasks/_hx_answer.html)
    return TemplateResponse(request, template, context)


def _perform(
    request: HtmxRequest,
    pk: int,
    form_class: type[django_forms.Form] | None,
    operation: Operation,
    done: str,
    refused: Callable[[HtmxRequest, Task, str], HttpResponse] | None = None,
) -> HttpResponse:
    """Validate, call the service once, answer; `refused` answers refused input in place of the
    region (a form that keeps what was typed)."""
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        if refused is not None:
            return refused(request, task, first_error(form))
        return _respond(request, task, first_error(form), "danger", changed=False)
    try:
        with once(request):
            operation(task, form.cleaned_data if form is not None else {})
    except AlreadySaved as repeat:
        return _respond(request, task, str(repeat), "info")
    except Conflict as conflict:
        return _respond(request, task, str(conflict), "warning")
    except ValidationError as error:
        if refused is not None:
            return refused(request, task, first_error(error))
        return _respond(request, task, first_error(error), "danger")
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


@require_POST
@login_required
def task_accept_selected(request: HtmxRequest) -> HttpResponse:
    """My tasks' "Accept selected": each ticked result through the one accept service at the
    version it was shown at; a refused one is named with its reason and the rest are accepted.
    The form's token makes a double click accept nothing twice."""
    form = forms.SelectedResultsForm(request.POST)
    if not form.is_valid():
        return _respond_in_list(request, [], first_error(form), "danger")
    versions: dict[int, int] = form.cleaned_data["accept"]
    pks = sorted(versions)
    try:
        with once(request):
            outcome = services.accept_results(
                tasks=Task.objects.visible_to(request.user).filter(pk__in=pks),
                actor=request.user,
                versions=versions,
            )
    except AlreadySaved as repeat:
        return _respond_in_list(request, pks, str(repeat), "info", fresh_form=True)
    except ValidationError as error:
        return _respond_in_list(request, pks, first_error(error), "danger", fresh_form=True)
    text, level = _acceptance_message(outcome, asked=len(pks))
    return _respond_in_list(request, pks, text, level, fresh_form=True)


def _acceptance_message(outcome: services.Acceptance, *, asked: int) -> tuple[str, Level]:
    """How many were accepted, and each one that was not with why."""
    parts = [
        ngettext("%(count)d result accepted.", "%(count)d results accepted.", len(outcome.accepted))
        % {"count": len(outcome.accepted)}
    ]
    parts += [
        _("Not accepted: «%(title)s»: %(reason)s") % {"title": task.title, "reason": reason}
        for task, reason in outcome.refused
    ]
    missing = asked - len(outcome.accepted) - len(outcome.refused)
    if missing:
        parts.append(
            ngettext(
                "%(count)d result is not yours to see.",
                "%(count)d results are not yours to see.",
                missing,
            )
            % {"count": missing}
        )
    return " ".join(parts), "success" if len(outcome.accepted) == asked else "warning"


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
        refused=_move_form_again,
    )


def _move_form_again(request: HtmxRequest, task: Task, error: str) -> HttpResponse:
    """A refused move request: its form again with what was typed and why it was refused. htmx
    swaps it for the form that was sent (wherever it was) and shows the toast; a plain post gets
    the form's own page."""
    origin = "detail" if request.POST.get("from") == "detail" else "list"
    form_id = f"move-form-{task.pk}-{origin}"
    context = {
        "task": task,
        "action": "move",
        "origin": origin,
        "target": "",
        "typed": {key: request.POST.get(key, "") for key in ("new_date", "new_time", "reason")},
        "error": error,
    }
    if not request.htmx:
        return TemplateResponse(request, "tasks/task_action.html", context)
    # My tasks' forms answer out of band (tasks/_hx_answer.html); this answer names the form.
    context["target"] = "#task-detail" if origin == "detail" else "none"
    response = TemplateResponse(request, "tasks/task_action.html#action-form", context)
    selector = f"#{form_id}"
    reselect(reswap(retarget(response, selector), "outerHTML"), selector)
    return notify(response, error, "danger")


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
