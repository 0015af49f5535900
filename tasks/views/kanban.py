"""The Kanban board: a person's or a directorate's tasks in columns by status.

The columns are the open statuses in their order, then done. Each column shows its exact count
and a page of `PAGE_SIZE` cards; "Show more" fetches the column's next page (`?new_page=2`,
appended in place by htmx). The queries are the same in number however many tasks there are.

A card moves only as the task page's buttons move it: the same services, at the version the
card was drawn at (`tasks.services.actions_for` says which columns a card may go to). Handing in
and returning need words, so moving a card there opens the result (or reason) form first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from akimat import exports
from akimat.cleaning import query_data
from akimat.http import HtmxRequest, first_error, toast_or_redirect
from akimat.models import Department, User
from akimat.versions import Conflict
from tasks import forms, search, services
from tasks.exports import task_download
from tasks.models import OPEN_STATUSES, SavedFilter, Status, Task, TaskQuerySet
from tasks.views.my import MAX_PAGE

PAGE_SIZE = 20
TEMPLATE = "tasks/kanban.html"
FORM_TEMPLATE = "tasks/kanban_form.html"

# The columns, in the order the board shows them: the open statuses, then done.
COLUMNS: tuple[str, ...] = (*OPEN_STATUSES, Status.DONE)
# The action of `actions_for` that takes a card into each column; "new" is no one's target.
ACTION_INTO: dict[str, str] = {
    Status.IN_PROGRESS: "start",
    Status.AWAITING_ACCEPTANCE: "submit",
    Status.RETURNED: "return",
    Status.DONE: "accept",
}
# The columns a card enters only with words: the result handed in, the reason for returning.
NEEDS_TEXT: dict[str, str] = {Status.AWAITING_ACCEPTANCE: "result", Status.RETURNED: "reason"}
DONE_MESSAGES: dict[str, Promise] = {
    Status.IN_PROGRESS: gettext_lazy("The task is in progress."),
    Status.AWAITING_ACCEPTANCE: gettext_lazy("The result has been submitted."),
    Status.RETURNED: gettext_lazy("The task has been returned."),
    Status.DONE: gettext_lazy("The result has been accepted."),
}


@dataclass
class Scope:
    """Whose tasks the board shows: one person's (those they are responsible for), one
    directorate's, or what one of the viewer's saved searches finds (tasks.search)."""

    person: User | None = None
    department: Department | None = None
    saved: SavedFilter | None = None

    def query(self) -> dict[str, str]:
        if self.saved is not None:
            return {"filter": str(self.saved.pk)}
        if self.department is not None:
            return {"directorate": self.department.slug}
        assert self.person is not None
        return {"person": str(self.person.pk)}

    def url(self) -> str:
        return f"{reverse('tasks:kanban')}?{urlencode(self.query())}"

    def tasks(self, user: User, at: dt.datetime) -> TaskQuerySet:
        if self.saved is not None:
            # The search's own rule, at the board's moment: the same tasks its badge counts.
            return search.found(search.parse_filters(QueryDict(self.saved.query)), user=user, at=at)
        visible = Task.objects.visible_to(user)
        if self.department is not None:
            return visible.for_department(self.department.pk)
        return visible.filter(responsible=self.person)


def chosen_scope(user: User, data: QueryDict) -> Scope:
    """The board asked for: `filter=<id>` of one's own saved searches, `directorate=<slug>`
    among those the person oversees, `person=<id>` (oneself, anyone of a directorate one
    oversees), or oneself; anything else is 404."""
    saved = data.get("filter", "")
    if saved:
        if not (saved.isascii() and saved.isdigit() and len(saved) < 10):
            raise Http404
        return Scope(saved=get_object_or_404(SavedFilter, pk=int(saved), owner=user))
    slug = data.get("directorate", "")
    if slug:
        return Scope(department=get_object_or_404(Department.objects.watched_by(user), slug=slug))
    raw = data.get("person", "")
    if not raw or raw == str(user.pk):
        return Scope(person=user)
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise Http404
    people = User.objects.filter(is_active=True)
    if not user.sees_every_directorate():
        people = people.filter(department__in=Department.objects.watched_by(user))
    return Scope(person=get_object_or_404(people, pk=int(raw)))


@dataclass
class Card:
    task: Task
    # The columns the card may be moved to (status, its name), by its viewer's actions on it.
    targets: Sequence[tuple[str, Promise]]

    @property
    def target_statuses(self) -> str:
        return " ".join(status for status, _label in self.targets)


@dataclass
class Column:
    status: str
    cards: list[Card]
    # How many of the column's cards come before these.
    start: int
    has_next: bool
    # All the column's cards (None in a "Show more" fragment, which reads only its page).
    count: int | None = None

    @property
    def title(self) -> Promise:
        return Status(self.status).label

    @property
    def next_page(self) -> int | None:
        return self.start // PAGE_SIZE + 2 if self.has_next else None

    @property
    def needs_text(self) -> bool:
        return self.status in NEEDS_TEXT


def _order() -> list[Any]:
    """Each column's order: done newest first, the open ones by deadline."""
    done_at = Case(When(status=Status.DONE, then=F("done_at")))
    return [done_at.desc(nulls_last=True), F("deadline").asc(), F("pk").asc()]


