"""The daily stand-up on one screen, and the form where each person states today's blockers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat.calendar import add_working_days
from akimat.cleaning import query_text
from akimat.http import HtmxRequest, Level, announce, toast_or_redirect
from akimat.models import Department, User
from tasks.models import IN_WORK_STATUSES, StandupNote, Status, Task, overdue_at
from tasks.services import save_standup_blockers
from tasks.views.common import chosen_department, end_of

TEMPLATE = "tasks/standup.html"
FORM_TEMPLATE = "tasks/_blockers_form.html#blockers-form"


@dataclass
class Card:
    person: User
    done: list[Task] = field(default_factory=list)
    due_today: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    blockers: str = ""


def standup_cards(
    department: Department, today: dt.date, since: dt.date, *, viewer: User
) -> list[Card]:
    """One card per active person of the directorate: done since `since`, due later today,
    overdue, and today's blockers (three queries: people, tasks, notes). Each task says whether
    `viewer` may open it (`openable`), so a colleague's task is named but not linked."""
    now = timezone.now()
    since_midnight = end_of(since - dt.timedelta(days=1))
    done_since = Q(status=Status.DONE, done_at__gte=since_midnight)
    cards = {
        person.pk: Card(person)
        for person in User.objects.filter(is_active=True, department=department)
    }
    tasks = (
        Task.objects.for_department(department.pk)
        .filter(
            done_since
            | overdue_at(now)
            | Q(status__in=IN_WORK_STATUSES, deadline__lt=end_of(today))
        )
        .with_figures(now)
        .annotate(
            openable=Exists(Task.objects.visible_to(viewer).filter(pk=OuterRef("pk"))),
        )
    )
    for task in tasks:
        card = cards.get(task.responsible_id)
        if card is None:
            continue
        if task.status == Status.DONE:
            card.done.append(task)
        # is_overdue: annotated by TaskQuerySet.with_figures(), which mypy's Django plugin does
        # not follow through a custom queryset method.
        elif task.is_overdue:  # type: ignore[attr-defined]
            card.overdue.append(task)
        else:
            card.due_today.append(task)
    for note in StandupNote.objects.filter(date=today, user_id__in=list(cards)):
        cards[note.user_id].blockers = note.blockers
    return list(cards.values())


@require_GET
@login_required
@vary_on_headers("HX-Request")
def standup(request: HtmxRequest) -> HttpResponse:
    """The stand-up of a directorate: those who oversee it pick among theirs; its own people read
    their own directorate's, each with their blockers editable on their card. htmx gets the
    counters alone (renewed after a blocker is saved on the page)."""
    department, departments = chosen_department(
        request.user, query_text(request, "department"), own=True
    )
    today = timezone.localdate()
    since = add_working_days(today, -1)
    cards = standup_cards(department, today, since, viewer=request.user)
    mine = next((card for card in cards if card.person.pk == request.user.pk), None)
    context = {
        "department": department,
        "departments": departments,
        "today": today,
        "since": since,
        "cards": cards,
        "totals": {
            "done": sum(len(card.done) for card in cards),
            "due_today": sum(len(card.due_today) for card in cards),
            "overdue": sum(len(card.overdue) for card in cards),
            "blockers": sum(bool(card.blockers) for card in cards),
        },
        "my_blockers": mine.blockers if mine else "",
        "next_url": request.get_full_path(),
    }
    template = TEMPLATE + "#standup-summary" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, context)


def _back(request: HtmxRequest) -> str:
    """Where a plain form post returns: a safe `next`, else the person's stand-up."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("tasks:standup")


def _answer(
    request: HtmxRequest, *, text: str, message: str, level: Level, error: bool = False
) -> HttpResponse:
    """htmx gets the form back with the outcome beside the button and a toast; a plain post goes
    back where it came from with the same message."""
    context = {
        "my_blockers": text,
        "blockers_error": message if error else "",
        "blockers_saved": "" if error else message,
        "next_url": request.POST.get("next", ""),
        # Sent from My tasks' card: the answer renews the card's summary too (out of band).
        "in_card": request.POST.get("in_card") == "1",
    }
    region = TemplateResponse(request, FORM_TEMPLATE, context)
    if not error:
        # The stand-up's counters listen for it; My tasks has none and ignores it.
        announce(region, "blockers-saved")
    return toast_or_redirect(
        request, text=message, level=level, redirect_to=_back(request), region=region
    )


@require_POST
@login_required
def standup_blockers(request: HtmxRequest) -> HttpResponse:
    """The signed-in person states, changes or clears their own blockers for today's stand-up;
    nobody else's can be reached from here."""
    if not request.user.department_id:
        raise PermissionDenied
    text = request.POST.get("blockers", "")
    try:
        note = save_standup_blockers(user=request.user, date=timezone.localdate(), blockers=text)
    except ValidationError as exc:
        # The refused text comes back to be corrected; a NUL is shown as "�", not sent as is.
        shown = text.replace("\x00", "\N{REPLACEMENT CHARACTER}")
        return _answer(
            request, text=shown, message=" ".join(exc.messages), level="danger", error=True
        )
    if note is None:
        return _answer(request, text="", message=_("No blockers for today."), level="success")
    return _answer(request, text=note.blockers, message=_("Blockers saved."), level="success")
