"""Reading plans: the weekly execution score, the goals' progress, the scorecard and the roll-up.

The score has one definition, `Occurrence.objects.week_counts` (a single aggregate query); the
pages here only divide its counts. Every function reads a fixed number of queries, however many
goals, tactics, weeks or directorates there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from plans.models import (
    TARGET_SCORE,
    WEEKS,
    Cycle,
    Goal,
    LagReading,
    Occurrence,
    Plan,
    Tactic,
)
from tasks.models import Status

FAIR_SCORE = 65  # below the 85 % target but not far: amber; under this: red


@dataclass
class Score:
    """A week's execution: tactic-tasks done on time out of those counted."""

    week: int
    due: int = 0
    on_time: int = 0
    so_far: bool = False  # the current week: counts what is due up to now (or already done)

    @property
    def percent(self) -> int | None:
        """None for a week with nothing due: it has no score, neither 0 nor 100."""
        return None if not self.due else round(self.on_time * 100 / self.due)

    @property
    def level(self) -> str:
        percent = self.percent
        if percent is None:
            return "none"
        if percent >= TARGET_SCORE:
            return "good"
        return "fair" if percent >= FAIR_SCORE else "poor"


def weekly_scores(rows: list[dict], current_week: int) -> list[Score]:
    """Twelve `Score`s from `week_counts` rows (already narrowed to one plan, person or cycle)."""
    scores = {w: Score(week=w, so_far=w == current_week) for w in range(1, WEEKS + 1)}
    for row in rows:
        score = scores[row["week"]]
        score.due += row["due_count"]
        score.on_time += row["on_time"]
    return list(scores.values())


def average(scores: list[Score]) -> int | None:
    """The mean of the weeks that have a score."""
    values = [s.percent for s in scores if s.percent is not None]
    return round(sum(values) / len(values)) if values else None


def latest_readings(goal_ids: Iterable[int]) -> dict[int, Decimal]:
    """The last reading of each goal (one query): the scorecard's and the carry-over's."""
    rows = (
        LagReading.objects.filter(goal_id__in=set(goal_ids))
        .order_by("goal_id", "-week")
        .distinct("goal_id")
        .values_list("goal_id", "value")
    )
    return dict(rows)


def weighted_progress(goals: list[tuple[Goal, int]]) -> int | None:
    """A plan's progress: the weighted average of its goals' progress."""
    total = sum(goal.weight for goal, _p in goals)
    if not total:
        return None
    return round(sum(goal.weight * progress for goal, progress in goals) / total)


# --- the scorecard of one plan -----------------------------------------------------------------


@dataclass
class Cell:
    week: int
    state: str  # none, planned, skipped, open, submitted, missed, on_time, late, cancelled
    task_id: int | None = None


@dataclass
class TacticRow:
    tactic: Tactic
    cells: list[Cell]
    done_on_time: int = 0
    counted: int = 0


@dataclass
class GoalCard:
    goal: Goal
    readings: list[LagReading]
    current: Decimal | None
    progress: int
    tactics: list[TacticRow] = field(default_factory=list)

    @property
    def chart_id(self) -> str:
        return f"goal-chart-{self.goal.pk}"

    @property
    def chart(self) -> dict[str, object]:
        """What the lag chart draws: readings by week against the start and the target."""
        values: list[float | None] = [None] * (WEEKS + 1)
        for reading in self.readings:
            values[reading.week - 1] = float(reading.value)
        return {
            "start": float(self.goal.start_value),
            "target": float(self.goal.target_value),
            "readings": values,
            "unit": self.goal.unit,
        }


@dataclass
class Scorecard:
    plan: Plan
    cycle: Cycle
    current_week: int
    goals: list[GoalCard]
    scores: list[Score]

    @property
    def average_score(self) -> int | None:
        return average(self.scores)

    @property
    def progress(self) -> int | None:
        return weighted_progress([(card.goal, card.progress) for card in self.goals])

    @property
    def this_week(self) -> Score | None:
        if 1 <= self.current_week <= WEEKS:
            return self.scores[self.current_week - 1]
        return None


