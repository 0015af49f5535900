"""The import of the staff list from Excel: admin only, create or update by login, all or none."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from akimat.models import Department, ImportRun, User
from tests.factories import UserFactory
from tests.workbooks import eager_jobs, upload, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_jobs")]
__all__ = ["eager_jobs"]

URL = "/people/import/"


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", roles=["admin"], first_name="Админ", last_name="Портала")


def row(login, role="specialist", directorate="agriculture", **values):
    data = {
        "last_name": "Сапаров",
        "first_name": "Нурлан",
        "middle_name": "Ерикович",
        "email": f"{login}@akimat.example",
        "position": "Главный специалист",
        "position_kk": "Бас маман",
    } | values
    return [
        data["last_name"],
        data["first_name"],
        data["middle_name"],
        login,
        data["email"],
        data["position"],
        data["position_kk"],
        directorate,
        role,
    ]


def preview(client, rows):
    response = client.post(URL, {"file": upload(workbook(rows), "штат.xlsx")})
    assert response.status_code == 302, response.content
    return client.get(URL)


def confirm(client, capture):
    token = client.session["imports"]["staff"]["token"]
    with capture(execute=True):
        response = client.post(reverse("people-import-confirm"), {"token": token})
    assert response.status_code == 302
    return client.get(response.url)


def test_only_the_admin_may_import_people(client, head, deputy):
    for person in (head, deputy):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.get(reverse("people-import-template")).status_code == 403


def test_the_template_names_the_columns_in_the_persons_language(client, admin):
    client.force_login(admin)
    sheet = load_workbook(io.BytesIO(client.get(reverse("people-import-template")).content)).active
    assert [c.value for c in sheet[1]] == [
        "Фамилия",
        "Имя",
        "Отчество",
        "Логин",
        "Эл. почта",
        "Должность на русском",
        "Должность на казахском",
        "Управление (краткое имя)",
        "Роль",
    ]
    assert sheet["I2"].value == "specialist"


def test_the_import_creates_and_updates_people_and_keeps_passwords(
    client, admin, department, specialist, django_capture_on_commit_callbacks
):
    password = specialist.password
    client.force_login(admin)
    page = preview(
        client,
        [
            row("n.saparov"),
            row("specialist", first_name="Айгерим", last_name="Касымова-Омарова"),
            row("new.head", role="head", last_name="Жаксылыков"),
            row("m.omarova", role="Методолог", directorate=""),
        ],
    )
    assert "Ошибок не найдено." in page.text
    assert not User.objects.filter(username="n.saparov").exists()

    done = confirm(client, django_capture_on_commit_callbacks)

    assert "создано 3 записи, обновлена 1 запись" in done.text
    new = User.objects.get(username="n.saparov")
    assert not new.has_usable_password()
    assert (new.get_full_name(), new.position_kk, new.department) == (
        "Сапаров Нурлан Ерикович",
        "Бас маман",
        department,
    )
    assert new.roles == {"specialist"}
    specialist.refresh_from_db()
    assert specialist.last_name == "Касымова-Омарова" and specialist.password == password
    assert specialist.history.first().history_change_reason == "imported from the staff list"
    department.refresh_from_db()
    assert department.head.username == "new.head"
    assert User.objects.get(username="m.omarova").roles == {"methodologist"}


def test_every_kind_of_row_error_is_shown(
    client, admin, department, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    rows = [
        row("a.one", last_name=""),  # 2
        row("bad login!"),  # 3
        row("twice"),  # 4
        row("TWICE"),  # 5
        row("c.three", email="not-an-address"),  # 6
        row("d.four", directorate="nowhere"),  # 7
        row("e.five", role="boss"),  # 8
        row("f.six", directorate=""),  # 9
        row("g.seven", role="head"),  # 10
        row("h.eight", role="head"),  # 11
        row("i.nine", first_name="<b>x</b>" * 30),  # 12
    ]
    text = preview(client, rows).text
    for number, column, message in [
        (2, "Фамилия", "Это поле не может быть пустым."),
        (3, "Логин", "Логин состоит только из букв"),
        (5, "Логин", "Такой же логин в строке 4."),
        (6, "Эл. почта", "Это не адрес электронной почты."),
        (7, "Управление (краткое имя)", "Управления «nowhere» нет."),
        (8, "Роль", "Неизвестная роль «boss»"),
        (9, "Управление (краткое имя)", "Для специалиста и руководителя укажите управление."),
        (11, "Роль", "Руководитель этого управления уже назначается в строке 10."),
        (12, "Имя", "Не более 150 символов."),
    ]:
        assert f"<td>{number}</td><td>{column}</td>" in text, number
        assert message in text, message
    assert "<b>x</b>" not in text
    refused = confirm(client, django_capture_on_commit_callbacks)
    assert "Ничего не импортировано" in refused.text
    assert not User.objects.filter(username__in=["twice", "g.seven"]).exists()
    assert not ImportRun.objects.exists()


def test_a_double_confirm_creates_nothing_twice(
    client, admin, department, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    preview(client, [row("n.saparov")])
    token = client.session["imports"]["staff"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people-import-confirm"), {"token": token})
        again = client.post(reverse("people-import-confirm"), {"token": token}, follow=True)
    assert "уже импортирован" in again.text
    assert User.objects.filter(username="n.saparov").count() == 1
    assert ImportRun.objects.count() == 1


def test_a_broken_file_is_refused(client, admin):
    client.force_login(admin)
    response = client.post(URL, {"file": upload(b"PK\x03\x04broken", "штат.xlsx")})
    assert "Файл не читается как книга Excel" in response.text
    assert "staff" not in client.session.get("imports", {})


def test_the_preview_costs_the_same_queries_at_ten_times_the_rows(
    client, admin, department, other_department, django_assert_num_queries
):
    client.force_login(admin)
    for scale in (1, 10):
        rows = [
            row(f"p{scale}.{n}", directorate=("agriculture", "land", "x")[n % 3])
            for n in range(3 * scale)
        ]
        preview(client, rows)
        # session, user, roles, the directorates named, the bell's count
        with django_assert_num_queries(5):
            page = client.get(URL)
        assert f"строк — {3 * scale}" in page.text
    assert Department.objects.count() == 2


def test_a_kazakh_speaker_reads_the_preview_in_kazakh(client, admin, department):
    admin.language = "kk"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    text = preview(client, [row("a.one", last_name=""), row("b.two", role="boss")]).text
    assert "Штат тізімін импорттау" in text
    assert "<td>2</td><td>Тегі</td>" in text
    assert "Белгісіз рөл: «boss»" in text
    assert "Қатесі бар жолдар: 2." in text


def test_the_people_page_links_to_the_import_for_the_admin_only(client, admin, specialist):
    client.force_login(admin)
    assert 'href="/people/import/"' in client.get("/people/").text
    client.force_login(specialist)
    assert 'href="/people/import/"' not in client.get("/people/").text


def test_the_night_deletes_uploads_never_confirmed(settings):
    from akimat import jobs

    entry = settings.CELERY_BEAT_SCHEDULE["forget-stale-imports"]
    assert entry["task"] == "akimat.jobs.forget_stale_imports"
    assert jobs.forget_stale_imports.run() == 0  # nothing kept yet
