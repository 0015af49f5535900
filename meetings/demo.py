"""Demo data of the meetings: the districts of the Zhambyl region, a month of stand-ups and
internal meetings of the five directorates, the deputy's month (a district visit held last week
with its collegial meeting, residents received and problem sites; one planned later this month;
a reception day not held by its date) and protocols whose decisions are in every state.

`seed_demo` calls `seed` after `reception.demo` and `appeals.demo` (the residents received are
the reception's visit records). Everything is drawn from a `random.Random` with a fixed seed and
laid out relative to today; when the five directorates already have meetings, only the missing
districts are added, so a second run writes nothing. The same at every scale: the meetings are
the five real directorates' and the deputy's.

Past events are written as the services would leave them, each at its own moment (the rows and
their history agree: a meeting is created before it starts, a protocol's draft after the meeting,
its sign-off numbers it and makes every decision a task at that moment, a task is started, handed
in and accepted later, by the people the services require). What happens today goes through the
services themselves: one protocol of yesterday's meeting is signed off now (`sign_off`), a draft
is written now (`save_draft`), and the two amendments — a decision cancelled, a deadline changed —
are made now (`amend`). The residents are the reception's records made by
`reception.services.receive_in_person` at the moment they came.

The article's figures stay as `tasks.demo` pins them: the demo logins of agriculture get no
decision.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from akimat.calendar import ensure_calendar
from akimat.counters import next_number
from akimat.identifiers import with_check_digit
from akimat.models import CalendarDay, Department, User
from meetings import services
from meetings.models import (
    AgendaItem,
    Amendment,
    Decision,
    District,
    FieldVisit,
    Guest,
    Kind,
    Meeting,
    ProblemSite,
    Protocol,
    ProtocolCounter,
    ResidentReceived,
)
from reception import services as reception_services
from reception.models import Outcome, Service, VisitorKind
from tasks.models import Source, Task
from tasks.models import Status as TaskStatus
from tasks.services import deadline_from

FIVE = ["entrepreneurship", "land", "architecture", "construction", "agriculture"]
# The article's figures stay as tasks.demo pins them: these two get no decision's task.
KEPT_OUT = {"head.agriculture", "specialist.agriculture"}
REGISTER_DAYS = 30  # a month of the register, up to today
STANDUP_MINUTES = 15
INTERNAL_MINUTES = (30, 45, 60, 90)
CREATED = gettext_noop("created")

# The ten districts of the Zhambyl region, as officially written in Russian and Kazakh.
DISTRICTS = [
    ("Байзакский район", "Бәйзақ ауданы"),
    ("Жамбылский район", "Жамбыл ауданы"),
    ("Жуалынский район", "Жуалы ауданы"),
    ("Кордайский район", "Қордай ауданы"),
    ("Меркенский район", "Меркі ауданы"),
    ("Мойынкумский район", "Мойынқұм ауданы"),
    ("Сарысуский район", "Сарысу ауданы"),
    ("Таласский район", "Талас ауданы"),
    ("Шуский район", "Шу ауданы"),
    ("Район Турара Рыскулова", "Тұрар Рысқұлов ауданы"),
]

STANDUP_TITLE = "Летучка управления"
STANDUP_PLACE = "Открытое пространство, стойка управления"
INTERNAL_PLACE = "Открытое пространство, переговорная"
# Internal meetings per directorate: subjects and the agenda items they discuss.
SUBJECTS = {
    "entrepreneurship": ["Исполнение плана привлечения инвестиций", "Меры поддержки МСБ: освоение и очередь заявок",
                         "Подготовка к форуму предпринимателей"],
    "land": ["Неиспользуемые земли: итоги мониторинга", "Заявления на аренду: сроки рассмотрения",
             "Инвентаризация участков под ИЖС"],
    "architecture": ["Эскизные проекты и АПЗ: очередь рассмотрения", "Дизайн-код фасадов: проверки недели",
                     "Самовольное строительство: выезды и предписания"],
    "construction": ["Отставание подрядчиков от графика", "Освоение бюджетных средств",
                     "Ввод социальных объектов до конца года"],
    "agriculture": ["Ход осенне-полевых работ", "Субсидии аграриям: реестр и выплаты",
                    "Подготовка к поливному сезону"],
}  # fmt: skip
AGENDA = {
    "entrepreneurship": ["Статус инвестпроектов в индустриальной зоне", "Заявки на субсидирование ставки",
                         "Гранты для начинающих предпринимателей", "Мониторинг цен на социально значимые товары"],
    "land": ["Акты обследования участков", "Уведомления о неосвоении", "Заявления об изменении целевого назначения",
             "Запросы в «Правительство для граждан»"],
    "architecture": ["Эскизы, поданные на неделе", "Наружная реклама: согласования",
                     "Слои ГИС-карты города", "Предписания по фасадам"],
    "construction": ["Школа на 1200 мест: график работ", "Акты приёмки выполненных работ",
                     "Претензии подрядчикам", "Государственная экспертиза ПСД"],
    "agriculture": ["Свод по районам за неделю", "Сверка реестра получателей субсидий",
                    "Обеспеченность семенами и ГСМ", "Ветеринарные мероприятия"],
}  # fmt: skip


@dataclass
class _Calendar:
    """The working days around today, read once (positions count working days from today)."""

    days: list[dt.date]
    today: dt.date

    @classmethod
    def load(cls, today: dt.date) -> _Calendar:
        start, end = today - dt.timedelta(days=REGISTER_DAYS + 40), today + dt.timedelta(days=60)
        ensure_calendar(start=start, end=end)
        days = list(
            CalendarDay.objects.filter(date__range=(start, end), is_working=True)
            .order_by("date")
            .values_list("date", flat=True)
        )
        return cls(days, today)

    def day(self, offset: int) -> dt.date:
        """The working day `offset` working days from today (0: today, or the next working day)."""
        here = bisect.bisect_left(self.days, self.today)
        return self.days[here + offset]

    def offset(self, day: dt.date) -> int:
        return bisect.bisect_left(self.days, day) - bisect.bisect_left(self.days, self.today)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _record(
    row: models.Model,
    *,
    at: dt.datetime,
    by: User,
    reason: str,
    fields: Sequence[str] | None = None,
    then: Callable[[], object] | None = None,
) -> None:
    """Save `row` as a service would, its history record at `at` by `by`; `then` (a many-to-many
    `set`) is recorded at the same moment, as one event."""
    row._history_date = at  # type: ignore[attr-defined]  # read by django-simple-history
    row._history_user = by  # type: ignore[attr-defined]
    row._change_reason = reason  # type: ignore[attr-defined]
    row.save(update_fields=fields)
    if then is not None:
        then()
    del row._history_date  # type: ignore[attr-defined]


def _co_executors(row: Decision | Task, people: Sequence[User]) -> Callable[[], object]:
    """Set the co-executors once `row` is saved (recorded at its moment, by `_record`)."""
    return lambda: row.co_executors.set(people)


@dataclass
class _Staff:
    department: Department
    head: User
    deputy_head: User
    members: list[User]  # everyone but the head, by username

    def may_decide(self) -> list[User]:
        return [m for m in self.members if m.username not in KEPT_OUT]


def _staff(departments: dict[str, Department]) -> dict[str, _Staff] | None:
    people: dict[int, list[User]] = {}
    for person in User.objects.filter(department__in=departments.values(), is_active=True).order_by(
        "username"
    ):
        assert person.department_id is not None  # filtered by department
        people.setdefault(person.department_id, []).append(person)
    staff = {}
    for slug, department in departments.items():
        members = people.get(department.pk, [])
        head = next((p for p in members if p.pk == department.head_id), None)
        deputy_head = next((p for p in members if p.username == f"{slug}.deputy"), None)
        if head is None or deputy_head is None:
            return None
        others = [p for p in members if p.pk != head.pk]
        staff[slug] = _Staff(department, head, deputy_head, others)
    return staff


def _districts() -> int:
    existing = set(District.objects.values_list("name_ru", flat=True))
    rows = [District(name_ru=ru, name_kk=kk) for ru, kk in DISTRICTS if ru not in existing]
    bulk_create_with_history(rows, District, default_change_reason=gettext_noop("demo data"))
    return len(rows)


# --- the register --------------------------------------------------------------------------------


@dataclass
class _Planned:
    """A meeting of the register before it is written, with its people and agenda."""

    meeting: Meeting
    participants: Sequence[User]
    agenda: Sequence[tuple[str, User | None, str]] = ()


def _meeting(
    *,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    minutes: int,
    chair: User,
    participants: Sequence[User],
    created_at: dt.datetime,
    place: str = "",
    department: Department | None = None,
    secretary: User | None = None,
    district: District | None = None,
    field_visit: FieldVisit | None = None,
    agenda: Sequence[tuple[str, User | None, str]] = (),
) -> _Planned:
    """A meeting as `services.create_meeting` leaves it, created by its chair at `created_at`."""
    meeting = Meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=minutes,
        place=place,
        district=district,
        department=department or chair.department,
        chair=chair,
        secretary=secretary,
        field_visit=field_visit,
        created_by=chair,
        created_at=created_at,
    )
    meeting._history_date = created_at  # type: ignore[attr-defined]  # read by simple-history
    meeting._history_user = chair
    return _Planned(meeting, participants, agenda)


def _save_meetings(planned: Sequence[_Planned]) -> list[Meeting]:
    """Write the meetings in a few queries: each one's "created" record carries its participants
    (one event, as the tasks' creation records its co-executors), and its agenda items."""
    meetings = [p.meeting for p in planned]
    Meeting.objects.bulk_create(meetings)
    records = Meeting.history.bulk_history_create(meetings, default_change_reason=CREATED)
    through = Meeting.participants.through
    links = [through(meeting=p.meeting, user=u) for p in planned for u in p.participants]
    through.objects.bulk_create(links)
    record_of = {m.pk: r for m, r in zip(meetings, records, strict=True)}
    history = Meeting.history.model._meta.get_field("historicalmeeting_participants").related_model
    history.objects.bulk_create(
        [
            history(history=record_of[link.meeting_id], id=link.pk, meeting_id=link.meeting_id,
                    user_id=link.user_id)
            for link in links
        ]
    )  # fmt: skip
    items = []
    for p in planned:
        for position, (title, reporter, reporter_name) in enumerate(p.agenda, start=1):
            item = AgendaItem(
                meeting=p.meeting,
                position=position,
                title=title,
                reporter=reporter,
                reporter_name=reporter_name,
            )
            item._history_date = p.meeting.created_at  # type: ignore[attr-defined]
            item._history_user = p.meeting.chair
            items.append(item)
    bulk_create_with_history(items, AgendaItem, default_change_reason=CREATED)
    return meetings


def _register(
    rng: random.Random, calendar: _Calendar, staff: _Staff, now: dt.datetime
) -> list[_Planned]:
    """A month of one directorate: a stand-up every working day (today's too), and one or two
    internal meetings a week, before today, each with an agenda of two or three items."""
    slug = staff.department.slug
    start = calendar.today - dt.timedelta(days=REGISTER_DAYS)
    days = [d for d in calendar.days if start <= d <= calendar.today]
    planned = []
    for day in days:
        starts_at = _at(day, 9)
        planned.append(
            _meeting(
                kind=Kind.STANDUP,
                title=STANDUP_TITLE,
                starts_at=starts_at,
                minutes=STANDUP_MINUTES,
                chair=staff.head,
                participants=staff.members,
                place=STANDUP_PLACE,
                created_at=min(now, starts_at - dt.timedelta(minutes=10)),
            )
        )
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    for day in days:
        if day < calendar.today:
            weeks.setdefault(day.isocalendar()[:2], []).append(day)
    for week_days in weeks.values():
        for day in sorted(rng.sample(week_days, min(len(week_days), rng.choice([1, 2])))):
            starts_at = _at(day, rng.choice([10, 11, 14, 15, 16]), rng.choice([0, 30]))
            people = rng.sample(staff.members, rng.randint(4, 8))
            if staff.deputy_head not in people:
                people.append(staff.deputy_head)
            topics = rng.sample(AGENDA[slug], rng.randint(2, 3))
            planned.append(
                _meeting(
                    kind=Kind.INTERNAL,
                    title=rng.choice(SUBJECTS[slug]),
                    starts_at=starts_at,
                    minutes=rng.choice(INTERNAL_MINUTES),
                    chair=staff.head,
                    secretary=staff.deputy_head,
                    participants=people,
                    place=INTERNAL_PLACE,
                    created_at=_at(calendar.day(calendar.offset(day) - 1), 17, 30),
                    agenda=[(t, rng.choice(people), "") for t in topics],
                )
            )
    return planned


# --- protocols -----------------------------------------------------------------------------------


@dataclass
class _Life:
    """What became of a decision's task by now: the working day (an offset from today) it was
    started (at 10:20), handed in (15:40) and accepted (11:10); None: not (yet)."""

    started: int | None = None
    submitted: int | None = None
    accepted: int | None = None


@dataclass
class _Decision:
    text: str
    responsible: User
    deadline: dt.date
    life: _Life = field(default_factory=_Life)
    co_executors: Sequence[User] = ()


def _task_life(
    task: Task, life: _Life, calendar: _Calendar, chair: User, result: str, now: dt.datetime
) -> None:
    """The task's events after it was set, as start_task / submit_task / accept_task leave them."""
    events: list[tuple[dt.datetime, User, str, dict[str, object]]] = []
    if life.started is not None:
        moment = _at(calendar.day(life.started), 10, 20)
        events.append(
            (moment, task.responsible, gettext_noop("started"),
             {"status": TaskStatus.IN_PROGRESS, "started_at": moment})
        )  # fmt: skip
    if life.submitted is not None:
        moment = _at(calendar.day(life.submitted), 15, 40)
        events.append(
            (moment, task.responsible, gettext_noop("submitted"),
             {"status": TaskStatus.AWAITING_ACCEPTANCE, "result": result, "submitted_at": moment})
        )  # fmt: skip
    if life.accepted is not None:
        moment = _at(calendar.day(life.accepted), 11, 10)
        events.append(
            (moment, chair, gettext_noop("accepted"), {"status": TaskStatus.DONE, "done_at": moment})
        )  # fmt: skip
    previous = task.created_at
    for moment, actor, reason, changes in events:
        assert previous < moment < now, (task.title, moment)
        previous = moment
        for name, value in changes.items():
            setattr(task, name, value)
        task.version += 1
        _record(task, at=moment, by=actor, reason=reason, fields=[*changes, "version"])


def _signed_protocol(
    meeting: Meeting,
    *,
    heard: str,
    decisions: Sequence[_Decision],
    signed_at: dt.datetime,
    calendar: _Calendar,
    now: dt.datetime,
) -> Protocol:
    """A protocol signed off in the past, as save_draft and sign_off leave it: the draft written
    by the secretary after the meeting, the sign-off by the chair numbering it and making every
    decision a task (source "protocol") at that moment; then each task's life."""
    chair = meeting.chair
    writer = meeting.secretary or chair
    drafted = meeting.ends_at + dt.timedelta(minutes=20)
    assert drafted < signed_at < now
    protocol = Protocol(meeting=meeting, heard=heard, created_by=writer, created_at=drafted)
    _record(protocol, at=drafted, by=writer, reason=CREATED)
    rows = []
    for position, data in enumerate(decisions, start=1):
        assert deadline_from(data.deadline) > signed_at, data.text  # as sign_off checks
        decision = Decision(
            protocol=protocol,
            position=position,
            text=data.text,
            responsible=data.responsible,
            deadline=data.deadline,
        )
        others = [u for u in data.co_executors if u != data.responsible]
        _record(
            decision,
            at=drafted,
            by=writer,
            reason=gettext_noop("draft saved"),
            then=_co_executors(decision, others) if others else None,
        )
        rows.append((decision, data, others))
    protocol.year = timezone.localdate(signed_at).year
    protocol.number = next_number(ProtocolCounter, year=protocol.year)
    protocol.status = Protocol.Status.SIGNED
    protocol.signed_at, protocol.signed_by = signed_at, chair
    _record(protocol, at=signed_at, by=chair, reason=gettext_noop("signed off"))
    for decision, data, others in rows:
        task = Task(
            title=data.text.splitlines()[0][:200],
            description=data.text,
            author=chair,
            responsible=data.responsible,
            department_id=data.responsible.department_id,
            source=Source.PROTOCOL,
            source_number=protocol.code,
            source_date=timezone.localdate(meeting.starts_at),
            deadline=deadline_from(data.deadline),
            created_at=signed_at,
        )
        _record(
            task,
            at=signed_at,
            by=chair,
            reason=CREATED,
            then=_co_executors(task, others) if others else None,
        )
        decision.task = task
        _record(decision, at=signed_at, by=chair, reason=gettext_noop("task set"), fields=["task"])
        result = f"Исполнено: {data.text.splitlines()[0].lower()}. Справка приложена."
        _task_life(task, data.life, calendar, chair, result, now)
    return protocol


# When last week's two protocols were signed (the seed numbers them in that order): the
# collegial meeting's on its day at 18:30, the entrepreneurship one 40 minutes after its meeting,
# held nearest four working days ago (from three to eight).
COLLEGIAL_SIGNED = (18, 30)
ENTREPRENEURSHIP_DAYS = (-4, -8, -3)
ENTREPRENEURSHIP_SIGNED_AFTER = dt.timedelta(minutes=40)


def _nearest(
    meetings: list[Meeting], calendar: _Calendar, want: int, low: int, high: int
) -> Meeting | None:
    """The meeting held nearest `want` working days from today, within [low, high]."""
    fitting = [
        m for m in meetings if low <= calendar.offset(timezone.localdate(m.starts_at)) <= high
    ]
    return min(
        fitting,
        key=lambda m: (abs(calendar.offset(timezone.localdate(m.starts_at)) - want), m.starts_at),
        default=None,
    )


def _construction_protocol(
    internal: list[Meeting], staff: _Staff, calendar: _Calendar, now: dt.datetime
) -> tuple[Protocol, Decision, Decision] | None:
    """Three weeks ago: decisions done late, done on time and overdue; two still open that the
    chair amends today (one cancelled, one given a later deadline)."""
    meeting = _nearest(internal, calendar, -15, -20, -11)
    if meeting is None:
        return None
    m = calendar.offset(timezone.localdate(meeting.starts_at))
    people = staff.may_decide()
    day = calendar.day
    decisions = [
        _Decision("Представить график ликвидации отставания подрядчика по школе на 1200 мест",
                  people[0], day(m + 5), _Life(started=m + 1, submitted=m + 7, accepted=m + 8)),
        _Decision("Подготовить претензию подрядчику ТОО «Южный Берег Строй» за срыв сроков",
                  people[1], day(m + 10), _Life(started=m + 1)),
        _Decision("Свести акты приёмки выполненных работ за месяц",
                  people[2], day(m + 9), _Life(started=m + 1, submitted=m + 8, accepted=m + 9)),
        _Decision("Организовать выездную проверку поликлиники в мкр. Асар",
                  people[3], day(3), _Life(started=m + 2)),
        _Decision("Подготовить бюджетную заявку на ремонт дорог на следующий год",
                  people[4], day(1), _Life(started=m + 2), co_executors=[people[5]]),
    ]  # fmt: skip
    protocol = _signed_protocol(
        meeting,
        heard="Заслушали руководителей групп о ходе строительства социальных объектов.",
        decisions=decisions,
        signed_at=meeting.ends_at + dt.timedelta(hours=1),
        calendar=calendar,
        now=now,
    )
    cancelled, moved = protocol.decisions.order_by("position")[3:5]
    return protocol, cancelled, moved


def _entrepreneurship_protocol(
    internal: list[Meeting], staff: _Staff, calendar: _Calendar, now: dt.datetime
) -> Protocol | None:
    """Last week: one decision not started, one in progress, one handed in after its deadline."""
    meeting = _nearest(internal, calendar, *ENTREPRENEURSHIP_DAYS)
    if meeting is None:
        return None
    m = calendar.offset(timezone.localdate(meeting.starts_at))
    people = staff.may_decide()
    day = calendar.day
    decisions = [
        _Decision("Обновить реестр инвестиционных проектов индустриальной зоны «Оңтүстік»",
                  people[6], day(7)),
        _Decision("Подготовить справку об освоении средств по программе «Даму»",
                  people[7], day(4), _Life(started=m + 1)),
        _Decision("Ответить палате предпринимателей по обращению ТОО «Тұран Логистик»",
                  people[8], day(m + 1), _Life(started=m + 1, submitted=-1)),
    ]  # fmt: skip
    return _signed_protocol(
        meeting,
        heard="Заслушали о ходе рассмотрения заявок на меры поддержки.",
        decisions=decisions,
        signed_at=meeting.ends_at + ENTREPRENEURSHIP_SIGNED_AFTER,
        calendar=calendar,
        now=now,
    )


def _land_protocol_now(
    internal: list[Meeting], staff: _Staff, calendar: _Calendar
) -> Protocol | None:
    """The last meeting before today, its protocol written and signed off now, through the
    services: its decisions' tasks are new."""
    meeting = _nearest(internal, calendar, -1, -5, -1)
    if meeting is None:
        return None
    people = staff.may_decide()
    protocol = services.save_draft(
        meeting=meeting,
        actor=staff.head,
        heard="Заслушали итоги мониторинга неиспользуемых земель за неделю.",
        decisions=[
            services.DecisionData("Направить уведомления о неосвоении по выявленным участкам",
                                  people[0], deadline=calendar.day(5)),
            services.DecisionData("Подготовить материалы на земельную комиссию",
                                  people[1], co_executors=[people[2]], deadline=calendar.day(8)),
        ],
    )  # fmt: skip
    return services.sign_off(protocol=protocol, actor=staff.head)


def _architecture_draft(
    internal: list[Meeting], staff: _Staff, calendar: _Calendar
) -> Protocol | None:
    """A draft written now: one decision still without its deadline (the sign-off will ask)."""
    meeting = _nearest(internal, calendar, -1, -5, -1)
    if meeting is None:
        return None
    people = staff.may_decide()
    return services.save_draft(
        meeting=meeting,
        actor=staff.deputy_head,
        heard="Обсудили очередь эскизных проектов.",
        decisions=[
            services.DecisionData("Рассмотреть эскизы, поданные на неделе, до пятницы",
                                  people[0], deadline=calendar.day(4)),
            services.DecisionData("Согласовать с юристом форму предписания по фасадам", people[1]),
        ],
    )  # fmt: skip


# --- the deputy's month --------------------------------------------------------------------------


def _iin(born_and_gender: str) -> str:
    """A valid IIN of a person born on "yymmdd" with the gender-and-century digit: the first
    serial number that has a check digit."""
    for serial in range(1, 10_000):
        iin = with_check_digit(f"{born_and_gender}{serial:04d}")
        if iin is not None:
            return iin
    raise AssertionError(born_and_gender)


# name, IIN, phone, the directorate of the service, purpose, outcome; no name: no consent, and
# nothing identifying is kept
_Resident = tuple[str, str, str, str, str, str]
RESIDENTS: list[_Resident] = [
    ("Тулегенов Асхат Серикович", _iin("6803143"), "+77015550142", "agriculture",
     "Подача поливной воды на участки в с. Сарыкемер", Outcome.CONSULTATION),
    ("Искакова Динара Болатовна", _iin("8511274"), "+77475550871", "land",
     "Оформление земельного участка под ИЖС в с. Сарыкемер", Outcome.RESOLVED),
    ("", "", "", "agriculture", "Состояние дороги к крестьянским хозяйствам", Outcome.CONSULTATION),
]  # fmt: skip
SITES = [
    ("Распределительный узел канала «Қарасу»", "Байзакский район, с. Сарыкемер",
     "Затвор узла неисправен, вода уходит в сброс; полив 120 га задерживается на неделю."),
    ("Автодорога Сарыкемер — Костобе, км 12–15", "Байзакский район",
     "Ямочность покрытия на трёх километрах, у школы нет дорожных знаков и освещения."),
]  # fmt: skip


def _held_day(calendar: _Calendar) -> int:
    """The district visit's day: last week's second working day, at least four working days
    ago (its decisions have had time to be done)."""
    monday = calendar.today - dt.timedelta(days=calendar.today.weekday())
    last_week = [d for d in calendar.days if monday - dt.timedelta(days=7) <= d < monday]
    day = last_week[min(1, len(last_week) - 1)] if last_week else calendar.day(-5)
    return min(calendar.offset(day), -4)


def _receive(visit: FieldVisit, moment: dt.datetime, resident: _Resident) -> ResidentReceived:
    """A resident received by the deputy on the visit, as `meetings.visits.receive_resident`
    leaves it at `moment`: the reception's record made by `receive_in_person` (personal data
    only with consent; served by the deputy, with its contact log), linked to the visit."""
    name, iin, phone, slug, purpose, outcome = resident
    service = Service.objects.filter(department__slug=slug, is_active=True).order_by("position")[0]
    record = reception_services.receive_in_person(
        official=visit.deputy,
        service=service,
        kind=VisitorKind.CITIZEN,
        consent=bool(name),
        purpose=purpose,
        outcome=outcome,
        full_name=name,
        iin=iin,
        phone=phone,
        now=moment,
    )
    return ResidentReceived.objects.create(visit=visit, reception_visit=record)


def _field_visit(
    *, deputy: User, kind: str, district: District, sphere: str, planned_on: dt.date,
    created_at: dt.datetime,
) -> FieldVisit:  # fmt: skip
    visit = FieldVisit(
        deputy=deputy, kind=kind, district=district, sphere=sphere, planned_on=planned_on,
        planned_by=deputy, created_at=created_at,
    )  # fmt: skip
    _record(visit, at=created_at, by=deputy, reason=gettext_noop("planned"))
    return visit


def _deputys_month(
    staff: dict[str, _Staff], deputy: User, calendar: _Calendar,
    now: dt.datetime,
) -> tuple[list[FieldVisit], Protocol]:  # fmt: skip
    districts = {d.name_ru: d for d in District.objects.all()}
    h = _held_day(calendar)
    held_on = calendar.day(h)
    planned_at = _at(held_on - dt.timedelta(days=21), 10)
    held = _field_visit(
        deputy=deputy, kind=FieldVisit.Kind.DISTRICT_VISIT, district=districts["Байзакский район"],
        sphere="Сельское хозяйство и земельные отношения", planned_on=held_on, created_at=planned_at,
    )  # fmt: skip
    heads = {slug: s.head for slug, s in staff.items()}
    agenda: list[tuple[str, User | None, str]] = [
        ("О подготовке к поливному сезону и состоянии оросительных каналов", heads["agriculture"], ""),
        ("О выявлении и возврате неиспользуемых земель", heads["land"], ""),
        ("О строительстве и ремонте дорог районного значения", heads["construction"], ""),
    ]  # fmt: skip
    (collegial,) = _save_meetings(
        [
            _meeting(
                kind=Kind.COLLEGIAL,
                title="Коллегиальное совещание по развитию АПК и земельным отношениям Байзакского района",
                starts_at=_at(held_on, 10),
                minutes=120,
                chair=deputy,
                secretary=staff["agriculture"].deputy_head,
                participants=[*heads.values(), staff["land"].deputy_head],
                place="Акимат Байзакского района, актовый зал",
                district=held.district,
                field_visit=held,
                created_at=planned_at + dt.timedelta(days=7),
                agenda=agenda,
            )
        ]
    )
    Guest.objects.bulk_create(
        [
            Guest(meeting=collegial, full_name="Сейтжанов Ерлан Маратович",
                  organisation="Аким Байзакского района"),
            Guest(meeting=collegial, full_name="Абдрахманова Сауле Нурлановна",
                  organisation="Руководитель отдела сельского хозяйства района"),
        ]
    )  # fmt: skip
    for n, resident in enumerate(RESIDENTS):
        _receive(held, _at(held_on, 14, 20 * n), resident)
    for name, address, found in SITES:
        site = ProblemSite(visit=held, name=name, address=address, found=found, added_by=deputy,
                           added_at=_at(held_on, 16, 30))  # fmt: skip
        _record(site, at=site.added_at, by=deputy, reason=CREATED)
    held.held_on = held_on
    held.assessment = (
        "Подготовка к поливному сезону в целом удовлетворительная; по возврату неиспользуемых "
        "земель и ремонту дорог — отставание. Решения — в протоколе совещания."
    )
    _record(held, at=_at(held_on, 18), by=deputy, reason=gettext_noop("held"),
            fields=["held_on", "assessment"])  # fmt: skip
    day = calendar.day
    decisions = [
        _Decision("Отремонтировать затвор распределительного узла канала «Қарасу»",
                  staff["agriculture"].deputy_head, day(10), _Life(started=h + 1)),
        _Decision("Вернуть в оборот неиспользуемые участки Байзакского района",
                  heads["land"], day(5), _Life(started=h + 1, submitted=-1)),
        _Decision("Включить дорогу Сарыкемер — Костобе в план ремонта",
                  heads["construction"], day(h + 3), _Life(started=h + 1, submitted=h + 2, accepted=h + 3)),
        _Decision("Провести приём предпринимателей района по мерам поддержки",
                  heads["entrepreneurship"], day(12), co_executors=[staff["entrepreneurship"].deputy_head]),
    ]  # fmt: skip
    protocol = _signed_protocol(
        collegial,
        heard="Заслушали руководителей управлений по вопросам повестки дня и акима района.",
        decisions=decisions,
        signed_at=_at(held_on, *COLLEGIAL_SIGNED),
        calendar=calendar,
        now=now,
    )
    later = [d for d in calendar.days if d > calendar.today and d.month == calendar.today.month]
    planned = later[min(4, len(later) - 1)] if later else calendar.day(1)
    coming = _field_visit(
        deputy=deputy, kind=FieldVisit.Kind.DISTRICT_VISIT, district=districts["Жуалынский район"],
        sphere="Строительство и архитектура", planned_on=planned, created_at=planned_at,
    )  # fmt: skip
    missed = _field_visit(
        deputy=deputy, kind=FieldVisit.Kind.RECEPTION_DAY, district=districts["Шуский район"],
        sphere="Приём граждан по личным вопросам", planned_on=calendar.day(-2),
        created_at=planned_at,
    )  # fmt: skip
    return [held, coming, missed], protocol


def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the districts, the register, the deputy's month and the protocols (once)."""
    created_districts = _districts()
    nothing = f"meetings: {created_districts} districts, 0 meetings created"
    departments = {d.slug: d for d in Department.objects.filter(slug__in=FIVE)}
    deputy = User.objects.filter(username="deputy").first()
    if len(departments) < len(FIVE) or deputy is None:
        return nothing
    if Meeting.objects.filter(department__in=departments.values()).exists():
        return nothing
    if FieldVisit.objects.filter(deputy=deputy).exists():
        return nothing
    if Service.objects.filter(department__slug__in=["agriculture", "land"]).count() < 2:
        return nothing
    staff = _staff(departments)
    if staff is None:
        return nothing
    now = timezone.now()
    calendar = _Calendar.load(timezone.localdate(now))
    rng = random.Random("meetings-demo")
    with transaction.atomic():
        planned: dict[str, list[_Planned]] = {}
        for n in progress(range(len(FIVE))):
            planned[FIVE[n]] = _register(rng, calendar, staff[FIVE[n]], now)
        _save_meetings([p for slug in FIVE for p in planned[slug]])
        internal = {
            slug: [p.meeting for p in planned[slug] if p.meeting.kind == Kind.INTERNAL]
            for slug in FIVE
        }
        # The past protocols in the order they were signed, so their numbers follow it: the
        # construction one (about fifteen working days ago) first, then last week's two.
        amended = _construction_protocol(
            internal["construction"], staff["construction"], calendar, now
        )
        entrepreneurship = _nearest(internal["entrepreneurship"], calendar, *ENTREPRENEURSHIP_DAYS)
        collegial_signed = _at(calendar.day(_held_day(calendar)), *COLLEGIAL_SIGNED)
        if entrepreneurship is not None and (
            entrepreneurship.ends_at + ENTREPRENEURSHIP_SIGNED_AFTER < collegial_signed
        ):
            last_week = _entrepreneurship_protocol(
                internal["entrepreneurship"], staff["entrepreneurship"], calendar, now
            )
            visits, collegial = _deputys_month(staff, deputy, calendar, now)
        else:
            visits, collegial = _deputys_month(staff, deputy, calendar, now)
            last_week = _entrepreneurship_protocol(
                internal["entrepreneurship"], staff["entrepreneurship"], calendar, now
            )
        protocols = [collegial]
        for made in (
            last_week,
            _land_protocol_now(internal["land"], staff["land"], calendar),
            _architecture_draft(internal["architecture"], staff["architecture"], calendar),
        ):
            if made is not None:
                protocols.append(made)
        if amended is not None:
            protocol, cancelled, moved = amended
            protocols.append(protocol)
            chair = protocol.meeting.chair
            services.amend(
                protocol=protocol,
                actor=chair,
                change=Amendment.Change.CANCEL,
                decision=cancelled,
                reason="Проверка поликлиники включена в план прокуратуры города; выезд не нужен.",
            )
            services.amend(
                protocol=protocol,
                actor=chair,
                change=Amendment.Change.DEADLINE,
                decision=moved,
                new_deadline=calendar.day(8),
                reason="Сроки бюджетной заявки перенесены письмом управления финансов.",
            )
    meetings = Meeting.objects.filter(
        models.Q(department__in=departments.values()) | models.Q(field_visit__in=visits)
    ).count()
    decisions = Decision.objects.filter(protocol__in=protocols).count()
    return (
        f"meetings: {created_districts} districts, {meetings} meetings, {len(protocols)} "
        f"protocols ({decisions} decisions), {len(visits)} visits of the deputy's month created"
    )
