"""Demo 12-week plans: an active cycle in its seventh week for each of the five directorates.

`seed_demo` calls `seed` after the tasks demo. Each real directorate gets a cycle that began six
weeks before this week's Monday, a directorate plan approved by the deputy akim with goals from
the articles ("cut the time to a land-plot decision from 40 to 20 working days"), and individual
work plans approved by the head, with weekly lag readings and reviews. Every tactic occurrence
is a real task (authored by the approver, source "12-week plan") written in bulk with its
history: the past six weeks mostly done on time, some late, a few missed; this week under way;
the five weeks ahead still new. One plan per directorate waits for the head's approval and one
person has none yet, so the approval and drafting screens have something to show.

Generated directorates (`--scale` above 1) get no plans: they exist for the size of the task
tables. A directorate that already has a cycle is left alone, so a second run writes nothing.
The article's facts hold: `head.agriculture` and `specialist.agriculture` miss no tactic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from akimat.calendar import ensure_calendar
from akimat.demo import DIRECTORATES
from akimat.models import Department, User
from plans import execution
from plans.models import WEEKS, Cycle, Goal, LagReading, Occurrence, Plan, Review, Tactic
from plans.services import WeekCalendar
from tasks.models import Source, Status, Task

CURRENT_WEEK = 7
PINNED = {"head.agriculture", "specialist.agriculture"}
EVEN = [2, 4, 6, 8, 10, 12]
ODD = [1, 3, 5, 7, 9, 11]


@dataclass(frozen=True)
class GoalSpec:
    title: str
    why: str
    unit: str
    start: int
    target: int


@dataclass(frozen=True)
class TacticSpec:
    title: str
    weekday: int
    weeks: list[int]
    who: str = "head"  # head, specialist or deputy head, for the directorate plan


# The directorate plans: goals with their weights, and the weekly tactics under each goal.
DIRECTORATE_PLANS: dict[str, list[tuple[GoalSpec, int, list[TacticSpec]]]] = {
    "entrepreneurship": [
        (GoalSpec("Сократить срок рассмотрения заявок на господдержку с 30 до 15 рабочих дней", "Предприниматель не должен ждать решения месяц: деньги нужны в сезон.", "рабочих дней", 30, 15), 50,
         [TacticSpec("Разбор всех заявок на господдержку старше 10 рабочих дней", 4, list(range(1, 13)))]),
        (GoalSpec("Довести долю заявок, поданных онлайн, с 40 до 80 %", "Онлайн-заявка — меньше визитов и меньше бумаг на рецепции.", "%", 40, 80), 30,
         [TacticSpec("Обзвон заявителей с неполным пакетом документов", 1, list(range(1, 13)), "specialist")]),
        (GoalSpec("Открыть 120 новых субъектов МСБ через центр поддержки", "Реальный показатель, а не цифра для бумаги.", "субъектов", 0, 120), 20,
         [TacticSpec("Выездная консультация в бизнес-центре района", 3, EVEN, "deputy head")]),
    ],
    "land": [
        (GoalSpec("Сократить срок решения по земельному участку с 40 до 20 рабочих дней", "Очередь за землёй — главная жалоба на приёмах акима.", "рабочих дней", 40, 20), 60,
         [TacticSpec("Сверка очереди заявлений с НАО «Правительство для граждан»", 0, list(range(1, 13))),
          TacticSpec("Выезд на обследование участков по заявкам недели", 2, list(range(1, 13)), "specialist")]),
        (GoalSpec("Снизить долю заявлений, возвращённых из-за неполного пакета, с 35 до 10 %", "Каждый возврат — лишний визит заявителя.", "%", 35, 10), 40,
         [TacticSpec("Проверка пакетов документов в день поступления", 4, list(range(1, 13)), "deputy head")]),
    ],
    "architecture": [
        (GoalSpec("Сократить срок выдачи АПЗ с 15 до 8 рабочих дней", "Застройщик ждёт архитектурно-планировочное задание, стройка стоит.", "рабочих дней", 15, 8), 50,
         [TacticSpec("Разбор просроченных заявок на АПЗ на планёрке", 0, list(range(1, 13)))]),
        (GoalSpec("Оцифровать все эскизные проекты, принятые в цикле", "Один источник правды вместо папок в шкафу.", "%", 20, 100), 50,
         [TacticSpec("Загрузка принятых эскизов в ГИС", 3, list(range(1, 13)), "specialist")]),
    ],
    "construction": [
        (GoalSpec("Довести долю объектов, сданных в срок, с 70 до 95 %", "Школы и поликлиники должны открываться к сроку.", "%", 70, 95), 60,
         [TacticSpec("Выезд технадзора на три объекта по графику", 2, list(range(1, 13)), "specialist"),
          TacticSpec("Сводка по графику строительства для заместителя акима", 4, list(range(1, 13)))]),
        (GoalSpec("Сократить число замечаний технадзора с 25 до 10 в месяц", "Меньше переделок — меньше затрат бюджета.", "замечаний", 25, 10), 40,
         [TacticSpec("Разбор замечаний технадзора с подрядчиками", 1, EVEN, "deputy head")]),
    ],
    "agriculture": [
        (GoalSpec("Сократить срок выплаты субсидий с 20 до 10 рабочих дней", "Фермеру субсидия нужна до посевной, а не после.", "рабочих дней", 20, 10), 50,
         [TacticSpec("Проверка заявок на субсидии в ИС «Субсидирование»", 1, list(range(1, 13)), "specialist"),
          TacticSpec("Сводка по выплатам субсидий", 4, list(range(1, 13)))]),
        (GoalSpec("Охватить 300 хозяйств консультациями по новым правилам субсидирования", "Правила поменялись — фермеры должны узнать о них от нас.", "хозяйств", 0, 300), 50,
         [TacticSpec("Выездной семинар для фермеров района", 3, ODD, "deputy head")]),
    ],
}  # fmt: skip

# What people put in their individual plans, per directorate: goals and the weekly tactic of each.
INDIVIDUAL: dict[str, list[tuple[GoalSpec, str, int]]] = {
    "entrepreneurship": [
        (GoalSpec("Рассматривать заявки по «Бизнес Жол» не дольше 15 рабочих дней", "", "рабочих дней", 28, 15), "Закрыть все заявки «Бизнес Жол», поступившие на прошлой неделе", 4),
        (GoalSpec("Перевести заявителей своего района на онлайн-подачу", "", "%", 35, 80), "Обзвонить заявителей недели и помочь подать заявку онлайн", 2),
        (GoalSpec("Провести 24 консультации для начинающих предпринимателей", "", "консультаций", 0, 24), "Две консультации в центре поддержки предпринимательства", 3),
    ],
    "land": [
        (GoalSpec("Готовить проект решения по участку за 10 рабочих дней", "", "рабочих дней", 22, 10), "Подготовить проекты решений по всем заявлениям недели", 4),
        (GoalSpec("Сократить возвраты заявлений по своему участку работы", "", "%", 30, 10), "Проверить комплектность документов в день поступления", 0),
        (GoalSpec("Обследовать все участки из очереди района", "", "участков", 0, 60), "Выезд на обследование пяти участков", 2),
    ],
    "architecture": [
        (GoalSpec("Выдавать АПЗ за 8 рабочих дней", "", "рабочих дней", 14, 8), "Закрыть заявки на АПЗ, поступившие на прошлой неделе", 4),
        (GoalSpec("Загрузить в ГИС свои эскизные проекты", "", "проектов", 0, 40), "Загрузить в ГИС эскизы, принятые за неделю", 3),
        (GoalSpec("Согласовывать наружную рекламу за 5 дней", "", "рабочих дней", 12, 5), "Разобрать заявки на наружную рекламу", 1),
    ],
    "construction": [
        (GoalSpec("Ни одного объекта без еженедельного выезда", "", "%", 60, 100), "Выезд на закреплённые объекты", 2),
        (GoalSpec("Закрывать замечания технадзора за 10 дней", "", "дней", 25, 10), "Проверить устранение замечаний у подрядчиков", 3),
        (GoalSpec("Вовремя вносить акты в портал госзакупок", "", "%", 70, 100), "Внести акты выполненных работ за неделю", 4),
    ],
    "agriculture": [
        (GoalSpec("Проверять заявки на субсидии за 5 рабочих дней", "", "рабочих дней", 12, 5), "Проверить все заявки на субсидии, поступившие за неделю", 1),
        (GoalSpec("Проконсультировать 60 хозяйств по новым правилам", "", "хозяйств", 0, 60), "Пять консультаций фермерам по телефону и на выезде", 3),
        (GoalSpec("Обновить реестр сельхозтехники района", "", "%", 45, 100), "Сверить реестр сельхозтехники с данными района", 4),
    ],
}  # fmt: skip

RESULTS = [
    "Сделано, справка в папке управления",
    "Выполнено, итоги доложены на планёрке",
    "Готово, данные внесены в систему",
    "Выполнено полностью",
]
REVIEWS = [
    ("Разобрали все заявки недели, очередь не растёт.", "Два выезда сорвались из-за отсутствия транспорта.", "Согласовать служебный транспорт на среду."),
    ("Онлайн-подача растёт, меньше визитов на рецепцию.", "Часть заявителей не отвечает на звонки.", "Дублировать звонки сообщением в WhatsApp."),
    ("Планёрка за 15 минут, все по делу.", "Сводка ушла с опозданием на день.", "Готовить сводку в четверг вечером."),
    ("Закрыли старые заявки, срок пошёл вниз.", "Не хватило времени на консультации.", "Перенести консультации на утро."),
    ("Все действия недели выполнены.", "Много внеплановых поручений.", "Брать новые поручения только через руководителя."),
    ("Ритм держится, команда видит свою оценку.", "Замер результата вносили с опозданием.", "Вносить замер в пятницу до 17:00."),
]  # fmt: skip


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# A task's state for a history row: when, by whom, why, and the fields changed.
_State = tuple[dt.datetime, User, str, dict[str, Any]]


class _Writer:
    """Collects the rows of one directorate and writes them table by table."""

    def __init__(self, cycle: Cycle, now: dt.datetime, rng: random.Random) -> None:
        self.cycle, self.now, self.rng = cycle, now, rng
        self.calendar = WeekCalendar(cycle)
        self.tasks: list[Task] = []
        self.history: list[object] = []
        self.occurrences: list[tuple[Tactic, int, dt.datetime]] = []
        # Each task's states for its history rows, by id(task): the tasks have no pk yet.
        self.states: dict[int, list[_State]] = {}

    def tactic_tasks(self, tactic: Tactic, approver: User, approved_at: dt.datetime) -> None:
        reliable = tactic.responsible.username in PINNED
        for week in tactic.weeks:
            due = self.calendar.planned_deadline(week, tactic.weekday)
            if due is None:
                continue
            task = Task(
                title=tactic.title,
                description=tactic.goal.title,
                author=approver,
                responsible=tactic.responsible,
                department_id=tactic.responsible.department_id,
                source=Source.PLAN,
                deadline=due,
                created_at=approved_at,
            )
            self._progress(task, due, week, reliable, approver)
            self.tasks.append(task)
            self.occurrences.append((tactic, week, due))

    def _progress(
        self, task: Task, due: dt.datetime, week: int, reliable: bool, approver: User
    ) -> None:
        """Move the task along as the weeks went: the clock decides what has happened yet.
        Past weeks: about 83 % handed in on time, 12 % late, 5 % missed; a reliable person
        (the article's two) hands everything in on time and has it accepted by the deadline."""
        rng, now = self.rng, self.now
        monday = _at(self.cycle.week_bounds(week)[0], 9)
        roll = rng.random()
        events: list[_State] = []

        def started_at(moment: dt.datetime) -> tuple[dt.datetime, User, str, dict]:
            return (
                moment,
                task.responsible,
                "started",
                {"status": Status.IN_PROGRESS, "started_at": moment},
            )

        if due < now:
            if reliable or roll < 0.83:
                handed: dt.datetime | None = max(
                    monday, due - dt.timedelta(hours=rng.randint(2, 50))
                )
            elif roll < 0.95:
                handed = due + dt.timedelta(hours=rng.randint(16, 70))
            else:
                handed = None
            if handed is not None and handed <= now:
                accepted = handed + dt.timedelta(minutes=rng.randint(20, 240))
                if reliable or (handed < due and accepted > due and rng.random() < 0.7):
                    accepted = min(accepted, max(handed, due - dt.timedelta(minutes=5)))
                events.append(
                    started_at(
                        max(task.created_at, handed - dt.timedelta(hours=rng.randint(1, 30)))
                    )
                )
                events.append(
                    (
                        handed,
                        task.responsible,
                        "submitted",
                        {
                            "status": Status.AWAITING_ACCEPTANCE,
                            "result": rng.choice(RESULTS),
                            "submitted_at": handed,
                        },
                    )
                )
                if accepted <= now:
                    events.append(
                        (
                            accepted,
                            approver,
                            "accepted",
                            {"status": Status.DONE, "done_at": accepted},
                        )
                    )
            elif roll < 0.98:
                events.append(started_at(max(task.created_at, due - dt.timedelta(days=2))))
        elif due - now < dt.timedelta(days=5) and roll < 0.35:
            moment = max(task.created_at, now - dt.timedelta(hours=rng.randint(1, 20)))
            if moment < now:
                events.append(started_at(moment))
        self._snapshots(task, events, approver)

    def _snapshots(self, task: Task, events: list[_State], approver: User) -> None:
        """The history rows: created, then one per change, each with the state after it."""
        states: list[_State] = [(task.created_at, approver, "created", {})]
        states += events
        for _moment, _user, _reason, changes in events:
            for name, value in changes.items():
                setattr(task, name, value)
        task.version = len(states)
        self.states[id(task)] = states

    def write(self) -> int:
        Task.objects.bulk_create(self.tasks, batch_size=2000)
        model = Task.history.model
        fields = [f.attname for f in model.tracked_fields]
        rows = []
        for task in self.tasks:
            state = {f: getattr(task, f) for f in fields}
            state.update(
                status=Status.NEW, result="", started_at=None, submitted_at=None, done_at=None
            )
            for number, (moment, user, reason, changes) in enumerate(self.states[id(task)]):
                state.update(changes)
                rows.append(
                    model(
                        **state,
                        history_date=moment,
                        history_change_reason=reason,
                        history_type="+" if number == 0 else "~",
                        history_user_id=user.pk,
                    )
                )
        model.objects.bulk_create(rows, batch_size=2000)
        Occurrence.objects.bulk_create(
            [
                Occurrence(tactic=tactic, week=week, due=due, task=task, created_at=task.created_at)
                for (tactic, week, due), task in zip(self.occurrences, self.tasks, strict=True)
            ],
            batch_size=2000,
        )
        return len(self.tasks)


def _goal(plan: Plan, spec: GoalSpec, weight: int, position: int) -> Goal:
    return Goal(
        plan=plan, title=spec.title, why=spec.why, weight=weight, unit=spec.unit,
        start_value=Decimal(spec.start), target_value=Decimal(spec.target), position=position,
    )  # fmt: skip


def _readings(
    goals: list[Goal], rng: random.Random, author: User, reliable: set[int]
) -> list[LagReading]:
    """Weekly readings of weeks 1–6: on the way from start to target, a little uneven."""
    rows = []
    for goal in goals:
        pace = 1.0 if goal.pk in reliable else rng.uniform(0.45, 0.95)
        for week in range(1, CURRENT_WEEK):
            share = min(1.0, pace * week / WEEKS * (1 + rng.uniform(-0.15, 0.15)))
            value = goal.start_value + (goal.target_value - goal.start_value) * Decimal(
                str(round(share, 3))
            )
            rows.append(
                LagReading(
                    goal=goal, week=week, value=value.quantize(Decimal("0.1")), entered_by=author
                )
            )
    return rows


@transaction.atomic
def _seed_directorate(department: Department, deputy: User, now: dt.datetime) -> tuple[int, int]:
    slug = department.slug
    rng = random.Random(f"akimat-plans-{slug}")
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=today.weekday(), weeks=CURRENT_WEEK - 1)
    head = department.head
    assert head is not None  # every demo directorate has its head
    people = {u.username: u for u in User.objects.filter(department=department, is_active=True)}
    cycle = Cycle(department=department, start=start, status=Cycle.Status.ACTIVE, created_by=head)
    cycle.created_at = _at(start - dt.timedelta(days=14), 10)
    bulk_create_with_history(
        [cycle], Cycle, default_user=head, default_change_reason=gettext_noop("demo data")
    )
    cycle = Cycle.objects.get(department=department, start=start)
    writer = _Writer(cycle, now, rng)
    approved_at = _at(start - dt.timedelta(days=3), 11)

    # The directorate plan, approved by the deputy akim.
    directorate = Plan(
        cycle=cycle, kind=Plan.Kind.DIRECTORATE, status=Plan.Status.APPROVED, created_by=head,
        submitted_at=approved_at - dt.timedelta(days=1), approved_by=deputy, approved_at=approved_at,
    )  # fmt: skip
    # Individual plans: everyone but the last person; one waits for the head's approval.
    roster = sorted(people.values(), key=lambda u: u.username)
    waiting = people.get(f"{slug}.05")
    without = people.get(f"{slug}.19")
    individual: list[Plan] = []
    for person in roster:
        if person == without:
            continue
        approver = deputy if person == head else head
        pending = person == waiting
        individual.append(
            Plan(
                cycle=cycle, kind=Plan.Kind.INDIVIDUAL, owner=person, created_by=person,
                status=Plan.Status.SUBMITTED if pending else Plan.Status.APPROVED,
                submitted_at=_at(start + dt.timedelta(weeks=CURRENT_WEEK - 1), 9) if pending else approved_at - dt.timedelta(days=1),
                approved_by=None if pending else approver, approved_at=None if pending else approved_at,
            )
        )  # fmt: skip
    plans = bulk_create_with_history(
        [directorate, *individual],
        Plan,
        default_user=head,
        default_change_reason=gettext_noop("demo data"),
    )
    plans = list(Plan.objects.filter(cycle=cycle).select_related("owner"))
    directorate = next(p for p in plans if p.is_directorate)
    individual = [p for p in plans if not p.is_directorate]

    goals: list[Goal] = []
    tactic_specs: list[tuple[Goal, str, int, list[int], User]] = []
    doers = {
        "head": head,
        "specialist": people[f"specialist.{slug}"],
        "deputy head": people[f"{slug}.deputy"],
    }
    for position, (spec, weight, specs) in enumerate(DIRECTORATE_PLANS[slug]):
        goal = _goal(directorate, spec, weight, position)
        goals.append(goal)
        for item in specs:
            tactic_specs.append((goal, item.title, item.weekday, item.weeks, doers[item.who]))
    pool = INDIVIDUAL[slug]
    for plan in individual:
        picks = rng.sample(range(len(pool)), 2 if rng.random() < 0.3 else 1)
        weights = [100] if len(picks) == 1 else [60, 40]
        for position, (index, weight) in enumerate(zip(picks, weights, strict=True)):
            spec, tactic_title, weekday = pool[index]
            goal = _goal(plan, spec, weight, position)
            goals.append(goal)
            weeks = list(range(1, 13)) if position == 0 else rng.choice([EVEN, ODD])
            assert plan.owner is not None  # an individual plan has its owner
            tactic_specs.append((goal, tactic_title, weekday, weeks, plan.owner))
    bulk_create_with_history(
        goals, Goal, default_user=head, default_change_reason=gettext_noop("demo data")
    )
    saved_goals = {
        (g.plan_id, g.position): g
        for g in Goal.objects.filter(plan__cycle=cycle).select_related("plan__owner")
    }
    tactics = [
        Tactic(goal=saved_goals[(g.plan_id, g.position)], title=title, responsible=who, weekday=weekday, weeks=weeks, position=n)
        for n, (g, title, weekday, weeks, who) in enumerate(tactic_specs)
    ]  # fmt: skip
    bulk_create_with_history(
        tactics, Tactic, default_user=head, default_change_reason=gettext_noop("demo data")
    )
    tactics = list(
        Tactic.objects.filter(goal__plan__cycle=cycle).select_related(
            "goal__plan__owner", "responsible", "goal"
        )
    )
    for tactic in tactics:
        plan = tactic.goal.plan
        if plan.status != Plan.Status.APPROVED:
            continue
        writer.tactic_tasks(tactic, plan.approved_by or head, approved_at)
    made = writer.write()

    # Readings of the lag measures and the reviews of the weeks gone by.
    reliable = {
        g.pk for g in saved_goals.values() if g.plan.owner and g.plan.owner.username in PINNED
    }
    readings = _readings(list(saved_goals.values()), rng, head, reliable)
    bulk_create_with_history(
        readings, LagReading, default_user=head, default_change_reason=gettext_noop("demo data")
    )
    reviews = []
    for week in range(1, CURRENT_WEEK):
        worked, failed, adjust = REVIEWS[(week + len(slug)) % len(REVIEWS)]
        reviews.append(
            Review(
                plan=directorate, kind=Review.Kind.WEEKLY, week=week, worked=worked,
                did_not_work=failed, adjust=adjust, author=head,
                meeting_notes=f"Встреча по исполнению, понедельник {cycle.week_bounds(week + 1)[0]:%d.%m}: присутствовали руководитель и {rng.randint(12, 19)} сотрудников.",
                created_at=_at(cycle.week_bounds(week)[0] + dt.timedelta(days=4), 17),
                updated_at=_at(cycle.week_bounds(week)[0] + dt.timedelta(days=4), 17),
            )
        )  # fmt: skip
    card = execution.plan_scorecard(
        directorate, now=_at(cycle.week_bounds(6)[0] + dt.timedelta(days=4), 18, 45)
    )
    reviews.append(
        Review(
            plan=directorate, kind=Review.Kind.MIDCYCLE, week=6, author=head,
            worked="Еженедельный ритм прижился: планёрка, сводка, разбор просрочки.",
            did_not_work="Цели по срокам идут медленнее плана.",
            adjust="Сосредоточиться на первой цели до конца цикла.",
            lessons="Показатель меняется, только когда действие выполняется каждую неделю.",
            average_score=card.average_score,
            progress=[{"goal": g.goal.title, "progress": g.progress} for g in card.goals],
            created_at=_at(cycle.week_bounds(6)[0] + dt.timedelta(days=4), 18),
            updated_at=_at(cycle.week_bounds(6)[0] + dt.timedelta(days=4), 18),
        )
    )  # fmt: skip
    bulk_create_with_history(
        reviews, Review, default_user=head, default_change_reason=gettext_noop("demo data")
    )
    return len(plans), made


def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the plans of the five real directorates that have no cycle yet; return a summary."""
    now = timezone.now()
    today = timezone.localdate(now)
    ensure_calendar(start=today - dt.timedelta(weeks=10), end=today + dt.timedelta(weeks=10))
    deputy = User.objects.filter(username="deputy").first()
    slugs = [slug for slug, _ru, _kk in DIRECTORATES]
    departments = {
        d.slug: d
        for d in Department.objects.filter(slug__in=slugs, head__isnull=False)
        .exclude(cycles__isnull=False)
        .select_related("head")
    }
    plans = tasks = cycles = 0
    if deputy is None:
        return "plans: no deputy akim, skipped"
    for index in progress(range(len(slugs))):
        department = departments.get(slugs[index])
        if department is None:
            continue
        made_plans, made_tasks = _seed_directorate(department, deputy, now)
        cycles, plans, tasks = cycles + 1, plans + made_plans, tasks + made_tasks
    return f"plans: {cycles} cycles, {plans} plans, {tasks} tactic-tasks created"
