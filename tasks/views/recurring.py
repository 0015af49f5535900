"""Recurring tasks: the list of those a person set (a head's: also the directorate's), and
"Stop repeating", from the list or from an occurrence's task page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.cleaning import query_int
from akimat.http import HtmxRequest, Level, first_error, toast_or_redirect
from tasks import selectors, services
from tasks.forms import RecurringStopForm
from tasks.models import RecurringTask, Task
from tasks.views.detail import task_detail_context

LIST_TEMPLATE = "tasks/recurring_list.html"


def _page(request: HtmxRequest, number: int | None) -> Page[RecurringTask]:
    page = Paginator(selectors.recurring_on_list(request.user), selectors.RECURRING_PAGE).get_page(
        number
    )
    for template in page:
        template.can_stop = template.is_active and services.can_stop_recurring(
            request.user, template
        )
    return page


@require_GET
@login_required
@vary_on_headers("HX-Request")
def recurring_list(request: HtmxRequest) -> HttpResponse:
    template = LIST_TEMPLATE
    if request.htmx:
        template += "#recurring-list"
    return TemplateResponse(request, template, {"page": _page(request, query_int(request, "page"))})


@require_POST
@login_required
def recurring_stop(request: HtmxRequest, pk: int) -> HttpResponse:
    """Stop a recurring task (its author, the head of the responsible person's directorate, the
    deputy, the admin); someone else's that the person does not follow is a 404."""
    template = get_object_or_404(RecurringTask.objects.visible_to(request.user), pk=pk)
    try:
        services.stop_recurring_task(template=template, actor=request.user)
    except PermissionDenied as denied:
        return _respond(request, str(denied), "danger")
    except ValidationError as refused:
        return _respond(request, first_error(refused), "info")
    return _respond(
        request,
        _("“%(title)s” no longer repeats; the tasks already set stay.") % {"title": template.title},
        "success",
    )


def _respond(request: HtmxRequest, text: str, level: Level) -> HttpResponse:
    """The task page the button was on (`task`), or the list at its page; without htmx a
    redirect there."""
    where = RecurringStopForm(request.POST)
    task_pk = where.value("task")
    if task_pk is not None:
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=task_pk)
        return toast_or_redirect(
            request,
            text=text,
            level=level,
            redirect_to=task.get_absolute_url(),
            template="tasks/task_detail.html#task-detail",
            context=lambda: task_detail_context(request, task.pk),
        )
    number = where.value("page")
    return toast_or_redirect(
        request,
        text=text,
        level=level,
        redirect_to=reverse("tasks:recurring") + (f"?page={number}" if number else ""),
        template=f"{LIST_TEMPLATE}#recurring-list",
        context=lambda: {"page": _page(request, number)},
    )
