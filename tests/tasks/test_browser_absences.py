"""The head hands an absent person's tasks over in Chromium: the preview lists those falling due
during the absence, the confirmation moves exactly those, and on return the give-back's preview
and confirmation bring them back. The pages pass axe and fit a 390 px phone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from akimat.calendar import ensure_calendar
from tasks.models import Absence, HandOver, Task
from tests.axe import serious_violations
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.tasks.factories import TaskFactory
from tests.tasks.test_browser import coming_wednesday, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_head_previews_hands_over_and_gives_back(page: Page, live_server):
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head_of(department, username="head.absence", password="demo")
    away = UserFactory(
        department=department,
        roles=["specialist"],
        first_name="Айгерим",
        last_name="Касымова",
        username="away",
    )
    acting = UserFactory(
        department=department,
        roles=["specialist"],
        first_name="Болат",
        last_name="Абенов",
        username="acting",
    )
    base = live_server.url
    now = coming_wednesday()
    monday = now.date() + dt.timedelta(days=5)
    with time_machine.travel(now, tick=True):
        ensure_calendar(
            start=now.date() - dt.timedelta(days=30), end=now.date() + dt.timedelta(days=60)
        )
        absence = Absence.objects.create(
            user=away,
            kind="leave",
            start=monday,
            end=monday + dt.timedelta(days=4),
            acting=acting,
        )

        def task(title: str, day: dt.date) -> Task:
            moment = dt.datetime.combine(day, dt.time(18, 30))
            return TaskFactory(
                title=title,
                author=department.head,
                responsible=away,
                deadline=timezone.make_aware(moment),
            )

        task("Заключение по участку № 14", monday)
        task("Ответ в прокуратуру", monday + dt.timedelta(days=3))
        later = task("Отчёт за квартал", monday + dt.timedelta(days=14))

        sign_in(page, base, "head.absence")
        page.goto(f"{base}/tasks/absences/")
        row = page.locator(f"#absence-{absence.pk}")
        expect(row).to_contain_text("Касымова Айгерим")
        assert serious_violations(page) == []
        row.get_by_role("link", name="Передать задачи…").click()

        heading = page.get_by_test_id("preview-count")
        expect(heading).to_have_text("2 задачи перейдут к сотруднику Абенов Болат")
        listed = page.get_by_test_id("preview-tasks")
        expect(listed).to_contain_text("Заключение по участку № 14")
        expect(listed).to_contain_text("Ответ в прокуратуру")
        expect(listed).not_to_contain_text("Отчёт за квартал")
        assert serious_violations(page) == []
        page.get_by_role("link", name="Все задачи в работе (3)").click()
        expect(heading).to_have_text("3 задачи перейдут к сотруднику Абенов Болат")
        expect(listed).to_contain_text("Отчёт за квартал")
        page.get_by_role("link", name="Со сроком в дни отсутствия (2)").click()
        expect(heading).to_have_text("2 задачи перейдут к сотруднику Абенов Болат")
        page.set_viewport_size(PHONE)
        assert fits_the_screen(page)
        page.get_by_role("button", name="Передать 2 задачи сотруднику Абенов Болат").click()

        expect(page).to_have_url(f"{base}/tasks/absences/")
        expect(page.locator("#notifications")).to_contain_text(
            "2 задачи переданы сотруднику Абенов Болат."
        )
        expect(row).to_contain_text("2 задачи у исполняющего обязанности")
        expect(row.get_by_role("button", name="Отменить передачу")).to_be_visible()
        assert fits_the_screen(page)
        assert Task.objects.filter(responsible=acting).count() == 2
        later.refresh_from_db()
        assert later.responsible == away

        row.get_by_role("link", name="Вернуть…").click()
        expect(page.get_by_test_id("preview-count")).to_have_text(
            "2 задачи вернутся к сотруднику Касымова Айгерим"
        )
        assert fits_the_screen(page)
        assert serious_violations(page) == []
        page.get_by_role("button", name="Вернуть 2 задачи сотруднику Касымова Айгерим").click()
        expect(page.locator("#notifications")).to_contain_text(
            "2 задачи возвращены сотруднику Касымова Айгерим."
        )
        expect(row).not_to_contain_text("у исполняющего обязанности")
        expect(row.get_by_role("link", name="Вернуть…")).to_have_count(0)
        assert not Task.objects.filter(responsible=acting).exists()
        assert HandOver.objects.get().items.filter(state="back").count() == 2

        row.get_by_role("link", name="Изменить").click()
        expect(page.get_by_role("heading", name="Изменить отсутствие")).to_be_visible()
        assert fits_the_screen(page)
        assert serious_violations(page) == []


def test_the_absences_page_fits_a_phone(page: Page, live_server):
    """Many absences with long names and every button still fit 390 px without a sideways page."""
    department = DepartmentFactory(slug="land", name_ru="Управление земельных отношений")
    head = head_of(department, username="head.phone", password="demo")
    now = coming_wednesday()
    with time_machine.travel(now, tick=True):
        ensure_calendar(
            start=now.date() - dt.timedelta(days=30), end=now.date() + dt.timedelta(days=60)
        )
        acting = UserFactory(
            department=department, roles=["specialist"], last_name="Жақсылықова-Нұрмағанбетова"
        )
        for n in range(3):
            person = UserFactory(
                department=department,
                roles=["specialist"],
                last_name="Константинопольская-Абдуллабекова",
                first_name="Александра",
                middle_name="Владимировна",
            )
            absence = Absence.objects.create(
                user=person,
                kind="trip",
                start=now.date() + dt.timedelta(days=n),
                end=now.date() + dt.timedelta(days=n + 3),
                acting=acting,
            )
            TaskFactory(author=head, responsible=person, deadline=timezone.now())
        from tasks import services

        services.hand_over_to_acting(absence=absence, actor=head, scope=HandOver.Scope.ALL)
        page.set_viewport_size(PHONE)
        sign_in(page, live_server.url, "head.phone")
        page.goto(f"{live_server.url}/tasks/absences/")
        expect(page.get_by_role("button", name="Отменить передачу")).to_be_visible()
        assert fits_the_screen(page)
        assert serious_violations(page) == []
