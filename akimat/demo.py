"""Demo data of the organisation: the five directorates, their people and the demo logins.

`seed_demo` calls `seed` first; the other apps' demo modules build on these people. Everything
is generated deterministically from the directorate's slug, so a second run finds every row
already there and writes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from akimat.calendar import ensure_calendar
from akimat.models import Department, Role, User

DEMO_PASSWORD = "demo"
PEOPLE_PER_DIRECTORATE = 20
EMAIL_DOMAIN = "shymkent-akimat.example"

# slug, Russian name, Kazakh name
DIRECTORATES = [
    ("entrepreneurship", "Управление предпринимательства и индустриально-инновационного развития", "Кәсіпкерлік және индустриялық-инновациялық даму басқармасы"),
    ("land", "Управление земельных отношений", "Жер қатынастары басқармасы"),
    ("architecture", "Управление архитектуры и градостроительства", "Сәулет және қала құрылысы басқармасы"),
    ("construction", "Управление строительства", "Құрылыс басқармасы"),
    ("agriculture", "Управление сельского хозяйства", "Ауыл шаруашылығы басқармасы"),
]  # fmt: skip

# Surnames in their masculine form; the feminine adds "а" (Ахметов → Ахметова).
SURNAMES = [
    "Ахметов", "Жумабаев", "Сейткалиев", "Нурланов", "Касымов", "Омаров", "Абдрахманов",
    "Бекмуратов", "Тулегенов", "Сарсенбаев", "Искаков", "Байжанов", "Кенжебеков", "Ермеков",
    "Мухамеджанов", "Садыков", "Алимжанов", "Утепов", "Есенов", "Калиев", "Иванов", "Петров",
    "Смирнов", "Ким", "Пак", "Ли", "Кузнецов", "Попов", "Волков", "Соколов",
]  # fmt: skip
MALE_NAMES = [
    "Ерлан", "Нурлан", "Данияр", "Асхат", "Бауыржан", "Ержан", "Тимур", "Арман", "Айдос",
    "Серик", "Максат", "Жандос", "Алексей", "Дмитрий", "Сергей", "Андрей", "Олжас", "Руслан",
]  # fmt: skip
FEMALE_NAMES = [
    "Айгерим", "Динара", "Гульнара", "Сауле", "Асель", "Жанар", "Мадина", "Алия", "Айжан",
    "Камила", "Лаура", "Индира", "Елена", "Ольга", "Наталья", "Татьяна", "Меруерт", "Ботагоз",
]  # fmt: skip
# Fathers' names from which patronymics are formed (-ович / -овна, -евич / -евна).
FATHERS = [
    "Нурлан", "Серик", "Болат", "Марат", "Ерлан", "Кайрат", "Асхат", "Булат", "Талгат",
    "Бахыт", "Виктор", "Александр", "Сергей", "Жомарт", "Канат", "Ержан",
]  # fmt: skip
# Positions in Russian and Kazakh (the portal keeps data in both official languages).
POSITIONS = {
    "head": ("Руководитель управления", "Басқарма басшысы"),
    "deputy_head": ("Заместитель руководителя управления", "Басқарма басшысының орынбасары"),
    "chief": ("Главный специалист", "Бас маман"),
    "lead": ("Ведущий специалист", "Жетекші маман"),
}
INVARIABLE_SURNAMES = {"Ким", "Пак", "Ли"}


@dataclass(frozen=True)
class Person:
    username: str
    last_name: str
    first_name: str
    middle_name: str
    position: tuple[str, str]  # Russian, Kazakh
    role: str


def _surname(surname: str, female: bool) -> str:
    if not female or surname in INVARIABLE_SURNAMES:
        return surname
    return surname + "а"


def _patronymic(father: str, female: bool) -> str:
    soft = father.endswith(("й", "ь"))
    stem = father[:-1] if soft else father
    if female:
        return stem + ("евна" if soft else "овна")
    return stem + ("евич" if soft else "ович")


def _person(rng: random.Random, username: str, position: tuple[str, str], role: str) -> Person:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    return Person(
        username=username,
        last_name=_surname(rng.choice(SURNAMES), female),
        first_name=first,
        middle_name=_patronymic(rng.choice(FATHERS), female),
        position=position,
        role=role,
    )


def directorate_people(slug: str) -> list[Person]:
    """The same twenty people for a slug, every time: the head, a deputy head, specialists."""
    rng = random.Random(f"akimat-demo-{slug}")
    people = [
        _person(rng, f"head.{slug}", POSITIONS["head"], Role.HEAD),
        _person(rng, f"specialist.{slug}", POSITIONS["chief"], Role.SPECIALIST),
        _person(rng, f"{slug}.deputy", POSITIONS["deputy_head"], Role.SPECIALIST),
    ]
    for number in range(3, PEOPLE_PER_DIRECTORATE):
        position = POSITIONS["chief"] if number % 3 == 0 else POSITIONS["lead"]
        people.append(_person(rng, f"{slug}.{number:02d}", position, Role.SPECIALIST))
    return people


def directorate_names(number: int) -> tuple[str, str, str]:
    """Slug and names of the n-th directorate (1-based): the five real ones, then generated."""
    if number <= len(DIRECTORATES):
        return DIRECTORATES[number - 1]
    return (
        f"d{number:04d}",
        f"Районное управление № {number}",
        f"№ {number} аудандық басқарма",
    )


ORGANISATION_PEOPLE = [
    Person("deputy", "Жумин", "Данат", "Болатович", ("Заместитель акима города", "Қала әкімінің орынбасары"), Role.DEPUTY),
    Person("reception", "Сапарова", "Айгерим", "Маратовна", ("Специалист единой рецепции", "Бірыңғай қабылдау орнының маманы"), Role.RECEPTIONIST),
    Person("methodologist", "Евниева", "Жанар", "Армановна", ("Методолог Академии государственного управления", "Мемлекеттік басқару академиясының әдіснамашысы"), Role.METHODOLOGIST),
]  # fmt: skip


def _user(person: Person, password: str, department: Department | None) -> User:
    return User(
        username=person.username,
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        position=person.position[0],
        position_kk=person.position[1],
        email=f"{person.username}@{EMAIL_DOMAIN}",
        department=department,
        password=password,
        is_active=True,
    )


@transaction.atomic
def _seed_directorates(numbers: list[int], password: str) -> int:
    """Create the missing directorates among `numbers` with their people; return people created."""
    wanted = {directorate_names(n)[0]: n for n in numbers}
    existing = set(Department.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    missing = [slug for slug in wanted if slug not in existing]
    if not missing:
        return 0
    bulk_create_with_history(
        [
            Department(slug=slug, name_ru=directorate_names(wanted[slug])[1], name_kk=directorate_names(wanted[slug])[2])
            for slug in missing
        ],
        Department,
    )  # fmt: skip
    by_slug = {d.slug: d for d in Department.objects.filter(slug__in=missing)}
    roster = {slug: directorate_people(slug) for slug in missing}
    users = [_user(p, password, by_slug[slug]) for slug in missing for p in roster[slug]]
    bulk_create_with_history(users, User, batch_size=2000)
    ids = dict(User.objects.filter(department__in=by_slug.values()).values_list("username", "pk"))
    groups = {name: Group.objects.get_or_create(name=name)[0].pk for name in Role.values}
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=ids[p.username], group_id=groups[p.role])
            for people in roster.values()
            for p in people
        ],
        ignore_conflicts=True,
    )
    for department in by_slug.values():
        department.head_id = ids[f"head.{department.slug}"]
    bulk_update_with_history(
        list(by_slug.values()),
        Department,
        ["head"],
        default_change_reason=gettext_noop("demo data"),
    )
    return len(users)


@transaction.atomic
def _seed_organisation(password: str) -> int:
    created = 0
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}
    for person in ORGANISATION_PEOPLE:
        user, made = User.objects.get_or_create(
            username=person.username, defaults={"password": password}
        )
        if made:
            fresh = _user(person, password, None)
            fresh.pk = user.pk
            fresh.save()
            fresh.groups.add(groups[person.role])
            created += 1
    admin, made = User.objects.get_or_create(
        username="admin",
        defaults={
            "password": password,
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Администратор",
            "email": f"admin@{EMAIL_DOMAIN}",
        },
    )
    if made:
        admin.groups.add(groups[Role.ADMIN])
        created += 1
    return created


def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the organisation at `scale` (5 x scale directorates); return a one-line summary."""
    today = timezone.localdate()
    ensure_calendar(
        start=today.replace(year=today.year - 1), end=today.replace(year=today.year + 1)
    )
    password = make_password(DEMO_PASSWORD)
    created = _seed_organisation(password)
    total = len(DIRECTORATES) * scale
    chunk = 25
    for first in progress(range(1, total + 1, chunk)):
        created += _seed_directorates(list(range(first, min(first + chunk, total + 1))), password)
    return f"organisation: {total} directorates, {created} people created"