class Board:
    """The reads behind the board, for one person looking at one scope at one moment."""

    def __init__(self, user: User, scope: Scope) -> None:
        self.user, self.scope = user, scope
        self.at = timezone.now()
        self.tasks = scope.tasks(user, self.at)

    def counts(self) -> dict[str, int]:
        """Every column's count, in one aggregate."""
        counts: dict[str, int] = self.tasks.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in COLUMNS}
        )
        return counts

    def columns(self, starts: dict[str, int]) -> dict[str, Column]:
        """The asked page of each column, in one query for the page's tasks and their figures:
        a first pass numbers each column's cards from the cheap columns alone, the second reads
        the figures of only the cards shown (one more each tells whether a next page exists)."""
        numbered = (
            self.tasks.filter(status__in=list(starts))
            .annotate(row=Window(RowNumber(), partition_by=F("status"), order_by=_order()))
            .filter(
                reduce(
                    or_,
                    (
                        Q(status=status, row__gt=start, row__lte=start + PAGE_SIZE + 1)
                        for status, start in starts.items()
                    ),
                )
            )
        )
        cards: dict[str, list[Card]] = {status: [] for status in starts}
        for task in (
            Task.objects.filter(pk__in=numbered.values("pk"))
            .with_figures(self.at)
            .select_related("responsible", "department")
            .order_by(*_order())
        ):
            task.actions = services.actions_for(self.user, task)
            targets = [
                (status, Status(status).label)
                for status, action in ACTION_INTO.items()
                if action in task.actions
            ]
            cards[task.status].append(Card(task, targets))
        return {
            status: Column(
                status, cards[status][:PAGE_SIZE], start, has_next=len(cards[status]) > PAGE_SIZE
            )
            for status, start in starts.items()
        }

    def context(self, pages: dict[str, int] | None = None) -> dict[str, object]:
        counts = self.counts()
        asked = pages or {}
        columns = self.columns(
            {status: (asked.get(status, 1) - 1) * PAGE_SIZE for status in COLUMNS}
        )
        for status, column in columns.items():
            column.count = counts[status]
        return {
            "scope": self.scope,
            "needs_text": " ".join(NEEDS_TEXT),
            "columns": [columns[status] for status in COLUMNS],
            "departments": list(Department.objects.watched_by(self.user)),
        }


def page_numbers(data: QueryDict) -> dict[str, int]:
    """The pages asked for (`?new_page=2`); a garbled number is the first page."""
    pages = {}
    for status in COLUMNS:
        raw = data.get(f"{status}_page")
        if raw is None:
            continue
        page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1
        pages[status] = min(max(page, 1), MAX_PAGE)
    return pages


@require_GET
@login_required
@vary_on_headers("HX-Request")
def kanban(request: HtmxRequest) -> HttpResponse:
    data = query_data(request)
    scope = chosen_scope(request.user, data)
    board = Board(request.user, scope)
    kind = exports.export_kind(request)
    if kind is not None:
        # Every card of every column, column by column as the board orders them.
        cards = board.tasks.filter(status__in=COLUMNS).order_by(
            Case(*(When(status=s, then=n) for n, s in enumerate(COLUMNS))), *_order()
        )
        return task_download(request, kind, cards, name=_("Kanban board"), at=board.at)
    pages = page_numbers(data)
    if request.htmx and len(pages) == 1:
        # "Show more": only the column's next cards, to append in place.
        status, page = next(iter(pages.items()))
        column = board.columns({status: (page - 1) * PAGE_SIZE})[status]
        return TemplateResponse(
            request, TEMPLATE + "#column-cards", {"column": column, "scope": scope}
        )
    template = TEMPLATE + "#kanban-board" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, board.context(pages))


