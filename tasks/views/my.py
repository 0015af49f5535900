"""My tasks: overdue, today, this week, later, handed in, and what awaits my decision.

Each section shows a page of `PAGE_SIZE` rows and the exact count of all its rows in its header;
"Show more" fetches the section's next page (`?overdue_page=2`): htmx appends it in place, a
plain link opens the page with that section at that page. The queries are the same in number
however many tasks a person has.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.http import HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from akimat import exports
from akimat.cleaning import query_data
from akimat.http import HtmxRequest
from akimat.models import Department, User
from tasks.exports import task_download
from tasks.models import (
    IN_WORK_STATUSES,
    OPEN_STATUSES,
    ChecklistItem,
    DeadlineChange,
    Status,
    Task,
    TaskQuerySet,
    overdue_at,
    this_week_until,
)
from tasks.services import actions_for
from tasks.views.common import end_of

PAGE_SIZE = 25
# A page number past this is not a page anyone reached by "Show more" (and would overflow SQL).
MAX_PAGE = 100_000

# The sections of my own open tasks, in the order the page shows them.
TITLES: dict[str, Promise] = {
    "overdue": _("Overdue"),
    "today": _("Today"),
    "week": _("This week"),
    "later": _("Later"),
    "handed_in": _("Handed in, awaiting acceptance"),
}
# What awaits my decision: results to accept, and deadline moves to approve.
DECISIONS = ("awaiting", "moves")
DECISIONS_TITLE = _("Awaiting my decision")
SECTIONS = (*TITLES, *DECISIONS)


@dataclass
class Section:
    key: str
    rows: list[Task] | list[DeadlineChange]
    # How many of the section's rows come before these.
    start: int
    has_next: bool
    # All the section's rows (None in a "Show more" fragment, which reads only its page).
    count: int | None = None

    @property
    def title(self) -> Promise:
        return TITLES.get(self.key, DECISIONS_TITLE)

    @property
    def deciding(self) -> bool:
        return self.key == "awaiting"

    @property
    def page(self) -> int:
        return self.start // PAGE_SIZE + 1

    @property
    def first(self) -> int:
        return self.start + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None


def section_rules(at: dt.datetime) -> dict[str, Q]:
    """Which section an open task of mine is in at `at`, by the figures' rules of tasks.models:
    overdue first; a result awaiting acceptance and not overdue is handed in; the rest (still
    in work, not overdue) by the deadline: today, the rest of the working week ahead, later.
    Each task meets exactly one rule."""
    today = timezone.localdate(at)
    end_today = end_of(today)
    # On a Sunday "this week" is the coming working week (tasks.models.this_week_until).
    in_week = Q(LessThanOrEqual(TruncDate("deadline"), this_week_until(today)))
    overdue = overdue_at(at)
    in_work = ~overdue & Q(status__in=IN_WORK_STATUSES)
    return {
        "overdue": overdue,
        "today": in_work & Q(deadline__lt=end_today),
        "week": in_work & Q(deadline__gte=end_today) & in_week,
        "later": in_work & Q(deadline__gte=end_today) & ~in_week,
        "handed_in": ~overdue & Q(status=Status.AWAITING_ACCEPTANCE),
    }


def shown_rows(query: QueryDict, key: str) -> int | None:
    """How many rows of the section the list shows now (`?overdue_shown=18`), if it says."""
    raw = query.get(f"{key}_shown")
    if raw is None or not raw.isdigit():
        return None
    return min(int(raw), MAX_PAGE * PAGE_SIZE)


def page_numbers(query: QueryDict) -> dict[str, int]:
    """The pages asked for (`?overdue_page=2`); a missing or garbled number is the first page."""
    pages = {}
    for key in SECTIONS:
        raw = query.get(f"{key}_page")
        if raw is None:
            continue
        try:
            page = int(raw)
        except ValueError:
            page = 1
        pages[key] = min(max(page, 1), MAX_PAGE)
    return pages


class MyTasks:
    """The reads behind the page, for one person at one moment."""

    def __init__(self, user: User, at: dt.datetime) -> None:
        self.user, self.at = user, at
        self.rules = section_rules(at)
        # Plain id lists let PostgreSQL combine index scans (a subquery inside an OR would make
        # it read every task): the open tasks this person co-executes, the directorates they head.
        self.co_ids = set(
            Task.co_executors.through.objects.filter(
                user=user, task__status__in=OPEN_STATUSES
            ).values_list("task_id", flat=True)
        )
        self.mine = Q(status__in=OPEN_STATUSES) & (Q(responsible=user) | Q(pk__in=self.co_ids))
        self._headed: list[int] | None = None

    @property
    def headed(self) -> list[int]:
        if self._headed is None:
            self._headed = list(
                Department.objects.filter(head=self.user).values_list("pk", flat=True)
            )
        return self._headed

    @property
    def awaiting(self) -> Q:
        """Results handed in for me to accept: tasks I set, or of a directorate I head."""
        return (
            Q(status=Status.AWAITING_ACCEPTANCE)
            & (Q(author=self.user) | Q(department_id__in=self.headed))
            & ~Q(responsible=self.user)
        )

    def moves(self) -> QuerySet[DeadlineChange]:
        return (
            DeadlineChange.objects.filter(state=DeadlineChange.State.PENDING)
            .filter(Q(task__author=self.user) | Q(task__department_id__in=self.headed))
            .exclude(requested_by=self.user)
        )

    def counts(self) -> dict[str, int]:
        """Every section's count: one aggregate over the same rules, and the moves."""
        counts = Task.objects.filter(self.mine | self.awaiting).aggregate(
            **{key: Count("pk", filter=self.mine & rule) for key, rule in self.rules.items()},
            awaiting=Count("pk", filter=self.awaiting),
        )
        return {**counts, "moves": self.moves().count()}

    def export(self) -> TaskQuerySet:
        """Every task of the page in one list: my open tasks and those handed in, each with its
        section (annotated `section`), then the results awaiting my decision; in the page's
        order (section, then deadline)."""
        whens = [When(self.mine & rule, then=Value(key)) for key, rule in self.rules.items()]
        order = [
            When(self.mine & rule, then=Value(n)) for n, rule in enumerate(self.rules.values())
        ]
        return (
            Task.objects.filter(self.mine | self.awaiting)
            .annotate(
                section=Case(*whens, default=Value("awaiting"), output_field=CharField()),
                section_order=Case(*order, default=Value(len(order))),
            )
            .order_by("section_order", "deadline", "pk")
        )

    def _task_rows(self, tasks: TaskQuerySet) -> TaskQuerySet:
        return (
            tasks.with_move_pending()
            .with_figures(self.at)
            .select_related("author", "responsible", "department")
        )

    def mine_pages(self, starts: dict[str, int]) -> dict[str, Section]:
        """The asked pages of my sections, in one query: a first pass numbers each section's
        tasks (by deadline) from the cheap columns alone, the second reads the figures of only
        the rows on the pages (one more row each tells whether a next page exists)."""
        section = Case(
            *(When(rule, then=Value(key)) for key, rule in self.rules.items()),
            output_field=CharField(),
        )
        numbered = (
            Task.objects.filter(self.mine)
            .annotate(
                section=section,
                row=Window(
                    RowNumber(), partition_by=F("section"), order_by=[F("deadline"), F("pk")]
                ),
            )
            .filter(
                reduce(
                    or_,
                    (
                        Q(
                            section=key,
                            row__gt=start,
                            row__lte=start + PAGE_SIZE + 1,
                        )
                        for key, start in starts.items()
                    ),
                )
            )
        )
        rows: dict[str, list[Task]] = {key: [] for key in starts}
        for task in (
            self._task_rows(Task.objects.filter(pk__in=numbered.values("pk")))
            .annotate(section=section)
            .order_by("deadline", "pk")
        ):
            # section: annotated just above; the plugin loses it through _task_rows' queryset.
            rows[task.section].append(task)  # type: ignore[attr-defined]
        return {key: self._section(key, start, rows[key]) for key, start in starts.items()}

    def awaiting_page(self, start: int) -> Section:
        tasks = self._task_rows(Task.objects.filter(self.awaiting)).order_by("submitted_at", "pk")
        return self._section("awaiting", start, list(tasks[start : start + PAGE_SIZE + 1]))

    def moves_page(self, start: int) -> Section:
        moves = self.moves().select_related("task", "requested_by").order_by("requested_at", "pk")
        return self._section("moves", start, list(moves[start : start + PAGE_SIZE + 1]))

    def _section(self, key: str, start: int, rows: list[Task] | list[DeadlineChange]) -> Section:
        return Section(key, rows[:PAGE_SIZE], start, has_next=len(rows) > PAGE_SIZE)

    def pages(self, starts: dict[str, int]) -> dict[str, Section]:
        """A page of each asked section, after the section's first `starts[key]` rows, with each
        task's buttons and checklist."""
        mine = {key: start for key, start in starts.items() if key in TITLES}
        sections = self.mine_pages(mine) if mine else {}
        if "awaiting" in starts:
            sections["awaiting"] = self.awaiting_page(starts["awaiting"])
        if "moves" in starts:
            sections["moves"] = self.moves_page(starts["moves"])
        self.with_actions(
            [task for s in sections.values() for task in s.rows if isinstance(task, Task)]
        )
        return sections

    def rows(self, pks: list[int]) -> dict[int, tuple[str, Task]]:
        """Where each of these tasks stands in my sections now, with its row's reads and
        buttons, in one query (and its checklists'): a task that left My tasks is absent."""
        section = Case(
            *(When(self.mine & rule, then=Value(key)) for key, rule in self.rules.items()),
            When(self.awaiting, then=Value("awaiting")),
            output_field=CharField(),
        )
        tasks = list(
            self._task_rows(Task.objects.filter(pk__in=pks).filter(self.mine | self.awaiting))
            .annotate(section=section)
            .order_by("pk")
        )
        self.with_actions(tasks)
        # The annotation is an attribute the Django plugin does not know of through _task_rows.
        return {task.pk: (vars(task)["section"], task) for task in tasks}

    def with_actions(self, tasks: list[Task]) -> None:
        prefetch_related_objects(
            tasks, Prefetch("checklist", queryset=ChecklistItem.objects.order_by("position", "pk"))
        )
        for task in tasks:
            task.is_co_executor = task.pk in self.co_ids
            task.actions = actions_for(self.user, task, co_executor=task.is_co_executor)


