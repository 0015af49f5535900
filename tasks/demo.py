"""Demo tasks: about a hundred per person over the last four months and the next four weeks.

`seed_demo` calls `seed` after `akimat.demo` has made the directorates, their people and the
working calendar. Everything is drawn from a `random.Random` seeded by the directorate's slug and
laid out relative to today, so the demo always looks alive and a second run writes nothing (a
directorate that already has tasks is skipped).

Times are planned in "working minutes": minute `w` is minute `w % 570` after 09:00 of working day
`w // 570` of the calendar window, so every planned moment falls inside a working day and the
order of `created ≤ started ≤ submitted ≤ done` is plain integer order.

The five real directorates get the full picture (history entries for every status change,
deadline moves, comments, checklists, co-executors, absences, recurring templates); generated
directorates get tasks only, bulk-inserted without history, so `--scale 100` stays a matter of
minutes.

The article's facts are pinned: in agriculture, `head.agriculture` has exactly 21 overdue tasks,
all set by the deputy akim, while `specialist.agriculture` has none overdue and plenty done.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Field, Model, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from akimat.calendar import ensure_calendar
from akimat.change_reasons import DEADLINE_MOVED, with_data
from akimat.demo import DIRECTORATES, SURNAMES, directorate_names
from akimat.models import CalendarDay, Department, User
from tasks.models import (
    END_OF_WORKING_DAY,
    Absence,
    ChecklistItem,
    Comment,
    DeadlineChange,
    Priority,
    RecurringTask,
    Source,
    Status,
    Task,
)

CHUNK = 25  # directorates per transaction and progress step
BATCH = 5000  # rows per INSERT
HISTORY_DAYS = 120  # deadlines from about four months ago …
FUTURE_DAYS = 28  # … to four weeks ahead
TASKS_PER_PERSON = (85, 115)
# Working minutes of a day: 09:00 to 18:30.
W = 570
DAY_START = 9 * 60
REAL_SLUGS = frozenset(slug for slug, _ru, _kk in DIRECTORATES)

# The article: "у руководителя управления сельского хозяйства 21 просроченная задача,
# зато у главного специалиста все по плану".
PINNED_OVERDUE = {"head.agriculture": 21, "specialist.agriculture": 0}
# Overdue tasks per person for everybody else: 0…9, about three on average.
OVERDUE_WEIGHTS = [14, 16, 16, 14, 12, 9, 7, 5, 4, 3]

SOURCE_WEIGHTS = {
    Source.INSTRUCTION: 15,
    Source.LETTER: 40,
    Source.MEETING: 15,
    Source.INITIATIVE: 30,
}
PRIORITY_WEIGHTS = {
    Source.INSTRUCTION: {Priority.NORMAL: 30, Priority.HIGH: 50, Priority.URGENT: 20},
    Source.LETTER: {Priority.LOW: 10, Priority.NORMAL: 70, Priority.HIGH: 18, Priority.URGENT: 2},
    Source.MEETING: {Priority.NORMAL: 50, Priority.HIGH: 40, Priority.URGENT: 10},
    Source.INITIATIVE: {Priority.LOW: 30, Priority.NORMAL: 65, Priority.HIGH: 5},
}
# Working days from setting a task to its deadline.
LEAD_DAYS = {
    Source.INSTRUCTION: (3, 10),
    Source.LETTER: (5, 15),
    Source.MEETING: (2, 10),
    Source.INITIATIVE: (1, 5),
}

# --- words ---------------------------------------------------------------------------------

ORGANISATIONS = [
    "ТОО «Оңтүстік Агро Трейд»", "ТОО «Асыл Жер Девелопмент»", "ТОО «Южный Берег Строй»",
    "ТОО «Береке Агро»", "ТОО «Тұран Логистик»", "ТОО «Silk Way Invest»", "ТОО «Қазығұрт Су»",
    "ТОО «Бадам Агропром»", "ТОО «Самал Девелопмент»", "ТОО «Нұрлы Жол Сервис»",
    "ТОО «ЮгСтройИнвест»", "ТОО «Альфа Полимер»", "ТОО «Шымкент Текстиль»",
    "ТОО «Жібек Жолы Фуд»", "ТОО «Арыс Мелиорация»", "ТОО «Green Valley Shymkent»",
    "ТОО «Тау Самал Құрылыс»", "ТОО «Ордабасы Сервис»", "АО «Оңтүстік Жарық Транзит»",
    "ТОО «Мега Инжиниринг KZ»", "ТОО «Caspian Agro Export»", "ТОО «Керуен Пласт»",
]  # fmt: skip
FARMS = [
    "КХ «Береке»", "КХ «Нұр»", "КХ «Ақ бидай»", "КХ «Самғау»", "КХ «Достық»", "КХ «Жайлау»",
    "КХ «Ынтымақ»", "КХ «Бәйтерек»", "СПК «Сайрам Агро»", "СПК «Төлеби Мақта»",
]  # fmt: skip
DISTRICTS = ["Абайский", "Аль-Фарабийский", "Енбекшинский", "Каратауский", "Туранский"]
DISTRICTS_IN = ["Абайском", "Аль-Фарабийском", "Енбекшинском", "Каратауском", "Туранском"]
PLACES = [
    "мкр. Нурсат", "мкр. Самал-1", "мкр. Кайтпас-2", "мкр. Туран", "мкр. Асар", "ж/м Тассай",
    "ж/м Бозарык", "ж/м Кызылжар", "ж/м Наурызбай", "ж/м Ынтымак", "мкр. Сауле", "ж/м Казыгурт",
]  # fmt: skip
STREETS = [
    "ул. Байтурсынова", "пр. Тауке хана", "пр. Республики", "ул. Толе би", "ул. Жандосова",
    "ул. Рашидова", "ул. Момышулы", "ул. Казыбек би", "пр. Кунаева", "ул. Сайрамская",
]  # fmt: skip
PRODUCTS = [
    "картофель", "лук репчатый", "морковь", "капусту", "сахар", "говядину", "яйца куриные",
    "подсолнечное масло", "муку первого сорта", "гречневую крупу",
]  # fmt: skip
INITIALS = "АБГДЕЖКМНОРСТ"
# Surnames that decline regularly (-ов, -ев, -ин): safe in "обращение гражданина Ахметова".
DECLINABLE = [s for s in SURNAMES if s.endswith(("ов", "ев", "ин"))]

COMMON_POOLS: dict[str, list[str]] = {
    "org": ORGANISATIONS,
    "kh": FARMS,
    "district": DISTRICTS_IN,
    "district_nom": DISTRICTS,
    "place": PLACES,
    "street": STREETS,
    "product": PRODUCTS,
    "p": [f"{a}.{b}" for a in range(1, 6) for b in range(1, 8)],
    "agri_program": [
        "стоимость удобрений", "стоимость средств защиты растений",
        "приобретение племенного скота", "услуги по подаче поливной воды",
        "затраты на капельное орошение", "приобретение элитных семян",
        "приобретение сельхозтехники в лизинг",
    ],
    "agri_topic": [
        "выделению поливной воды", "субсидированию удобрений", "аренде пастбищ",
        "размещению тепличного комплекса", "возмещению ущерба от града",
        "закупу овощей в стабилизационный фонд", "ценам на корма", "очистке арыков",
    ],
    "campaign": [
        "уборки хлопчатника", "уборки зерновых", "осеннего сева озимых",
        "подготовки к поливному сезону", "закладки овощей в стабфонд", "весенне-полевых работ",
    ],
    "agri_report": [
        "площади посевов", "ход уборки", "освоение субсидий за месяц", "поголовье скота",
        "обеспеченность поливной водой", "запасы семян и ГСМ",
    ],
    "obj_kind": [
        "торгового центра", "жилого комплекса", "автосервиса", "кафе", "АЗС", "частной школы",
        "медицинского центра", "гостиницы", "складского комплекса", "бизнес-центра",
    ],
    "cobject": [
        "школа на 1200 мест в мкр. Нурсат", "детский сад на 320 мест в ж/м Тассай",
        "поликлиника на 500 посещений в мкр. Асар", "жилой дом по ул. Рашидова, 45",
        "водопровод в ж/м Кайтпас", "газоснабжение ИЖС в ж/м Бозарык", "мост через р. Бадам",
        "спорткомплекс в Каратауском районе", "дом культуры в ж/м Кызылжар",
        "ливневая канализация по пр. Тауке хана", "реконструкция парка «Кен Баба»",
    ],
}  # fmt: skip

# Title templates per directorate and source; every directorate also gets GENERIC ones.
PROFILES: dict[str, dict[str, list[str]]] = {
    "entrepreneurship": {
        Source.INSTRUCTION: [
            "Поручение акима: сопровождение инвестпроекта {org}",
            "Поручение акима: мониторинг цен на {product}",
            "Поручение акима: подготовка к форуму предпринимателей города",
            "Поручение акима: снижение проверок малого бизнеса в {district} районе",
        ],
        Source.LETTER: [
            "Рассмотреть заявку {ip} на грант для начинающих предпринимателей",
            "Рассмотреть заявку {org} на субсидирование ставки по кредиту",
            "Подготовить ответ на обращение {org} о месте в индустриальной зоне «Оңтүстік»",
            "Ответ в палату предпринимателей «Атамекен» по обращению {org}",
            "Ответ на обращение {fio_gen} о торговом месте на рынке",
            "Рассмотреть заявку {ip} на гарантирование кредита через фонд «Даму»",
        ],
        Source.MEETING: [
            "Протокол встречи с инвестором № {n}: план действий по проекту {org}",
            "Протокол совещания у заместителя акима № {n}: инвестиционный план города",
            "Совет предпринимателей № {n}: подготовить повестку и справки",
        ],
        Source.INITIATIVE: [
            "Свод по исполнению плана привлечения инвестиций за неделю",
            "Проверить исполнение договора субсидирования {org}",
            "Мониторинг цен на {product} в торговых сетях",
            "Обновить реестр инвестпроектов: {org}",
            "Выезд на предприятие {org}: ход реализации проекта",
        ],
    },
    "land": {
        Source.INSTRUCTION: [
            "Поручение акима: проверить использование участка {cadastre} ({org})",
            "Поручение акима: изъятие неиспользуемых земель в {district} районе",
            "Поручение акима: инвентаризация участков под ИЖС, {place}",
        ],
        Source.LETTER: [
            "Подготовить ответ на обращение {org} по земельному участку, {place}",
            "Рассмотреть заявление {ip} о праве аренды на участок {cadastre}",
            "Ответ на обращение {fio_gen} по границам участка, {place}",
            "Рассмотреть заявление {org} об изменении целевого назначения участка {cadastre}",
            "Ответ на обращение {fio_gen} о выделении участка под ИЖС",
        ],
        Source.MEETING: [
            "Протокол совещания у заместителя акима № {n}: участки в {district} районе",
            "Земельная комиссия, протокол № {n}: материалы по заявлениям на аренду",
        ],
        Source.INITIATIVE: [
            "Выезд на участок {cadastre}: акт обследования",
            "Мониторинг неиспользуемых земель в {district} районе",
            "Направить уведомление о неосвоении участка {cadastre}",
            "Свод по выявленным неиспользуемым землям за неделю",
            "Запрос в НАО «Правительство для граждан»: сведения по участку {cadastre}",
        ],
    },
    "architecture": {
        Source.INSTRUCTION: [
            "Поручение акима: проверка фасадов по {street} на соответствие дизайн-коду",
            "Поручение акима: снос незаконных пристроек, {place}",
            "Поручение акима: благоустройство общественного пространства, {place}",
        ],
        Source.LETTER: [
            "Рассмотреть эскизный проект {obj_kind} ({org}, {street})",
            "Подготовить АПЗ на проектирование {obj_kind} ({org})",
            "Ответ на обращение жителей, {place}: благоустройство двора",
            "Согласовать наружную рекламу {org} по {street}",
            "Ответ на обращение {fio_gen} о самовольной постройке, {place}",
        ],
        Source.MEETING: [
            "Градостроительный совет, протокол № {n}: эскиз {obj_kind} в {district} районе",
            "Протокол совещания у заместителя акима № {n}: корректировка ПДП, {place}",
        ],
        Source.INITIATIVE: [
            "Выезд: самовольное строительство по {street}, фотофиксация",
            "Свод по выданным АПЗ и эскизам за неделю",
            "Заключение о соответствии фасада {obj_kind} дизайн-коду города",
            "Обновить слой ГИС-карты города: {place}",
        ],
    },
    "construction": {
        Source.INSTRUCTION: [
            "Поручение акима: ускорить строительство — {cobject}",
            "Поручение акима: ввод в эксплуатацию до конца года — {cobject}",
        ],
        Source.LETTER: [
            "Ответ на претензию подрядчика {org}: {cobject}",
            "Рассмотреть письмо {org} об увеличении сметы: {cobject}",
            "Ответ на обращение жителей, {place}: сроки строительства",
            "Бюджетная заявка на следующий год: {cobject}",
        ],
        Source.MEETING: [
            "Протокол штаба по строительству № {n}: отставание от графика — {cobject}",
            "Протокол совещания у заместителя акима № {n}: освоение бюджетных средств",
        ],
        Source.INITIATIVE: [
            "Акт приёмки выполненных работ: {cobject}",
            "Выезд на объект, фотоотчёт: {cobject}",
            "Проверить график работ подрядчика {org}: {cobject}",
            "Свод по освоению бюджетных средств за неделю",
            "Государственная экспертиза ПСД: {cobject}",
        ],
    },
    "agriculture": {
        Source.INSTRUCTION: [
            "Поручение акима: информация о ходе {campaign} в {district} районе",
            "Поручение акима: проверить целевое использование субсидий {kh}",
            "Поручение акима: меры по стабилизации цен на {product}",
        ],
        Source.LETTER: [
            "Рассмотреть заявку {kh} на субсидирование: {agri_program}",
            "Рассмотреть заявку {ip} на субсидирование: {agri_program}",
            "Подготовить ответ на обращение {org} по {agri_topic}",
            "Ответ на обращение {fio_gen} по {agri_topic}",
            "Ответ на запрос Министерства сельского хозяйства: {agri_report}",
        ],
        Source.MEETING: [
            "Протокол совещания у заместителя акима № {n}: ход {campaign}",
            "Протокол оперативного штаба № {n}: свод по районам, ход {campaign}",
        ],
        Source.INITIATIVE: [
            "Свод по ходу {campaign} за неделю",
            "Выезд в {kh}: обследование посевов ({district_nom} район)",
            "Мониторинг цен на {product} на рынках города",
            "Сверка реестра получателей субсидий: {agri_program}",
            "Организовать ярмарку выходного дня в {district} районе",
        ],
    },
}
GENERIC: dict[str, list[str]] = {
    Source.INSTRUCTION: [
        "Поручение акима № {n}: информация к аппаратному совещанию",
        "Поручение акима: ответ на критику в СМИ, {place}",
    ],
    Source.LETTER: [
        "Ответ на депутатский запрос маслихата, {place}",
        "Ответ на запрос прокуратуры города о проверке обращения {fio_gen}",
    ],
    Source.MEETING: [
        "Протокол совещания у заместителя акима № {n}: исполнить п. {p}",
        "Протокол летучки управления № {n}: исполнить п. {p}",
    ],
    Source.INITIATIVE: [
        "Отчёт по индивидуальному плану работы за неделю",
        "Актуализировать регламент оказания госуслуги",
        "Подготовить справку к выезду акима, {place}",
    ],
}
DESCRIPTIONS: dict[str, list[str]] = {
    Source.INSTRUCTION: [
        "Поручение на контроле у заместителя акима. Информацию представить в срок, без переносов.",
        "Подготовить справку: что сделано, что мешает, предложения. Не больше двух страниц.",
        "",
    ],
    Source.LETTER: [
        "Ответ по существу в установленный законом срок. Проект согласовать с юристом управления.",
        "Проверить полноту пакета документов; чего не хватает — сразу запросить у заявителя.",
        "",
        "",
    ],
    Source.MEETING: ["Пункт протокола. Исполнение доложить на летучке.", ""],
    Source.INITIATIVE: ["", "", "Для индивидуального плана работы."],
}
# Results by what the task asks for (see _result_kind).
RESULTS: dict[str, list[str]] = {
    "instruction": [
        "Информация направлена в аппарат акима, исх. № {out} от {date}.",
        "Поручение исполнено, справка на имя заместителя акима от {date}.",
    ],
    "answer": [
        "Ответ направлен заявителю, исх. № {out} от {date}.",
        "Ответ по существу подписан и отправлен через ЕСЭДО, исх. № {out} от {date}.",
    ],
    "review": [
        "Рассмотрено: документы в порядке, уведомление заявителю от {date}, исх. № {out}.",
        "Есть замечания: заявителю направлен перечень недостающих документов, исх. № {out}.",
        "Заключение подготовлено и подписано руководителем {date}.",
    ],
    "meeting": [
        "Информация по пункту протокола направлена заместителю акима {date}.",
        "Исполнено, справка приложена к протоколу {date}.",
    ],
    "trip": [
        "Выезд проведён {date}, акт обследования составлен, фото в приложении.",
        "Выезд {date}: нарушений не выявлено, акт в деле.",
        "Выезд {date}: выявлены нарушения, выдано предписание.",
    ],
    "report": [
        "Свод подготовлен {date} и размещён в общей папке управления.",
        "Данные собраны и сверены, справка от {date} у руководителя управления.",
    ],
    "other": [
        "Исполнено {date}, материалы в общей папке управления.",
        "Сделано, справка от {date} у руководителя управления.",
    ],
}
RESULT_KINDS = [
    ("Поручение", "instruction"),
    ("Протокол", "meeting"),
    ("Совет", "meeting"),
    ("Градостроительный", "meeting"),
    ("Земельная", "meeting"),
    ("Ответ", "answer"),
    ("Подготовить ответ", "answer"),
    ("Рассмотреть", "review"),
    ("Согласовать", "review"),
    ("Подготовить АПЗ", "review"),
    ("Государственная экспертиза", "review"),
    ("Заключение", "review"),
    ("Выезд", "trip"),
    ("Акт приёмки", "trip"),
    ("Свод", "report"),
    ("Мониторинг", "report"),
    ("Сверка", "report"),
    ("Отчёт", "report"),
    ("Обновить", "report"),
    ("Еженедельный", "report"),
    ("Ежемесячный", "report"),
]


def _result_kind(title: str) -> str:
    return next((kind for start, kind in RESULT_KINDS if title.startswith(start)), "other")


RETURN_REASONS = [
    "Нет ссылки на нормативный акт, дополните.",
    "Не приложен акт обследования.",
    "Цифры не сходятся со сводом за прошлую неделю, перепроверьте.",
    "Ответ не по существу обращения, переделайте.",
    "Нужна виза юриста управления.",
]
CANCEL_REASONS = [
    "Вопрос снят с контроля заместителем акима.",
    "Заявитель отозвал обращение.",
    "Дублирует другое поручение, исполняется в его рамках.",
    "Объект исключён из плана финансирования.",
    "Совещание перенесено, пункт протокола утратил актуальность.",
]
MOVE_REASONS = [
    "Ожидаем ответ земельного кадастра.",
    "Заявитель не представил полный пакет документов.",
    "Ожидаем заключение государственной экспертизы.",
    "Запрос в НАО «Правительство для граждан» пока без ответа.",
    "Подрядчик не предоставил исполнительную документацию.",
    "Нужно согласование с управлением финансов.",
    "Выезд перенесён из-за погодных условий.",
    "Данные от районных акиматов поступили не в полном объёме.",
]
APPROVE_NOTES = ["Согласовано. Держите на контроле.", "Согласовано, но это последний перенос.", ""]
REFUSE_NOTES = [
    "Срок не переносим: поручение на контроле у акима.",
    "Отказано, срок установлен протоколом совещания.",
    "Отказано: документы можно запросить параллельно.",
]
COMMENTS = [
    "Запросили недостающие документы у заявителя.",
    "Созвонились с заявителем, документы донесёт до пятницы.",
    "Направлен запрос в земельный кадастр, ждём ответ.",
    "Черновик ответа в общей папке, посмотрите, пожалуйста.",
    "Прошу ускорить: вопрос на контроле у заместителя акима.",
    "Выезд согласован на завтра, 10:00.",
    "Данные от районных акиматов получены.",
    "Нужна помощь юриста с формулировкой.",
    "Обсудили на летучке, срок оставляем.",
    "Принято, работаю.",
]
CHECKLISTS: dict[str, list[str]] = {
    Source.INSTRUCTION: [
        "Собрать данные от районов", "Подготовить справку", "Согласовать с руководителем",
        "Направить в аппарат акима",
    ],
    Source.LETTER: [
        "Зарегистрировать в ЕСЭДО", "Проверить пакет документов", "Подготовить проект ответа",
        "Согласовать с юристом", "Подписать у руководителя", "Направить ответ заявителю",
    ],
    Source.MEETING: ["Изучить протокол", "Подготовить информацию", "Доложить на летучке"],
    Source.INITIATIVE: ["Согласовать дату выезда", "Провести выезд", "Составить акт", "Фотоотчёт"],
}  # fmt: skip
RECURRING = [
    # title, description, every, day (weekly: the weekday, 0 = Monday; monthly: the day of the
    # month), priority, responsible (the directorate's deputy head or .03)
    (
        "Еженедельный отчёт руководителю",
        "Итоги недели: что сделано, что в работе, риски и что нужно от руководителя.",
        RecurringTask.Every.WEEK,
        4,
        Priority.NORMAL,
        "deputy",
    ),
    (
        "Ежемесячный свод по исполнению поручений акима",
        "Свод по всем поручениям месяца: исполнено, в работе, просрочено — с причинами.",
        RecurringTask.Every.MONTH,
        25,
        Priority.HIGH,
        "03",
    ),
]


@dataclass(frozen=True)
class _Template:
    text: str
    names: tuple[str, ...]  # the placeholders to fill
    result: str  # the kind of result (RESULTS)
    sender: str  # who writes such a letter: "citizen" (ЖТ-…), "company" (ЗТ-…) or "other"


def _compile(templates: list[str]) -> list[_Template]:
    compiled = []
    for text in templates:
        names = tuple(name for _, name, _, _ in string.Formatter().parse(text) if name)
        if "fio_gen" in names or "жителей" in text:
            sender = "citizen"
        elif {"org", "ip", "kh"} & set(names):
            sender = "company"
        else:
            sender = "other"
        compiled.append(_Template(text, names, _result_kind(text), sender))
    return compiled


COMPILED = {
    key: {source: _compile(profile[source] + GENERIC[source]) for source in SOURCE_WEIGHTS}
    for key, profile in PROFILES.items()
}


# --- the calendar window, in working minutes -----------------------------------------------


class _Clock:
    """Working days around today and the conversion of working minutes to aware datetimes."""

    def __init__(self, now: dt.datetime) -> None:
        local = timezone.localtime(now)
        today = local.date()
        start = today - dt.timedelta(days=HISTORY_DAYS + 45)
        end = today + dt.timedelta(days=FUTURE_DAYS + 45)
        ensure_calendar(start=start, end=end)
        self.days: list[dt.date] = list(
            CalendarDay.objects.filter(date__gte=start, date__lte=end, is_working=True)
            .order_by("date")
            .values_list("date", flat=True)
        )
        self.working = set(self.days)
        zone = timezone.get_current_timezone()
        self.midnight = [dt.datetime.combine(d, dt.time(), tzinfo=zone) for d in self.days]
        self.deadline = [dt.datetime.combine(d, END_OF_WORKING_DAY, tzinfo=zone) for d in self.days]
        self.minute = [dt.timedelta(minutes=DAY_START + m) for m in range(W)]
        self.label = [d.strftime("%d.%m.%Y") for d in self.days]
        self.now = now
        self.today = today
        self.first = bisect_left(self.days, today - dt.timedelta(days=HISTORY_DAYS))
        self.last = bisect_right(self.days, today + dt.timedelta(days=FUTURE_DAYS)) - 1
        # The first working day from today on, and the latest working minute not after now.
        self.today_index = bisect_left(self.days, today)
        last_working = bisect_right(self.days, today) - 1
        if self.days[last_working] == today:
            minute = local.hour * 60 + local.minute - DAY_START
            self.now_w = (
                last_working * W + min(minute, W - 1) if minute >= 0 else last_working * W - 1
            )
        else:
            self.now_w = last_working * W + W - 1

    def index_of(self, day: dt.date) -> int:
        """The first working day from `day` on."""
        return bisect_left(self.days, day)

    def at(self, w: int) -> dt.datetime:
        return self.midnight[w // W] + self.minute[w % W]

    def is_past(self, day: int) -> bool:
        return self.deadline[day] < self.now

    def due(self, target: dt.date) -> dt.date:
        """Like tasks.services._next_due: a day off moves to the working day before in the same
        month, otherwise to the next working day."""
        candidate = target
        while (
            candidate not in self.working
            and (candidate - dt.timedelta(days=1)).month == target.month
        ):
            candidate -= dt.timedelta(days=1)
        if candidate in self.working:
            return candidate
        return self.days[bisect_left(self.days, target)]


# --- the plan of one directorate -------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    title: str
    description: str
    author: int
    responsible: int
    source: str
    priority: int
    number: str
    doc_date: dt.date | None
    day: int  # index of the deadline's working day
    created: int  # working minute
    kind: str  # the kind of result it ends with (RESULTS)
    recurrence: int | None = None  # index into the directorate's RECURRING templates
    first_day: int = -1  # the deadline's day before an approved move
    status: str = Status.NEW
    started: int | None = None
    first_submitted: int | None = None
    submitted: int | None = None
    returned: int | None = None
    done: int | None = None
    cancelled: int | None = None
    result: str = ""
    return_reason: str = ""
    cancel_reason: str = ""
    manager: int = 0  # who accepts, returns, cancels and decides moves
    pk: int | None = None
    moves: list[dict] = field(default_factory=list)


@dataclass
class _Directorate:
    pk: int
    slug: str
    real: bool
    profile: str
    head: int
    deputy_head: int
    people: list[tuple[int, str]]  # (pk, username), sorted by username
    deputy_akim: int


class _Planner:
    """Draws one directorate's tasks: titles, authors, deadlines, statuses and timestamps."""

    def __init__(self, clock: _Clock, d: _Directorate) -> None:
        self.clock = clock
        self.d = d
        # Two streams: what is asked (titles, authors, deadlines, numbers) depends only on the
        # slug and today; how far it got (statuses, times, moves, comments) also on the clock,
        # so the same day always brings the same tasks.
        rng = random.Random(f"tasks-demo-{d.slug}")
        self.rng = rng
        self.fate = random.Random(f"tasks-demo-fate-{d.slug}")
        self.templates = COMPILED[d.profile]
        pools = dict(COMMON_POOLS)
        pools["ip"] = [
            f"ИП {rng.choice(SURNAMES)} {rng.choice(INITIALS)}.{rng.choice(INITIALS)}."
            for _ in range(40)
        ]
        pools["fio_gen"] = []
        for _ in range(40):
            surname = rng.choice(DECLINABLE)
            female = rng.random() < 0.5
            who = "гражданки" if female else "гражданина"
            declined = surname + ("ой" if female else "а")
            pools["fio_gen"].append(
                f"{who} {declined} {rng.choice(INITIALS)}.{rng.choice(INITIALS)}."
            )
        pools["cadastre"] = [
            f"22-{rng.randint(310, 340)}-{rng.randint(1, 999):03d}-{rng.randint(1, 9999):04d}"
            for _ in range(60)
        ]
        self.pools = pools
        self.sources = list(SOURCE_WEIGHTS)
        self.source_weights = list(SOURCE_WEIGHTS.values())
        self.priorities = {s: (list(w), list(w.values())) for s, w in PRIORITY_WEIGHTS.items()}
        self.out_prefix = f"{rng.randint(10, 40)}-{rng.randint(1, 12):02d}"

    # one task's request ----------------------------------------------------------------------

    def draft(self, person: int, role: str, day: int) -> _Draft:
        rng, clock, d = self.rng, self.clock, self.d
        source = rng.choices(self.sources, self.source_weights)[0]
        template = rng.choice(self.templates[source])
        n = rng.randint(1, 60)
        values: dict[str, object] = {
            name: rng.choice(self.pools[name]) for name in template.names if name != "n"
        }
        values["n"] = n
        title = template.text.format_map(values)[:200]
        # Who sets it: the deputy akim for the akim's instructions (and everything the head
        # answers for), the head for letters and meetings, oneself for own initiatives.
        if source == Source.INITIATIVE:
            author = person if role == "head" or rng.random() < 0.65 else d.head
        elif source == Source.INSTRUCTION or role == "head":
            author = d.deputy_akim
        elif person != d.deputy_head and rng.random() < 0.15:
            author = d.deputy_head
        else:
            author = d.head
        lo, hi = LEAD_DAYS[source]
        created_day = max(day - rng.randint(lo, hi), 0)
        created = created_day * W + rng.randint(0, W - 1)
        if created > clock.now_w - 30:
            # Set no later than a little before now.
            created = max(clock.now_w - self.fate.randint(30, 4 * W), 0)
            created_day = created // W
        number, doc_date = "", None
        if source == Source.INSTRUCTION:
            number = f"{rng.randint(10, 25)}-{rng.randint(1, 12):02d}/{rng.randint(100, 4999)}"
            doc_date = clock.days[max(created_day - rng.randint(0, 2), 0)]
        elif source == Source.LETTER:
            doc_date = clock.days[max(created_day - rng.randint(0, 3), 0)]
            # Appeals through e-Otinish: ЖТ- from individuals, ЗТ- from organisations.
            if template.sender == "citizen" or (
                template.sender == "company" and rng.random() < 0.6
            ):
                prefix = "ЖТ" if template.sender == "citizen" else "ЗТ"
                number = f"{prefix}-{doc_date.year}-{rng.randint(1, 99_999_999):08d}"
            else:
                number = f"вх. № {rng.randint(1, 9999)}"
        elif source == Source.MEETING:
            number = f"Протокол № {n}"
            doc_date = clock.days[created_day]
        keys, weights = self.priorities[source]
        return _Draft(
            title=title,
            description=rng.choice(DESCRIPTIONS[source]),
            author=author,
            responsible=person,
            source=source,
            priority=rng.choices(keys, weights)[0],
            number=number,
            doc_date=doc_date,
            day=day,
            created=created,
            kind=template.result,
            manager=author if author != person else (d.deputy_akim if role == "head" else d.head),
        )

    def occurrence(self, person: int, template: int, day: int) -> _Draft:
        """A recurring template's occurrence: set by the head a few days before it is due."""
        rng = self.rng
        title, description, _every, _day, priority, _who = RECURRING[template]
        created = max(day - rng.randint(3, 5), 0) * W + rng.randint(0, 60)
        created = min(created, self.clock.now_w - 30)
        return _Draft(
            title=title,
            description=description,
            author=self.d.head,
            responsible=person,
            source=Source.INITIATIVE,
            priority=priority,
            number="",
            doc_date=None,
            day=day,
            created=created,
            kind="report",
            recurrence=template,
            manager=self.d.head,
        )

    # one person's tasks ----------------------------------------------------------------------

    def person(
        self, pk: int, username: str, role: str, occurrences: list[tuple[int, int]]
    ) -> list[_Draft]:
        rng, clock = self.rng, self.clock
        count = rng.randint(*TASKS_PER_PERSON)
        drafts = [self.draft(pk, role, rng.randint(clock.first, clock.last)) for _ in range(count)]
        drafts += [self.occurrence(pk, template, day) for template, day in occurrences]
        pinned = username in PINNED_OVERDUE
        if pinned:
            overdue = PINNED_OVERDUE[username]
        else:
            overdue = self.fate.choices(range(len(OVERDUE_WEIGHTS)), OVERDUE_WEIGHTS)[0]
        # Overdue work piles up among the recent deadlines; a head's overdue tasks are the ones
        # the deputy akim set (that is what the article counts).
        candidates = sorted(
            (t for t in drafts if t.day < clock.today_index and (role != "head" or t.author != pk)),
            key=lambda t: -t.day,
        )
        pool = candidates[: max(3 * overdue, 12)]
        chosen = {id(t) for t in self.fate.sample(pool, min(overdue, len(pool)))}
        for t in drafts:
            if id(t) in chosen:
                self._open(t, overdue=True)
            elif clock.is_past(t.day) or (pinned and clock.days[t.day] <= clock.today):
                self._closed(t)
            else:
                self._current(t)
        return drafts

    # statuses and timestamps -----------------------------------------------------------------

    def _late_bias(self, lo: int, hi: int) -> int:
        """A moment in [lo, hi], most often near hi (people finish close to the deadline)."""
        if hi <= lo:
            return hi
        return hi - int(self.fate.random() ** 2 * (hi - lo))

    def _early_bias(self, lo: int, hi: int) -> int:
        if hi <= lo:
            return hi
        return lo + int(self.fate.random() ** 2 * (hi - lo))

    def _result(self, t: _Draft, w: int) -> str:
        rng = self.fate
        return rng.choice(RESULTS[t.kind]).format(
            out=f"{self.out_prefix}/{rng.randint(100, 9999)}", date=self.clock.label[w // W]
        )

    def _done(self, t: _Draft, done: int) -> None:
        rng = self.fate
        t.status = Status.DONE
        t.done = done
        t.started = self._early_bias(t.created, done)
        if t.author == t.responsible:
            t.submitted = done
        else:
            t.submitted = self._late_bias(t.started, done)
            if rng.random() < 0.07 and t.submitted - t.started >= 3:
                # Returned once: handed in, sent back, handed in again.
                t.first_submitted = rng.randint(t.started, t.submitted - 2)
                t.returned = rng.randint(t.first_submitted + 1, t.submitted - 1)
                t.return_reason = rng.choice(RETURN_REASONS)
        t.result = self._result(t, t.submitted)

    def _cancel(self, t: _Draft, until: int) -> None:
        rng = self.fate
        t.status = Status.CANCELLED
        t.cancelled = rng.randint(t.created, max(t.created, until))
        if rng.random() < 0.4:
            t.started = self._early_bias(t.created, t.cancelled)
        t.cancel_reason = rng.choice(CANCEL_REASONS)

    def _closed(self, t: _Draft) -> None:
        """A task whose deadline has passed and that is not overdue: done (some late) or
        cancelled."""
        rng, clock = self.fate, self.clock
        now_w, day_end = clock.now_w, t.day * W + W - 1
        if rng.random() < 0.04:
            self._cancel(t, min(now_w, day_end + 2 * W))
            return
        if rng.random() < 0.15 and (t.day + 1) * W <= now_w:
            late_day = t.day + 1 + int(rng.random() ** 2 * 8)
            done = rng.randint((t.day + 1) * W, min(now_w, late_day * W + W - 1))
        else:
            done = self._late_bias(t.created + 30, min(day_end, now_w))
        self._done(t, max(done, t.created))

    def _open(self, t: _Draft, *, overdue: bool) -> None:
        rng, now_w = self.fate, self.clock.now_w
        self_set = t.author == t.responsible
        roll = rng.random()
        if self_set:
            t.status = Status.NEW if roll < 0.2 else Status.IN_PROGRESS
        elif overdue:
            t.status = (
                Status.NEW
                if roll < 0.12
                else Status.IN_PROGRESS
                if roll < 0.67
                else Status.AWAITING_ACCEPTANCE
                if roll < 0.89
                else Status.RETURNED
            )
        else:
            t.status = (
                Status.NEW
                if roll < 0.3
                else Status.IN_PROGRESS
                if roll < 0.8
                else Status.AWAITING_ACCEPTANCE
                if roll < 0.96
                else Status.RETURNED
            )
        if t.status == Status.NEW:
            return
        t.started = self._early_bias(t.created, now_w)
        if t.status == Status.AWAITING_ACCEPTANCE:
            t.submitted = rng.randint(t.started, now_w)
            t.result = self._result(t, t.submitted)
        elif t.status == Status.RETURNED:
            t.submitted = t.first_submitted = rng.randint(t.started, now_w)
            t.returned = rng.randint(min(t.submitted + 1, now_w), now_w)
            t.result = self._result(t, t.submitted)
            t.return_reason = rng.choice(RETURN_REASONS)

    def _current(self, t: _Draft) -> None:
        """A task due from now on: mostly in work, some already done early, a few cancelled."""
        rng = self.fate
        roll = rng.random()
        if roll < 0.015:
            self._cancel(t, self.clock.now_w)
        elif roll < 0.2:
            self._done(t, self._late_bias(t.created, self.clock.now_w))
        else:
            self._open(t, overdue=False)

    # extras of the five real directorates ----------------------------------------------------

    def stop(self, t: _Draft) -> int:
        """When the task left work in progress: first hand-in, done, cancelled, or now."""
        for moment in (t.first_submitted, t.submitted, t.done, t.cancelled):
            if moment is not None:
                return moment
        return self.clock.now_w

    def moves(self, t: _Draft) -> None:
        """Maybe one or two requests to move the deadline, decided or waiting."""
        rng, clock = self.fate, self.clock
        stop = self.stop(t)
        roll = rng.random()
        is_open = t.status not in (Status.DONE, Status.CANCELLED)
        if roll < 0.6:
            # Approved: the deadline was earlier; the request came before the new deadline.
            old_day = t.day - rng.randint(2, 8)
            if old_day <= t.created // W:
                return
            latest = min(stop, t.day * W) - 60
            if latest <= t.created + 15:
                return
            requested = self._late_bias(t.created + 15, latest)
            reason = rng.choice(MOVE_REASONS)
            decided = rng.randint(requested + 10, min(requested + W, latest + 50))
            # Working days already overdue when approved stay counted (as the service does).
            overdue_before = max(decided // W - old_day, 0)
            t.first_day = old_day
            t.moves.append(
                {
                    "state": DeadlineChange.State.APPROVED,
                    "reason": reason,
                    "old": old_day,
                    "new": t.day,
                    "requested": requested,
                    "decided": decided,
                    "overdue_days_before": overdue_before,
                    "note": rng.choice(APPROVE_NOTES),
                }
            )
        elif roll < 0.85 or not is_open:
            new_day = min(t.day + rng.randint(2, 8), len(clock.days) - 1)
            latest = min(stop, t.day * W + W - 1, clock.now_w) - 30
            if latest <= t.created + 15:
                return
            requested = rng.randint(t.created + 15, latest)
            decided = rng.randint(requested + 10, latest + 20)
            t.moves.append(
                {
                    "state": DeadlineChange.State.REFUSED,
                    "reason": rng.choice(MOVE_REASONS),
                    "old": t.day,
                    "new": new_day,
                    "requested": requested,
                    "decided": decided,
                    "overdue_days_before": 0,
                    "note": rng.choice(REFUSE_NOTES),
                }
            )
        else:
            new_day = min(max(t.day, clock.today_index) + rng.randint(2, 8), len(clock.days) - 1)
            requested = rng.randint(max(t.created, clock.now_w - 2 * W), clock.now_w)
            t.moves.append(
                {
                    "state": DeadlineChange.State.PENDING,
                    "reason": rng.choice(MOVE_REASONS),
                    "old": t.day,
                    "new": new_day,
                    "requested": requested,
                    "decided": None,
                    "overdue_days_before": 0,
                    "note": "",
                }
            )


# --- building rows -------------------------------------------------------------------------


# Task columns in the order the rows below are built (the id first, when given).
TASK_FIELDS = [
    "title", "description", "author_id", "responsible_id", "department_id", "priority", "source",
    "source_number", "source_date", "deadline", "status", "result", "return_reason",
    "cancel_reason", "created_at", "started_at", "submitted_at", "returned_at", "done_at",
    "cancelled_at", "recurrence_id", "version",
]  # fmt: skip
HISTORY_EXTRA = ["history_date", "history_change_reason", "history_type", "history_user_id"]


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # a concrete column of the table
    return field.column


def _copy(model: type[Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert rows with PostgreSQL's COPY: the fast path for hundreds of thousands of rows."""
    columns = ", ".join(connection.ops.quote_name(_column(model, f)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _next_ids(model: type[Model], count: int) -> list[int]:
    """Take `count` ids from the table's sequence, so rows can be copied with their ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _task_row(
    clock: _Clock, department: int, t: _Draft, recurrences: list[int], version: int
) -> tuple:
    at = clock.at
    return (
        t.title,
        t.description,
        t.author,
        t.responsible,
        department,
        t.priority,
        t.source,
        t.number,
        t.doc_date,
        clock.deadline[t.day],
        t.status,
        t.result,
        t.return_reason,
        t.cancel_reason,
        at(t.created),
        None if t.started is None else at(t.started),
        None if t.submitted is None else at(t.submitted),
        None if t.returned is None else at(t.returned),
        None if t.done is None else at(t.done),
        None if t.cancelled is None else at(t.cancelled),
        None if t.recurrence is None else recurrences[t.recurrence],
        version,
    )


def _known(moment: int | None) -> int:
    """A draft's moment (or id) that its state guarantees is set (a done task's `done`...)."""
    assert moment is not None
    return moment


def _events(clock: _Clock, t: _Draft) -> list[tuple[int, int, str, dict]]:
    """The task's changes as the services would have recorded them: (moment, who, reason,
    changed fields), in time order, starting with its creation."""
    at = clock.at
    events: list[tuple[int, int, str, dict]] = [(t.created, t.author, gettext_noop("created"), {})]
    worker, manager = t.responsible, t.manager
    if t.started is not None and not (t.author == worker and t.started == t.done):
        events.append(
            (
                t.started,
                worker,
                gettext_noop("started"),
                {"status": Status.IN_PROGRESS, "started_at": at(t.started)},
            )
        )
    for move in t.moves:
        if move["state"] == DeadlineChange.State.APPROVED:
            reason = with_data(DEADLINE_MOVED, move["reason"])
            events.append(
                (move["decided"], manager, reason, {"deadline": clock.deadline[move["new"]]})
            )
    if t.first_submitted is not None:
        events.append(
            (
                t.first_submitted,
                worker,
                gettext_noop("submitted"),
                {
                    "status": Status.AWAITING_ACCEPTANCE,
                    "result": t.result,
                    "submitted_at": at(t.first_submitted),
                },
            )
        )
        events.append(
            (
                _known(t.returned),
                manager,
                gettext_noop("returned"),
                {
                    "status": Status.RETURNED,
                    "return_reason": t.return_reason,
                    "returned_at": at(_known(t.returned)),
                },
            )
        )
    if t.status == Status.DONE and t.author == worker:
        events.append(
            (
                _known(t.done),
                worker,
                gettext_noop("submitted and accepted"),
                {
                    "status": Status.DONE,
                    "result": t.result,
                    "submitted_at": at(_known(t.submitted)),
                    "started_at": at(_known(t.started)),
                    "done_at": at(_known(t.done)),
                },
            )
        )
    elif t.submitted is not None and t.submitted != t.first_submitted:
        events.append(
            (
                t.submitted,
                worker,
                gettext_noop("submitted"),
                {
                    "status": Status.AWAITING_ACCEPTANCE,
                    "result": t.result,
                    "submitted_at": at(t.submitted),
                },
            )
        )
    if t.status == Status.DONE and t.author != worker:
        events.append(
            (
                _known(t.done),
                manager,
                "accepted",
                {"status": Status.DONE, "done_at": at(_known(t.done))},
            )
        )
    if t.status == Status.CANCELLED:
        events.append(
            (
                _known(t.cancelled),
                manager,
                gettext_noop("cancelled"),
                {
                    "status": Status.CANCELLED,
                    "cancel_reason": t.cancel_reason,
                    "cancelled_at": at(_known(t.cancelled)),
                },
            )
        )
    events.sort(key=lambda e: e[0])
    return events


def _history_fields() -> list[str]:
    return [f.attname for f in Task.history.model.tracked_fields]


def _history_rows(
    clock: _Clock, fields: list[str], row: tuple, t: _Draft, events: list
) -> Iterable[tuple]:
    """History rows of a task (`row` is its id and TASK_FIELDS values), one per event, each
    with the state after it."""
    state = dict(zip(["id", *TASK_FIELDS], row, strict=True))
    state.update(
        status=Status.NEW,
        deadline=clock.deadline[t.first_day if t.first_day >= 0 else t.day],
        result="",
        return_reason="",
        cancel_reason="",
        started_at=None,
        submitted_at=None,
        returned_at=None,
        done_at=None,
        cancelled_at=None,
    )
    for number, (moment, user, reason, changes) in enumerate(events):
        state.update(changes)
        yield (
            *(state[f] for f in fields),
            clock.at(moment),
            reason,
            "+" if number == 0 else "~",
            user,
        )


def _seed_real_extras(
    clock: _Clock, d: _Directorate, planner: _Planner, drafts: list[_Draft]
) -> dict[str, int]:
    """Moves, comments, checklists and co-executors of a real directorate's tasks (pk set)."""
    rng = planner.fate
    at = clock.at
    moves, comments, items, co = [], [], [], []
    colleagues = [pk for pk, _ in d.people]
    for t in drafts:
        for move in t.moves:
            change = DeadlineChange(
                task_id=_known(t.pk),
                old_deadline=clock.deadline[move["old"]],
                new_deadline=clock.deadline[move["new"]],
                reason=move["reason"],
                requested_by_id=t.responsible,
                requested_at=at(move["requested"]),
                state=move["state"],
                decided_by_id=None if move["decided"] is None else t.manager,
                decided_at=None if move["decided"] is None else at(move["decided"]),
                decision_note=move["note"],
                overdue_days_before=move["overdue_days_before"],
            )
            change._history_date = change.decided_at or change.requested_at
            change._history_user = User(pk=change.decided_by_id or t.responsible)
            moves.append(change)
        stop = planner.stop(t) if t.status != Status.DONE else t.done
        roll = rng.random()
        if roll < 0.1:
            moments = sorted(rng.randint(t.created, _known(stop)) for _ in range(rng.randint(1, 3)))
            for number, moment in enumerate(moments):
                author = t.responsible if number % 2 == 0 else t.manager
                comments.append(
                    Comment(
                        task_id=_known(t.pk),
                        author_id=author,
                        body=rng.choice(COMMENTS),
                        created_at=at(moment),
                    )  # fmt: skip
                )
        if rng.random() < 0.06:
            texts = CHECKLISTS[t.source][: rng.randint(3, len(CHECKLISTS[t.source]))]
            finished = len(texts) if t.status == Status.DONE else rng.randint(0, len(texts) - 1)
            start = t.started if t.started is not None else t.created
            end = t.done or t.cancelled or clock.now_w
            moments = sorted(rng.randint(start, max(start, end)) for _ in texts)
            for position, text in enumerate(texts):
                is_done = position < finished
                item = ChecklistItem(
                    task_id=_known(t.pk),
                    text=text,
                    position=position,
                    is_done=is_done,
                    done_by_id=t.responsible if is_done else None,
                    done_at=at(moments[position]) if is_done else None,
                )
                item._history_date = at(t.created)
                item._history_user = User(pk=t.author)
                items.append(item)
        if rng.random() < 0.05:
            others = [pk for pk in colleagues if pk != t.responsible]
            for pk in rng.sample(others, min(len(others), rng.randint(1, 2))):
                co.append(Task.co_executors.through(task_id=t.pk, user_id=pk))
    bulk_create_with_history(moves, DeadlineChange, batch_size=BATCH)
    Comment.objects.bulk_create(comments, batch_size=BATCH)
    bulk_create_with_history(items, ChecklistItem, batch_size=BATCH)
    Task.co_executors.through.objects.bulk_create(co, batch_size=BATCH)
    return {"moves": len(moves), "comments": len(comments)}


def _absences(clock: _Clock, d: _Directorate) -> list[Absence]:
    """One absence per real directorate: a current leave with an acting person in `land`, a
    business trip next week in `construction`, and a past sick leave or trip elsewhere."""
    rng = random.Random(f"tasks-demo-absence-{d.slug}")
    staff = [(pk, name) for pk, name in d.people if name.split(".")[-1].isdigit()]
    if len(staff) < 2:
        return []
    (who, _), (acting, _) = rng.sample(staff, 2)
    today = clock.today
    if d.slug == "land":
        kind, start, days = Absence.Kind.LEAVE, today - dt.timedelta(days=6), 21
    elif d.slug == "construction":
        # Next week, Monday to Thursday.
        kind, start, days = Absence.Kind.TRIP, today + dt.timedelta(days=7 - today.weekday()), 4
    else:
        kind = rng.choice([Absence.Kind.SICK, Absence.Kind.TRIP])
        start, days = today - dt.timedelta(days=rng.randint(20, 90)), rng.randint(3, 7)
    absence = Absence(
        user_id=who,
        kind=kind,
        start=start,
        end=start + dt.timedelta(days=days - 1),
        acting_id=acting if kind != Absence.Kind.SICK else None,
    )
    absence._history_user = User(pk=d.head)
    absence._history_date = clock.at(min(clock.now_w, clock.index_of(start) * W) - 10 * W)
    return [absence]


def _recurring_dates(clock: _Clock, every: str, day: int) -> tuple[list[int], dt.date]:
    """Indices of the occurrences due from the window's start to five working days ahead
    (what the recurring job would already have set), and the template's next due date."""
    horizon = clock.days[clock.today_index + 5]
    start = clock.days[clock.first]
    dates: list[dt.date] = []
    targets: list[dt.date] = []
    if every == RecurringTask.Every.WEEK:
        target = start + dt.timedelta(days=(day - start.weekday()) % 7)
        step = dt.timedelta(days=7)
        while len(targets) < 40:
            targets.append(target)
            target += step
    else:
        year, month = start.year, start.month
        for _ in range(12):
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            targets.append(dt.date(year, month, min(day, last)))
            year, month = year + month // 12, month % 12 + 1
    for target in targets:
        due = clock.due(target)
        if due > horizon:
            return [clock.days.index(x) for x in dates], due
        if due >= start:
            dates.append(due)
    raise AssertionError("the calendar window is too short for the recurring templates")


@transaction.atomic
def _seed_chunk(clock: _Clock, directorates: list[_Directorate]) -> dict[str, int]:
    counts = {"tasks": 0, "moves": 0, "comments": 0}
    plain: list[tuple] = []
    for d in directorates:
        planner = _Planner(clock, d)
        if not d.real:
            for pk, username in d.people:
                role = "head" if pk == d.head else "staff"
                for t in planner.person(pk, username, role, []):
                    plain.append(_task_row(clock, d.pk, t, [], 1))
            continue
        counts["tasks"] += _seed_real(clock, d, planner, counts)
    _copy(Task, TASK_FIELDS, plain)
    counts["tasks"] += len(plain)
    return counts


def _seed_real(clock: _Clock, d: _Directorate, planner: _Planner, counts: dict[str, int]) -> int:
    """One of the five directorates: recurring templates, an absence, tasks with their history,
    deadline moves, comments, checklists and co-executors."""
    usernames = {name: pk for pk, name in d.people}
    templates = []
    occurrences: dict[int, list[tuple[int, int]]] = {}
    for number, (title, description, every, day, priority, who) in enumerate(RECURRING):
        responsible = usernames.get(f"{d.slug}.{who}", d.deputy_head)
        dates, next_due = _recurring_dates(clock, every, day)
        template = RecurringTask(
            title=title,
            description=description,
            author_id=d.head,
            responsible_id=responsible,
            priority=priority,
            every=every,
            weekdays=[day] if every == RecurringTask.Every.WEEK else [],
            day=day if every == RecurringTask.Every.MONTH else None,
            next_deadline=next_due,
        )
        template._history_user = User(pk=d.head)
        template._history_date = clock.at(max(clock.first * W - 5 * W, 0))
        templates.append(template)
        occurrences.setdefault(responsible, []).extend((number, i) for i in dates)
    recurrences = [t.pk for t in bulk_create_with_history(templates, RecurringTask)]
    bulk_create_with_history(_absences(clock, d), Absence)
    drafts: list[_Draft] = []
    for pk, username in d.people:
        role = "head" if pk == d.head else "staff"
        drafts += planner.person(pk, username, role, occurrences.get(pk, []))
    rng = planner.fate
    for t in drafts:
        if rng.random() < 0.04:
            planner.moves(t)
    ids = _next_ids(Task, len(drafts))
    fields = _history_fields()
    rows: list[tuple[Any, ...]] = []
    history: list[tuple[Any, ...]] = []
    for pk, t in zip(ids, drafts, strict=True):
        t.pk = pk
        events = _events(clock, t)
        row = (pk, *_task_row(clock, d.pk, t, recurrences, len(events)))
        rows.append(row)
        history.extend(_history_rows(clock, fields, row, t, events))
    _copy(Task, ["id", *TASK_FIELDS], rows)
    _copy(Task.history.model, [*fields, *HISTORY_EXTRA], history)
    extras = _seed_real_extras(clock, d, planner, drafts)
    counts["moves"] += extras["moves"]
    counts["comments"] += extras["comments"]
    return len(rows)


def _directorates(slugs: list[str], deputy_akim: int | None) -> list[_Directorate]:
    """The directorates among `slugs` that exist and have no demo tasks yet, with their people."""
    seeded = Exists(
        Task.objects.filter(department=OuterRef("pk")).exclude(
            source__in=[Source.PLAN, Source.RECEPTION]
        )
    )
    rows = list(
        Department.objects.filter(slug__in=slugs)
        .filter(~seeded)
        .order_by("pk")
        .values_list("pk", "slug", "head_id")
    )
    people: dict[int, list[tuple[int, str]]] = {}
    for pk, username, department in (
        User.objects.filter(department_id__in=[r[0] for r in rows], is_active=True)
        .order_by("username")
        .values_list("pk", "username", "department_id")
    ):
        people.setdefault(department, []).append((pk, username))
    result = []
    for pk, slug, head in rows:
        members = people.get(pk, [])
        if not members:
            continue
        head = head or members[0][0]
        names = {name: user for user, name in members}
        number = int(slug[1:]) if slug[1:].isdigit() else 0
        result.append(
            _Directorate(
                pk=pk,
                slug=slug,
                real=slug in REAL_SLUGS,
                profile=slug if slug in PROFILES else list(PROFILES)[(number - 1) % len(PROFILES)],
                head=head,
                deputy_head=names.get(f"{slug}.deputy", head),
                people=members,
                deputy_akim=deputy_akim or head,
            )
        )
    return result


def seed(*, scale: int, progress: Callable[[Iterable[int]], Iterable[int]]) -> str:
    """Seed the tasks of the 5 x scale directorates that have none yet; return a summary."""
    clock = _Clock(timezone.now())
    deputy_akim = User.objects.filter(username="deputy").values_list("pk", flat=True).first()
    slugs = [directorate_names(n)[0] for n in range(1, len(DIRECTORATES) * scale + 1)]
    counts = {"tasks": 0, "moves": 0, "comments": 0}
    for first in progress(range(0, len(slugs), CHUNK)):
        directorates = _directorates(slugs[first : first + CHUNK], deputy_akim)
        if directorates:
            for key, value in _seed_chunk(clock, directorates).items():
                counts[key] += value
    return (
        f"tasks: {counts['tasks']} created "
        f"({counts['moves']} deadline moves, {counts['comments']} comments)"
    )