def _cell(
    week: int,
    tactic: Tactic,
    occurrence: Occurrence | None,
    plan: Plan,
    now: dt.datetime,
    current_week: int,
) -> Cell:
    if occurrence is None:
        if week not in tactic.weeks:
            return Cell(week, "none")
        approved = plan.status == Plan.Status.APPROVED
        return Cell(week, "skipped" if approved and week <= current_week else "planned")
    task = occurrence.task
    if task.status == Status.DONE:
        handed_in = task.submitted_at or task.done_at
        state = "on_time" if handed_in and handed_in <= occurrence.due else "late"
    elif task.status == Status.CANCELLED:
        state = "cancelled"
    elif task.deadline < now or occurrence.due < now:
        state = "missed"
    elif task.status == Status.AWAITING_ACCEPTANCE:
        state = "submitted"
    else:
        state = "open"
    return Cell(week, state, task.pk)


def plan_scorecard(plan: Plan, now: dt.datetime | None = None) -> Scorecard:
    """Everything the plan page shows, in five queries: goals, tactics, occurrences with their
    tasks, readings, and the weekly score aggregate."""
    now = now or timezone.now()
    cycle = plan.cycle
    current_week = cycle.week_of(timezone.localdate(now))
    goals = list(
        plan.goals.prefetch_related(
            Prefetch("tactics", queryset=Tactic.objects.select_related("responsible")),
            Prefetch("readings", queryset=LagReading.objects.order_by("week")),
        )
    )
    occurrences = (
        Occurrence.objects.live()
        .filter(tactic__goal__plan=plan)
        .select_related("task")
        .only(
            "tactic_id", "week", "due", "task__status", "task__deadline",
            "task__submitted_at", "task__done_at",
        )
    )  # fmt: skip
    by_cell = {(o.tactic_id, o.week): o for o in occurrences}
    cards = []
    for goal in goals:
        readings = list(goal.readings.all())
        current = readings[-1].value if readings else None
        card = GoalCard(goal, readings, current, goal.progress(current))
        for tactic in goal.tactics.all():
            row = TacticRow(tactic, [])
            for week in range(1, WEEKS + 1):
                cell = _cell(week, tactic, by_cell.get((tactic.pk, week)), plan, now, current_week)
                row.cells.append(cell)
                row.done_on_time += cell.state == "on_time"
                row.counted += cell.state in {"on_time", "late", "missed"}
            card.tactics.append(row)
        cards.append(card)
    rows = list(Occurrence.objects.filter(tactic__goal__plan=plan).week_counts(now))
    return Scorecard(plan, cycle, current_week, cards, weekly_scores(rows, current_week))


# --- one directorate's cycle -------------------------------------------------------------------


@dataclass
class PlanSummary:
    plan: Plan
    progress: int | None
    scores: list[Score]

    @property
    def this_week(self) -> Score | None:
        return next((s for s in self.scores if s.so_far), None)


@dataclass
class CycleOverview:
    cycle: Cycle
    current_week: int
    directorate_plan: PlanSummary | None
    plans: list[PlanSummary]
    scores: list[Score]  # the directorate's: every tactic-task of the cycle
    person_scores: dict[int, list[Score]]  # by responsible person: all their tactic-tasks

    @property
    def this_week(self) -> Score | None:
        return next((s for s in self.scores if s.so_far), None)

    @property
    def last_week(self) -> Score | None:
        if 2 <= self.current_week <= WEEKS + 1:
            return self.scores[self.current_week - 2]
        return None


