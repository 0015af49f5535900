"""The task search: words and filters over the tasks a person may see, in the rows of My tasks;
the person's saved filters with their counts; the tabs "Assigned by me" and "Watching"; and the
watch button of the task page.

The page's queries are the same in number however many tasks match (the page, its count, the
checklists, the saved filters and all their counts in one query).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat import exports
from akimat.cleaning import query_data, query_int
from akimat.http import HtmxRequest, first_error, toast_or_redirect
from tasks import search, services
from tasks.exports import task_download
from tasks.models import SavedFilter, Source, Status, Task, Watch
from tasks.views.my import MyTasks

PAGE_SIZE = 25


def search_rows(
    request: HtmxRequest, tasks: list[Task] | None = None, *, pks: list[int] | None = None
) -> list[Task]:
    """The rows as My tasks draws them (figures, move pending, checklist, buttons): `tasks`
    already read, or the tasks with these `pks` the person may still see."""
    reads = MyTasks(request.user, timezone.now())
    if tasks is None:
        tasks = list(
            Task.objects.visible_to(request.user)
            .filter(pk__in=pks or [])
            .with_move_pending()
            .with_figures(reads.at)
            .select_related("author", "responsible", "department")
        )
    reads.with_actions(tasks)
    return tasks


def search_changes(request: HtmxRequest, pks: list[int]) -> dict[str, object]:
    """What an action from the search changed: the rows in their new state, and the tasks gone
    from the person's sight."""
    rows = search_rows(request, pks=pks)
    kept = {task.pk for task in rows}
    return {"rows": rows, "gone": [pk for pk in pks if pk not in kept]}


def search_context(request: HtmxRequest) -> dict[str, object]:
    user, now = request.user, timezone.now()
    filters = search.verified(search.parse_filters(query_data(request)))
    found = (
        search.found(filters, user=user, at=now)
        .with_move_pending()
        .with_figures(now)
        .select_related("author", "responsible", "department")
    )
    page = Paginator(found, PAGE_SIZE).get_page(query_int(request, "page"))
    rows = search_rows(request, list(page.object_list))
    saved = search.saved_filters(user)
    counts = search.saved_counts(saved, user=user, at=now)
    for item in saved:
        item.count = counts[item.pk]  # type: ignore[attr-defined]
    query = filters.query_string()
    return {
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": query,
        "saved": saved,
        "current": next((s for s in saved if s.query == query), None),
        "can_save": len(saved) < search.MAX_SAVED_FILTERS,
        "max_saved": search.MAX_SAVED_FILTERS,
        "tabs": [
            (tab, label, _back(query=replace(filters, tab=tab).query_string()))
            for tab, label in (
                ("all", _("All")),
                ("assigned", _("Assigned by me")),
                ("watching", _("Watching")),
            )
        ],
        "statuses": [(search.OPEN, _("Any open")), *Status.choices],
        "sources": Source.choices,
        "departments": search.department_choices(user),
        "people": search.people_choices(user, filters),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def task_search(request: HtmxRequest) -> HttpResponse:
    kind = exports.export_kind(request)
    if kind is not None:
        # The whole result, as the page finds it (the same filters, the same sight).
        now = timezone.now()
        filters = search.verified(search.parse_filters(query_data(request)))
        found = search.found(filters, user=request.user, at=now)
        return task_download(request, kind, found, name=_("Task search"), at=now)
    context = search_context(request)
    template = "tasks/task_search.html"
    if request.htmx:
        template += "#search-results"
    return TemplateResponse(request, template, context)


def _back(saved: SavedFilter | None = None, query: str = "") -> str:
    url = reverse("tasks:search")
    query = saved.query if saved is not None else query
    return f"{url}?{query}" if query else url


@require_POST
@login_required
def saved_filter_create(request: HtmxRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    if "\x00" in query:
        query = ""
    try:
        saved = services.save_filter(
            owner=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as error:
        messages.error(request, first_error(error))
        return HttpResponseRedirect(
            _back(query=search.parse_filters(QueryDict(query)).query_string())
        )
    messages.success(request, _("The filter “%(name)s” is saved.") % {"name": saved.name})
    return HttpResponseRedirect(_back(saved))


@require_POST
@login_required
def saved_filter_rename(request: HtmxRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, owner=request.user)
    try:
        services.rename_filter(saved=saved, name=request.POST.get("name", ""))
    except ValidationError as error:
        messages.error(request, first_error(error))
        return HttpResponseRedirect(_back(saved))
    messages.success(request, _("The filter is renamed “%(name)s”.") % {"name": saved.name})
    return HttpResponseRedirect(_back(saved))


@require_POST
@login_required
def saved_filter_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    saved = SavedFilter.objects.filter(pk=pk, owner=request.user).first()
    if saved is None:
        # Deleted already (a second click) or never the person's: nothing to do, nothing shown.
        messages.info(request, _("This filter no longer exists."))
        return HttpResponseRedirect(_back())
    services.delete_filter(saved=saved)
    messages.success(request, _("The filter “%(name)s” is deleted.") % {"name": saved.name})
    return HttpResponseRedirect(_back())


@require_POST
@login_required
def task_watch(request: HtmxRequest, pk: int) -> HttpResponse:
    """Watch or stop watching (`watch` = "1" or "0") a task the person can see; any other task
    is not found."""
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    if request.POST.get("watch") == "1":
        services.watch_task(user=request.user, task=task)
        text = _("You are watching this task: find it under “Watching” in the search.")
    else:
        services.unwatch_task(user=request.user, task=task)
        text = _("You no longer watch this task.")
    return toast_or_redirect(
        request,
        text=text,
        level="success",
        redirect_to=task.get_absolute_url(),
        template="tasks/_watch_button.html",
        context=lambda: {
            "task": task,
            "watching": Watch.objects.filter(user=request.user, task=task).exists(),
        },
    )
