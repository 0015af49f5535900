"""Use cases of 12-week plans. Views, commands, the admin and the demo all call these functions.

Approval is where plans meet tasks: every occurrence of every tactic, from the current week on,
becomes a task set through `tasks.services.create_task`, authored by the approver, and the
`Occurrence` kept here points at it. A change of an approved tactic touches only the weeks after
the current one; what was set before stays as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from akimat.calendar import ensure_calendar
from akimat.models import CalendarDay, Department, Role, User
from akimat.versions import check_version
from plans.execution import latest_readings
from plans.models import (
    MAX_GOALS,
    REVIEW_WEEK,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WEEKS,
    Cycle,
    Goal,
    LagReading,
    Occurrence,
    Plan,
    Review,
    Tactic,
)
from tasks import services as task_services
from tasks.models import Source, Status

# A review's change reason by its kind (stored in English, shown translated).
REVIEWED: dict[str, str] = {
    Review.Kind.WEEKLY: gettext_noop("weekly review"),
    Review.Kind.MIDCYCLE: gettext_noop("midcycle review"),
    Review.Kind.FINAL: gettext_noop("final review"),
}

# --- who may do what ---------------------------------------------------------------------------


def can_manage_cycle(user: User, cycle: Cycle) -> bool:
    """The head of the directorate, the deputy and the admin open, run and close its cycles."""
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return True
    return user.has_role(Role.HEAD) and cycle.department.head_id == user.pk


def can_edit_plan(user: User, plan: Plan) -> bool:
    """A person drafts their own plan while the cycle is in planning; the head and the deputy
    edit the directorate's plans until the cycle goes to review."""
    cycle = plan.cycle
    if cycle.status not in (Cycle.Status.PLANNING, Cycle.Status.ACTIVE):
        return False
    if can_manage_cycle(user, cycle):
        return True
    return (
        plan.owner_id == user.pk
        and plan.status == Plan.Status.DRAFT
        and cycle.status == Cycle.Status.PLANNING
    )


def can_approve(user: User, plan: Plan) -> bool:
    """The head approves individual plans, the deputy every plan; nobody approves their own."""
    if plan.owner_id == user.pk:
        return False
    if user.has_role(Role.DEPUTY, Role.ADMIN):
        return True
    return (
        not plan.is_directorate
        and user.has_role(Role.HEAD)
        and plan.cycle.department.head_id == user.pk
    )


def can_review(user: User, plan: Plan) -> bool:
    """The plan's owner, the head and the deputy write its reviews and lag readings."""
    return plan.owner_id == user.pk or can_manage_cycle(user, plan.cycle)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this plan."))