def my_tasks_context(
    request: HtmxRequest, pages: dict[str, int] | None = None
) -> dict[str, object]:
    """The whole page: every section at its asked page (the first unless `pages` says), with
    every section's exact count. A page past a section's end is its last page."""
    reads = MyTasks(request.user, timezone.now())
    counts = reads.counts()
    asked = pages or {}
    sections = reads.pages(
        {
            key: (min(asked.get(key, 1), max(1, math.ceil(counts[key] / PAGE_SIZE))) - 1)
            * PAGE_SIZE
            for key in SECTIONS
        }
    )
    for key, section in sections.items():
        section.count = counts[key]
    return {
        "sections": {key: sections[key] for key in TITLES},
        "awaiting": sections["awaiting"],
        "moves": sections["moves"],
        "today": timezone.localdate(),
        **counters(counts),
    }


def counters(counts: dict[str, int]) -> dict[str, object]:
    """The counters of the page: the menu of sections and each section's header."""
    return {
        "counts": counts,
        "section_counts": [(key, counts[key]) for key in TITLES],
        "decisions": counts["awaiting"] + counts["moves"],
    }


@dataclass
class Change:
    """What became of a row of My tasks after an action: `replace` it where it is, `move` it to
    the top of the section it belongs to now (`section`), or `delete` it."""

    pk: int
    swap: str
    section: str = ""
    row: Task | DeadlineChange | None = None

    @property
    def deciding(self) -> bool:
        return self.section == "awaiting"


