"""Recurring tasks set up from the task form: each schedule's dates over December 2026 (Wednesday
16 December, Independence Day, is a day off), the end date, the nightly job run twice a night,
who may stop one, bad input, and the list's query count."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from akimat.calendar import ensure_calendar, is_working_day
from tasks import jobs, services
from tasks.models import Notification, RecurringTask, Schedule, Status, Task
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

ALMATY = ZoneInfo("Asia/Almaty")
HOLIDAY = dt.date(2026, 12, 16)
WEEK = RecurringTask.Every.WEEK
MONTH = RecurringTask.Every.MONTH
WORKDAY = RecurringTask.Every.WORKDAY


@pytest.fixture(autouse=True)
def calendar():
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def deadline(text: str, time: dt.time = dt.time(18, 30)) -> dt.datetime:
    return dt.datetime.combine(day(text), time, tzinfo=ALMATY)


def deadlines(template: RecurringTask) -> list[str]:
    tasks = Task.objects.filter(recurrence=template).order_by("deadline")
    return [timezone.localdate(t.deadline).isoformat() for t in tasks]


def recurring(author, responsible, schedule: Schedule, first: str, title: str = "Сводка") -> Task:
    return services.create_recurring_task(
        author=author,
        schedule=schedule,
        title=title,
        responsible=responsible,
        deadline=deadline(first),
    )


def toast(response) -> str:
    """The text of the toast an htmx answer shows."""
    return json.loads(response.headers["HX-Trigger"])["notify"]["text"]


def run_nights(first: dt.date, last: dt.date) -> int:
    """The nightly job at 00:30 of every day from `first` to `last`, run twice each night (a
    retried or doubled run): the second run of a night must set nothing."""
    created = 0
    night = first
    while night <= last:
        moment = dt.datetime.combine(night, dt.time(0, 30), tzinfo=ALMATY)
        with time_machine.travel(moment, tick=False):
            created += jobs.create_recurring_occurrences()
            assert jobs.create_recurring_occurrences() == 0, night
        night += dt.timedelta(days=1)
    return created


# --- the dates -------------------------------------------------------------------------------


def test_each_schedule_sets_its_dates_once_over_a_month_with_a_holiday(head, specialist):
    assert not is_working_day(HOLIDAY)
    every_day = recurring(
        head, specialist, Schedule(every=WORKDAY, until=day("2026-12-18")), "2026-12-01"
    )
    mondays_wednesdays = recurring(
        head,
        specialist,
        Schedule(every=WEEK, weekdays=(0, 2), until=day("2026-12-31")),
        "2026-12-02",
    )
    mondays_thursdays = recurring(
        head, specialist, Schedule(every=WEEK, weekdays=(3, 0)), "2026-12-07"
    )
    on_the_16th = recurring(
        head, specialist, Schedule(every=MONTH, day=16, until=day("2027-01-20")), "2026-11-30"
    )

    created = run_nights(day("2026-11-19"), day("2027-01-31"))

    # Every working day to the 18th: the 16th is skipped, the weekends too.
    assert deadlines(every_day.recurrence) == [
        "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08",
        "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-14", "2026-12-15", "2026-12-17",
        "2026-12-18",
    ]  # fmt: skip
    # Mondays and Wednesdays: Wednesday the 16th moves to Tuesday the 15th.
    assert deadlines(mondays_wednesdays.recurrence) == [
        "2026-12-02", "2026-12-07", "2026-12-09", "2026-12-14", "2026-12-15", "2026-12-21",
        "2026-12-23", "2026-12-28", "2026-12-30",
    ]  # fmt: skip
    # Mondays and Thursdays with no end: on to the five working days after the last night.
    # 1 to 4 January 2027 are days off: Monday the 4th has no working day before it in January,
    # so it moves on to Tuesday the 5th; Thursday the 7th (Orthodox Christmas) to the 6th.
    assert deadlines(mondays_thursdays.recurrence) == [
        "2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17", "2026-12-21", "2026-12-24",
        "2026-12-28", "2026-12-31", "2027-01-05", "2027-01-06", "2027-01-11", "2027-01-14",
        "2027-01-18", "2027-01-21", "2027-01-25", "2027-01-28", "2027-02-01", "2027-02-04",
    ]  # fmt: skip
    # The 16th of each month: a holiday in December, a Saturday in January; none after the end.
    assert deadlines(on_the_16th.recurrence) == ["2026-11-30", "2026-12-15", "2027-01-15"]
    # Each night's occurrences only: the first tasks were set by hand.
    assert created == Task.objects.count() - 4
    # Everyone set a task hears of it once.
    assert (
        Notification.objects.filter(recipient=specialist, kind=Notification.Kind.ASSIGNED).count()
        == Task.objects.count()
    )


def test_an_ended_schedule_sets_nothing_more_and_says_so(client, head, specialist):
    task = recurring(
        head, specialist, Schedule(every=WORKDAY, until=day("2026-12-02")), "2026-12-01"
    )
    run_nights(day("2026-11-30"), day("2026-12-10"))
    assert deadlines(task.recurrence) == ["2026-12-01", "2026-12-02"]
    task.recurrence.refresh_from_db()
    assert task.recurrence.has_ended

    client.force_login(head)
    page = client.get(task.get_absolute_url())
    assert "Каждый рабочий день до 02.12.2026" in page.text
    assert "Завершено" in page.text
    assert "Остановить повторы" not in page.text


def test_an_occurrence_keeps_the_first_deadline_time(head, specialist):
    services.create_recurring_task(
        author=head,
        schedule=Schedule(every=WEEK, weekdays=(4,)),
        title="Отчёт",
        responsible=specialist,
        deadline=deadline("2026-11-20", dt.time(12, 0)),
    )
    run_nights(day("2026-11-20"), day("2026-11-20"))
    [_, second] = Task.objects.order_by("deadline")
    assert timezone.localtime(second.deadline) == deadline("2026-11-27", dt.time(12, 0))
    assert second.author == head and second.responsible == specialist


# --- the form --------------------------------------------------------------------------------


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "once": str(uuid.uuid4()),
        "title": "Сводка по обращениям за неделю",
        "responsible": "",
        "deadline_date": "2026-11-19",
        "priority": 2,
        "source": "initiative",
        "repeat-repeat": "on",
        "repeat-every": "week",
        "repeat-weekdays": ["0", "3"],
        "repeat-day": "",
        "repeat-until": "2026-12-31",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_author_sets_a_weekly_task_from_the_form(client, specialist, colleague):
    client.force_login(specialist)

    response = client.post(
        reverse("tasks:task-create"), form_data(responsible=colleague.pk), follow=True
    )

    task = Task.objects.get()
    template = RecurringTask.objects.get()
    assert response.redirect_chain == [(task.get_absolute_url(), 302)]
    assert task.recurrence == template and task.author == specialist
    assert (template.every, template.weekdays, template.until) == (
        WEEK,
        [0, 3],
        day("2026-12-31"),
    )
    # Thursday the 19th is the first; the next is Monday the 23rd.
    assert template.next_deadline == day("2026-11-23")
    assert template.history.get().history_user == specialist
    text = response.text
    assert "Задача поставлена. Каждую неделю по понедельникам и четвергам до 31.12.2026." in text
    assert (
        'data-testid="recurrence-schedule">Каждую неделю по понедельникам и четвергам до 31.12.2026<'
        in text
    )
    assert "Следующая задача будет поставлена со сроком 23.11.2026" in text
    assert ">Повторяется</dt>" in text
    assert "Остановить повторы" in text


def test_the_other_schedules_from_the_form(client, head, specialist):
    client.force_login(head)
    client.post(
        reverse("tasks:task-create"),
        form_data(
            responsible=specialist.pk,
            **{"repeat-every": "month", "repeat-day": "31", "repeat-weekdays": None},
        ),
    )
    client.post(
        reverse("tasks:task-create"),
        form_data(
            responsible=specialist.pk,
            title="Сверка журнала",
            **{"repeat-every": "workday", "repeat-until": ""},
        ),
    )
    monthly, daily = RecurringTask.objects.order_by("pk")
    assert (monthly.every, monthly.day, monthly.weekdays) == (MONTH, 31, [])
    assert monthly.next_deadline == day("2026-11-30")
    assert (daily.every, daily.until, daily.weekdays) == (WORKDAY, None, [])
    assert daily.next_deadline == day("2026-11-20")
    assert monthly.schedule_text == "Каждый месяц 31-го числа до 31.12.2026"
    assert daily.schedule_text == "Каждый рабочий день"


def test_without_repeat_the_form_sets_a_plain_task(client, head, specialist):
    client.force_login(head)
    client.post(
        reverse("tasks:task-create"),
        form_data(responsible=specialist.pk, **{"repeat-repeat": None}),
    )
    assert Task.objects.get().recurrence is None
    assert not RecurringTask.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"repeat-weekdays": None}, "weekdays", "Выберите хотя бы один день недели."),
        (
            {"repeat-weekdays": ["0", "5"]},
            "weekdays",
            "Выберите рабочие дни недели, с понедельника по пятницу.",
        ),
        (
            {"repeat-weekdays": ["пн"]},
            "weekdays",
            "Выберите рабочие дни недели, с понедельника по пятницу.",
        ),
        ({"repeat-every": ""}, "every", "Выберите, как часто повторяется задача."),
        ({"repeat-every": "year"}, "every", "Выберите корректный вариант."),
        ({"repeat-every": "month"}, "day", "Укажите число месяца от 1 до 31."),
        ({"repeat-every": "month", "repeat-day": "0"}, "day", "Укажите число месяца от 1 до 31."),
        ({"repeat-every": "month", "repeat-day": "32"}, "day", "Укажите число месяца от 1 до 31."),
        ({"repeat-every": "month", "repeat-day": "abc"}, "day", "Укажите число месяца от 1 до 31."),
        (
            {"repeat-every": "month", "repeat-day": "9" * 40},
            "day",
            "Укажите число месяца от 1 до 31.",
        ),
        (
            {"repeat-until": "2026-11-18"},
            "until",
            "Повторы не могут закончиться раньше первого срока (19.11.2026).",
        ),
        ({"repeat-until": "2026-02-30"}, "until", "Введите правильную дату."),
        ({"repeat-until": "9999-12-31"}, "until", "Укажите дату между"),
        ({"repeat-until": "2026-12-31\x00"}, "until", "нулевой символ"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_is_set(
    client, head, specialist, changes, field, message
):
    client.force_login(head)

    response = client.post(
        reverse("tasks:task-create"), form_data(responsible=specialist.pk, **changes)
    )

    assert response.status_code == 200
    errors = response.context["repeat_form"].errors
    assert message in " ".join(errors[field]), errors
    assert message.split("(")[0] in response.text
    assert not Task.objects.exists() and not RecurringTask.objects.exists()


def test_a_bad_task_and_a_bad_schedule_are_told_at_once(client, head, specialist):
    client.force_login(head)
    response = client.post(
        reverse("tasks:task-create"),
        form_data(responsible=specialist.pk, title="", **{"repeat-weekdays": None}),
    )
    assert "title" in response.context["form"].errors
    assert "weekdays" in response.context["repeat_form"].errors
    assert not Task.objects.exists() and not RecurringTask.objects.exists()


def test_a_schedule_mistake_reads_in_kazakh_for_a_kazakh_page(client, head, specialist):
    head.language = "kk"
    head.save(update_fields=["language"])
    client.force_login(head)
    response = client.post(
        reverse("tasks:task-create"),
        form_data(responsible=specialist.pk, **{"repeat-weekdays": None}),
    )
    assert "Аптаның кемінде бір күнін таңдаңыз." in response.text
    assert "Тапсырманы қайталау" in response.text


def test_a_kazakh_reader_sees_the_schedule_in_kazakh(client, head, specialist):
    task = recurring(
        head,
        specialist,
        Schedule(every=WEEK, weekdays=(0, 3), until=day("2026-12-31")),
        "2026-11-19",
    )
    head.language = "kk"
    head.save(update_fields=["language"])
    client.force_login(head)
    page = client.get(task.get_absolute_url())
    assert "Апта сайын дүйсенбі және бейсенбі күндері, соңғы күні: 31.12.2026" in page.text
    assert "Қайталауды тоқтату" in page.text


def test_a_double_submit_sets_one_task_and_one_template(client, head, specialist):
    client.force_login(head)
    data = form_data(responsible=specialist.pk)
    first = client.post(reverse("tasks:task-create"), data)
    second = client.post(reverse("tasks:task-create"), data, follow=True)
    task = Task.objects.get()
    assert RecurringTask.objects.count() == 1
    assert first["Location"] == task.get_absolute_url()
    assert second.redirect_chain[-1][0] == task.get_absolute_url()
    assert "Эта форма уже сохранена: повторно ничего не добавлено." in second.text


def test_a_schedule_for_someone_out_of_reach_sets_nothing(client, specialist, outsider):
    client.force_login(specialist)
    response = client.post(reverse("tasks:task-create"), form_data(responsible=outsider.pk))
    assert "responsible" in response.context["form"].errors
    assert not Task.objects.exists() and not RecurringTask.objects.exists()


def test_html_in_the_title_is_kept_as_text(client, head, specialist):
    client.force_login(head)
    client.post(
        reverse("tasks:task-create"),
        form_data(responsible=specialist.pk, title="<script>alert(1)</script> Сводка"),
    )
    template = RecurringTask.objects.get()
    assert template.title == "<script>alert(1)</script> Сводка"
    page = client.get(reverse("tasks:recurring"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Сводка" in page.text
    assert "<script>alert(1)" not in page.text


# --- stopping --------------------------------------------------------------------------------


@pytest.fixture
def weekly(specialist, colleague):
    """A weekly task the specialist set for a colleague of the same directorate."""
    return recurring(
        specialist, colleague, Schedule(every=WEEK, weekdays=(0, 3)), "2026-11-19", "Сводка"
    )


@pytest.mark.parametrize(
    ("who", "status", "stops"),
    [
        ("specialist", 200, True),  # the author
        ("head", 200, True),  # the head of the responsible person's directorate
        ("deputy", 200, True),
        ("colleague", 404, False),  # the responsible person: it is not theirs to stop
        ("methodologist", 200, False),  # reads everything, changes nothing
        ("outsider", 404, False),
        ("receptionist", 404, False),
    ],
)
def test_who_may_stop_a_recurring_task(request, client, weekly, who, status, stops):
    client.force_login(request.getfixturevalue(who))
    template = weekly.recurrence

    response = client.post(
        reverse("tasks:recurring-stop", args=[template.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == status
    template.refresh_from_db()
    assert template.is_active is not stops
    if status == 200 and not stops:
        assert toast(response) == "Вы не можете остановить повторы этой задачи."


def test_stopping_from_the_task_page_keeps_the_tasks_and_sets_no_more(client, specialist, weekly):
    run_nights(day("2026-11-19"), day("2026-11-20"))
    set_before = deadlines(weekly.recurrence)
    assert set_before == ["2026-11-19", "2026-11-23", "2026-11-26"]
    client.force_login(specialist)

    response = client.post(
        reverse("tasks:recurring-stop", args=[weekly.recurrence.pk]),
        {"task": weekly.pk},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'id="task-detail"' in response.text and "<html" not in response.text
    assert "Остановлено" in response.text and "Остановить повторы" not in response.text
    assert toast(response) == (
        "Задача «Сводка» больше не повторяется; уже поставленные задачи остаются."
    )
    template = RecurringTask.objects.get()
    record = template.history.get(history_change_reason="stopped repeating")
    assert record.history_user == specialist and not record.is_active
    assert template.stopped_by == specialist
    assert run_nights(day("2026-11-21"), day("2026-12-10")) == 0
    assert deadlines(template) == set_before
    assert set(Task.objects.values_list("status", flat=True)) == {Status.NEW}


def test_stopping_twice_changes_nothing_the_second_time(client, specialist, weekly):
    client.force_login(specialist)
    url = reverse("tasks:recurring-stop", args=[weekly.recurrence.pk])
    client.post(url)
    stopped_at = RecurringTask.objects.get().stopped_at

    second = client.post(url, follow=True)

    assert "Повторы этой задачи уже остановлены." in second.text
    assert second.redirect_chain == [(reverse("tasks:recurring"), 302)]
    template = RecurringTask.objects.get()
    assert template.stopped_at == stopped_at and template.history.count() == 2


def test_a_bad_return_address_falls_back_to_the_list(client, specialist, weekly):
    client.force_login(specialist)
    response = client.post(
        reverse("tasks:recurring-stop", args=[weekly.recurrence.pk]),
        {"task": "1\x00; drop", "page": "9" * 30},
    )
    assert response["Location"] == reverse("tasks:recurring")
    assert not RecurringTask.objects.get().is_active


@pytest.mark.parametrize(
    ("who", "sees_button"),
    [("specialist", True), ("head", True), ("colleague", False), ("methodologist", False)],
)
def test_the_stop_button_shows_to_those_who_may_stop(request, client, weekly, who, sees_button):
    client.force_login(request.getfixturevalue(who))
    page = client.get(weekly.get_absolute_url())
    assert "Каждую неделю по понедельникам и четвергам" in page.text
    assert ('data-testid="recurrence-stop"' in page.text) is sees_button


# --- the list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "titles"),
    [
        ("specialist", ["Сводка"]),  # set by them
        ("head", ["Сводка", "Отчёт головы"]),  # the directorate's and their own
        ("deputy", ["Сводка", "Отчёт головы", "Чужая"]),
        ("methodologist", ["Сводка", "Отчёт головы", "Чужая"]),
        ("colleague", []),  # responsible, but did not set it
        ("outsider", ["Чужая"]),
    ],
)
def test_the_list_shows_whose_recurring_tasks(request, client, weekly, head, outsider, who, titles):
    recurring(head, head, Schedule(every=WORKDAY), "2026-11-20", "Отчёт головы")
    recurring(outsider, outsider, Schedule(every=MONTH, day=5), "2026-12-04", "Чужая")
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("tasks:recurring"))
    shown = [t.title for t in page.context["page"]]
    assert sorted(shown) == sorted(titles)


def test_my_tasks_links_to_the_list(client, specialist):
    client.force_login(specialist)
    page = client.get(reverse("tasks:my-tasks"))
    assert f'href="{reverse("tasks:recurring")}"' in page.text


def test_the_list_costs_the_same_queries_at_one_and_ten_times(
    client, head, specialist, django_assert_num_queries
):
    def make(count: int) -> None:
        for n in range(count):
            task = recurring(
                head, specialist, Schedule(every=WEEK, weekdays=(n % 5,)), "2026-11-27", f"С{n}"
            )
            services.create_task(
                author=head,
                title=task.title,
                responsible=specialist,
                deadline=deadline("2026-12-04"),
                recurrence=task.recurrence,
            )
        services.stop_recurring_task(template=task.recurrence, actor=head)

    client.force_login(head)
    make(3)
    # session, user, roles, the page's count, the page of templates (with their people, the
    # count and the latest task of each), the bell
    with django_assert_num_queries(6):
        one = client.get(reverse("tasks:recurring"))
    assert one.context["page"].paginator.count == 3
    make(27)
    with django_assert_num_queries(6):
        ten = client.get(reverse("tasks:recurring"))
    assert ten.context["page"].paginator.count == 30
    assert len(ten.context["page"]) == 25
    assert "1 / 2" in ten.text
    assert "поставлено 2 задачи" in ten.text
    # the fragment: the same without the bell
    with django_assert_num_queries(5):
        fragment = client.get(
            reverse("tasks:recurring"), {"page": 2}, headers={"HX-Request": "true"}
        )
    assert "<html" not in fragment.text and len(fragment.context["page"]) == 5


def test_a_new_person_with_nothing_sees_an_empty_list(client, department):
    person = UserFactory(department=department, roles=["specialist"])
    client.force_login(person)
    page = client.get(reverse("tasks:recurring"))
    assert "Повторяющихся задач пока нет." in page.text
