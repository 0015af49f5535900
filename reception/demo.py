"""Demo data of the reception: the service catalogue of the five directorates, eight desks,
the last three working days of visits (with follow-up cases and their tasks) and the last three
hours of today, with desks open and people still waiting.

`seed_demo` calls `seed` after `akimat.demo` and `tasks.demo`. Everything is drawn from a
`random.Random` seeded by the date, and a day that already has visits is left alone, so a
second run writes nothing. Past days give the follow-up cases and so the only tasks this module
makes; today's visits never do, so the tasks of a day do not depend on the hour of seeding.
The demo logins of agriculture get no case (the article's figures stay as `tasks.demo` pins them).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from akimat.calendar import add_working_days, ensure_calendar
from akimat.demo import FATHERS, FEMALE_NAMES, INVARIABLE_SURNAMES, MALE_NAMES, SURNAMES
from akimat.identifiers import check_digit
from akimat.models import Department, User
from reception import services
from reception.models import (
    ContactLog,
    Desk,
    Organisation,
    Outcome,
    PriorityGround,
    Service,
    ServiceDocument,
    Shift,
    TicketCounter,
    Visit,
    Visitor,
    VisitorKind,
    VisitStatus,
)

PAST_DAYS = 3
PAST_VISITS_PER_DAY = 24
TODAY_VISITS = 36
TODAY_WINDOW = dt.timedelta(hours=3)

# slug, prefix, Russian, Kazakh, service minutes, waiting minutes, legal term (working days),
# required documents (Russian, Kazakh)
CATALOGUE = [
    ("entrepreneurship", "A", "Государственная поддержка предпринимательства (субсидии, гарантии)",
     "Кәсіпкерлікті мемлекеттік қолдау (субсидиялар, кепілдіктер)", 15, 15, 15,
     [("Заявление на получение меры поддержки", "Қолдау шарасын алуға өтініш"),
      ("Бизнес-план", "Бизнес-жоспар"),
      ("Справка об отсутствии налоговой задолженности", "Салық берешегінің жоқтығы туралы анықтама")]),
    ("entrepreneurship", "I", "Сопровождение инвестиционного проекта", "Инвестициялық жобаны сүйемелдеу",
     25, 15, 10,
     [("Паспорт инвестиционного проекта", "Инвестициялық жобаның паспорты"),
      ("Учредительные документы", "Құрылтай құжаттары")]),
    ("land", "L", "Предоставление права на земельный участок", "Жер учаскесіне құқық беру", 15, 20, 20,
     [("Заявление", "Өтініш"), ("Схема испрашиваемого участка", "Сұралатын учаскенің сызбасы"),
      ("Копия документа, удостоверяющего личность", "Жеке басын куәландыратын құжаттың көшірмесі")]),
    ("land", "L", "Изменение целевого назначения участка", "Учаскенің нысаналы мақсатын өзгерту", 12, 20, 15,
     [("Правоустанавливающий документ на участок", "Учаскеге құқық белгілейтін құжат"),
      ("Акт на право собственности", "Меншік құқығына акт")]),
    ("architecture", "P", "Эскизный проект и архитектурно-планировочное задание",
     "Эскиздік жоба және сәулет-жоспарлау тапсырмасы", 15, 15, 15,
     [("Опросный лист", "Сауалнама парағы"), ("Топографическая съёмка", "Топографиялық түсірілім")]),
    ("architecture", "P", "Согласование наружной рекламы", "Сыртқы жарнаманы келісу", 10, 15, 10,
     [("Эскиз рекламной конструкции", "Жарнама құрылғысының эскизі")]),
    ("construction", "S", "Уведомление о начале строительно-монтажных работ",
     "Құрылыс-монтаждау жұмыстарының басталуы туралы хабарлама", 12, 15, 10,
     [("Утверждённый проект", "Бекітілген жоба"), ("Договор с подрядчиком", "Мердігермен шарт")]),
    ("agriculture", "K", "Субсидии в агропромышленном комплексе", "Агроөнеркәсіптік кешендегі субсидиялар",
     15, 15, 15,
     [("Заявка на субсидирование", "Субсидиялауға өтінім"),
      ("Справка о поголовье скота", "Мал басы туралы анықтама"),
      ("Договор поставки", "Жеткізу шарты")]),
    ("agriculture", "K", "Консультация по поливной воде и пастбищам",
     "Суармалы су және жайылымдар бойынша кеңес", 10, 15, 10,
     [("Заявка на подачу поливной воды", "Суармалы су беруге өтінім")]),
]  # fmt: skip

ORGANISATIONS = [
    "ТОО «Оңтүстік Агро Трейд»", "ТОО «Асыл Жер Девелопмент»", "ТОО «Береке Агро»",
    "ТОО «Тұран Логистик»", "ТОО «Silk Way Invest»", "ТОО «Бадам Агропром»",
    "ТОО «Самал Девелопмент»", "ИП «Нұр»", "ТОО «Шымкент Текстиль»", "КХ «Ақ бидай»",
]  # fmt: skip
PURPOSES = {
    "entrepreneurship": ["субсидирование ставки по кредиту", "гарантия по кредиту «Даму»", "грант для начинающих"],
    "land": ["участок под СТО", "участок под ИЖС", "продление аренды"],
    "architecture": ["эскиз кафе", "АПЗ на склад", "вывеска магазина"],
    "construction": ["начало СМР по жилому дому", "реконструкция магазина"],
    "agriculture": ["субсидия на удобрения", "поливная вода на сезон", "племенной скот"],
}  # fmt: skip
# The officials who sit at desks today (the demo logins stay free to open a desk themselves).
DESK_OFFICIALS = [
    ("entrepreneurship.03", 1), ("land.03", 3), ("architecture.03", 4),
    ("construction.03", 5), ("agriculture.03", 6),
]  # fmt: skip
# Who gets follow-up cases: the demo logins of entrepreneurship and land, and colleagues.
CASE_OFFICIALS = {
    "entrepreneurship": ["specialist.entrepreneurship", "entrepreneurship.04"],
    "land": ["specialist.land", "land.04"],
    "architecture": ["architecture.04"],
    "construction": ["construction.04"],
    "agriculture": ["agriculture.04", "agriculture.05"],
}
KEPT_OUT = {"head.agriculture", "specialist.agriculture"}


def _identifier(rng: random.Random, first: str) -> str:
    while True:
        eleven = first + "".join(str(rng.randint(0, 9)) for _ in range(11 - len(first)))
        digit = check_digit(eleven)
        if digit is not None:
            return eleven + str(digit)


def _iin(rng: random.Random, female: bool) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 40))
    century = 20 if born.year >= 2000 else 19
    gender = {19: (3, 4), 20: (5, 6)}[century][1 if female else 0]
    return _identifier(rng, f"{born:%y%m%d}{gender}")


def _bin(rng: random.Random) -> str:
    return _identifier(rng, f"{rng.randint(5, 23):02d}{rng.randint(1, 12):02d}40")


def _visitor_pool(receptionist: User) -> list[Visitor]:
    """Forty returning visitors who consented, with ten organisations (one write, once)."""
    if Visitor.objects.filter(consent_recorded_by=receptionist).exists():
        return list(Visitor.objects.filter(consent_recorded_by=receptionist).order_by("pk"))
    rng = random.Random("reception-demo-visitors")
    bulk_create_with_history(
        [Organisation(name=name, bin=_bin(rng)) for name in ORGANISATIONS], Organisation
    )
    organisations = list(Organisation.objects.order_by("pk"))
    people = []
    for n in range(40):
        female = rng.random() < 0.45
        surname = rng.choice(SURNAMES)
        if female and surname not in INVARIABLE_SURNAMES:
            surname += "а"
        father = rng.choice(FATHERS)
        stem = father[:-1] if father.endswith(("й", "ь")) else father
        middle = stem + (("евна" if father.endswith(("й", "ь")) else "овна") if female else "ович")
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        people.append(
            Visitor(
                full_name=f"{surname} {first} {middle}",
                iin=_iin(rng, female),
                phone=f"+7{rng.choice(['701', '702', '705', '707', '747', '771', '775'])}{rng.randint(1000000, 9999999)}",
                organisation=organisations[n % len(organisations)] if n % 3 else None,
                language="kk" if n % 4 == 0 else "ru",
                consent_at=timezone.now(),
                consent_recorded_by=receptionist,
            )
        )
    bulk_create_with_history(people, Visitor, default_change_reason=gettext_noop("demo data"))
    return list(Visitor.objects.filter(consent_recorded_by=receptionist).order_by("pk"))


def _catalogue() -> int:
    if Service.objects.exists():
        return 0
    departments = {d.slug: d for d in Department.objects.filter(slug__in={c[0] for c in CATALOGUE})}
    created = 0
    for position, (slug, prefix, ru, kk, minutes, wait, term, documents) in enumerate(CATALOGUE):
        if slug not in departments:
            continue
        service = Service(
            department=departments[slug], prefix=prefix, name_ru=ru, name_kk=kk,
            service_minutes=minutes, wait_minutes=wait, legal_term_days=term, position=position,
        )  # fmt: skip
        service._change_reason = gettext_noop("demo data")
        service.save()
        bulk_create_with_history(
            [
                ServiceDocument(service=service, name_ru=d_ru, name_kk=d_kk, position=n)
                for n, (d_ru, d_kk) in enumerate(documents)
            ],
            ServiceDocument,
        )
        created += 1
    for number in range(1, 9):
        Desk.objects.get_or_create(
            number=number, defaults={"place": f"Open space, ряд {(number + 1) // 2}"}
        )
    return created


@dataclass
class _Day:
    day: dt.date
    rng: random.Random
    services: list[Service]
    visitors: list[Visitor]
    receptionist: User
    numbers: dict[str, int]

    def ticket(self, service: Service) -> int:
        self.numbers[service.prefix] = self.numbers.get(service.prefix, 0) + 1
        return self.numbers[service.prefix]

    def visit(self, arrived: dt.datetime) -> Visit:
        rng = self.rng
        service = rng.choice(self.services)
        visitor = rng.choice(self.visitors) if rng.random() < 0.7 else None
        kind = rng.choices(
            [VisitorKind.ENTREPRENEUR, VisitorKind.INVESTOR, VisitorKind.CITIZEN], [60, 10, 30]
        )[0]
        if service.prefix == "I":
            kind = VisitorKind.INVESTOR
        return Visit(
            day=self.day,
            prefix=service.prefix,
            number=self.ticket(service),
            service=service,
            department_id=service.department_id,
            visitor=visitor,
            organisation=visitor.organisation if visitor else None,
            kind=kind,
            language=visitor.language if visitor else "ru",
            purpose=rng.choice(PURPOSES[service.department.slug]),
            priority=PriorityGround.VETERAN if rng.random() < 0.06 else PriorityGround.NONE,
            registered_by=self.receptionist,
            arrived_at=arrived,
        )


def _serve(visit: Visit, official: User, desk: Desk, called: dt.datetime, rng: random.Random,
           outcome: str) -> dt.datetime:  # fmt: skip
    visit.status = VisitStatus.DONE
    visit.official, visit.desk = official, desk
    visit.first_called_at = visit.called_at = called
    visit.calls = 1
    visit.started_at = called + dt.timedelta(minutes=1)
    visit.finished_at = visit.started_at + dt.timedelta(
        minutes=max(3, round(rng.gauss(visit.service.service_minutes, 4)))
    )
    visit.outcome = outcome
    return visit.finished_at


def _log(visit: Visit) -> ContactLog:
    assert visit.started_at is not None and visit.finished_at is not None  # a served visit
    return ContactLog(
        visit=visit, ticket=visit.ticket, official=visit.official, visitor=visit.visitor,
        organisation=visit.organisation, service=visit.service, department_id=visit.department_id,
        desk=visit.desk, kind=visit.kind, purpose=visit.purpose, started_at=visit.started_at,
        ended_at=visit.finished_at, outcome=visit.outcome, recorded_at=visit.finished_at,
    )  # fmt: skip


def _officials() -> dict[str, User]:
    names = [u for u, _d in DESK_OFFICIALS] + [u for us in CASE_OFFICIALS.values() for u in us]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _save_day(plan: _Day, visits: list[Visit]) -> list[Visit]:
    bulk_create_with_history(visits, Visit, default_change_reason=gettext_noop("demo data"))
    saved = list(
        Visit.objects.filter(day=plan.day).select_related(
            "service__department", "visitor", "desk", "official"
        )
    )
    ContactLog.objects.bulk_create([_log(v) for v in saved if v.status == VisitStatus.DONE])
    for prefix, last in plan.numbers.items():
        TicketCounter.objects.update_or_create(day=plan.day, prefix=prefix, defaults={"last": last})
    return saved


@transaction.atomic
def _seed_past_day(
    plan: _Day, officials: dict[str, User], desks: dict[int, Desk]
) -> tuple[int, int]:
    rng = plan.rng
    start = timezone.make_aware(dt.datetime.combine(plan.day, dt.time(9, 0)))
    visits = []
    # Each directorate's first case official (the demo logins of entrepreneurship and land)
    # gets at least one case a day, whatever the day's dice say.
    with_case: set[str] = set()
    for n in range(PAST_VISITS_PER_DAY):
        arrived = start + dt.timedelta(minutes=n * 11 + rng.randint(0, 8))
        visit = plan.visit(arrived)
        slug = visit.service.department.slug
        official = officials[CASE_OFFICIALS[slug][n % len(CASE_OFFICIALS[slug])]]
        if rng.random() < 0.08:
            visit.status, visit.left_at = VisitStatus.LEFT, arrived + dt.timedelta(minutes=20)
        else:
            first = official.username == CASE_OFFICIALS[slug][0] and slug not in with_case
            needs = visit.visitor is not None and (rng.random() < 0.3 or first)
            if needs and first:
                with_case.add(slug)
            outcome = (
                Outcome.NEEDS_DOCUMENTS
                if needs
                else rng.choice(
                    [
                        Outcome.RESOLVED,
                        Outcome.CONSULTATION,
                        Outcome.CONSULTATION,
                        Outcome.REDIRECTED,
                    ]
                )
            )
            called = arrived + dt.timedelta(minutes=rng.randint(2, 25))
            _serve(visit, official, desks[1 + n % 8], called, rng, outcome)
        visits.append(visit)
    saved = _save_day(plan, visits)
    cases = 0
    for visit in saved:
        if visit.outcome != Outcome.NEEDS_DOCUMENTS:
            continue
        documents = list(visit.service.documents.all())
        missing = rng.sample(documents, k=rng.randint(1, len(documents)))
        served_by, finished = visit.official, visit.finished_at
        assert served_by is not None and finished is not None  # a served visit
        case = services.open_case(
            visit=visit, official=served_by, missing_documents=missing, now=finished
        )
        cases += 1
        received = case.documents.all()
        ticked = len(received) if rng.random() < 0.35 else rng.randint(0, len(received) - 1)
        for document in list(received)[:ticked]:
            services.toggle_document(actor=served_by, document=document, now=finished)
    return len(saved), cases


@transaction.atomic
def _seed_today(
    plan: _Day, officials: dict[str, User], desks: dict[int, Desk], now: dt.datetime
) -> int:
    """The last three hours: finished visits, a visitor at each open desk, people waiting."""
    rng = plan.rng
    midnight = timezone.make_aware(dt.datetime.combine(plan.day, dt.time()))
    start = max(midnight + dt.timedelta(minutes=1), now - TODAY_WINDOW)
    span = (now - start).total_seconds()
    shifts = {}
    for username, number in DESK_OFFICIALS:
        official = officials[username]
        for stale in Shift.objects.filter(
            Q(official=official) | Q(desk=desks[number]), closed_at__isnull=True
        ):
            stale.closed_at = start
            stale._change_reason = gettext_noop("demo data: closed for the new day")
            stale.save(update_fields=["closed_at"])
        shift = Shift.objects.create(desk=desks[number], official=official, opened_at=start)
        shift.services.set(Service.objects.filter(department=official.department, is_active=True))
        shifts[official.department_id] = shift
    visits = []
    busy: set[int] = set()
    for n in range(TODAY_VISITS):
        arrived = start + dt.timedelta(seconds=span * n / TODAY_VISITS)
        visit = plan.visit(arrived)
        shift = shifts[visit.department_id]
        age = (now - arrived).total_seconds() / 60
        if age > 75:
            if rng.random() < 0.07:
                visit.status, visit.left_at = VisitStatus.LEFT, arrived + dt.timedelta(minutes=25)
            else:
                outcome = rng.choice([Outcome.RESOLVED, Outcome.CONSULTATION, Outcome.REDIRECTED])
                called = arrived + dt.timedelta(minutes=rng.randint(3, 20))
                _serve(visit, shift.official, shift.desk, called, rng, outcome)
        elif age > 12 and shift.official_id not in busy:
            busy.add(shift.official_id)
            visit.status = VisitStatus.IN_SERVICE
            visit.official, visit.desk = shift.official, shift.desk
            visit.first_called_at = visit.called_at = arrived + dt.timedelta(minutes=8)
            visit.calls = 1
            visit.started_at = visit.called_at + dt.timedelta(minutes=1)
        visits.append(visit)
    return len(_save_day(plan, visits))


def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the reception (the same at every scale: it serves the five real directorates)."""
    now = timezone.now()
    today = timezone.localdate(now)
    ensure_calendar(start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=200))
    created = _catalogue()
    receptionist = User.objects.filter(username="reception").first()
    officials = _officials()
    if receptionist is None or not Service.objects.exists() or len(officials) < 10:
        return f"reception: {created} services"
    assert not KEPT_OUT & set(officials)
    visitors = _visitor_pool(receptionist)
    service_list = list(
        Service.objects.filter(is_active=True).select_related("department").order_by("pk")
    )
    desks = {d.number: d for d in Desk.objects.all()}
    days = [add_working_days(today, -n) for n in range(PAST_DAYS, 0, -1)]
    visits = cases = 0
    for day in [*days, today]:
        if Visit.objects.filter(day=day).exists():
            continue
        plan = _Day(day, random.Random(f"reception-demo-{day}"), service_list, visitors,
                    receptionist, {})  # fmt: skip
        if day == today:
            visits += _seed_today(plan, officials, desks, now)
        else:
            made, opened = _seed_past_day(plan, officials, desks)
            visits += made
            cases += opened
    return f"reception: {created} services, {visits} visits, {cases} follow-up cases created"
