"""Creating and editing tasks, and the search-as-you-type list of people to assign."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from akimat.cleaning import query_text
from akimat.http import HtmxRequest, add_errors
from akimat.once import AlreadySaved, already_saved, once
from akimat.versions import Conflict
from tasks import services
from tasks.forms import RecurrenceForm, TaskCreateForm, TaskEditForm, assignable_people
from tasks.imports import may_import as may_import_instructions
from tasks.models import Task

SEARCH_LIMIT = 30


@require_http_methods(["GET", "POST"])
@login_required
def task_create(request: HtmxRequest) -> HttpResponse:
    if not assignable_people(request.user).exists():
        raise PermissionDenied
    form = TaskCreateForm(
        request.POST or None, user=request.user, initial={"responsible": request.user.pk}
    )
    repeat_form = RecurrenceForm(request.POST or None, prefix="repeat")
    if request.method == "POST" and _both_valid(form, repeat_form):
        data = form.cleaned_data
        schedule = repeat_form.schedule()
        details: dict[str, Any] = {
            "author": request.user,
            "title": data["title"],
            "description": data["description"],
            "responsible": data["responsible"],
            "deadline": data["deadline"],
            "priority": data["priority"],
            "source": data["source"],
            "source_number": data["source_number"],
            "source_date": data["source_date"],
            "co_executors": list(data["co_executors"]),
            "checklist": data["checklist"].splitlines(),
        }
        try:
            with once(request) as submission:
                if schedule is None:
                    task = services.create_task(**details)
                else:
                    task = services.create_recurring_task(schedule=schedule, **details)
                submission.location = task.get_absolute_url()
        except AlreadySaved as repeat:
            return already_saved(request, repeat, redirect_to=reverse("tasks:my-tasks"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            if schedule is None:
                messages.success(request, _("The task has been set."))
            else:
                messages.success(
                    request,
                    _("The task has been set. %(schedule)s.") % {"schedule": schedule.describe()},
                )
            return HttpResponseRedirect(task.get_absolute_url())
    return TemplateResponse(
        request,
        "tasks/task_form.html",
        {
            "form": form,
            "repeat_form": repeat_form,
            "task": None,
            "may_import": may_import_instructions(request.user),
        },
    )


def _both_valid(form: TaskCreateForm, repeat_form: RecurrenceForm) -> bool:
    """Both forms checked (so every mistake shows at once), and the repeats' end not before
    the first deadline."""
    if not all([form.is_valid(), repeat_form.is_valid()]):
        return False
    return repeat_form.check_first(timezone.localdate(form.cleaned_data["deadline"]))


@require_http_methods(["GET", "POST"])
@login_required
def task_edit(request: HtmxRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.visible_to(request.user).select_related("department"), pk=pk
    )
    if not services.can_manage(request.user, task) or not task.is_open:
        raise PermissionDenied
    initial = {
        "version": task.version,
        "title": task.title,
        "description": task.description,
        "priority": task.priority,
        "source": task.source,
        "source_number": task.source_number,
        "source_date": task.source_date,
        "co_executors": list(task.co_executors.all()),
    }
    form = TaskEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_task(task=task, actor=request.user, **{k: data[k] for k in initial})
        except Conflict as conflict:
            messages.warning(request, str(conflict))
            return HttpResponseRedirect(task.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The task has been saved."))
            return HttpResponseRedirect(task.get_absolute_url())
    return TemplateResponse(request, "tasks/task_form.html", {"form": form, "task": task})


@require_GET
@login_required
def people_options(request: HtmxRequest) -> HttpResponse:
    """The <option>s of people the person may assign, matching what they typed."""
    query = query_text(request, "q", max_length=100)
    people = assignable_people(request.user)
    for word in query.split():
        people = people.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(position__icontains=word)
            | Q(position_kk__icontains=word)
        )
    return TemplateResponse(
        request, "tasks/_people_options.html", {"people": people[:SEARCH_LIMIT], "query": query}
    )
