"""Demo data of the appeals: a topic catalogue of the five directorates (ru/kk) and a few hundred
appeals (× scale) over the four months before today, in every kind of life the law gives one:
waiting for an executor, in work, due soon, overdue, extended (the applicant told in time, late,
or not yet), redirected (in time or late), answered on time or late, closed, repeats.

`seed_demo` calls `seed` after `reception.demo`. Everything is drawn from a `random.Random` with a
fixed seed and laid out relative to today; the five directorates that already have appeals are
left alone, so a second run writes nothing.

Speed: the rows are bulk-inserted as the services would leave them (each assigned appeal has its
task with source "appeal", the coupon number and date, and the term in force as its deadline; an
extension moved the task's deadline by a decided move), with one history record each; the terms
come from the same working calendar the services read, loaded once. The seeds' picture is made
through the services themselves: the entrepreneur who once went "through nine circles of hell"
brought an appeal to the desk, and the official now chasing the documents executes it (the
reception case of the same visit shows the missing documents).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from akimat.calendar import ensure_calendar
from akimat.demo import FATHERS, FEMALE_NAMES, INVARIABLE_SURNAMES, MALE_NAMES, SURNAMES
from akimat.models import CalendarDay, Department, User
from appeals import services
from appeals.models import (
    EXTENSION_MAX_MONTHS,
    NOTICE_WORKING_DAYS,
    REDIRECT_WORKING_DAYS,
    REPEAT_WITHIN_DAYS,
    TERM_WORKING_DAYS,
    Appeal,
    AppealCounter,
    Channel,
    Decision,
    Kind,
    Status,
    Topic,
)
from reception.models import Case, Visitor
from tasks.models import DeadlineChange, Source, Task
from tasks.models import Status as TaskStatus
from tasks.services import deadline_from

APPEALS = 300  # at scale 1; × scale
HISTORY_DAYS = 120
# The article's figures stay as tasks.demo pins them: these two get no appeal's task.
KEPT_OUT = {"head.agriculture", "specialist.agriculture"}
DEMO_REASON = gettext_noop("demo data")
FIVE = ["entrepreneurship", "land", "architecture", "construction", "agriculture"]

# slug, Russian, Kazakh
TOPICS = [
    ("entrepreneurship", "Меры государственной поддержки бизнеса", "Бизнесті мемлекеттік қолдау шаралары"),
    ("entrepreneurship", "Административные барьеры и проверки", "Әкімшілік кедергілер және тексерулер"),
    ("entrepreneurship", "Индустриальные зоны и инвестиционные проекты", "Индустриялық аймақтар және инвестициялық жобалар"),
    ("land", "Предоставление земельного участка", "Жер учаскесін беру"),
    ("land", "Изменение целевого назначения участка", "Учаскенің нысаналы мақсатын өзгерту"),
    ("land", "Самовольный захват и границы участков", "Жерді өз бетінше басып алу және учаске шекаралары"),
    ("architecture", "Архитектурно-планировочное задание", "Сәулет-жоспарлау тапсырмасы"),
    ("architecture", "Наружная реклама и вывески", "Сыртқы жарнама және маңдайшалар"),
    ("architecture", "Благоустройство и фасады", "Абаттандыру және қасбеттер"),
    ("construction", "Строительство социальных объектов", "Әлеуметтік нысандар құрылысы"),
    ("construction", "Ремонт дорог и дворов", "Жолдар мен аулаларды жөндеу"),
    ("construction", "Долевое строительство жилья", "Тұрғын үйді үлестік құрылыс"),
    ("agriculture", "Субсидии аграриям", "Аграрийлерге субсидиялар"),
    ("agriculture", "Поливная вода и пастбища", "Суармалы су және жайылымдар"),
    ("agriculture", "Ветеринария и племенной скот", "Ветеринария және асыл тұқымды мал"),
]  # fmt: skip

SUMMARIES = {
    "entrepreneurship": ["Прошу разъяснить условия субсидирования ставки по кредиту",
                         "Жалоба на затягивание рассмотрения заявки на грант",
                         "Предложение упростить перечень документов для «Даму»",
                         "Запрос сведений о свободных участках в индустриальной зоне"],
    "land": ["Прошу предоставить участок под СТО", "Жалоба на отказ в продлении аренды",
             "Запрос о границах соседнего участка", "Прошу изменить целевое назначение участка"],
    "architecture": ["Прошу выдать АПЗ на склад", "Жалоба на демонтаж вывески",
                     "Предложение по благоустройству сквера", "Запрос о требованиях к фасадам"],
    "construction": ["Жалоба на ремонт двора", "Прошу включить улицу в план ремонта дорог",
                     "Запрос о сроках сдачи школы", "Жалоба на задержку ввода дома дольщикам"],
    "agriculture": ["Прошу разъяснить порядок субсидий на удобрения",
                    "Жалоба на график подачи поливной воды",
                    "Отклик на работу ветеринарного пункта", "Запрос о закреплении пастбища"],
}  # fmt: skip
BODIES = [
    "Департамент государственных доходов по городу Шымкент",
    "Департамент полиции города Шымкент",
    "Департамент юстиции города Шымкент",
    "НАО «Государственная корпорация „Правительство для граждан“»",
    "Департамент экологии по городу Шымкент",
]
ANSWERS = {
    Decision.SATISFIED: "Ваше обращение рассмотрено и удовлетворено.",
    Decision.PARTLY: "Ваше обращение рассмотрено, требования удовлетворены частично.",
    Decision.REFUSED: "Ваше обращение рассмотрено; в удовлетворении отказано по основаниям, изложенным в ответе.",
    Decision.EXPLAINED: "Ваше обращение рассмотрено, даны разъяснения.",
}  # fmt: skip

# The seeds' picture (/work/shared/seeds: "раньше бизнесмену нужно было пройти 9 кругов ада …
# теперь он [сотрудник] должен бегать за бизнесменом").
NAMED_SUMMARY = (
    "Субсидия по кредиту: раньше — девять кругов ада, теперь документы собирает сотрудник"
)
NAMED_TEXT = (
    "Прошу рассмотреть заявку на субсидирование ставки по кредиту. В прошлый раз я полгода "
    "ходил по кабинетам и прошёл девять кругов ада. На приёме сказали, что недостающие "
    "документы теперь запросит и соберёт ответственный сотрудник управления."
)


class _Calendar:
    """The working calendar of the window, read once: `add` is `akimat.calendar.add_working_days`
    without a query per call (hundreds of appeals would otherwise cost thousands of queries)."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        ensure_calendar(start=start, end=end)
        self.days = list(
            CalendarDay.objects.filter(date__range=(start, end), is_working=True)
            .order_by("date")
            .values_list("date", flat=True)
        )

    def add(self, day: dt.date, count: int) -> dt.date:
        if count == 0:
            return self.days[bisect.bisect_left(self.days, day)]
        return self.days[bisect.bisect_right(self.days, day) + count - 1]

    def last_on(self, day: dt.date) -> dt.date:
        """The last working day on or before `day`."""
        return self.days[bisect.bisect_right(self.days, day) - 1]

    def terms(self, received_at: dt.datetime) -> services.Terms:
        """`services.terms` from the loaded calendar."""
        received = timezone.localdate(received_at)
        registered = self.add(received, 0)
        return services.Terms(
            registered_on=registered,
            deadline=self.add(registered, TERM_WORKING_DAYS),
            redirect_due=self.add(registered, REDIRECT_WORKING_DAYS),
            extension_limit=services.add_months(received, EXTENSION_MAX_MONTHS),
        )