def cycle_overview(
    cycle: Cycle, plans: list[Plan], now: dt.datetime | None = None
) -> CycleOverview:
    """The directorate plan and the individual plans of one cycle with progress and scores
    (three queries: goals, latest readings, and one score aggregate by person and plan)."""
    now = now or timezone.now()
    current_week = cycle.week_of(timezone.localdate(now))
    goals = list(Goal.objects.filter(plan__in=plans).order_by("plan_id", "position", "pk"))
    latest = latest_readings([g.pk for g in goals])
    by_plan: dict[int, list[tuple[Goal, int]]] = defaultdict(list)
    for goal in goals:
        by_plan[goal.plan_id].append((goal, goal.progress(latest.get(goal.pk))))
    rows = list(
        Occurrence.objects.filter(tactic__goal__plan__cycle=cycle).week_counts(
            now, "task__responsible", "tactic__goal__plan"
        )
    )
    per_plan: dict[int, list[dict]] = defaultdict(list)
    per_person: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        per_plan[row["tactic__goal__plan"]].append(row)
        per_person[row["task__responsible"]].append(row)
    summaries = [
        PlanSummary(
            plan,
            weighted_progress(by_plan[plan.pk]),
            weekly_scores(per_plan[plan.pk], current_week),
        )
        for plan in plans
    ]
    directorate = next((s for s in summaries if s.plan.is_directorate), None)
    return CycleOverview(
        cycle=cycle,
        current_week=current_week,
        directorate_plan=directorate,
        plans=[s for s in summaries if not s.plan.is_directorate],
        scores=weekly_scores(rows, current_week),
        person_scores={
            person: weekly_scores(person_rows, current_week)
            for person, person_rows in per_person.items()
        },
    )


# --- every directorate side by side ------------------------------------------------------------


@dataclass
class RollupRow:
    cycle: Cycle
    current_week: int
    plan: Plan | None  # the directorate plan
    progress: int | None
    scores: list[Score]
    approved: int  # individual plans approved …
    individual: int  # … out of this many

    @property
    def this_week(self) -> Score | None:
        return next((s for s in self.scores if s.so_far), None)

    @property
    def last_week(self) -> Score | None:
        if 2 <= self.current_week <= WEEKS + 1:
            return self.scores[self.current_week - 2]
        return None


def rollup(cycles: list[Cycle], now: dt.datetime | None = None) -> list[RollupRow]:
    """One row per cycle: the directorate plan's weighted progress, its weekly scores and how
    many individual plans are approved (four queries whatever the number of directorates)."""
    now = now or timezone.now()
    plans = list(
        Plan.objects.filter(cycle__in=cycles).order_by().only("pk", "cycle_id", "kind", "status")
    )
    directorate = {p.cycle_id: p for p in plans if p.is_directorate}
    goals = list(Goal.objects.filter(plan__in=list(directorate.values())))
    latest = latest_readings([g.pk for g in goals])
    progress: dict[int, list[tuple[Goal, int]]] = defaultdict(list)
    for goal in goals:
        progress[goal.plan_id].append((goal, goal.progress(latest.get(goal.pk))))
    rows = list(
        Occurrence.objects.filter(tactic__goal__plan__cycle__in=cycles).week_counts(
            now, "tactic__goal__plan__cycle"
        )
    )
    per_cycle: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        per_cycle[row["tactic__goal__plan__cycle"]].append(row)
    result = []
    for cycle in cycles:
        week = cycle.week_of(timezone.localdate(now))
        plan = directorate.get(cycle.pk)
        individual = [p for p in plans if p.cycle_id == cycle.pk and not p.is_directorate]
        result.append(
            RollupRow(
                cycle=cycle,
                current_week=week,
                plan=plan,
                progress=weighted_progress(progress[plan.pk]) if plan else None,
                scores=weekly_scores(per_cycle[cycle.pk], week),
                approved=sum(p.status == Plan.Status.APPROVED for p in individual),
                individual=len(individual),
            )
        )
    return result


def current_cycles(department_ids: list[int] | None = None) -> list[Cycle]:
    """Each directorate's cycle of the moment: the active one, else the one in review, else the
    one in planning (one query)."""
    cycles = Cycle.objects.current().select_related("department__head")
    if department_ids is not None:
        cycles = cycles.filter(department_id__in=department_ids)
    rank: dict[str, int] = {
        Cycle.Status.ACTIVE: 0,
        Cycle.Status.REVIEW: 1,
        Cycle.Status.PLANNING: 2,
    }
    chosen: dict[int, Cycle] = {}
    for cycle in cycles:
        best = chosen.get(cycle.department_id)
        if best is None or (rank[cycle.status], cycle.start) < (rank[best.status], best.start):
            chosen[cycle.department_id] = cycle
    return sorted(chosen.values(), key=lambda c: c.department.name_ru)