def _date(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _text(value: str, *, field: str, limit: int = TEXT_MAX_LENGTH, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This cannot be empty.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    return value


def _lock_plan(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("cycle__department", "owner")
        .get(pk=plan.pk)
    )


class _Recorded(Protocol):
    """A model with django-simple-history's per-save attributes (declared on the models)."""

    _history_user: User | None
    _change_reason: str


def _history(obj: _Recorded, actor: User, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason


# --- cycles ------------------------------------------------------------------------------------


@transaction.atomic
def open_cycle(
    *, department: Department, start: dt.date, actor: User, previous: Cycle | None = None
) -> Cycle:
    """Open a directorate's cycle in planning: it starts on a Monday and overlaps no other
    cycle of the directorate that is not closed."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    cycle = Cycle(department=department, start=start, created_by=actor, previous=previous)
    _require(can_manage_cycle(actor, cycle))
    if start.weekday() != 0:
        raise ValidationError(
            {
                "start": _("A cycle starts on a Monday; %(date)s is a %(weekday)s.")
                % {"date": _date(start), "weekday": formats.date_format(start, "l")}
            }
        )
    if cycle.review_start <= timezone.localdate():
        raise ValidationError(
            {"start": _("The twelve weeks of a cycle starting then are already over.")}
        )
    clash = Cycle.objects.current().overlapping(start).filter(department=department).first()
    if clash is not None:
        raise ValidationError(
            {
                "start": _(
                    "The directorate already has a cycle from %(start)s to %(end)s; "
                    "the next one can start on %(next)s at the earliest."
                )
                % {
                    "start": _date(clash.start),
                    "end": _date(clash.end),
                    "next": _date(clash.end + dt.timedelta(days=1)),
                }
            }
        )
    _history(cycle, actor, gettext_noop("opened"))
    cycle.save()
    return cycle


def _lock_cycle(cycle: Cycle, actor: User, expected: str) -> Cycle:
    cycle = (
        Cycle.objects.select_for_update(of=("self",)).select_related("department").get(pk=cycle.pk)
    )
    _require(can_manage_cycle(actor, cycle))
    if cycle.status != expected:
        raise ValidationError(
            _("The cycle is %(status)s; this step is not possible now.")
            % {"status": cycle.get_status_display().lower()}
        )
    return cycle


@transaction.atomic
def activate_cycle(*, cycle: Cycle, actor: User) -> Cycle:
    """Planning → active; one active cycle per directorate."""
    cycle = _lock_cycle(cycle, actor, Cycle.Status.PLANNING)
    if timezone.localdate() >= cycle.review_start:
        raise ValidationError(_("The twelve weeks of this cycle are over."))
    if Cycle.objects.filter(department=cycle.department, status=Cycle.Status.ACTIVE).exists():
        raise ValidationError(
            _("Another cycle of this directorate is active: move it to review first.")
        )
    cycle.status = Cycle.Status.ACTIVE
    _history(cycle, actor, gettext_noop("activated"))
    try:
        with transaction.atomic():
            cycle.save(update_fields=["status"])
    except IntegrityError:  # a second activation raced this one
        raise ValidationError(
            _("Another cycle of this directorate is active: move it to review first.")
        ) from None
    return cycle


@transaction.atomic
def start_review(*, cycle: Cycle, actor: User) -> Cycle:
    """Active → review, once the twelve weeks are over."""
    cycle = _lock_cycle(cycle, actor, Cycle.Status.ACTIVE)
    if timezone.localdate() < cycle.review_start:
        raise ValidationError(
            _("The review week starts on %(date)s.") % {"date": _date(cycle.review_start)}
        )
    cycle.status = Cycle.Status.REVIEW
    _history(cycle, actor, gettext_noop("review"))
    cycle.save(update_fields=["status"])
    return cycle


def unfinished_tactics(cycle: Cycle) -> list[Tactic]:
    """Tactics of the cycle's approved plans with a week not done: the carry-over candidates,
    annotated with `done` and `counted` (non-cancelled occurrences)."""
    live = Q(occurrences__replaced_at__isnull=True) & ~Q(occurrences__task__status=Status.CANCELLED)
    return list(
        Tactic.objects.filter(goal__plan__cycle=cycle, goal__plan__status=Plan.Status.APPROVED)
        .annotate(
            counted=Count("occurrences", filter=live),
            done=Count("occurrences", filter=live & Q(occurrences__task__status=Status.DONE)),
        )
        .filter(Q(done__lt=F("counted")) | Q(counted=0))
        .select_related("goal__plan__owner", "responsible")
        .order_by("goal__plan__kind", "goal__plan__owner__last_name", "goal__position", "position")
    )


@transaction.atomic
def close_cycle(
    *,
    cycle: Cycle,
    actor: User,
    carry_over: Sequence[Tactic] = (),
    next_start: dt.date | None = None,
) -> Cycle | None:
    """Review → closed. The chosen unfinished tactics go, with their goals, into draft plans of
    the next cycle (opened on `next_start`, by default the Monday after the review week, unless
    the directorate already has one in planning); return that next cycle."""
    cycle = _lock_cycle(cycle, actor, Cycle.Status.REVIEW)
    candidates = {t.pk: t for t in unfinished_tactics(cycle)}
    chosen = [candidates[t.pk] for t in carry_over if t.pk in candidates]
    if len(chosen) != len(carry_over):
        raise ValidationError(_("Only this cycle's unfinished tactics can be carried over."))
    cycle.status = Cycle.Status.CLOSED
    cycle.closed_at = timezone.now()
    _history(cycle, actor, gettext_noop("closed"))
    cycle.save(update_fields=["status", "closed_at"])
    if not chosen:
        return None
    following = (
        Cycle.objects.filter(
            department=cycle.department, status=Cycle.Status.PLANNING, start__gt=cycle.start
        )
        .order_by("start")
        .first()
    )
    if following is None:
        following = open_cycle(
            department=cycle.department,
            start=next_start or cycle.end + dt.timedelta(days=1),
            actor=actor,
            previous=cycle,
        )
    _carry_over(chosen, into=following, actor=actor)
    return following


def _carry_over(tactics: Sequence[Tactic], *, into: Cycle, actor: User) -> None:
    latest = latest_readings(t.goal_id for t in tactics)
    plans: dict[tuple[str, int | None], Plan] = {
        (p.kind, p.owner_id): p for p in Plan.objects.filter(cycle=into)
    }
    goals: dict[int, Goal] = {}
    for tactic in tactics:
        old_plan = tactic.goal.plan
        key = (old_plan.kind, old_plan.owner_id)
        if key not in plans:
            plan = Plan(cycle=into, kind=old_plan.kind, owner=old_plan.owner, created_by=actor)
            _history(plan, actor, gettext_noop("carried over"))
            plan.save()
            plans[key] = plan
        plan = plans[key]
        if plan.status != Plan.Status.DRAFT:
            raise ValidationError(
                _("The next cycle's plan of %(plan)s is no longer a draft.") % {"plan": plan}
            )
        goal = goals.get(tactic.goal_id) or plan.goals.filter(carried_from=tactic.goal_id).first()
        if goal is None:
            if plan.goals.count() >= MAX_GOALS:
                raise ValidationError(
                    _("The next cycle's plan of %(plan)s already has three goals.") % {"plan": plan}
                )
            old = tactic.goal
            goal = Goal(
                plan=plan,
                title=old.title,
                why=old.why,
                weight=old.weight,
                unit=old.unit,
                start_value=latest.get(old.pk, old.start_value),
                target_value=old.target_value,
                position=old.position,
                carried_from=old,
            )
            if goal.start_value == goal.target_value:
                goal.start_value = old.start_value
            _history(goal, actor, gettext_noop("carried over"))
            goal.save()
        goals[tactic.goal_id] = goal
        copy = Tactic(
            goal=goal,
            title=tactic.title,
            responsible=tactic.responsible,
            weekday=tactic.weekday,
            weeks=list(tactic.weeks),
            position=tactic.position,
            carried_from=tactic,
        )
        _history(copy, actor, gettext_noop("carried over"))
        copy.save()


# --- plans -------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, cycle: Cycle, actor: User, owner: User | None) -> Plan:
    """A draft plan: the directorate's (owner None) or a person's individual work plan."""
    cycle = (
        Cycle.objects.select_for_update(of=("self",)).select_related("department").get(pk=cycle.pk)
    )
    manages = can_manage_cycle(actor, cycle)
    if owner is None:
        _require(manages and cycle.status in (Cycle.Status.PLANNING, Cycle.Status.ACTIVE))
        kind = Plan.Kind.DIRECTORATE
    else:
        drafting_own = owner.pk == actor.pk and cycle.status == Cycle.Status.PLANNING
        _require(
            (manages and cycle.status in (Cycle.Status.PLANNING, Cycle.Status.ACTIVE))
            or drafting_own
        )
        if owner.department_id != cycle.department_id or not owner.is_active:
            raise ValidationError(_("An individual plan is for a person of this directorate."))
        kind = Plan.Kind.INDIVIDUAL
    if Plan.objects.filter(cycle=cycle, kind=kind, owner=owner).exists():
        raise ValidationError(_("This plan already exists."))
    plan = Plan(cycle=cycle, kind=kind, owner=owner, created_by=actor)
    _history(plan, actor, gettext_noop("drafted"))
    plan.save()
    return plan


def check_complete(plan: Plan) -> None:
    """What a plan needs before approval: one to three goals whose weights make 100 %, and at
    least one active tactic for each goal."""
    goals = list(plan.goals.prefetch_related("tactics"))
    if not goals:
        raise ValidationError(_("Add at least one goal first."))
    if len(goals) > MAX_GOALS:
        raise ValidationError(_("A plan has at most three goals."))
    total = sum(g.weight for g in goals)
    if total != 100:
        raise ValidationError(
            _("The goals' weights add up to %(total)s %%; together they must make 100 %%.")
            % {"total": total}
        )
    for goal in goals:
        if not any(t.is_active for t in goal.tactics.all()):
            raise ValidationError(
                _("The goal “%(goal)s” has no weekly tactic yet.") % {"goal": goal.title}
            )


@transaction.atomic
def submit_plan(*, plan: Plan, actor: User) -> Plan:
    """Send a complete draft for approval."""
    plan = _lock_plan(plan)
    _require(can_edit_plan(actor, plan))
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for approval."))
    check_complete(plan)
    plan.status = Plan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.version += 1
    _history(plan, actor, gettext_noop("submitted"))
    plan.save(update_fields=["status", "submitted_at", "version"])
    return plan


@transaction.atomic
def return_plan(*, plan: Plan, actor: User, reason: str) -> Plan:
    """The approver sends a plan back to its author as a draft, saying why."""
    plan = _lock_plan(plan)
    _require(can_approve(actor, plan))
    if plan.status != Plan.Status.SUBMITTED:
        raise ValidationError(_("Only a plan awaiting approval can be returned."))
    plan.return_reason = _text(reason, field="reason", required=True)
    plan.status = Plan.Status.DRAFT
    plan.version += 1
    _history(plan, actor, gettext_noop("returned"))
    plan.save(update_fields=["status", "return_reason", "version"])
    return plan


@transaction.atomic
def approve_plan(*, plan: Plan, actor: User) -> int:
    """Approve a plan sent for approval and set a task for every occurrence of its tactics from
    the current week on; return how many tasks were set. Approving twice is refused."""
    plan = _lock_plan(plan)
    _require(can_approve(actor, plan))
    if plan.status == Plan.Status.APPROVED:
        raise ValidationError(_("This plan has already been approved."))
    if plan.status != Plan.Status.SUBMITTED:
        raise ValidationError(_("The plan has not been sent for approval yet."))
    cycle = plan.cycle
    if cycle.status not in (Cycle.Status.PLANNING, Cycle.Status.ACTIVE):
        raise ValidationError(_("The cycle is over: its plans can no longer be approved."))
    first_week = max(cycle.current_week, 1)
    if first_week > WEEKS:
        raise ValidationError(_("The twelve weeks of this cycle are over."))
    check_complete(plan)
    plan.status = Plan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.return_reason = ""
    plan.version += 1
    _history(plan, actor, gettext_noop("approved"))
    plan.save(update_fields=["status", "approved_by", "approved_at", "return_reason", "version"])
    tactics = Tactic.objects.filter(goal__plan=plan, is_active=True).select_related(
        "responsible", "goal"
    )
    set_for: Counter[int] = Counter()
    people: dict[int, User] = {}
    calendar = WeekCalendar(cycle)
    for tactic in tactics:
        made = _materialise(
            tactic, cycle=cycle, calendar=calendar, actor=actor, first_week=first_week
        )
        set_for[tactic.responsible_id] += made
        people[tactic.responsible_id] = tactic.responsible
    _announce(plan, people, set_for, actor)
    return sum(set_for.values())


def _announce(plan: Plan, people: dict[int, User], counts: Counter[int], actor: User) -> None:
    for pk, count in counts.items():
        if count:
            task_services.announce_assignment(
                recipients=[people[pk]],
                actor=actor,
                text=f"{plan.cycle.department}: {plan} (+{count})",
            )


# --- turning tactics into tasks ----------------------------------------------------------------


class WeekCalendar:
    """The working days of a cycle, read once, to place each occurrence's deadline."""

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        ensure_calendar(start=cycle.start, end=cycle.end)
        self.working = set(
            CalendarDay.objects.filter(
                date__gte=cycle.start, date__lte=cycle.end, is_working=True
            ).values_list("date", flat=True)
        )

    def working_days(self, week: int) -> list[dt.date]:
        monday, _sunday = self.cycle.week_bounds(week)
        return [d for d in (monday + dt.timedelta(days=n) for n in range(7)) if d in self.working]

    def planned_deadline(self, week: int, weekday: int) -> dt.datetime | None:
        """The end of the tactic's weekday in that week; a day off moves it to the working day
        before within the week (else the first one after); a week without a working day has
        no occurrence."""
        days = self.working_days(week)
        if not days:
            return None
        wanted = self.cycle.week_bounds(week)[0] + dt.timedelta(days=weekday)
        before = [d for d in days if d <= wanted]
        return task_services.deadline_from(before[-1] if before else days[0])

    def deadline_ahead(self, week: int, weekday: int, now: dt.datetime) -> dt.datetime | None:
        """The planned deadline, or, if that has passed, the end of the week's last working day;
        None when that has passed too: a new task is never born overdue."""
        planned = self.planned_deadline(week, weekday)
        if planned is None or planned > now:
            return planned
        last = task_services.deadline_from(self.working_days(week)[-1])
        return last if last > now else None


def _materialise(
    tactic: Tactic, *, cycle: Cycle, calendar: WeekCalendar, actor: User, first_week: int
) -> int:
    """Set a task for each of the tactic's weeks from `first_week` on that has no live
    occurrence yet; return how many were set."""
    now = timezone.now()
    have = set(tactic.occurrences.live().values_list("week", flat=True))
    made = 0
    for week in sorted(tactic.weeks):
        if week < first_week or week in have:
            continue
        deadline = calendar.deadline_ahead(week, tactic.weekday, now)
        if deadline is None:
            continue
        task = task_services.create_task(
            author=actor,
            title=tactic.title,
            responsible=tactic.responsible,
            deadline=deadline,
            description=tactic.goal.title,
            source=Source.PLAN,
            notify=False,
        )
        Occurrence.objects.create(tactic=tactic, week=week, due=deadline, task=task)
        made += 1
    return made


def _replace_future(tactic: Tactic, *, cycle: Cycle, calendar: WeekCalendar, actor: User) -> int:
    """After a change of an approved tactic: the weeks after the current one whose task nobody
    has touched yet and no longer matches the tactic get their task cancelled and a new one set.
    Return how many tasks were set."""
    from_week = max(cycle.current_week, 0) + 1
    now = timezone.now()
    future = tactic.occurrences.live().filter(week__gte=from_week).select_related("task")
    for occurrence in future:
        task = occurrence.task
        if task.status != Status.NEW:
            continue
        planned = calendar.planned_deadline(occurrence.week, tactic.weekday)
        still_right = (
            tactic.is_active
            and occurrence.week in tactic.weeks
            and task.title == tactic.title
            and task.responsible_id == tactic.responsible_id
            and planned == occurrence.due
        )
        if still_right:
            continue
        task_services.cancel_task(
            task=task, actor=actor, reason=_("The tactic of the 12-week plan was changed.")
        )
        occurrence.replaced_at = now
        occurrence.save(update_fields=["replaced_at"])
    if not tactic.is_active:
        return 0
    return _materialise(
        tactic, cycle=cycle, calendar=calendar, actor=actor, first_week=max(from_week, 1)
    )


# --- goals, weights, readings -----------------------------------------------------------------


def _goal_values(
    *, title: str, why: str, unit: str, start_value: Decimal, target_value: Decimal
) -> dict[str, object]:
    if start_value == target_value:
        raise ValidationError({"target_value": _("The target must differ from the start value.")})
    return {
        "title": _text(title, field="title", limit=TITLE_MAX_LENGTH, required=True),
        "why": _text(why, field="why"),
        "unit": _text(unit, field="unit", limit=40, required=True),
        "start_value": start_value,
        "target_value": target_value,
    }


def _check_weight(plan: Plan, weight: int, *, other_than: int | None = None) -> None:
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": _("A weight is from 1 to 100 %.")})
    others = sum(g.weight for g in plan.goals.all() if g.pk != other_than)
    if others + weight > 100:
        raise ValidationError(
            {
                "weight": _(
                    "With this weight the goals would make %(total)s %%; at most %(left)s %% "
                    "is left for this one."
                )
                % {"total": others + weight, "left": 100 - others}
            }
        )


@transaction.atomic
def add_goal(
    *,
    plan: Plan,
    actor: User,
    title: str,
    why: str,
    weight: int,
    unit: str,
    start_value: Decimal,
    target_value: Decimal,
) -> Goal:
    """Add one of at most three goals; the weights of a plan never pass 100 %."""
    plan = _lock_plan(plan)
    _require(can_edit_plan(actor, plan))
    if plan.goals.count() >= MAX_GOALS:
        raise ValidationError(_("A plan has at most three goals."))
    _check_weight(plan, weight)
    goal = Goal(
        plan=plan,
        weight=weight,
        position=plan.goals.count(),
        **_goal_values(
            title=title, why=why, unit=unit, start_value=start_value, target_value=target_value
        ),
    )
    _history(goal, actor, gettext_noop("added"))
    goal.save()
    return goal


@transaction.atomic
def update_goal(
    *,
    goal: Goal,
    actor: User,
    title: str,
    why: str,
    weight: int,
    unit: str,
    start_value: Decimal,
    target_value: Decimal,
    version: int | None = None,
) -> Goal:
    """Edit a goal as drawn at `version`; a goal changed since raises Conflict."""
    plan = _lock_plan(goal.plan)
    _require(can_edit_plan(actor, plan))
    goal = Goal.objects.select_for_update().get(pk=goal.pk, plan=plan)
    check_version(goal, version)
    if plan.status == Plan.Status.APPROVED and weight != goal.weight:
        raise ValidationError(
            {"weight": _("The plan is approved: change the weights of all goals together.")}
        )
    _check_weight(plan, weight, other_than=goal.pk)
    for name, value in _goal_values(
        title=title, why=why, unit=unit, start_value=start_value, target_value=target_value
    ).items():
        setattr(goal, name, value)
    goal.weight = weight
    goal.version += 1
    _history(goal, actor, gettext_noop("edited"))
    goal.save()
    return goal


@transaction.atomic
def set_weights(
    *, plan: Plan, actor: User, weights: dict[int, int], version: int | None = None
) -> None:
    """Set every goal's weight at once; together they make 100 %. The form was drawn from the
    plan at `version`: a plan changed since raises Conflict."""
    plan = _lock_plan(plan)
    _require(can_edit_plan(actor, plan))
    check_version(plan, version)
    goals = list(plan.goals.all())
    if {g.pk for g in goals} != set(weights):
        raise ValidationError(_("Give a weight for each goal of this plan."))
    if any(not 1 <= w <= 100 for w in weights.values()):
        raise ValidationError(_("A weight is from 1 to 100 %."))
    total = sum(weights.values())
    if total != 100:
        raise ValidationError(
            _("The goals' weights add up to %(total)s %%; together they must make 100 %%.")
            % {"total": total}
        )
    for goal in goals:
        if goal.weight != weights[goal.pk]:
            goal.weight = weights[goal.pk]
            goal.version += 1
            _history(goal, actor, gettext_noop("weights"))
            goal.save(update_fields=["weight", "version"])
    plan.version += 1
    _history(plan, actor, gettext_noop("weights"))
    plan.save(update_fields=["version"])


@transaction.atomic
def delete_goal(*, goal: Goal, actor: User, version: int | None = None) -> None:
    """A goal goes only from a plan not approved yet (an approved one keeps its record), and
    only as drawn at `version`: a goal someone changed since raises Conflict and stays."""
    plan = _lock_plan(goal.plan)
    _require(can_edit_plan(actor, plan))
    if plan.status == Plan.Status.APPROVED:
        raise ValidationError(_("The plan is approved: its goals stay on record."))
    current = Goal.objects.select_for_update().filter(pk=goal.pk, plan=plan).first()
    if current is None:  # removed already (a second click, another tab): nothing to do
        return
    check_version(current, version)
    current.delete()


@transaction.atomic
def record_reading(
    *, goal: Goal, actor: User, week: int, value: Decimal, version: int | None = None
) -> LagReading:
    """Record (or correct) the lag measure of a week that has begun. The readings belong to the
    goal's version: a goal changed since the form was drawn raises Conflict."""
    goal = (
        Goal.objects.select_for_update(of=("self",))
        .select_related("plan__cycle__department", "plan__owner")
        .get(pk=goal.pk)
    )
    check_version(goal, version)
    plan = goal.plan
    _require(can_review(actor, plan) and plan.cycle.status != Cycle.Status.CLOSED)
    if not 1 <= week <= min(plan.cycle.current_week, REVIEW_WEEK):
        raise ValidationError(
            {"week": _("A reading is for a week of the cycle that has already begun.")}
        )
    reading = LagReading.objects.filter(goal=goal, week=week).first() or LagReading(
        goal=goal, week=week
    )
    reading.value = value
    reading.entered_by = actor
    reading.entered_at = timezone.now()
    _history(reading, actor, gettext_noop("reading"))
    reading.save()
    goal.version += 1
    _history(goal, actor, gettext_noop("reading"))
    goal.save(update_fields=["version"])
    return reading


# --- tactics -----------------------------------------------------------------------------------


def _tactic_values(
    plan: Plan, *, title: str, responsible: User, weekday: int, weeks: Iterable[int]
) -> dict[str, object]:
    chosen = sorted(set(weeks))
    if not chosen:
        raise ValidationError({"weeks": _("Choose at least one week.")})
    if chosen[0] < 1 or chosen[-1] > WEEKS:
        raise ValidationError({"weeks": _("A tactic runs in weeks 1 to 12 of the cycle.")})
    if not 0 <= weekday <= 4:
        raise ValidationError({"weekday": _("Choose a day from Monday to Friday.")})
    if plan.is_directorate:
        if responsible.department_id != plan.cycle.department_id or not responsible.is_active:
            raise ValidationError(
                {"responsible": _("The responsible person works in this directorate.")}
            )
    elif responsible.pk != plan.owner_id:
        raise ValidationError(
            {"responsible": _("The tactics of an individual plan are its owner's.")}
        )
    return {
        "title": _text(title, field="title", limit=TITLE_MAX_LENGTH, required=True),
        "responsible": responsible,
        "weekday": weekday,
        "weeks": chosen,
    }


@transaction.atomic
def add_tactic(
    *, goal: Goal, actor: User, title: str, responsible: User, weekday: int, weeks: Iterable[int]
) -> Tactic:
    """Add a weekly action; in an approved plan its tasks are set from the current week on."""
    plan = _lock_plan(goal.plan)
    _require(can_edit_plan(actor, plan))
    goal = Goal.objects.get(pk=goal.pk, plan=plan)
    tactic = Tactic(
        goal=goal,
        position=goal.tactics.count(),
        **_tactic_values(plan, title=title, responsible=responsible, weekday=weekday, weeks=weeks),
    )
    _history(tactic, actor, gettext_noop("added"))
    tactic.save()
    if plan.status == Plan.Status.APPROVED:
        cycle = plan.cycle
        made = _materialise(
            tactic,
            cycle=cycle,
            calendar=WeekCalendar(cycle),
            actor=actor,
            first_week=max(cycle.current_week, 1),
        )
        _announce(plan, {responsible.pk: responsible}, Counter({responsible.pk: made}), actor)
    return tactic


@transaction.atomic
def update_tactic(
    *,
    tactic: Tactic,
    actor: User,
    title: str,
    responsible: User,
    weekday: int,
    weeks: Iterable[int],
    version: int | None = None,
) -> Tactic:
    """Change a tactic as drawn at `version` (changed since: Conflict). In an approved plan only
    the weeks after the current one change; the tasks already set for this week and before stay
    as they were."""
    plan = _lock_plan(tactic.goal.plan)
    _require(can_edit_plan(actor, plan))
    tactic = Tactic.objects.select_for_update().get(pk=tactic.pk, goal__plan=plan)
    check_version(tactic, version)
    for name, value in _tactic_values(
        plan, title=title, responsible=responsible, weekday=weekday, weeks=weeks
    ).items():
        setattr(tactic, name, value)
    tactic.version += 1
    _history(tactic, actor, gettext_noop("edited"))
    tactic.save()
    if plan.status == Plan.Status.APPROVED:
        made = _replace_future(
            tactic, cycle=plan.cycle, calendar=WeekCalendar(plan.cycle), actor=actor
        )
        _announce(plan, {responsible.pk: responsible}, Counter({responsible.pk: made}), actor)
    return tactic


@transaction.atomic
def remove_tactic(*, tactic: Tactic, actor: User, version: int | None = None) -> None:
    """A draft's tactic is deleted; an approved one is stopped: it sets nothing after the
    current week, and what it set before stays on record. Only as drawn at `version`: a tactic
    someone changed since raises Conflict and stays as it is."""
    plan = _lock_plan(tactic.goal.plan)
    _require(can_edit_plan(actor, plan))
    tactic = Tactic.objects.select_for_update().get(pk=tactic.pk, goal__plan=plan)
    check_version(tactic, version)
    if plan.status != Plan.Status.APPROVED:
        tactic.delete()
        return
    tactic.is_active = False
    tactic.version += 1
    _history(tactic, actor, gettext_noop("stopped"))
    tactic.save(update_fields=["is_active", "version"])
    _replace_future(tactic, cycle=plan.cycle, calendar=WeekCalendar(plan.cycle), actor=actor)


# --- reviews -----------------------------------------------------------------------------------


def review_weeks(kind: str) -> range:
    """The weeks a review of each kind may be written for."""
    if kind == Review.Kind.MIDCYCLE:
        return range(6, 7)
    if kind == Review.Kind.FINAL:
        return range(REVIEW_WEEK, REVIEW_WEEK + 1)
    return range(1, WEEKS + 1)


@transaction.atomic
def save_review(
    *,
    plan: Plan,
    actor: User,
    kind: str,
    week: int,
    worked: str = "",
    did_not_work: str = "",
    adjust: str = "",
    meeting_notes: str = "",
    lessons: str = "",
    version: int | None = None,
) -> Review:
    """Write or update a review of a week that has begun. The mid-cycle (week 6) and final
    (week 13) reviews keep the average execution score and the goals' progress as they stand."""
    from plans import execution

    plan = _lock_plan(plan)
    _require(can_review(actor, plan) and plan.cycle.status != Cycle.Status.CLOSED)
    if kind not in Review.Kind.values or week not in review_weeks(kind):
        raise ValidationError(_("There is no such review in a cycle."))
    if week > plan.cycle.current_week:
        raise ValidationError(_("This week has not begun yet."))
    texts = {
        "worked": worked,
        "did_not_work": did_not_work,
        "adjust": adjust,
        "meeting_notes": meeting_notes,
        "lessons": lessons,
    }
    cleaned = {name: _text(value, field=name) for name, value in texts.items()}
    if not any(cleaned.values()):
        raise ValidationError(_("Write at least one line of the review."))
    review = Review.objects.filter(plan=plan, kind=kind, week=week).first()
    # A review not written yet is version 0 to the form drawn before it was.
    check_version(review or Review(version=0), version)
    if review is None:
        review = Review(plan=plan, kind=kind, week=week, author=actor, version=0)
    review.version += 1
    for name, value in cleaned.items():
        setattr(review, name, value)
    review.updated_at = timezone.now()
    if kind != Review.Kind.WEEKLY:
        card = execution.plan_scorecard(plan)
        review.average_score = card.average_score
        review.progress = [{"goal": g.goal.title, "progress": g.progress} for g in card.goals]
    _history(review, actor, REVIEWED[kind])
    review.save()
    return review
