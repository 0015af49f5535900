"""Plans as spreadsheets: one plan's scorecard (goals, tactics × weeks, the weekly execution
score) and the list of plans a person can see with their progress and scores.

The figures are the scorecard's and the cycle page's own (`plans.execution`): this module only
lays them out in lines, through `akimat.exports`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from akimat import exports
from plans.execution import (
    Scorecard,
    average,
    latest_readings,
    weekly_scores,
    weighted_progress,
)
from plans.models import WEEKS, Goal, Occurrence, PlanQuerySet

# A tactic's week in words, as the scorecard says it to a screen reader (templates/plans/_cell.html).
CELL_WORDS = {
    "none": "",
    "planned": gettext_lazy("planned"),
    "skipped": gettext_lazy("not set: before the approval"),
    "open": gettext_lazy("to do"),
    "submitted": gettext_lazy("result handed in"),
    "missed": gettext_lazy("not done in time"),
    "on_time": gettext_lazy("done on time"),
    "late": gettext_lazy("done late"),
    "cancelled": gettext_lazy("cancelled"),
}


def _week_headers() -> list[str]:
    return [_("Week %(number)s") % {"number": week} for week in range(1, WEEKS + 1)]


def scorecard_download(kind: str, card: Scorecard) -> HttpResponse:
    """The plan's page as a sheet: per goal its lag measure (start → target, a week's reading),
    per tactic its weeks, then the weekly execution score."""
    headers = [_("Goal"), _("Tactic"), _("Responsible"), *_week_headers(), _("Result")]
    lines: list[list[object]] = []
    for goal_card in card.goals:
        goal = goal_card.goal
        readings: list[object] = [""] * WEEKS
        for reading in goal_card.readings:
            if 1 <= reading.week <= WEEKS:
                readings[reading.week - 1] = reading.value
        lag = _("Lag measure: %(start)s → %(target)s %(unit)s") % {
            "start": goal.start_value,
            "target": goal.target_value,
            "unit": goal.unit,
        }
        progress = _("%(progress)s %% of the way, weight %(weight)s %%") % {
            "progress": goal_card.progress,
            "weight": goal.weight,
        }
        lines.append([goal.title, lag, "", *readings, progress])
        for row in goal_card.tactics:
            done = _("%(done)s of %(due)s on time") % {
                "done": row.done_on_time,
                "due": row.counted,
            }
            lines.append(
                [
                    goal.title,
                    row.tactic.title,
                    str(row.tactic.responsible),
                    *(str(CELL_WORDS[cell.state]) for cell in row.cells),
                    done,
                ]
            )
    lines.append(
        [
            _("Weekly execution score, %"),
            "",
            "",
            *("" if score.percent is None else score.percent for score in card.scores),
            "" if card.average_score is None else card.average_score,
        ]
    )
    plan = card.plan
    whose = "" if plan.is_directorate else f" {plan.owner}"
    name = f"{plan.get_kind_display()}{whose} {card.cycle.department.name}"
    return exports.list_download(kind, headers, lines, name=name, widths={"A": 40, "B": 40})


def plan_list_download(
    request: HttpRequest, kind: str, plans: PlanQuerySet, now: dt.datetime | None = None
) -> HttpResponse:
    """The plans a person can see, newest cycle first: directorate, cycle, kind, whose, status,
    the weighted progress of the goals and the weekly execution score (this week's and the
    cycle's mean). Five queries whatever the number of plans: the count, the plans, their
    goals, the goals' latest readings, one score aggregate by plan."""
    count = plans.order_by().count()
    if count > exports.MAX_ROWS:
        return exports.too_many(request, count)
    now = now or timezone.now()
    today = timezone.localdate(now)
    chosen = list(
        plans.select_related("cycle__department", "owner").order_by(
            "-cycle__start", "cycle__department__name_ru", "kind", "owner__last_name", "pk"
        )
    )
    goals = list(Goal.objects.filter(plan__in=plans.order_by().values("pk")))
    latest = latest_readings([g.pk for g in goals])
    by_plan: dict[int, list[tuple[Goal, int]]] = defaultdict(list)
    for goal in goals:
        by_plan[goal.plan_id].append((goal, goal.progress(latest.get(goal.pk))))
    per_plan: dict[int, list[dict]] = defaultdict(list)
    for row in Occurrence.objects.filter(
        tactic__goal__plan__in=plans.order_by().values("pk")
    ).week_counts(now, "tactic__goal__plan"):
        per_plan[row["tactic__goal__plan"]].append(row)
    headers = [
        _("Directorate"),
        _("Cycle start"),
        _("Cycle"),
        _("Week"),
        _("Kind of plan"),
        _("Whose plan"),
        _("Status"),
        _("Goals"),
        _("Progress, %"),
        _("Week's execution score, %"),
        _("Mean execution score of the cycle, %"),
    ]
    lines = []
    for plan in chosen:
        cycle = plan.cycle
        week = cycle.week_of(today)
        scores = weekly_scores(per_plan[plan.pk], week)
        this_week = scores[week - 1].percent if 1 <= week <= WEEKS else None
        progress = weighted_progress(by_plan[plan.pk])
        mean = average(scores)
        lines.append(
            [
                cycle.department.name,
                cycle.start,
                cycle.get_status_display(),
                week if 1 <= week <= WEEKS else "",
                plan.get_kind_display(),
                str(plan),
                plan.get_status_display(),
                len(by_plan[plan.pk]),
                "" if progress is None else progress,
                "" if this_week is None else this_week,
                "" if mean is None else mean,
            ]
        )
    return exports.list_download(
        kind, headers, lines, name=_("12-week plans"), widths={"A": 40, "F": 30}
    )
