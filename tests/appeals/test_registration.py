"""Registration of an appeal over HTTP (APPC art. 63): written with the scanned letter, oral with
its protocol, from a reception visit (with and without the visitor's consent), anonymous; every
bad input of the issue refused in the user's language with nothing stored; a double click
registers once; the coupon in the applicant's language; the IIN never in a URL."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from akimat.calendar import ensure_calendar
from appeals.forms import RegisterForm
from appeals.models import Appeal, AppealFile, Channel, Kind
from tests.appeals.factories import AppealFactory, TopicFactory, received
from tests.factories import UserFactory
from tests.reception.factories import (
    OrganisationFactory,
    ServiceFactory,
    VisitFactory,
    VisitorFactory,
    bin_,
    iin,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

REGISTER = reverse("appeals:register")
SATURDAY = dt.date(2026, 11, 21)
# The pinned clock's day (tests/conftest.py: Wednesday 18 November 2026, 11:00 in Almaty).
TODAY = dt.date(2026, 11, 18)
# 15 working days after Wednesday 18 November 2026 (no holiday on the way).
TERM = "09.12.2026"
VALID_IIN = iin(7)
VALID_BIN = bin_(7)


@pytest.fixture(autouse=True)
def _calendar(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_calendar(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))


@pytest.fixture
def topic(department):
    return TopicFactory(
        department=department,
        name_ru="Субсидирование животноводства",
        name_kk="Мал шаруашылығын субсидиялау",
    )


@pytest.fixture
def registrar(client, receptionist):
    client.force_login(receptionist)
    return receptionist


def form_data(topic, /, **values):
    data = {
        "once": str(uuid.uuid4()),
        "kind": Kind.STATEMENT,
        "channel": Channel.WRITTEN,
        "topic": str(topic.pk),
        "summary": "Не выплачивают субсидию за 2026 год",
        "text": "Прошу разобраться с выплатой субсидии.",
        "protocol": "",
        "received_at": "2026-11-18T10:30",
        "applicant_name": "Оспанова Гульмира Сериковна",
        "applicant_iin": "",
        "applicant_phone": "8 701 555 07 07",
        "applicant_email": "",
        "applicant_address": "",
        "organisation_name": "",
        "organisation_bin": "",
        "language": "ru",
    }
    data.update(values)
    return data


def errors(response):
    return response.context_data["form"].errors


# --- written, oral, anonymous ---------------------------------------------------------------


def test_a_written_appeal_with_its_scanned_letter_leads_to_the_coupon(client, registrar, topic):
    letter = SimpleUploadedFile("письмо.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    enclosure = SimpleUploadedFile("акт.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    response = client.post(REGISTER, {**form_data(topic), "files": [letter, enclosure]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:coupon", args=[appeal.pk])
    assert appeal.code == "2026-00001" and appeal.registered_by == registrar
    assert appeal.registered_on == TODAY and appeal.applicant_phone == "+77015550707"
    files = AppealFile.objects.filter(appeal=appeal).order_by("name")
    assert [(f.name, f.role) for f in files] == [
        ("акт.jpg", AppealFile.Role.LETTER),
        ("письмо.pdf", AppealFile.Role.LETTER),
    ]
    page = client.get(response["Location"])
    # The registrar is told the day and the term in their own language.
    assert (
        "Обращение 2026-00001 зарегистрировано 18.11.2026; срок рассмотрения — 09.12.2026."
        in page.text
    )
    assert f'data-testid="coupon-term"><time datetime="2026-12-09">{TERM}' in page.text


def test_an_oral_appeal_is_recorded_in_its_protocol(client, registrar, topic):
    data = form_data(topic, channel=Channel.ORAL, text="")
    refused = client.post(REGISTER, data)
    assert refused.status_code == 200
    assert errors(refused)["protocol"] == [
        "Устное обращение оформляется протоколом: запишите, что сказал заявитель."
    ]
    assert not Appeal.objects.exists()
    client.post(REGISTER, {**data, "once": str(uuid.uuid4()), "protocol": "Заявитель устно…"})
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.protocol) == (Channel.ORAL, "Заявитель устно…")


def test_a_written_appeal_needs_its_text_or_the_letter(client, registrar, topic):
    response = client.post(REGISTER, form_data(topic, text=""))
    assert "text" in errors(response)
    assert not Appeal.objects.exists()


def test_an_anonymous_proposal_keeps_no_applicant(client, registrar, topic):
    data = form_data(
        topic, kind=Kind.PROPOSAL, anonymous="on", applicant_name="", applicant_phone=""
    )
    client.post(REGISTER, data)
    appeal = Appeal.objects.get()
    assert appeal.anonymous and appeal.applicant_name == appeal.applicant_phone == ""


def test_an_anonymous_statement_is_refused(client, registrar, topic):
    response = client.post(
        REGISTER, form_data(topic, anonymous="on", applicant_name="", applicant_phone="")
    )
    assert errors(response)["anonymous"][0].startswith(
        "Анонимными могут быть только предложение и отклик"
    )
    assert not Appeal.objects.exists()


def test_a_statement_without_an_applicant_is_refused(client, registrar, topic):
    response = client.post(REGISTER, form_data(topic, applicant_name="", applicant_phone=""))
    assert errors(response)["applicant_name"] == ["Укажите ФИО заявителя."]
    assert not Appeal.objects.exists()
    no_way_back = client.post(REGISTER, form_data(topic, applicant_phone=""))
    assert "applicant_phone" in errors(no_way_back)
    assert not Appeal.objects.exists()


def test_a_repeat_appeal_is_flagged_on_registration(client, registrar, topic):
    client.post(REGISTER, form_data(topic))
    response = client.post(REGISTER, form_data(topic), follow=True)
    first, second = Appeal.objects.order_by("number")
    assert second.repeat_of == first
    assert "Повторное обращение: тот же заявитель обращался по этой теме" in response.text


# --- bad input ------------------------------------------------------------------------------


def test_a_file_too_large_is_refused_and_nothing_kept(
    client, registrar, topic, monkeypatch, tmp_path
):
    monkeypatch.setattr("appeals.services.FILE_MAX_BYTES", 1024 * 1024)
    monkeypatch.setattr(RegisterForm.base_fields["files"], "max_bytes", 1024 * 1024)
    small = SimpleUploadedFile("письмо.pdf", b"scan", content_type="application/pdf")
    big = SimpleUploadedFile("скан.pdf", b"x" * (1024 * 1024 + 1), content_type="application/pdf")
    response = client.post(REGISTER, {**form_data(topic), "files": [small, big]})
    assert errors(response)["files"] == ["Размер файла — не более 1 МБ."]
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()
    # Not even the small one is left on the disk (MEDIA_ROOT is tmp_path here).
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_more_than_ten_files_are_refused(client, registrar, topic):
    files = [SimpleUploadedFile(f"{n}.pdf", b"scan") for n in range(11)]
    response = client.post(REGISTER, {**form_data(topic), "files": files})
    assert errors(response)["files"] == ["Не более 10 файлов за раз."]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_iin", "900101300012", "ИИН"),
        ("applicant_iin", "12345", "ИИН"),
        ("organisation_bin", "150540000010", "БИН"),
        ("applicant_phone", "12", "номер телефона"),
        ("applicant_email", "not-an-e-mail", "адрес электронной почты"),
    ],
)
def test_a_broken_identifier_is_refused_on_its_field(
    client, registrar, topic, field, value, message
):
    response = client.post(REGISTER, form_data(topic, **{field: value}))
    assert response.status_code == 200
    assert message in " ".join(errors(response)[field])
    assert not Appeal.objects.exists()


def test_a_nul_character_is_refused_on_its_field(client, registrar, topic):
    response = client.post(REGISTER, form_data(topic, summary="Субсидия\x00"))
    assert errors(response)["summary"] == [
        "В тексте есть нулевой символ (NUL): удалите его, пожалуйста."
    ]
    assert not Appeal.objects.exists()


def test_html_in_a_name_is_refused(client, registrar, topic):
    response = client.post(REGISTER, form_data(topic, applicant_name="<script>alert(1)</script>"))
    assert errors(response)["applicant_name"] == ["Имя не может содержать символы < и >."]
    assert "<script>alert(1)</script>" not in response.text
    assert not Appeal.objects.exists()


def test_megabytes_of_text_are_refused(client, registrar, topic):
    response = client.post(REGISTER, form_data(topic, text="а" * 1_000_000))
    assert "text" in errors(response)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("value", "field_error"),
    [
        ("2026-11-19T09:00", "Обращение не может поступить в будущем."),
        ("2026-02-30T10:00", "Введите правильную дату и время."),
        ("0999-01-01T10:00", "Укажите дату между 01.01.1900 и 31.12.2100."),
        ("1899-12-31T10:00", "Укажите дату между 01.01.1900 и 31.12.2100."),
    ],
)
def test_a_future_or_impossible_receipt_is_refused(client, registrar, topic, value, field_error):
    response = client.post(REGISTER, form_data(topic, received_at=value))
    assert errors(response)["received_at"] == [field_error]
    assert not Appeal.objects.exists()


def test_an_unknown_or_retired_topic_is_refused(client, registrar, topic):
    retired = TopicFactory(department=topic.department, is_active=False)
    for value in ("999999", str(retired.pk), "abc"):
        response = client.post(REGISTER, form_data(topic, topic=value))
        assert errors(response)["topic"] == ["Выберите тему из списка."]
    assert not Appeal.objects.exists()


def test_a_double_click_registers_once(client, registrar, topic):
    data = form_data(topic)
    first = client.post(REGISTER, data)
    second = client.post(REGISTER, data)
    appeal = Appeal.objects.get()
    assert first["Location"] == second["Location"] == reverse("appeals:coupon", args=[appeal.pk])


def test_a_form_token_that_is_not_one_is_refused(client, registrar, topic):
    response = client.post(REGISTER, form_data(topic, once="not-a-token"))
    assert errors(response)["__all__"] == [
        "Форма устарела. Обновите страницу и отправьте её снова."
    ]
    assert not Appeal.objects.exists()


def test_who_may_not_register_is_refused(client, methodologist, topic):
    client.force_login(methodologist)
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, form_data(topic)).status_code == 403
    assert not Appeal.objects.exists()


# --- from a reception visit ------------------------------------------------------------------


@pytest.fixture
def visit(department):
    organisation = OrganisationFactory(name="ТОО «Береке Агро»", bin=VALID_BIN)
    visitor = VisitorFactory(
        full_name="Сериков Нурлан", iin=VALID_IIN, phone="+77017770001", organisation=organisation
    )
    service = ServiceFactory(department=department, prefix="K")
    return VisitFactory(
        service=service, visitor=visitor, organisation=organisation, number=7, language="kk"
    )


def test_the_desk_ticket_links_to_registering_an_appeal(client, registrar, visit):
    page = client.get(reverse("reception:desk"), {"ticket": visit.pk})
    assert f'href="{REGISTER}?visit={visit.pk}"' in page.text


def test_a_visit_carries_the_visitors_details_over(client, registrar, topic, visit):
    page = client.get(REGISTER, {"visit": visit.pk})
    form = page.context_data["form"]
    assert form["applicant_name"].value() == "Сериков Нурлан"
    assert form["applicant_iin"].value() == VALID_IIN
    assert form["applicant_phone"].value() == "+77017770001"
    assert form["organisation_name"].value() == "ТОО «Береке Агро»"
    assert form["organisation_bin"].value() == VALID_BIN
    assert form["language"].value() == "kk"
    assert "талон K-007" in page.text
    # Each language named in itself, marked with its lang: a Kazakh word on a Russian page.
    assert '<option value="kk" selected lang="kk">Қазақша</option>' in page.text
    data = form_data(
        topic,
        visit=str(visit.pk),
        applicant_name="Сериков Нурлан",
        applicant_iin=VALID_IIN,
        applicant_phone="+77017770001",
        organisation_name="ТОО «Береке Агро»",
        organisation_bin=VALID_BIN,
        language="kk",
    )
    client.post(REGISTER, data)
    appeal = Appeal.objects.get()
    assert (appeal.visit, appeal.visitor) == (visit, visit.visitor)
    assert (appeal.applicant_iin, appeal.organisation_bin, appeal.language) == (
        VALID_IIN,
        VALID_BIN,
        "kk",
    )


def test_a_visitor_who_declined_consent_brings_only_the_organisation(
    client, registrar, topic, department
):
    organisation = OrganisationFactory(name="ИП «Асем»")
    visit = VisitFactory(
        service=ServiceFactory(department=department), visitor=None, organisation=organisation
    )
    page = client.get(REGISTER, {"visit": visit.pk})
    form = page.context_data["form"]
    assert form["applicant_name"].value() == "" and form["applicant_iin"].value() == ""
    assert form["organisation_name"].value() == "ИП «Асем»"
    assert "введите ФИО заявителя" in page.text
    data = form_data(topic, visit=str(visit.pk), applicant_name="", organisation_name="ИП «Асем»")
    refused = client.post(REGISTER, data)
    assert errors(refused)["applicant_name"] == ["Укажите ФИО заявителя."]
    assert not Appeal.objects.exists()
    client.post(REGISTER, {**data, "once": str(uuid.uuid4()), "applicant_name": "Асем Ким"})
    appeal = Appeal.objects.get()
    assert (appeal.visit, appeal.visitor, appeal.applicant_name) == (visit, None, "Асем Ким")


def test_someone_elses_visit_is_not_there(client, outsider, topic, visit):
    client.force_login(outsider)
    assert client.get(REGISTER, {"visit": visit.pk}).status_code == 404
    assert client.get(REGISTER, {"visit": 999_999}).status_code == 404
    assert client.get(REGISTER, {"visit": 10**17}).status_code == 404
    huge = client.post(REGISTER, form_data(topic, visit=str(10**30)))
    assert huge.status_code == 404
    response = client.post(REGISTER, form_data(topic, visit=str(visit.pk)))
    assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_a_specialist_registers_from_a_visit_of_their_directorate(client, specialist, topic, visit):
    client.force_login(specialist)
    assert client.get(REGISTER, {"visit": visit.pk}).status_code == 200


# --- the registration day -------------------------------------------------------------------


def test_an_appeal_received_on_saturday_is_registered_on_monday(client, registrar, topic):
    with time_machine.travel(received(SATURDAY, 12), tick=True):
        client.force_login(registrar)  # the session of Wednesday has ended by Saturday
        response = client.post(REGISTER, form_data(topic, received_at="2026-11-21T11:40"))
        page = client.get(response["Location"])
    appeal = Appeal.objects.get()
    assert appeal.registered_on == dt.date(2026, 11, 23)
    assert "Обращение 2026-00001 зарегистрировано 23.11.2026;" in page.text
    assert "поступило в нерабочий день" in page.text
    assert '<time datetime="2026-11-23">23.11.2026</time>' in page.text


# --- the coupon -----------------------------------------------------------------------------


def _coupon(client, appeal, **params):
    return client.get(reverse("appeals:coupon", args=[appeal.pk]), params)


def test_the_coupon_speaks_the_applicants_kazakh_on_a_russian_page(client, registrar, topic):
    appeal = AppealFactory(
        topic=topic, language="kk", registered_by=registrar, received_at=received(TODAY)
    )
    page = _coupon(client, appeal)
    coupon = page.text.split('data-testid="coupon"', 1)[1]
    assert 'lang="kk"' in page.text.split('data-testid="coupon"', 1)[0][-200:]
    assert "Өтінішті қабылдау талоны" in coupon
    assert "Мал шаруашылығын субсидиялау" in coupon and "Өтініш" in coupon
    assert f"№ {appeal.code}" in coupon and appeal.secret in coupon
    assert "Сапарова Асель" in coupon
    assert "http://testserver/appeals/status/" in coupon
    # The registrar's own page around it stays Russian.
    assert "Талон обращения" in page.text and "Печать" in page.text


def test_the_coupon_speaks_russian_to_a_russian_applicant(client, registrar, topic):
    appeal = AppealFactory(topic=topic, language="ru", registered_by=registrar)
    coupon = _coupon(client, appeal).text.split('data-testid="coupon"', 1)[1]
    assert "Талон о принятии обращения" in coupon
    assert "Субсидирование животноводства" in coupon and "Заявление" in coupon


def test_the_coupon_prints_on_a4_or_the_receipt_roll(client, registrar, topic):
    appeal = AppealFactory(topic=topic, registered_by=registrar)
    a4 = _coupon(client, appeal)
    receipt = _coupon(client, appeal, format="receipt")
    assert "css/appeals-coupon-a4.css" in a4.text and "coupon-receipt" not in a4.text
    assert "css/appeals-coupon-receipt.css" in receipt.text
    assert "appeal-coupon appeal-coupon-receipt" in receipt.text
    # The Print button is a data attribute read by a static script: no inline script (CSP).
    assert "data-print" in a4.text and "<script>" not in a4.text


def test_who_may_open_a_coupon(client, topic, department, head, outsider, receptionist):
    specialist_registrar = UserFactory(department=department, roles=["specialist"])
    appeal = AppealFactory(topic=topic, registered_by=specialist_registrar)
    for person, status in [
        (specialist_registrar, 200),  # registered it
        (head, 200),  # heads the directorate that considers it
        (outsider, 404),
        (receptionist, 404),  # another registrar's
    ]:
        client.force_login(person)
        assert _coupon(client, appeal).status_code == status, person
    client.force_login(head)
    assert client.get(reverse("appeals:coupon", args=[999_999])).status_code == 404
    assert client.get(f"/appeals/{10**30}/coupon/").status_code == 404


def test_the_iin_never_reaches_a_url(client, registrar, topic, visit):
    form_page = client.get(REGISTER, {"visit": visit.pk})
    response = client.post(REGISTER, form_data(topic, visit=str(visit.pk), applicant_iin=VALID_IIN))
    coupon = client.get(response["Location"])
    assert VALID_IIN not in response["Location"]
    for page in (form_page, coupon):
        urls = re.findall(r'(?:href|action|src|hx-get|hx-post)="([^"]*)"', page.text)
        assert urls and not [url for url in urls if VALID_IIN in url]
    # The form is sent by POST; the coupon does not print the IIN at all.
    assert 'method="post"' in form_page.text and VALID_IIN not in coupon.text


# --- fixed query counts ---------------------------------------------------------------------


def test_the_form_page_runs_the_same_queries_for_ten_times_the_topics(
    client, registrar, department, django_assert_num_queries
):
    # session, user, roles; the active topics with their directorates; the bell's count
    TopicFactory(department=department)
    with django_assert_num_queries(5):
        small = client.get(REGISTER)
    TopicFactory.create_batch(9, department=department)
    with django_assert_num_queries(5):
        large = client.get(REGISTER)
    assert len(small.context_data["form"].topics) == 1
    assert len(large.context_data["form"].topics) == 10


def test_the_coupon_runs_the_same_queries_for_ten_times_the_appeals(
    client, registrar, topic, django_assert_num_queries
):
    # session, user, roles; the appeal with its topic, registrar and repeat; the bell's count
    appeal = AppealFactory(topic=topic, registered_by=registrar)
    with django_assert_num_queries(5):
        small = _coupon(client, appeal)
    AppealFactory.create_batch(9, topic=topic, registered_by=registrar)
    with django_assert_num_queries(5):
        large = _coupon(client, appeal)
    assert small.context_data["appeal"] == large.context_data["appeal"] == appeal
    assert Appeal.objects.filter(registered_by=registrar).count() == 10


def test_the_form_from_a_visit_adds_one_query(
    client, registrar, topic, visit, django_assert_num_queries
):
    # session, user, roles; the active topics with their directorates; the visit with its
    # visitor and organisation; the bell's count
    with django_assert_num_queries(6):
        page = client.get(REGISTER, {"visit": visit.pk})
    assert page.context_data["visit"] == visit


def test_a_kazakh_speaking_registrar_is_answered_in_kazakh(client, receptionist, topic):
    receptionist.language = "kk"
    receptionist.save(update_fields=["language"])
    client.force_login(receptionist)
    page = client.get(REGISTER)
    assert "Өтінішті тіркеу" in page.text and "Мал шаруашылығын субсидиялау" in page.text
    refused = client.post(REGISTER, form_data(topic, applicant_name="", applicant_phone=""))
    assert errors(refused)["applicant_name"] == ["Өтініш берушінің аты-жөнін көрсетіңіз."]
    assert not Appeal.objects.exists()
