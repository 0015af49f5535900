"""Demo logbook: two weeks of the methodologist's entries of every kind, and the experiment's
indicators with a baseline and readings.

`seed_demo` calls `seed` after the organisation and the tasks exist. Entries are written through
`journal.services` (so they are rendered, sanitised, indexed and audited like real ones) from a
`random.Random` with a fixed seed, laid out over the working days of the last two weeks. A
second run finds the methodologist's entries and the indicators already there and writes
nothing. The logbook describes the five real directorates only, whatever the scale; its observations
link to the reception's demo visits of their day (`reception.demo` runs first).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from akimat.calendar import is_working_day
from akimat.models import Department, User
from journal import indicators, services
from journal.models import Entry, Indicator, Kind, Reading, Source, Tag
from reception.models import Visit
from tasks.models import Status, Task

WEEKS = 2  # whole weeks of entries before the current one
SHORT = {
    "entrepreneurship": "предпринимательства",
    "land": "земельных отношений",
    "architecture": "архитектуры",
    "construction": "строительства",
    "agriculture": "сельского хозяйства",
}
SHORT_KK = {
    "entrepreneurship": "кәсіпкерлік",
    "land": "жер қатынастары",
    "architecture": "сәулет",
    "construction": "құрылыс",
    "agriculture": "ауыл шаруашылығы",
}

STANDUPS = [
    "Стендап в управлении {short}: {minutes} минут, у доски {people} человек. {head} начал с просроченных задач, "
    "каждый назвал одну задачу на сегодня.\n\n- сделано со вчера: {done}\n- блокеры: {blocker}",
    "Стендап управления {short} прошёл стоя у доски, уложились в {minutes} минут. Вопрос о {blocker} "
    "вынесли после стендапа, чтобы не держать всех.",
    "{Short_kk} басқармасының стендапы: {minutes} минут. Әр қызметкер кешегі нәтиже мен бүгінгі жоспарын "
    "айтты. Кедергі: {blocker_kk}.",
]
BLOCKERS = [
    "ответ земельного кадастра", "подпись заместителя акима", "нет выписки из ЕГРН",
    "ждём заключение ДЧС", "не работает ИС «Е-өтініш»", "нет",
]  # fmt: skip
BLOCKERS_KK = ["жер кадастрының жауабы күтілуде", "әкім орынбасарының қолы керек", "жоқ"]
DONE = [
    "три ответа на письма", "справка по субсидиям", "акт осмотра участка", "протокол приёма граждан",
    "сводка для заместителя акима",
]  # fmt: skip
MEETINGS = [
    ("Совещание по {topic}", "Внутреннее совещание в стеклянной переговорной. Повестка: {topic}. "
     "Решили: ответственный — {head}, срок — пятница. Совещание шло {minutes} минут, из них "
     "по повестке около {useful}."),
    ("Планёрка управления {short}", "Еженедельная планёрка по 12-недельному плану: разобрали "
     "исполнение тактик прошлой недели, две перенесли. Совещания такого рода раньше шли дольше часа."),
    ("Жиналыс: {topic_kk}", "{Short_kk} басқармасындағы ішкі жиналыс. Күн тәртібі: {topic_kk}. "
     "Жиналыс {minutes} минутқа созылды, шешім хаттамаға енгізілді."),
]  # fmt: skip
TOPICS = [
    "выдаче земельных участков под МСБ", "субсидиям на удобрения", "графику приёма предпринимателей",
    "просроченным ответам на обращения", "согласованию эскизных проектов", "открытию рецепции",
]  # fmt: skip
TOPICS_KK = [
    "кәсіпкерлерді қабылдау кестесі", "жер учаскелерін беру", "тыңайтқыштарға субсидия",
    "өтініштерге жауап беру мерзімі",
]  # fmt: skip
OBSERVATIONS = [
    ("Рецепция в час пик", "С 10:00 до 11:00 на единую рецепцию пришли {visitors} посетителей, очередь "
     "не превышала {queue} человек. Предприниматели сразу идут к столу управления, без записи к секретарю."),
    ("Открытое пространство: шум", "В опенспейсе к обеду стало шумно: два телефонных разговора у окна. "
     "Сотрудники сами перешли в переговорную — правило «звонки в переговорной» работает без напоминаний."),
    ("Согласования без кабинетов", "{spec} согласовала проект ответа у руководителя за {minutes} минут: "
     "подошла к столу, а не записалась в приёмную. Раньше такое согласование занимало полдня."),
    ("Доска задач", "На доске управления {short} {overdue} просроченных карточек; {head} сам передвинул "
     "две в «ожидает приёмки». Цифры на доске совпадают с порталом."),
]  # fmt: skip
INTERVIEWS = [
    ("Интервью: {spec}", "Разговор с сотрудником о первых неделях в открытом пространстве.\n\n"
     "> Сначала казалось, что все смотрят, а теперь проще спросить коллегу, чем писать служебку.\n\n"
     "Жалоба: мало розеток у окна. Предложение: общий календарь переговорных."),
    ("Сұхбат: {spec}", "Қызметкермен әңгіме. Ашық кеңістікте жұмыс істеу оңай: басшыға кезексіз "
     "кіруге болады. Мәселе: қабылдау орнында кезек кейде ұзарады."),
]  # fmt: skip
DECISIONS = [
    ("Решение: согласование в один круг", "Заместитель акима решил: проекты ответов согласуются в один "
     "круг — исполнитель, руководитель управления, заместитель акима. Промежуточные визы отменены."),
    ("Решение: стендап не дольше 15 минут", "Стендапы всех управлений — в 9:00, не дольше 15 минут; "
     "обсуждения после стендапа, только с теми, кого они касаются."),
]  # fmt: skip
INCIDENTS = [
    ("Сбой ИС «Е-өтініш»", "С 14:10 до 15:00 не открывалась система «Е-өтініш»; ответы на обращения "
     "готовили в черновиках. Задержка по срокам — до одного дня."),
    ("Конфликт в очереди", "Посетитель требовал принять его вне очереди у стола управления {short}. "
     "Администратор рецепции объяснила порядок, конфликт исчерпан за 5 минут."),
]  # fmt: skip
NOTES = [
    ("Итог дня", "За день — {meetings} внутренних совещания, одно интервью. Главное наблюдение: "
     "вопросы решаются у стола, а не в переписке."),
    ("Күн қорытындысы", "Бүгін ашық кеңістікте {meetings} ішкі жиналыс өтті. Кәсіпкерлер қабылдау "
     "орнына кезексіз келді."),
]  # fmt: skip


def _working_days(today: dt.date) -> list[dt.date]:
    """The working days of the two whole weeks before this one, and of this week so far."""
    first = indicators.last_whole_week(today) - dt.timedelta(weeks=WEEKS - 1)
    days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
    return [d for d in days if is_working_day(d)]


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _entries(methodologist: User, today: dt.date, now: dt.datetime) -> int:
    """The two weeks of entries; returns how many were written."""
    rng = random.Random("journal-demo")
    departments = {
        d.slug: d for d in Department.objects.filter(slug__in=SHORT).select_related("head")
    }
    if not departments:
        return 0
    staff: dict[str, list[User]] = {}
    for user in User.objects.filter(department__slug__in=SHORT, is_active=True).order_by(
        "username"
    ):
        assert user.department is not None  # filtered by the directorate's slug
        staff.setdefault(user.department.slug, []).append(user)
    tasks: dict[int, list[Task]] = {}
    for task in (
        Task.objects.filter(department__in=departments.values())
        .exclude(status=Status.CANCELLED)
        .order_by("-deadline", "pk")[:400]
    ):
        tasks.setdefault(task.department_id or 0, []).append(task)
    days = _working_days(today)
    visits: dict[tuple[int, dt.date], list[Visit]] = {}
    for visit in Visit.objects.filter(
        department__in=departments.values(), day__gte=days[0] if days else today
    ).order_by("day", "prefix", "number"):
        visits.setdefault((visit.department_id, visit.day), []).append(visit)
    slugs = list(SHORT)
    written = 0
    for number, day in enumerate(days):
        slug = slugs[number % len(slugs)]
        department = departments.get(slug)
        if department is None:
            continue
        people = staff.get(slug, [])
        head = department.head or (people[0] if people else methodologist)
        spec = next((p for p in people if p.username == f"specialist.{slug}"), head)
        words = {
            "short": SHORT[slug], "short_kk": SHORT_KK[slug],
            "Short_kk": SHORT_KK[slug].capitalize(), "blocker_kk": rng.choice(BLOCKERS_KK), "head": head, "spec": spec,
            "minutes": rng.choice([12, 14, 15, 17]), "people": len(people) or 1,
            "blocker": rng.choice(BLOCKERS), "done": rng.choice(DONE),
            "topic": rng.choice(TOPICS), "topic_kk": rng.choice(TOPICS_KK),
            "useful": f"{rng.randint(20, 35)} минут", "visitors": rng.randint(9, 24),
            "queue": rng.randint(2, 5), "overdue": rng.randint(1, 9), "meetings": 2,
        }  # fmt: skip
        plan: list[tuple[dt.datetime, dict[str, Any]]] = [
            (_at(day, 9, 20), {
                "kind": Kind.STANDUP, "body": rng.choice(STANDUPS).format(**words),
                "tags": ["стендап", "12 недель"], "departments": [department], "people": [head],
                "shared_with": [department],
            }),
        ]  # fmt: skip
        for hour in (10, 15):
            title, text = rng.choice(MEETINGS)
            words["minutes"] = rng.choice([30, 40, 45, 60, 75])
            plan.append((_at(day, hour, rng.randint(0, 40)), {
                "kind": Kind.MEETING, "title": title.format(**words), "body": text.format(**words),
                "tags": ["совещание"], "departments": [department],
                "duration_minutes": words["minutes"],
                "participants": [head, *rng.sample(people, min(3, len(people)))],
            }))  # fmt: skip
        title, text = rng.choice(OBSERVATIONS)
        plan.append((_at(day, 11, rng.randint(30, 55)), {
            "kind": Kind.OBSERVATION, "title": title, "body": text.format(**words),
            "tags": ["открытое пространство", "согласование" if "Согласования" in title else "рецепция"],
            "departments": [department], "people": [spec],
            "tasks": tasks.get(department.pk, [])[number % 5 : number % 5 + 1],
            "visits": visits.get((department.pk, day), [])[:2],
        }))  # fmt: skip
        extra = [
            (INTERVIEWS, Kind.INTERVIEW, (13, 30), ["интервью"]),
            (DECISIONS, Kind.DECISION, (16, 10), ["решение", "согласование"]),
            (INCIDENTS, Kind.INCIDENT, (14, 20), ["инцидент", "сроки"]),
            (NOTES, Kind.NOTE, (18, 5), ["итог дня"]),
        ]
        for bank, kind, (hour, minute), tags in extra:
            if number % 2 and kind in (Kind.DECISION, Kind.INCIDENT):
                continue
            title, text = bank[(number // 2) % len(bank)]
            plan.append((_at(day, hour, minute), {
                "kind": kind, "title": title.format(**words), "body": text.format(**words),
                "tags": tags, "departments": [department],
                "people": [spec] if kind == Kind.INTERVIEW else [],
            }))  # fmt: skip
        for when, fields in sorted(plan, key=lambda item: item[0]):
            if when > now:
                continue
            services.create_entry(
                author=methodologist,
                occurred_at=when,
                written_at=when + dt.timedelta(minutes=rng.randint(2, 25)),
                **fields,
            )
            written += 1
    return written


def _revise(methodologist: User, now: dt.datetime) -> None:
    """One entry corrected after the grace period (its first text is kept), one withdrawn."""
    old = (
        Entry.objects.filter(author=methodologist, kind=Kind.OBSERVATION)
        .filter(created_at__lt=now - services.grace_period())
        .order_by("occurred_at")
        .first()
    )
    if old is not None:
        services.update_entry(
            entry=old,
            actor=methodologist,
            version=old.version,
            body=old.body + "\n\nУточнение: цифры сверены с журналом рецепции.",
            kind=old.kind,
            title=old.title,
            occurred_at=old.occurred_at,
            tags=[t.name for t in old.tags.all()],
            departments=list(old.departments.all()),
            people=list(old.people.all()),
            tasks=list(old.tasks.all()),
            participants=[],
            duration_minutes=None,
            shared_with=[],
        )
    duplicate = (
        Entry.objects.filter(author=methodologist, kind=Kind.STANDUP)
        .order_by("-occurred_at")
        .first()
    )
    if duplicate is not None:
        copy = services.create_entry(
            author=methodologist,
            kind=Kind.STANDUP,
            body=duplicate.body,
            occurred_at=duplicate.occurred_at,
            tags=["стендап"],
        )
        services.withdraw_entry(
            entry=copy, actor=methodologist, reason="Дубль: этот стендап уже записан."
        )


def _indicators(today: dt.date) -> int:
    """The experiment's claims as indicators; readings from the portal's data and, before the
    logbook existed, from the paper log."""
    last = indicators.last_whole_week(today)
    baseline_start = last - dt.timedelta(weeks=16)
    baseline_end = baseline_start + dt.timedelta(weeks=4) - dt.timedelta(days=1)
    tags = {name: services.tags_for([name])[0] for name in ("совещание", "согласование", "сроки")}
    specs = [
        ("internal-meetings", "Внутренние совещания в неделю", "Аптасына ішкі жиналыстар",
         "совещаний", "жиналыс", Source.MEETINGS, True, Decimal("12.5"), Decimal("10"), "совещание"),
        ("approval-time", "Время согласования результата", "Нәтижені келісу уақыты",
         "часов", "сағат", Source.APPROVAL_HOURS, True, None, None, "согласование"),
        ("on-time", "Доля задач, выполненных в срок", "Мерзімінде орындалған тапсырмалар үлесі",
         "%", "%", Source.ON_TIME, False, None, Decimal("90"), "сроки"),
    ]  # fmt: skip
    created = 0
    for position, (slug, ru, kk, unit_ru, unit_kk, source, lower, base, target, tag) in enumerate(
        specs
    ):
        if Indicator.objects.filter(slug=slug).exists():
            continue
        indicator = Indicator(
            slug=slug, name_ru=ru, name_kk=kk, unit_ru=unit_ru, unit_kk=unit_kk, source=source,
            lower_is_better=lower, baseline_value=base or Decimal(0), baseline_start=baseline_start,
            baseline_end=baseline_end, target_value=target, tag=tags[tag], position=position,
        )  # fmt: skip
        if base is None:
            # The baseline is what the portal's own data says for the four weeks before the cycle.
            weeks = indicators.weekly_values(
                indicator, baseline_start, baseline_end - dt.timedelta(days=6)
            )
            values = list(weeks.values())
            indicator.baseline_value = (
                (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
                if values
                else Decimal(1)
            )
            if lower:
                indicator.target_value = (indicator.baseline_value * Decimal("0.75")).quantize(
                    Decimal("0.01")
                )
        indicator._change_reason = gettext_noop("demo data")
        indicator.save()
        created += 1
        if source == Source.MEETINGS:
            # The weeks before the logbook, from the paper register of meetings.
            for weeks_ago, value in zip(
                range(WEEKS + 6, WEEKS - 1, -1), [13, 12, 12, 12, 11, 11, 10], strict=True
            ):
                Reading.objects.create(
                    indicator=indicator, date=last - dt.timedelta(weeks=weeks_ago),
                    value=Decimal(value), note="по бумажному журналу совещаний",
                )  # fmt: skip
        indicators.compute_indicator(
            indicator=indicator, weeks=12 if base is None else WEEKS, today=today
        )
    return created


@transaction.atomic
def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the logbook once; return a one-line summary."""
    del scale, progress  # the logbook is the five real directorates' at any scale
    methodologist = User.objects.filter(username="methodologist").first()
    if methodologist is None:
        return "logbook: no methodologist, nothing written"
    today, now = timezone.localdate(), timezone.now()
    written = 0
    if not Entry.objects.filter(author=methodologist).exists():
        written = _entries(methodologist, today, now)
        _revise(methodologist, now)
    created = _indicators(today)
    return f"logbook: {written} entries, {created} indicators, {Tag.objects.count()} tags"
