"""One appeal's page over HTTP (issue 18, items 2–3): what it shows, its warnings, who may act,
each action and each bad input, the files' access and a fixed number of queries. Under the pinned
clock: Wednesday 18 November 2026, 11:00 in Almaty."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, AppealFile, Decision, Kind, Status
from tasks.models import Source
from tasks.models import Status as TaskStatus
from tests.appeals.factories import AppealFactory, TopicFactory, received
from tests.conftest import WORKDAY_MORNING
from tests.factories import head_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

HX = {"HX-Request": "true"}
TODAY = WORKDAY_MORNING.date()  # Wednesday 18.11.2026
MONDAY = dt.date(2026, 11, 16)
VALID_IIN = "061211600012"


def toast(response) -> dict:
    return json.loads(response["HX-Trigger"])["notify"]


def url(name: str, appeal: Appeal) -> str:
    return reverse(f"appeals:{name}", args=[appeal.pk])


def history_count(appeal: Appeal) -> int:
    return appeal.history.count()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def topic(department):
    return TopicFactory(department=department, name_ru="Торговля", name_kk="Сауда")


@pytest.fixture
def appeal(topic, receptionist, head):
    """Received on Monday 16 November, registered the same day: the term is 15 working days on."""
    return AppealFactory(
        topic=topic,
        registered_by=receptionist,
        received_at=received(MONDAY),
        applicant_name="Серикбаев Нурлан",
        applicant_iin=VALID_IIN,
        summary="Не выдают разрешение на торговлю",
    )


@pytest.fixture
def in_work(appeal, head, specialist):
    return services.assign_executor(appeal=appeal, actor=head, executor=specialist)


@pytest.fixture
def other_head(other_department):
    return head_of(other_department, username="other.head")


def page(client, user, appeal, **kwargs):
    client.force_login(user)
    return client.get(appeal.get_absolute_url(), **kwargs)


# --- what the page shows ---------------------------------------------------------------------


def test_page_shows_what_the_appeal_is(client, head, appeal):
    response = page(client, head, appeal)
    assert response.status_code == 200
    text = response.text
    assert appeal.code in text and "Не выдают разрешение на торговлю" in text
    assert 'data-testid="status">Зарегистрировано, ожидает исполнителя<' in text
    assert "Торговля" in text and "Управление сельского хозяйства" in text
    # The term: the 15th working day after Monday 16.11 is Monday 07.12.
    assert 'data-testid="term">07.12.2026<' in text
    assert "19.11.2026" in text  # the redirect-by day: the third working day
    assert "Серикбаев Нурлан" in text
    assert VALID_IIN not in text and appeal.masked_iin in text
    assert 'data-testid="warning-' not in text
    # The head decides: assign, extend, redirect; nobody answers before an executor is set.
    assert 'data-testid="action-assign"' in text
    assert 'data-testid="action-answer"' not in text


def test_an_anonymous_appeal_says_so(client, deputy, topic):
    anonymous = AppealFactory(
        topic=topic, kind=Kind.PROPOSAL, anonymous=True, applicant_name="", applicant_phone=""
    )
    text = page(client, deputy, anonymous).text
    assert 'data-testid="anonymous"' in text and 'data-testid="applicant"' not in text


def test_a_repeat_links_the_earlier_appeal(client, deputy, topic, appeal):
    repeat = AppealFactory(topic=topic, repeat_of=appeal)
    text = page(client, deputy, repeat).text
    assert 'data-testid="repeat"' in text
    assert f'href="{appeal.get_absolute_url()}" data-testid="repeat-of">{appeal.code}<' in text


def test_htmx_gets_only_the_region(client, head, appeal):
    response = page(client, head, appeal, headers=HX)
    assert response.text.lstrip().startswith('<div id="appeal-detail">')
    assert "<html" not in response.text


@pytest.mark.parametrize("who", ["receptionist", "head", "deputy", "methodologist"])
def test_who_sees_the_page(client, appeal, request, who):
    assert page(client, request.getfixturevalue(who), appeal).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "other_head", "colleague"])
def test_who_does_not_see_the_page(client, appeal, request, who):
    assert page(client, request.getfixturevalue(who), appeal).status_code == 404


def test_someone_elses_appeal_id_is_404_for_every_action(client, outsider, in_work):
    client.force_login(outsider)
    for name in ("appeal-assign", "appeal-extend", "appeal-redirect", "appeal-answer"):
        assert client.post(url(name, in_work), {"reason": "x"}).status_code == 404
    assert client.get(reverse("appeals:detail", args=[in_work.pk + 1000])).status_code == 404
    assert Appeal.objects.get().status == Status.IN_WORK


def test_the_methodologist_reads_but_cannot_act(client, methodologist, appeal):
    text = page(client, methodologist, appeal).text
    assert 'data-testid="action-' not in text
    before = history_count(appeal)
    response = client.post(
        url("appeal-redirect", appeal), {"body": "Акимат области", "reason": "Не наше"}
    )
    assert response.status_code == 403
    response = client.post(url("appeal-extend", appeal), {"new_deadline": "x"}, headers=HX)
    assert response.status_code == 403
    assert history_count(appeal) == before


def test_the_overdue_warning_comes_from_the_rule(client, head, topic):
    late = AppealFactory(topic=topic, received_at=received(dt.date(2026, 10, 1)))
    text = page(client, head, late).text
    assert 'data-testid="warning-overdue"' in text
    assert late.deadline.strftime("%d.%m.%Y") in text


# --- the executor ----------------------------------------------------------------------------


def test_the_head_assigns_an_executor_and_a_task_is_set(
    client, head, specialist, colleague, appeal
):
    client.force_login(head)
    response = client.post(
        url("appeal-assign", appeal),
        {"executor": specialist.pk, "co_executors": [colleague.pk], "once": str(uuid.uuid4())},
        headers=HX,
    )
    assert response.status_code == 200
    assert toast(response)["level"] == "success"
    assert 'data-testid="status">В работе<' in response.text
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK and appeal.executor == specialist
    task = appeal.task
    assert task.source == Source.APPEAL and task.source_number == appeal.code
    assert list(task.co_executors.all()) == [colleague]
    assert f'href="{task.get_absolute_url()}" data-testid="task-link"' in response.text
    assert "Абенов" in response.text  # the co-executor


def test_a_plain_post_redirects_back_with_a_message(client, deputy, specialist, appeal):
    client.force_login(deputy)
    response = client.post(url("appeal-assign", appeal), {"executor": specialist.pk})
    assert response.status_code == 302 and response.url == appeal.get_absolute_url()
    followed = client.get(response.url)
    assert "Исполнитель назначен" in followed.text
    assert 'data-testid="status">В работе<' in followed.text


def test_an_executor_of_another_directorate_is_refused(client, head, outsider, appeal):
    client.force_login(head)
    response = client.post(url("appeal-assign", appeal), {"executor": outsider.pk}, headers=HX)
    assert response.status_code == 200 and toast(response)["level"] == "danger"
    assert "Выберите корректный вариант" in response.text
    appeal.refresh_from_db()
    assert appeal.task is None and appeal.status == Status.REGISTERED


def test_the_executor_cannot_assign(client, specialist, colleague, in_work):
    client.force_login(specialist)
    response = client.post(url("appeal-assign", in_work), {"executor": colleague.pk})
    assert response.status_code == 403
    in_work.refresh_from_db()
    assert in_work.executor == specialist


def test_a_double_click_assigns_once(client, head, specialist, appeal):
    client.force_login(head)
    data = {"executor": specialist.pk, "once": str(uuid.uuid4())}
    first = client.post(url("appeal-assign", appeal), data, headers=HX)
    second = client.post(url("appeal-assign", appeal), data, headers=HX)
    assert toast(first)["level"] == "success"
    assert toast(second)["level"] == "info"
    assert "уже сохранена" in toast(second)["text"]
    assert appeal.history.filter(history_change_reason__startswith="executor").count() == 1


# --- the extension and its notice ------------------------------------------------------------


def test_the_extension_form_says_the_latest_allowed_date(client, head, appeal):
    text = page(client, head, appeal).text
    # Two months from receipt on 16.11.2026.
    assert re.search(r'data-testid="extension-limit">[^<]*16\.01\.2027', text)


def test_the_head_extends_and_the_notice_is_due(client, head, in_work):
    client.force_login(head)
    response = client.post(
        url("appeal-extend", in_work),
        {"new_deadline": "2027-01-15", "reason": "Нужен ответ земельной комиссии"},
        headers=HX,
    )
    assert toast(response)["level"] == "success"
    in_work.refresh_from_db()
    assert in_work.deadline == dt.date(2027, 1, 15) and in_work.extended_on == TODAY
    assert 'data-testid="term">15.01.2027' in response.text
    # Told within three working days of today: by Monday 23.11.
    assert 'data-testid="warning-notice-pending"' in response.text
    assert "23.11.2026" in response.text
    assert in_work.task.deadline.date() == dt.date(2027, 1, 15)
    # The extension is given once: the button is gone.
    assert 'data-testid="action-extend"' not in response.text


def test_an_extension_beyond_two_months_is_refused(client, head, in_work):
    client.force_login(head)
    before = history_count(in_work)
    response = client.post(
        url("appeal-extend", in_work),
        {"new_deadline": "2027-01-17", "reason": "Нужна экспертиза"},
        headers=HX,
    )
    assert toast(response)["level"] == "danger"
    assert "не более двух месяцев" in toast(response)["text"]
    assert "16.01.2027" in toast(response)["text"]
    # The form stays open with what was typed.
    assert 'data-testid="action-extend" open' in response.text
    assert "Нужна экспертиза" in response.text
    in_work.refresh_from_db()
    assert in_work.extended_on is None and history_count(in_work) == before


def test_a_second_extension_is_refused(client, head, in_work):
    services.extend_appeal(
        appeal=in_work, actor=head, new_deadline=dt.date(2026, 12, 20), reason="Экспертиза"
    )
    client.force_login(head)
    response = client.post(
        url("appeal-extend", in_work), {"new_deadline": "2027-01-10", "reason": "Ещё раз"}
    )
    assert response.status_code == 403
    in_work.refresh_from_db()
    assert in_work.deadline == dt.date(2026, 12, 20)


@pytest.mark.parametrize("day", ["2026-02-30", "0001-01-01", "завтра"])
def test_an_impossible_date_is_refused(client, head, in_work, day):
    client.force_login(head)
    response = client.post(
        url("appeal-extend", in_work), {"new_deadline": day, "reason": "Экспертиза"}, headers=HX
    )
    assert response.status_code == 200 and toast(response)["level"] == "danger"
    in_work.refresh_from_db()
    assert in_work.extended_on is None


def test_the_executor_records_the_notice_today_by_default(client, head, specialist, in_work):
    services.extend_appeal(
        appeal=in_work, actor=head, new_deadline=dt.date(2026, 12, 20), reason="Экспертиза"
    )
    client.force_login(specialist)
    response = client.post(url("appeal-extension-notice", in_work), {"day": ""}, headers=HX)
    assert toast(response)["level"] == "success"
    in_work.refresh_from_db()
    assert in_work.extension_notice_on == TODAY
    assert 'data-testid="warning-notice' not in response.text


def test_a_notice_in_the_future_is_refused(client, head, in_work):
    services.extend_appeal(
        appeal=in_work, actor=head, new_deadline=dt.date(2026, 12, 20), reason="Экспертиза"
    )
    client.force_login(head)
    response = client.post(url("appeal-extension-notice", in_work), {"day": "2026-11-19"})
    assert response.status_code == 200  # the page again, the form with its error
    assert "в будущем" in response.text
    in_work.refresh_from_db()
    assert in_work.extension_notice_on is None


def test_a_notice_not_sent_in_three_working_days_is_flagged(client, head, in_work):
    services.extend_appeal(
        appeal=in_work, actor=head, new_deadline=dt.date(2026, 12, 20), reason="Экспертиза"
    )
    # The last day is Monday 23.11; on Tuesday 24.11 the warning turns red.
    with time_machine.travel(WORKDAY_MORNING + dt.timedelta(days=6), tick=False):
        text = page(client, head, in_work).text
    assert 'data-testid="warning-notice-late"' in text and "23.11.2026" in text


# --- the redirect ----------------------------------------------------------------------------


def test_a_redirect_without_a_body_is_refused(client, head, appeal):
    client.force_login(head)
    before = history_count(appeal)
    response = client.post(
        url("appeal-redirect", appeal), {"body": "  ", "reason": "Вопрос области"}, headers=HX
    )
    assert toast(response)["level"] == "danger"
    assert toast(response)["text"] == "Укажите орган, в который направляется обращение."
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and history_count(appeal) == before


def test_the_head_redirects_and_a_late_one_is_flagged(client, head, topic):
    late = AppealFactory(topic=topic, received_at=received(dt.date(2026, 11, 9)))
    client.force_login(head)
    response = client.post(
        url("appeal-redirect", late),
        {"body": "Управление земельных отношений области", "reason": "Земли области"},
        headers=HX,
    )
    assert toast(response)["level"] == "success"
    assert 'data-testid="status">Перенаправлено в другой орган<' in response.text
    # Registered Monday 09.11: the third working day is Thursday 12.11.
    assert 'data-testid="warning-redirect-late"' in response.text
    assert "12.11.2026" in response.text
    late.refresh_from_db()
    assert late.redirect_notice_on == TODAY
    assert 'data-testid="action-' not in response.text


def test_a_redirect_in_time_is_not_flagged(client, head, appeal):
    client.force_login(head)
    response = client.post(
        url("appeal-redirect", appeal),
        {"body": "Департамент госдоходов", "reason": "Налоги", "notice_on": "2026-11-17"},
        headers=HX,
    )
    assert 'data-testid="warning-redirect-late"' not in response.text
    assert "Департамент госдоходов" in response.text


# --- the answer, the closing, the files ------------------------------------------------------


def test_the_executor_answers_with_a_file_and_the_head_closes(client, head, specialist, in_work):
    client.force_login(specialist)
    response = client.post(
        url("appeal-answer", in_work),
        {
            "answer": "Разрешение выдано 18.11.2026.",
            "decision": Decision.SATISFIED,
            "files": [SimpleUploadedFile("ответ.pdf", b"%PDF-1.4 answer")],
        },
        headers=HX,
    )
    assert toast(response)["level"] == "success"
    assert 'data-testid="status">Ответ дан, ожидает закрытия<' in response.text
    assert 'data-testid="decision">Удовлетворено' in response.text
    assert "ответ.pdf" in response.text
    in_work.refresh_from_db()
    assert in_work.task.status == TaskStatus.AWAITING_ACCEPTANCE

    client.force_login(head)
    response = client.post(url("appeal-close", in_work), {}, headers=HX)
    assert 'data-testid="status">Закрыто<' in response.text
    in_work.refresh_from_db()
    assert in_work.status == Status.CLOSED and in_work.task.status == TaskStatus.DONE


def test_only_the_executor_answers(client, head, in_work):
    client.force_login(head)
    response = client.post(
        url("appeal-answer", in_work), {"answer": "Ответ", "decision": Decision.EXPLAINED}
    )
    assert response.status_code == 403
    in_work.refresh_from_db()
    assert in_work.answered_on is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("Ответ\x00дан", "(NUL)"),
        ("x" * 20_001, "20000"),
        ("   ", "Обязательное поле"),
    ],
)
def test_a_bad_answer_is_refused(client, specialist, in_work, answer, message):
    client.force_login(specialist)
    response = client.post(
        url("appeal-answer", in_work),
        {"answer": answer, "decision": Decision.EXPLAINED},
        headers=HX,
    )
    assert toast(response)["level"] == "danger" and message in toast(response)["text"]
    in_work.refresh_from_db()
    assert in_work.answered_on is None and in_work.status == Status.IN_WORK


def test_html_in_an_answer_is_shown_as_text(client, specialist, in_work):
    client.force_login(specialist)
    response = client.post(
        url("appeal-answer", in_work),
        {"answer": "<script>alert(1)</script>", "decision": Decision.REFUSED},
        headers=HX,
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_files_are_served_only_to_who_sees_the_appeal(
    client, head, specialist, outsider, methodologist, in_work, other_head
):
    services.answer_appeal(
        appeal=in_work,
        actor=specialist,
        answer="Ответ",
        decision=Decision.EXPLAINED,
        files=[SimpleUploadedFile("ответ.txt", b"signed answer")],
    )
    stored = AppealFile.objects.get()
    link = reverse("appeals:file", args=[in_work.pk, stored.pk])
    assert stored.get_absolute_url() == link
    for person in (head, specialist, methodologist):
        client.force_login(person)
        response = client.get(link)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"signed answer"
    for person in (outsider, other_head):
        client.force_login(person)
        assert client.get(link).status_code == 404
    # A file of another appeal under this appeal's address.
    other = AppealFactory(topic=in_work.topic)
    client.force_login(head)
    assert client.get(reverse("appeals:file", args=[other.pk, stored.pk])).status_code == 404


# --- the history -----------------------------------------------------------------------------


def test_the_history_tells_each_step(client, head, specialist, in_work):
    services.extend_appeal(
        appeal=in_work, actor=head, new_deadline=dt.date(2026, 12, 20), reason="Экспертиза"
    )
    timeline = page(client, head, in_work).text.split('data-testid="timeline"')[1]
    assert "срок продлён до: 20.12.2026" in timeline
    assert "Основания: Экспертиза" in timeline
    assert "исполнитель: " in timeline
    assert "Статус: Зарегистрировано, ожидает исполнителя → В работе" in timeline


# --- a fixed number of queries ---------------------------------------------------------------


def _grow(appeal: Appeal, actor, *, records: int, files: int) -> None:
    for n in range(records):
        appeal.summary = f"Уточнение № {n}"
        appeal._change_reason = "edited"
        appeal._history_user = actor
        appeal.save(update_fields=["summary"])
    for n in range(files):
        stored = AppealFile(
            appeal=appeal,
            role=AppealFile.Role.LETTER,
            name=f"скан-{n}.pdf",
            size=3,
            uploaded_by=actor,
        )
        stored.file.save(f"scan-{n}.pdf", SimpleUploadedFile("x", b"pdf"), save=False)
        stored.save()


def test_page_query_count_is_the_same_at_ten_times_the_history_and_files(
    client, head, in_work, django_assert_num_queries
):
    # session, user, roles (can_*), the appeal (with its flags), the history's count and its
    # page, the files, the task's co-executors, the bell, the assign form's two lists of people
    client.force_login(head)
    _grow(in_work, head, records=1, files=2)
    with django_assert_num_queries(11):
        small = client.get(in_work.get_absolute_url())
    _grow(in_work, head, records=27, files=18)
    with django_assert_num_queries(11):
        large = client.get(in_work.get_absolute_url())
    assert small.text.count("скан-") == 2 and large.text.count("скан-") == 20
    assert "1 / 2" in large.text and "1 / 2" not in small.text
    small_events = small.text.split('data-testid="timeline"')[1].count("<time")
    large_events = large.text.split('data-testid="timeline"')[1].count("<time")
    # registered, assigned, one edit; then a page of 20 of the 30 records
    assert (small_events, large_events) == (3, 20)


# --- more bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [("Экспертиза\x00", "(NUL)"), ("x" * 20_001, "20000"), ("", "Обязательное поле")],
)
def test_a_bad_extension_reason_is_refused(client, head, in_work, reason, message):
    client.force_login(head)
    response = client.post(
        url("appeal-extend", in_work), {"new_deadline": "2026-12-20", "reason": reason}, headers=HX
    )
    assert toast(response)["level"] == "danger" and message in toast(response)["text"]
    in_work.refresh_from_db()
    assert in_work.extended_on is None


def test_html_in_a_body_name_is_refused(client, head, appeal):
    client.force_login(head)
    response = client.post(
        url("appeal-redirect", appeal),
        {"body": "<b>Акимат</b>", "reason": "Не наше"},
        headers=HX,
    )
    assert toast(response)["level"] == "danger" and "<" in toast(response)["text"]
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED


def test_more_than_ten_files_are_refused(client, specialist, in_work):
    client.force_login(specialist)
    response = client.post(
        url("appeal-answer", in_work),
        {
            "answer": "Ответ",
            "decision": Decision.EXPLAINED,
            "files": [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(11)],
        },
        headers=HX,
    )
    assert toast(response)["level"] == "danger" and "10" in toast(response)["text"]
    assert not AppealFile.objects.exists()
    in_work.refresh_from_db()
    assert in_work.status == Status.IN_WORK


@pytest.mark.parametrize("name", ["appeal-assign", "appeal-extend", "appeal-close"])
def test_another_directorates_head_gets_404_on_every_action(client, other_head, in_work, name):
    client.force_login(other_head)
    assert client.post(url(name, in_work), {}).status_code == 404


# --- the deputy, the notice told late, the language, the task page ---------------------------


def test_the_deputy_extends_and_redirects(client, deputy, in_work):
    client.force_login(deputy)
    client.post(
        url("appeal-extend", in_work), {"new_deadline": "2026-12-21", "reason": "Экспертиза"}
    )
    response = client.post(
        url("appeal-redirect", in_work),
        {"body": "Министерство торговли", "reason": "Вопрос министерства"},
        headers=HX,
    )
    assert toast(response)["level"] == "success"
    in_work.refresh_from_db()
    assert in_work.deadline == dt.date(2026, 12, 21) and in_work.status == Status.REDIRECTED
    # The redirect cancels the executor's task.
    assert in_work.task.status == TaskStatus.CANCELLED


def test_a_notice_told_late_stays_flagged(client, head, in_work):
    services.extend_appeal(
        appeal=in_work, actor=head, new_deadline=dt.date(2026, 12, 20), reason="Экспертиза"
    )
    with time_machine.travel(WORKDAY_MORNING + dt.timedelta(days=7), tick=False):
        client.force_login(head)  # a session lasts 12 hours
        response = client.post(url("appeal-extension-notice", in_work), {"day": ""}, headers=HX)
    assert toast(response)["level"] == "success"
    assert 'data-testid="warning-notice-late"' in response.text
    assert "25.11.2026" in response.text and "23.11.2026" in response.text
    assert 'data-testid="action-notice"' not in response.text


def test_the_page_speaks_kazakh(client, head, appeal):
    head.language = "kk"
    head.save(update_fields=["language"])
    text = page(client, head, appeal).text
    assert f"№ {appeal.code} өтініш" in text
    assert 'data-testid="status">Тіркелді, орындаушыны күтуде<' in text


def test_the_task_page_links_its_appeal(client, head, specialist, in_work):
    client.force_login(specialist)
    text = client.get(in_work.task.get_absolute_url()).text
    assert f'href="{in_work.get_absolute_url()}" data-testid="task-appeal"' in text
    assert f"Обращение {in_work.code}" in text


def test_reassigning_cancels_the_old_task(client, head, specialist, colleague, in_work):
    old = in_work.task
    client.force_login(head)
    response = client.post(url("appeal-assign", in_work), {"executor": colleague.pk}, headers=HX)
    assert toast(response)["level"] == "success"
    old.refresh_from_db()
    in_work.refresh_from_db()
    assert old.status == TaskStatus.CANCELLED and in_work.executor == colleague
    assert 'data-testid="executor">Абенов' in response.text


def test_the_executors_region_query_count_is_the_same_at_ten_times_the_history(
    client, head, specialist, in_work, django_assert_num_queries
):
    # session, user, roles (can_*), the appeal (with its flags), the history's count and its
    # page, the files, the task's co-executors; the answer's form lists no people, and the
    # region has no bell
    client.force_login(specialist)
    _grow(in_work, head, records=2, files=1)
    with django_assert_num_queries(8):
        small = client.get(in_work.get_absolute_url(), headers=HX)
    _grow(in_work, head, records=28, files=9)
    with django_assert_num_queries(8):
        large = client.get(in_work.get_absolute_url(), headers=HX)
    assert (
        'data-testid="action-answer"' in small.text and 'data-testid="action-answer"' in large.text
    )
    assert small.text.count("скан-") == 1 and large.text.count("скан-") == 10
    assert "1 / 2" in large.text


def test_the_second_page_of_the_history_ends_with_the_registration(client, head, in_work):
    _grow(in_work, head, records=25, files=0)  # 27 records: 20 on the first page, 7 on the next
    first = page(client, head, in_work).text.split('data-testid="timeline"')[1]
    second = client.get(in_work.get_absolute_url(), {"page": 2}).text
    second = second.split('data-testid="timeline"')[1]
    assert "зарегистрирован" not in first and 'href="?page=2"' in first
    assert second.count("<time") == 7 and "зарегистрирован" in second
    assert "исполнитель: Касымова Айгерим" in second