@dataclass
class _People:
    reception: User
    deputy: User
    heads: dict[int, User]  # by department id
    registrars: dict[int, list[User]]
    executors: dict[int, list[User]]


def _topics(departments: dict[str, Department]) -> int:
    if Topic.objects.filter(department__slug__in=FIVE).exists():
        return 0
    rows = [
        Topic(department=departments[slug], name_ru=ru, name_kk=kk, position=n)
        for n, (slug, ru, kk) in enumerate(TOPICS)
        if slug in departments
    ]
    bulk_create_with_history(rows, Topic, default_change_reason=DEMO_REASON)
    return len(rows)


def _people(departments: dict[str, Department]) -> _People | None:
    reception = User.objects.filter(username="reception").first()
    deputy = User.objects.filter(username="deputy").first()
    if reception is None or deputy is None:
        return None
    heads: dict[int, User] = {}
    registrars: dict[int, list[User]] = {}
    executors: dict[int, list[User]] = {}
    members = User.objects.filter(department__in=departments.values(), is_active=True)
    for person in members.order_by("username"):
        department_id = person.department_id
        assert department_id is not None  # filtered by department
        if person.username.startswith("head."):
            heads[department_id] = person
            continue
        if person.username.endswith(".deputy"):
            registrars.setdefault(department_id, []).append(person)
        if person.username not in KEPT_OUT:
            executors.setdefault(department_id, []).append(person)
    if len(heads) < len(departments):
        return None
    return _People(reception, deputy, heads, registrars, executors)


