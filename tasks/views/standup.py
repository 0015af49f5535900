"""The daily stand-up on one screen, and the form where each person states today's blockers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from akimat.calendar import add_working_days
from akimat.http import MESSAGE_LEVELS, HtmxRequest
from akimat.models import Department, User
from tasks.models import IN_WORK_STATUSES, TEXT_MAX_LENGTH, StandupNote, Status, Task, overdue_at
from tasks.services import save_standup_blockers
from tasks.views.common import chosen_department, departments_for, end_of

TEMPLATE = "tasks/standup.html"


@dataclass
class Card:
    person: User
    done: list[Task] = field(default_factory=list)
    due_today: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    blockers: str = ""


def standup_cards(department: Department, today: dt.date, since: dt.date) -> list[Card]:
    """One card per active person of the directorate: done since `since`, due later today,
    overdue, and today's blockers (three queries: people, tasks, notes)."""
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
    )
    for task in tasks:
        card = cards.get(task.responsible_id)
        if card is None:
            continue
        if task.status == Status.DONE:
            card.done.append(task)
        elif task.is_overdue:  # type: ignore[attr-defined]
            card.overdue.append(task)
        else:
            card.due_today.append(task)
    for note in StandupNote.objects.filter(date=today, user_id__in=list(cards)):
        cards[note.user_id].blockers = note.blockers
    return list(cards.values())


@require_GET
@login_required
def standup(request: HtmxRequest) -> HttpResponse:
    department, departments = chosen_department(request.user, request.GET.get("department"))
    today = timezone.localdate()
    since = add_working_days(today, -1)
    cards = standup_cards(department, today, since)
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
        "blockers_max": TEXT_MAX_LENGTH,
    }
    return TemplateResponse(request, TEMPLATE, context)


def _back(request: HtmxRequest) -> str:
    """Where a plain form post returns: a safe `next`, else the stand-up for those who may open
    it, else home."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("tasks:standup") if departments_for(request.user).exists() else reverse("home")


def _answer(request: HtmxRequest, *, text: str, error: str = "", saved: str = "") -> HttpResponse:
    """htmx gets the form back with the outcome; a plain post goes back where it came from."""
    if not request.htmx:
        messages.add_message(
            request, MESSAGE_LEVELS["danger" if error else "success"], error or saved
        )
        return HttpResponseRedirect(_back(request))
    context = {
        "my_blockers": text,
        "blockers_error": error,
        "blockers_saved": saved,
        "next_url": request.POST.get("next", ""),
        "blockers_max": TEXT_MAX_LENGTH,
    }
    return TemplateResponse(request, TEMPLATE + "#standup-blockers-form", context)


@require_POST
@login_required
def standup_blockers(request: HtmxRequest) -> HttpResponse:
    """The signed-in person states (or clears) their own blockers for today's stand-up."""
    if not request.user.department_id:
        raise PermissionDenied
    text = request.POST.get("blockers", "")
    try:
        note = save_standup_blockers(user=request.user, date=timezone.localdate(), blockers=text)
    except ValidationError as exc:
        return _answer(request, text=text, error=" ".join(exc.messages))
    if note is None:
        return _answer(request, text="", saved=_("No blockers for today."))
    return _answer(request, text=note.blockers, saved=_("Blockers saved."))