# --- moving a card ---------------------------------------------------------------------------


class MoveForm(forms.VersionForm):
    to = django_forms.ChoiceField(
        choices=[(status, status) for status in ACTION_INTO],
        error_messages={
            "required": gettext_lazy("Choose the column to move the card to."),
            "invalid_choice": gettext_lazy("A card cannot be moved to that column."),
        },
    )


def _move(task: Task, actor: User, to: str, data: dict[str, Any]) -> Task:
    """One service per column, the same the task page calls."""
    version = data["version"]
    if to == Status.IN_PROGRESS:
        return services.start_task(task=task, actor=actor, version=version)
    if to == Status.AWAITING_ACCEPTANCE:
        return services.submit_task(task=task, actor=actor, result=data["result"], version=version)
    if to == Status.RETURNED:
        return services.return_task(task=task, actor=actor, reason=data["reason"], version=version)
    return services.accept_task(task=task, actor=actor, version=version)


def _text_form(to: str) -> type[django_forms.Form] | None:
    if to == Status.AWAITING_ACCEPTANCE:
        return forms.ResultForm
    if to == Status.RETURNED:
        return forms.ReasonForm
    return None


def _ask_for_text(
    request: HtmxRequest, task: Task, scope: Scope, to: str, error: str = ""
) -> HttpResponse:
    """The form the move needs first: in the board's dialog with htmx, a page of its own
    without. Nothing has changed yet."""
    context = {
        "task": task,
        "to": to,
        "field": NEEDS_TEXT[to],
        "scope": scope,
        "error": error,
        "typed": request.POST.get(NEEDS_TEXT[to], ""),
        "column_title": Status(to).label,
    }
    if not request.htmx:
        return TemplateResponse(request, FORM_TEMPLATE, context)
    response = TemplateResponse(request, FORM_TEMPLATE + "#kanban-form", context)
    response = retarget(reswap(response, "innerHTML"), "#kanban-dialog-body")
    return trigger_client_event(response, "kanban-dialog", {"open": True})


@require_POST
@login_required
def kanban_move(request: HtmxRequest, pk: int) -> HttpResponse:
    """Move a card to another column: through the column's service at the card's version, or
    first the form of the words the move needs. A refused or stale move changes nothing, and
    the board drawn again shows the card where it really is, with the reason."""
    scope = chosen_scope(request.user, request.POST)
    task = get_object_or_404(
        Task.objects.visible_to(request.user).select_related("department"), pk=pk
    )

    def answer(text: str, level: Any) -> HttpResponse:
        def context() -> dict[str, object]:
            return Board(request.user, scope).context()

        response = toast_or_redirect(
            request,
            text=text,
            level=level,
            redirect_to=scope.url(),
            template=TEMPLATE + "#kanban-board",
            context=context,
        )
        if request.htmx:
            response = retarget(reswap(response, "outerHTML"), "#kanban-board")
            trigger_client_event(response, "kanban-dialog", {"open": False})
        return response

    form = MoveForm(request.POST)
    if not form.is_valid():
        return answer(first_error(form), "danger")
    to: str = form.cleaned_data["to"]
    text_form_class = _text_form(to)
    data: dict[str, Any] = dict(form.cleaned_data)
    if text_form_class is not None:
        # The form is offered only for a move the rules allow now (the services check again).
        if ACTION_INTO[to] not in services.actions_for(request.user, task):
            return answer(_refusal(to), "danger")
        if NEEDS_TEXT[to] not in request.POST:
            return _ask_for_text(request, task, scope, to)
        text_form = text_form_class(request.POST)
        if not text_form.is_valid():
            return _ask_for_text(request, task, scope, to, first_error(text_form))
        data.update(text_form.cleaned_data)
    try:
        _move(task, request.user, to, data)
    except Conflict as conflict:
        return answer(str(conflict), "warning")
    except ValidationError as error:
        if text_form_class is not None and hasattr(error, "error_dict"):
            return _ask_for_text(request, task, scope, to, first_error(error))
        return answer(first_error(error), "danger")
    except PermissionDenied as denied:
        return answer(str(denied), "danger")
    return answer(str(DONE_MESSAGES[to]), "success")


def _refusal(to: str) -> str:
    """Why this card may not go to that column now."""
    return _("This task cannot be moved to “%(column)s”.") % {"column": Status(to).label}
