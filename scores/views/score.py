"""My score: a person's bonus score by day, week and quarter with its breakdown (inputs, weights,
points) from the nightly snapshots, and the disputes of a day's score."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.db.models.functions import TruncWeek
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from akimat import exports
from akimat.calendar import quarter_bounds
from akimat.cleaning import parse_date, query_text
from akimat.http import HtmxRequest, notify
from akimat.models import Role, User
from akimat.once import AlreadySaved, already_saved, once
from scores import scoring, selectors, services
from scores.models import PersonSnapshot, ScoreDispute
from scores.views.dashboard import refuse

TEMPLATE = "scores/score/my_score.html"
DISPUTES_TEMPLATE = "scores/score/dispute_list.html"
RECENT_DAYS = 10


def breakdown(snapshot: PersonSnapshot) -> tuple[list[scoring.BonusLine], object]:
    """The lines of `scoring.bonus_breakdown` and their total (equal to the stored bonus)."""
    found = scoring.bonus_breakdown(snapshot)
    return found.lines, found.total


def _person(request: HtmxRequest) -> User | HttpResponse:
    """Whose score is shown: one's own, or (for their head and the watchers) a colleague's."""
    raw = query_text(request, "person") or request.POST.get("person")
    if not raw or raw == str(request.user.pk):
        return request.user
    if not raw.isdecimal():
        return refuse(request, _("There is no such person."), status=404)
    person = User.objects.select_related("department").filter(pk=raw).first()
    heads_them = (
        person is not None
        and person.department is not None
        and person.department.head_id == request.user.pk
    )
    if person is None or not (request.user.sees_every_directorate() or heads_them):
        return refuse(
            request,
            _("This is someone else's score: only they, their head and the deputy akim see it."),
            status=404,
        )
    return person


def _day(raw: str | None) -> tuple[dt.date | None, str]:
    """The day asked for, or None and a message saying what was wrong with it."""
    if not raw:
        return None, ""
    day = parse_date(raw)
    if day is None:
        return None, _("“%(raw)s” is not a date: use the form YYYY-MM-DD.") % {"raw": raw[:20]}
    if day > timezone.localdate():
        return None, _("%(date)s has not come yet: there is no score for it.") % {
            "date": f"{day:%d.%m.%Y}"
        }
    return day, ""


def score_context(person: User, day: dt.date | None, problem: str = "") -> dict[str, object]:
    """The day's breakdown, the week's days and the quarter's weeks (a fixed number of queries:
    the recent days, the week, the quarter by week, the disputes)."""
    mine = PersonSnapshot.objects.filter(person=person)
    recent = list(mine.select_related("policy").order_by("-date")[:RECENT_DAYS])
    snapshot = None
    if day is None and recent:
        snapshot = recent[0]
        day = snapshot.date
    elif day is not None:
        snapshot = next((s for s in recent if s.date == day), None)
        if snapshot is None:
            snapshot = mine.select_related("policy").filter(date=day).first()
        if snapshot is None and not problem:
            problem = _("There is no score for %(date)s: the nightly job had not counted it.") % {
                "date": f"{day:%d.%m.%Y}"
            }
    context: dict[str, object] = {
        "person": person,
        "day": day,
        "snapshot": snapshot,
        "recent": recent,
        "problem": problem,
        "comment_limit": services.COMMENT_MAX_LENGTH,
    }
    if snapshot is not None:
        context["lines"], context["total"] = breakdown(snapshot)
    if day is not None:
        monday = day - dt.timedelta(days=day.weekday())
        week = list(
            mine.filter(date__gte=monday, date__lte=monday + dt.timedelta(days=6))
            .order_by("date")
            .only("date", "bonus", "overdue", "week_score", "open", "deadline_moves")
        )
        start, end = quarter_bounds(day)
        weeks = list(
            mine.filter(date__gte=start, date__lte=end)
            .annotate(week=TruncWeek("date"))
            .values("week")
            .annotate(bonus=Avg("bonus"), overdue=Avg("overdue"), days=Count("pk"))
            .order_by("week")
        )
        days = sum(w["days"] for w in weeks)
        context.update(
            week=week,
            week_start=monday,
            week_bonus=(sum(s.bonus for s in week) / len(week)) if week else None,
            quarter=(start, end),
            quarter_number=(start.month - 1) // 3 + 1,
            quarter_weeks=weeks,
            quarter_bonus=(sum(w["bonus"] * w["days"] for w in weeks) / days) if days else None,
        )
    context["disputes"] = list(
        ScoreDispute.objects.filter(person=person)
        .select_related("answered_by")
        .order_by("-created_at")[:20]
    )
    return context


@require_GET
@login_required
@vary_on_headers("HX-Request")
def my_score(request: HtmxRequest) -> HttpResponse:
    person = _person(request)
    if isinstance(person, HttpResponse):
        return person
    day, problem = _day(query_text(request, "date", max_length=20))
    kind = exports.export_kind(request)
    if kind is not None:
        return export_quarter(kind, person, day or timezone.localdate())
    context = score_context(person, day, problem)
    context["own"] = person.pk == request.user.pk
    if not context["recent"]:
        context["has_tasks"] = selectors.has_counted_tasks(person)
    template = TEMPLATE + "#score-body" if request.htmx else TEMPLATE
    return TemplateResponse(request, template, context)


def export_quarter(kind: str, person: User, day: dt.date) -> HttpResponse:
    """The person's score day by day over the quarter of `day` (the quarter the page shows),
    with the inputs of each day: one query (a quarter has at most 92 days)."""
    start, end = quarter_bounds(day)
    snapshots = PersonSnapshot.objects.filter(person=person, date__gte=start, date__lte=end)
    headers = [
        _("Date"),
        _("Open"),
        _("Overdue"),
        _("Overdue working days"),
        _("Handed in, awaiting acceptance"),
        _("Done on time in the cycle"),
        _("Done late in the cycle"),
        _("Deadline moves in the cycle"),
        _("Week's execution score, %"),
        _("Bonus score"),
    ]
    lines = (
        [
            s.date,
            s.open,
            s.overdue,
            s.overdue_days,
            s.awaiting,
            s.done_on_time,
            s.done_late,
            s.deadline_moves,
            s.week_score,
            s.bonus,
        ]
        for s in snapshots.order_by("date")
    )
    quarter = _("Quarter %(number)s of %(year)s") % {
        "number": (start.month - 1) // 3 + 1,
        "year": start.year,
    }
    name = " ".join([_("Score"), str(person), quarter])
    return exports.list_download(kind, headers, lines, name=name, widths={"A": 12})


@require_POST
@login_required
def dispute_create(request: HtmxRequest) -> HttpResponse:
    """One's own day only: the person is always the one signed in."""
    day, problem = _day(request.POST.get("date"))
    error = problem or ("" if day else _("Choose the day whose score you dispute."))
    if not error and day is not None:
        try:
            with once(request):
                services.open_dispute(
                    person=request.user, date=day, comment=request.POST.get("comment", "")
                )
        except AlreadySaved as repeat:
            context = score_context(request.user, day)
            context.update(own=True)
            region = TemplateResponse(request, TEMPLATE + "#score-disputes", context)
            return already_saved(
                request,
                repeat,
                redirect_to=f"{reverse('score')}?date={day:%Y-%m-%d}",
                region=region,
            )
        except ValidationError as exc:
            error = exc.messages[0]
    if not error and not request.htmx:
        return HttpResponseRedirect(f"{reverse('score')}?date={day:%Y-%m-%d}")
    posted = request.POST.get("comment", "")
    context = score_context(request.user, day)
    context.update(
        own=True,
        dispute_error=error,
        comment=posted[: services.COMMENT_MAX_LENGTH * 2] if error else "",
    )
    if not request.htmx:
        return TemplateResponse(request, TEMPLATE, context)
    response = TemplateResponse(request, TEMPLATE + "#score-disputes", context)
    if not error:
        notify(response, _("Your dispute was sent to your head."), "success")
    return response


