"""A list of tasks as the lines of a spreadsheet: the one rule for a task's cells.

Every list of tasks that exports (My tasks, the board's drill-down, and the search and the
Kanban as they come) passes its queryset, already scoped to the reader and filtered as its page
is, to `task_table`, so a task reads the same in every file: its number, title, responsible
person, author, status, deadline, whether it is overdue by the figures' rule
(`TaskQuerySet.with_figures`), its source document and when it was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from akimat import exports
from tasks.models import Task, TaskQuerySet

# A column a list adds before the task's own (My tasks: the section): its header and its cell.
Column = tuple[str | Promise, Callable[[Task], object]]
WIDTHS = {"B": 60, "C": 30, "D": 30}


def task_headers(columns: Sequence[Column] = ()) -> list[str]:
    return [
        *(str(header) for header, _cell in columns),
        _("No."),
        _("Task"),
        _("Responsible"),
        _("Author"),
        _("Status"),
        _("Deadline"),
        _("Overdue"),
        _("Source"),
        _("Source document"),
        _("Done at"),
    ]


def task_cells(task: Task, columns: Sequence[Column] = ()) -> list[object]:
    """One task's line; `task` carries the figures of `with_figures` (`is_overdue`)."""
    return [
        *(cell(task) for _header, cell in columns),
        task.pk,
        task.title,
        str(task.responsible),
        str(task.author),
        task.get_status_display(),
        task.deadline,
        pgettext("overdue", "yes") if task.is_overdue else pgettext("overdue", "no"),  # type: ignore[attr-defined]
        task.get_source_display(),
        task.source_reference,
        task.done_at,
    ]


def task_table(
    queryset: TaskQuerySet,
    *,
    at: dt.datetime | None = None,
    columns: Sequence[Column] = (),
) -> tuple[list[str], Iterator[list[object]]]:
    """The header and the lines of these tasks, in the queryset's order, read in one query
    (with the people and the figures at `at`, now by default) at most `exports.MAX_ROWS`."""
    tasks = queryset.with_figures(at or timezone.now()).select_related("responsible", "author")
    lines = (task_cells(task, columns) for task in tasks[: exports.MAX_ROWS])
    return task_headers(columns), lines


def task_download(
    request: HttpRequest,
    kind: str,
    queryset: TaskQuerySet,
    *,
    name: str | Promise,
    at: dt.datetime | None = None,
    columns: Sequence[Column] = (),
) -> HttpResponse:
    """The tasks as the file `kind` (two queries: the count, the lines), or back to the page
    with a message when they are more than an export holds."""
    count = queryset.order_by().count()
    if count > exports.MAX_ROWS:
        return exports.too_many(request, count)
    headers, lines = task_table(queryset, at=at, columns=columns)
    return exports.list_download(kind, headers, lines, name=name, widths=WIDTHS)