def _applicants(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Names and phones of people who write to the akimat (not reception visitors)."""
    people = []
    for _n in range(count):
        female = rng.random() < 0.45
        surname = rng.choice(SURNAMES)
        if female and surname not in INVARIABLE_SURNAMES:
            surname += "а"
        father = rng.choice(FATHERS)
        soft = father.endswith(("й", "ь"))
        stem = father[:-1] if soft else father
        middle = stem + (("евна" if soft else "овна") if female else "ович")
        name = f"{surname} {rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {middle}"
        phone = f"+7{rng.choice(['701', '702', '705', '707', '747', '771', '775'])}{rng.randint(1000000, 9999999)}"
        people.append((name, phone))
    return people


def _received(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime | None:
    moment = timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
    )
    return moment if moment < now else None


@dataclass
class _Life:
    """What became of one appeal by today, decided by the dice before any row is made."""

    appeal: Appeal
    task: Task | None = None
    change: DeadlineChange | None = None


def _plan(
    rng: random.Random,
    *,
    now: dt.datetime,
    calendar: _Calendar,
    topics: list[Topic],
    people: _People,
    applicants: list[tuple[str, str]],
    visitors: list[Visitor],
) -> _Life | None:
    today = timezone.localdate(now)
    # Received before today: what a day's seeding writes does not depend on its hour.
    day = today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS))
    received_at = _received(rng, day, now)
    if received_at is None:
        return None
    topic = rng.choice(topics)
    slug = topic.department.slug
    dates = calendar.terms(received_at)
    if dates.registered_on > today:
        return None  # received on today's weekend: registered on the next working day
    kind = rng.choices(list(Kind), [45, 25, 12, 6, 12])[0]
    visitor = rng.choice(visitors) if visitors and rng.random() < 0.35 else None
    if visitor is not None:
        channel, registrar = Channel.ORAL, people.reception
        name, phone, iin = visitor.full_name, visitor.phone, visitor.iin
    else:
        channel = rng.choice([Channel.WRITTEN, Channel.ELECTRONIC, Channel.ELECTRONIC])
        registrars = people.registrars.get(topic.department_id) or [people.reception]
        registrar = rng.choice([people.reception, *registrars])
        name, phone = rng.choice(applicants)
        iin = ""
    anonymous = kind in (Kind.PROPOSAL, Kind.RESPONSE) and rng.random() < 0.3
    summary = rng.choice(SUMMARIES[slug])
    appeal = Appeal(
        kind=kind,
        channel=channel,
        anonymous=anonymous,
        applicant_name="" if anonymous else name,
        applicant_phone="" if anonymous else phone,
        applicant_iin="" if anonymous else iin,
        visitor=None if anonymous else visitor,
        language="kk" if visitor is not None and visitor.language == "kk" else "ru",
        summary=summary,
        text="" if channel == Channel.ORAL else f"{summary}. Прошу рассмотреть по существу.",
        protocol=f"Заявитель устно сообщил: {summary.lower()}." if channel == Channel.ORAL else "",
        topic=topic,
        department_id=topic.department_id,
        received_at=received_at,
        registered_on=dates.registered_on,
        registered_at=min(now, max(received_at, timezone.make_aware(
            dt.datetime.combine(dates.registered_on, dt.time(9, 30))))),
        registered_by=registrar,
        deadline=dates.deadline,
        legal_deadline=dates.deadline,
        redirect_due=dates.redirect_due,
    )  # fmt: skip
    appeal._change_reason = DEMO_REASON
    life = _Life(appeal)
    age = len(calendar.days[bisect.bisect_left(calendar.days, dates.registered_on):
                            bisect.bisect_right(calendar.days, today)]) - 1  # fmt: skip
    # About one in twelve is not the akimat's: redirected, most in time, some late.
    if rng.random() < 0.08 and age >= 1:
        late = rng.random() < 0.3
        redirect = (
            dates.redirect_due if not late else calendar.add(dates.redirect_due, rng.randint(1, 4))
        )
        appeal.status = Status.REDIRECTED
        appeal.redirected_on = min(redirect, today)
        appeal.redirected_to = rng.choice(BODIES)
        appeal.redirect_reason = "Вопрос не относится к компетенции акимата."
        appeal.redirected_by = people.heads[topic.department_id]
        appeal.redirect_notice_on = None if anonymous else appeal.redirected_on
        return life
    if age < 1 or (age == 1 and rng.random() < 0.6):
        return life  # registered today or on the last working day: no executor yet
    _assign(rng, life, calendar=calendar, people=people, today=today, age=age)
    return life


def _assign(
    rng: random.Random,
    life: _Life,
    *,
    calendar: _Calendar,
    people: _People,
    today: dt.date,
    age: int,
) -> None:
    appeal = life.appeal
    head = people.heads[appeal.department_id]
    executor = rng.choice(people.executors[appeal.department_id])
    # Assigned by the last working day before today (the hour of seeding changes nothing).
    assigned_on = min(
        calendar.add(appeal.registered_on, rng.randint(0, 1)),
        calendar.last_on(today - dt.timedelta(days=1)),
    )
    assigned_at = timezone.make_aware(dt.datetime.combine(assigned_on, dt.time(10, 15)))
    appeal.status = Status.IN_WORK
    appeal.executor, appeal.assigned_by = executor, head
    task = Task(
        title=f"Обращение {{code}}: {appeal.summary}"[:200],
        description=(
            f"Обращение {{code}} от {appeal.registered_on:%d.%m.%Y}, {appeal.get_kind_display()}.\n"
            "Ответьте заявителю на странице обращения; ответ сдаёт эту задачу."
        ),
        author=head,
        responsible=executor,
        department_id=executor.department_id,
        source=Source.APPEAL,
        source_date=appeal.registered_on,
        deadline=deadline_from(appeal.deadline),
        created_at=assigned_at,
        status=TaskStatus.IN_PROGRESS if age > 2 else TaskStatus.NEW,
        started_at=assigned_at + dt.timedelta(hours=2) if age > 2 else None,
    )
    life.task = task
    # One in seven is extended by the head (once, at most two months from receipt).
    if age >= 8 and rng.random() < 0.15:
        extended_on = calendar.add(appeal.registered_on, rng.randint(5, min(age, 14)))
        limit = services.add_months(timezone.localdate(appeal.received_at), EXTENSION_MAX_MONTHS)
        new_deadline = min(
            calendar.last_on(limit), calendar.add(appeal.deadline, rng.randint(5, 20))
        )
        if new_deadline > appeal.deadline:
            old = task.deadline
            appeal.deadline = new_deadline
            appeal.extended_on, appeal.extended_by = extended_on, head
            appeal.extension_reason = "Требуется запрос сведений в другие органы."
            appeal.extension_notice_due = calendar.add(extended_on, NOTICE_WORKING_DAYS)
            told = rng.random()
            if told < 0.6:  # in time
                appeal.extension_notice_on = calendar.add(extended_on, rng.randint(0, 2))
            elif told < 0.8:  # late
                appeal.extension_notice_on = calendar.add(extended_on, rng.randint(4, 7))
            if appeal.extension_notice_on is not None and appeal.extension_notice_on > today:
                appeal.extension_notice_on = None
            task.deadline = deadline_from(new_deadline)
            moved = timezone.make_aware(dt.datetime.combine(extended_on, dt.time(12)))
            # The executor asked for the time and the head decided: as tasks.demo's moves, nobody
            # approves their own request in the demo (the service records the head as both when
            # the head extends unasked).
            life.change = DeadlineChange(
                old_deadline=old, new_deadline=task.deadline, reason=appeal.extension_reason,
                requested_by=executor, requested_at=moved, state=DeadlineChange.State.APPROVED,
                decided_by=head, decided_at=moved,
            )  # fmt: skip
    # Answered: most by the term, some late; of those past their term a few are still in work
    # (overdue now); of those whose term still runs some are answered already.
    roll = rng.random()
    span = (appeal.deadline - appeal.registered_on).days
    if appeal.deadline < today:
        if roll < 0.80:
            answered = appeal.registered_on + dt.timedelta(days=rng.randint(3, max(3, span)))
        elif roll < 0.93:
            answered = appeal.deadline + dt.timedelta(days=rng.randint(1, 12))
        else:
            return
    elif roll < 0.35:
        answered = appeal.registered_on + dt.timedelta(days=rng.randint(2, max(2, span)))
    else:
        return
    if appeal.extended_on is not None and answered <= appeal.extended_on:
        answered = appeal.extended_on + dt.timedelta(days=rng.randint(1, 7))
    answered = calendar.add(answered, 0)
    if answered >= today:
        return
    answered_at = timezone.make_aware(dt.datetime.combine(answered, dt.time(16, 0)))
    decision = rng.choice(list(Decision))
    appeal.answer, appeal.decision = ANSWERS[decision], decision
    appeal.answered_on, appeal.answered_at, appeal.answered_by = answered, answered_at, executor
    appeal.status = Status.ANSWERED
    task.status, task.result = TaskStatus.AWAITING_ACCEPTANCE, appeal.answer
    task.started_at = task.started_at or assigned_at
    task.submitted_at = answered_at
    closed = calendar.add(answered, 1)
    if closed < today and rng.random() < 0.85:
        closed_at = timezone.make_aware(dt.datetime.combine(closed, dt.time(11, 0)))
        appeal.status, appeal.closed_at, appeal.closed_by = Status.CLOSED, closed_at, head
        task.status, task.done_at = TaskStatus.DONE, closed_at


def _number(lives: list[_Life]) -> None:
    """Gapless numbers per year in order of registration, after what the counter gave before;
    a repeat (the same applicant and topic within a year, as `services._repeat_of` finds it)
    points at the first appeal of the applicant on the topic."""
    lives.sort(key=lambda life: (life.appeal.registered_on, life.appeal.received_at))
    last = dict(AppealCounter.objects.values_list("year", "last"))
    firsts: dict[tuple[str, int], Appeal] = {}
    for life in lives:
        appeal = life.appeal
        if appeal.applicant_phone:
            key = (appeal.applicant_phone, appeal.topic_id)
            first = firsts.get(key)
            if (
                first is not None
                and (appeal.registered_on - first.registered_on).days <= REPEAT_WITHIN_DAYS
            ):
                appeal.repeat_of = first
            else:
                firsts[key] = appeal
        appeal.year = appeal.registered_on.year
        appeal.number = last[appeal.year] = last.get(appeal.year, 0) + 1
        if life.task is not None:
            life.task.source_number = appeal.code
            life.task.title = life.task.title.replace("{code}", appeal.code)
            life.task.description = life.task.description.replace("{code}", appeal.code)
    for year, value in last.items():
        AppealCounter.objects.update_or_create(year=year, defaults={"last": value})


def _save(lives: list[_Life]) -> None:
    tasks = [life.task for life in lives if life.task is not None]
    bulk_create_with_history(tasks, Task, default_change_reason=DEMO_REASON)
    # bulk_create returns the keys (PostgreSQL), so the appeals point at their tasks.
    for life in lives:
        if life.task is not None:
            life.appeal.task = life.task
            if life.change is not None:
                life.change.task = life.task
    changes = [life.change for life in lives if life.change is not None]
    bulk_create_with_history(changes, DeadlineChange, default_change_reason=DEMO_REASON)
    # A repeat points at the first appeal of its applicant: the firsts are inserted before
    # (bulk_create takes the key of a related row saved since it was set).
    appeals = [life.appeal for life in lives]
    repeats = [a for a in appeals if a.repeat_of is not None]
    bulk_create_with_history(
        [a for a in appeals if a.repeat_of is None], Appeal, default_change_reason=DEMO_REASON
    )
    bulk_create_with_history(repeats, Appeal, default_change_reason=DEMO_REASON)


def _named_appeal(people: _People, departments: dict[str, Department]) -> Appeal | None:
    """The seeds' entrepreneur: an open reception case of entrepreneurship, whose visit brings
    an appeal that its official executes (through the services, as the desk and the head do)."""
    cases = (
        Case.objects.filter(department=departments["entrepreneurship"], visitor__isnull=False)
        .select_related("visit__visitor", "visit__organisation", "responsible")
        .order_by("opened_at", "pk")
    )
    # Preferably one still open (the documents are being chased), the demo login's first.
    case = min(
        cases,
        key=lambda c: (
            c.state != Case.State.OPEN,
            c.responsible.username != "specialist.entrepreneurship",
        ),
        default=None,
    )
    if case is None:
        return None
    topic = Topic.objects.filter(department=departments["entrepreneurship"]).order_by("position")[0]
    visit = case.visit
    appeal = services.register_appeal(
        registrar=people.reception,
        kind=Kind.STATEMENT,
        channel=Channel.ORAL,
        topic=topic,
        summary=NAMED_SUMMARY,
        applicant=services.Applicant.from_visit(visit),
        protocol=NAMED_TEXT,
        visit=visit,
        received_at=visit.finished_at or visit.arrived_at,
    )
    return services.assign_executor(
        appeal=appeal, actor=people.heads[appeal.department_id], executor=case.responsible
    )


def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the appeals of the five directorates (APPEALS × scale over four months)."""
    now = timezone.now()
    today = timezone.localdate(now)
    departments = {d.slug: d for d in Department.objects.filter(slug__in=FIVE)}
    if len(departments) < len(FIVE):
        return "appeals: 0 topics, 0 appeals created"
    created_topics = _topics(departments)
    people = _people(departments)
    if people is None or Appeal.objects.filter(department__in=departments.values()).exists():
        return f"appeals: {created_topics} topics, 0 appeals created"
    rng = random.Random("appeals-demo")
    calendar = _Calendar(
        today - dt.timedelta(days=HISTORY_DAYS + 10), today + dt.timedelta(days=200)
    )
    topics = list(
        Topic.objects.filter(department__in=departments.values())
        .select_related("department")
        .order_by("pk")
    )
    visitors = list(Visitor.objects.filter(consent_recorded_by=people.reception).order_by("pk"))
    applicants = _applicants(rng, 120)
    lives: list[_Life] = []
    with transaction.atomic():
        for _step in progress(range(scale)):
            for _n in range(APPEALS):
                life = _plan(
                    rng, now=now, calendar=calendar, topics=topics, people=people,
                    applicants=applicants, visitors=visitors,
                )  # fmt: skip
                if life is not None:
                    lives.append(life)
        _number(lives)
        _save(lives)
        named = _named_appeal(people, departments)
    summary = (
        f"appeals: {created_topics} topics, {len(lives) + (named is not None)} appeals created"
    )
    return summary