@require_GET
@login_required
def dispute_list(request: HtmxRequest) -> HttpResponse:
    """Open disputes first: the head answers their people's, the deputy sees them all."""
    user = request.user
    if not (user.sees_every_directorate() or user.has_role(Role.HEAD)):
        return refuse(request, _("The disputes are answered by the heads of directorates."))
    found = selectors.disputes_for(user).select_related("person__department")
    show = query_text(request, "show")
    if show != "all":
        found = found.filter(status=ScoreDispute.Status.OPEN)
    rows = list(found.order_by("status", "-created_at")[:200])
    for dispute in rows:
        dispute.answerable = selectors.may_answer(user, dispute)
    return TemplateResponse(
        request,
        DISPUTES_TEMPLATE,
        {"disputes": rows, "show": show, "comment_limit": services.COMMENT_MAX_LENGTH},
    )


@require_POST
@login_required
def dispute_answer(request: HtmxRequest, pk: int) -> HttpResponse:
    found = selectors.disputes_for(request.user).select_related("person__department")
    dispute = found.filter(pk=pk).first()
    if dispute is None:
        return refuse(request, _("There is no such dispute among yours."), status=404)
    error = ""
    try:
        dispute = services.answer_dispute(
            dispute=dispute, actor=request.user, answer=request.POST.get("answer", "")
        )
    except ValidationError as exc:
        error = exc.messages[0]
    if not request.htmx:
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(reverse("score-disputes"))
    dispute.answerable = bool(error) and selectors.may_answer(request.user, dispute)
    response = TemplateResponse(
        request,
        "scores/score/_dispute.html",
        {
            "dispute": dispute,
            "answer_error": error,
            "answer_text": request.POST.get("answer", "")[: services.COMMENT_MAX_LENGTH * 2]
            if error
            else "",
            "comment_limit": services.COMMENT_MAX_LENGTH,
        },
    )
    if not error:
        notify(response, _("Answer sent."), "success")
    return response