def my_tasks_changes(
    request: HtmxRequest, *, task_pks: list[int], section: str | None, move: str | None = None
) -> dict[str, object]:
    """Only what an action from My tasks changed, for htmx's out-of-band swaps: the rows of the
    tasks acted on (from their `section`, which the page sends), the deadline move's row when a
    move was decided, and every counter. The list itself is not drawn again."""
    reads = MyTasks(request.user, timezone.now())
    changes: list[Change] = []
    if section in TITLES or section == "awaiting":
        now = reads.rows(task_pks)
        for pk in task_pks:
            if pk not in now:
                changes.append(Change(pk, "delete"))
            else:
                key, task = now[pk]
                changes.append(Change(pk, "replace" if key == section else "move", key, task))
    if move is not None and move.isascii() and move.isdigit() and len(move) < 10:
        found = reads.moves().select_related("task", "requested_by").filter(pk=int(move)).first()
        changes.append(
            Change(int(move), "replace", "moves", found)
            if found
            else Change(int(move), "delete", "moves")
        )
    return {"changes": changes, **counters(reads.counts())}


def section_title(task: Task) -> Promise:
    # section: annotated by MyTasks.export.
    return TITLES.get(vars(task)["section"], DECISIONS_TITLE)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def my_tasks(request: HtmxRequest) -> HttpResponse:
    kind = exports.export_kind(request)
    if kind is not None:
        now = timezone.now()
        return task_download(
            request,
            kind,
            MyTasks(request.user, now).export(),
            name=_("My tasks"),
            at=now,
            columns=[(_("Section"), section_title)],
        )
    query = query_data(request)
    pages = page_numbers(query)
    if request.htmx and pages:
        # "Show more": only the next rows of the one section, to append in place. They follow
        # the rows the list shows now (`<key>_shown`, counted by static/js/app.js): an action
        # may have taken rows out of the list or put some in since the page was drawn, and the
        # page number would then skip or repeat rows.
        key, page = next(iter(pages.items()))
        start = shown_rows(query, key)
        if start is None:
            start = (page - 1) * PAGE_SIZE
        section = MyTasks(request.user, timezone.now()).pages({key: start})[key]
        return TemplateResponse(request, "tasks/my_tasks.html#section-rows", {"section": section})
    template = "tasks/my_tasks.html"
    if request.htmx:
        template += "#my-tasks"
    return TemplateResponse(request, template, my_tasks_context(request, pages))
