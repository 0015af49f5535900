"""The protocol's pages over HTTP: who sees what (404 for a meeting one does not see, "being
written" for a draft one does not keep), the editor (rows added and removed without storing,
a draft saved even when a row is not ready, bad input refused with nothing stored, a second
keeper's stale save refused), the sign-off (its confirmation, its errors next to their
decisions, a double click signing once), the signed protocol read-only, the amendments, the
meeting page's summary, and fixed query counts at ×1 and ×10 decisions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from meetings import services
from meetings.models import Amendment, Decision, Meeting, Protocol
from tasks.models import Source, Status, Task
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import MeetingFactory, decision, signed_protocol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk])


@pytest.fixture
def meeting():
    department = DepartmentFactory()
    chair = head_of(department)
    secretary = UserFactory(department=department, roles=["specialist"])
    return MeetingFactory(chair=chair, secretary=secretary, department=department)


@pytest.fixture
def staff(meeting):
    """Two people of the meeting's directorate a decision can be given to."""
    return UserFactory.create_batch(2, department=meeting.department, roles=["specialist"])


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def editor_post(version, rows, heard="Заслушали доклады.", action="save"):
    data = {
        "version": str(version),
        "heard": heard,
        "action": action,
        "decisions-TOTAL_FORMS": str(len(rows)),
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"decisions-{index}-{name}"] = value
    return data


def row(text, responsible=None, deadline="", co_executors=()):
    return {
        "text": text,
        "responsible": str(responsible.pk) if responsible else "",
        "deadline": deadline,
        "co_executors": [str(p.pk) for p in co_executors],
    }


def in_english(user):
    """The person reads the portal in English: the messages asserted are the msgids."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def version_of(meeting) -> int:
    protocol = Protocol.objects.filter(meeting=meeting).first()
    if protocol is None:
        return 0
    return protocol.history.order_by("-history_id").first().history_id


# --- who sees what -------------------------------------------------------------------------


def test_someone_else_of_another_directorate_gets_404_on_every_protocol_page(
    client, meeting, staff
):
    signed_protocol(meeting, decision("Сделать", staff[0]))
    stranger = UserFactory(department=DepartmentFactory(), roles=["head"])
    client.force_login(stranger)
    for name in ("protocol", "protocol-sign", "protocol-amend", "protocol-print"):
        assert client.get(url(name, meeting)).status_code == 404, name
    assert client.post(url("protocol", meeting), {"action": "save"}).status_code == 404


def test_a_participant_of_another_directorate_reads_the_signed_protocol(client, meeting, staff):
    guest = UserFactory(department=DepartmentFactory(), roles=["specialist"])
    meeting.participants.add(guest)
    protocol = signed_protocol(meeting, decision("Подготовить справку", staff[0]))
    client.force_login(guest)
    response = client.get(url("protocol", meeting))
    assert response.status_code == 200
    assert response.context["mode"] == "signed"
    assert f"№ {protocol.code}" in response.content.decode()
    assert "Подготовить справку" in response.content.decode()


def test_a_colleague_sees_the_draft_is_being_written_and_cannot_touch_or_print_it(
    client, meeting, staff
):
    services.save_draft(
        meeting=meeting,
        actor=meeting.chair,
        heard="",
        decisions=[decision("Секретное решение", staff[0])],
    )
    client.force_login(staff[1])
    response = client.get(url("protocol", meeting))
    body = response.content.decode()
    assert response.context["mode"] == "writing"
    assert "Секретное решение" not in body
    assert 'data-testid="protocol-writing"' in body
    assert client.post(url("protocol", meeting), editor_post(1, [])).status_code == 403
    assert client.get(url("protocol-print", meeting)).status_code == 404
    assert client.get(url("protocol-sign", meeting)).status_code == 403
    assert Decision.objects.filter(protocol__meeting=meeting).count() == 1


# --- the editor ----------------------------------------------------------------------------


def test_the_keeper_gets_the_editor_with_one_empty_row_before_the_first_save(client, meeting):
    client.force_login(meeting.secretary)
    response = client.get(url("protocol", meeting))
    assert response.context["mode"] == "editor"
    assert len(response.context["rows"]) == 1
    assert 'data-testid="add-decision"' in response.content.decode()


def test_add_a_decision_draws_one_more_row_as_typed_and_stores_nothing(client, meeting, staff):
    client.force_login(meeting.chair)
    data = editor_post(0, [row("Первое решение", staff[0])], action="add")
    response = client.post(url("protocol", meeting), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="protocol-editor"' in body  # the fragment alone
    assert body.count('data-testid="decision-row"') == 2
    assert "Первое решение" in body
    assert 'name="decisions-TOTAL_FORMS" value="2"' in body
    assert not Protocol.objects.filter(meeting=meeting).exists()


def test_remove_takes_out_the_row_named_and_keeps_the_others(client, meeting, staff):
    client.force_login(meeting.chair)
    rows = [row("Первое"), row("Второе"), row("Третье")]
    response = client.post(url("protocol", meeting), editor_post(0, rows, action="remove-1"))
    texts = [form.initial.get("text") for form, _errors in response.context["rows"]]
    assert texts == ["Первое", "Третье"]
    assert not Protocol.objects.filter(meeting=meeting).exists()


def test_save_draft_keeps_rows_without_a_responsible_or_deadline(client, meeting, staff):
    client.force_login(meeting.secretary)
    rows = [
        row("Готовое", staff[0], in_days(5), co_executors=[staff[1]]),
        row("Без ответственного", None, in_days(3)),
        row("Без срока", staff[1]),
        row(""),  # a blank row is skipped
    ]
    response = client.post(url("protocol", meeting), editor_post(0, rows))
    assert response.status_code == 302
    protocol = Protocol.objects.get(meeting=meeting)
    assert protocol.heard == "Заслушали доклады."
    saved = list(protocol.decisions.order_by("position"))
    assert [(d.text, d.responsible, d.deadline) for d in saved] == [
        ("Готовое", staff[0], timezone.localdate() + dt.timedelta(days=5)),
        ("Без ответственного", None, timezone.localdate() + dt.timedelta(days=3)),
        ("Без срока", staff[1], None),
    ]
    assert list(saved[0].co_executors.all()) == [staff[1]]
    assert protocol.status == Protocol.Status.DRAFT
    # The editor comes back with what was saved.
    again = client.get(url("protocol", meeting))
    assert [f.initial["text"] for f, _e in again.context["rows"]] == [
        "Готовое",
        "Без ответственного",
        "Без срока",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "Решение\x00"}, "NUL"),
        ({"text": "я" * 5001}, "5000"),
        ({"deadline": "2026-02-30"}, "Enter a valid date"),
        ({"deadline": "9999-01-01"}, "2100"),
        ({"responsible": "999999"}, "Choose people of the portal from the list"),
    ],
)
def test_bad_input_in_a_decision_gets_a_message_and_nothing_is_stored(
    client, meeting, staff, change, message
):
    client.force_login(in_english(meeting.chair))
    services.save_draft(
        meeting=meeting, actor=meeting.chair, heard="Было", decisions=[decision("Старое")]
    )
    bad = {**row("Новое", staff[0], in_days(2)), **change}
    response = client.post(url("protocol", meeting), editor_post(version_of(meeting), [bad]))
    assert response.status_code == 200
    assert message in response.content.decode()
    protocol = Protocol.objects.get(meeting=meeting)
    assert protocol.heard == "Было"
    assert list(protocol.decisions.values_list("text", flat=True)) == ["Старое"]


def test_a_person_of_another_directorate_cannot_be_made_responsible(client, meeting):
    stranger = UserFactory(department=DepartmentFactory(), roles=["specialist"])
    client.force_login(meeting.chair)
    response = client.post(
        url("protocol", meeting), editor_post(0, [row("Решение", stranger, in_days(2))])
    )
    assert response.status_code == 200
    assert response.context["rows"][0][0].errors["responsible"]
    assert not Protocol.objects.filter(meeting=meeting).exists()


def test_html_is_kept_as_text_and_shown_escaped(client, meeting, staff):
    client.force_login(meeting.chair)
    client.post(
        url("protocol", meeting),
        editor_post(0, [row("<script>alert(1)</script>", staff[0], in_days(2))]),
    )
    body = client.get(url("protocol", meeting)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_second_keepers_stale_save_is_refused_and_the_first_is_kept(client, meeting, staff):
    client.force_login(meeting.secretary)
    stale = version_of(meeting)  # both opened the empty editor
    client.post(url("protocol", meeting), editor_post(stale, [row("Секретарь написал")]))
    client.force_login(meeting.chair)
    response = client.post(url("protocol", meeting), editor_post(stale, [row("Председатель")]))
    assert response.status_code == 200
    assert (
        "saved by someone else" in response.content.decode()
        or response.context["heard_form"].non_field_errors()
    )
    texts = list(Decision.objects.filter(protocol__meeting=meeting).values_list("text", flat=True))
    assert texts == ["Секретарь написал"]


# --- the sign-off --------------------------------------------------------------------------


def test_save_and_sign_off_leads_to_the_confirmation_naming_the_people(client, meeting, staff):
    client.force_login(meeting.chair)
    rows = [row("Первое", staff[0], in_days(3)), row("Второе", staff[1], in_days(4))]
    response = client.post(url("protocol", meeting), editor_post(0, rows, action="sign"))
    assert response.status_code == 302 and response.url == url("protocol-sign", meeting)
    page = client.get(response.url)
    summary = page.content.decode()
    assert page.context["decisions"] and len(page.context["decisions"]) == 2
    assert str(staff[0]) in summary and str(staff[1]) in summary
    assert not Task.objects.filter(source=Source.PROTOCOL).exists()


def test_the_sign_off_errors_come_back_next_to_their_decision_and_nothing_is_stored(
    client, meeting, staff
):
    services.save_draft(
        meeting=meeting,
        actor=meeting.chair,
        heard="",
        decisions=[decision("Готовое", staff[0]), decision("Без срока", staff[1], days=None)],
    )
    client.force_login(in_english(meeting.chair))
    response = client.post(url("protocol-sign", meeting), {"once": str(uuid.uuid4())})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0][1] == []
    assert rows[1][1] == ["Decision 2: no deadline."]
    body = response.content.decode()
    second = body.index('id="decision-2"')
    assert body.index("Decision 2: no deadline.") > second
    protocol = Protocol.objects.get(meeting=meeting)
    assert protocol.status == Protocol.Status.DRAFT and protocol.number is None
    assert not Task.objects.filter(source=Source.PROTOCOL).exists()


def test_a_double_click_on_sign_off_signs_once_with_one_task_per_decision(client, meeting, staff):
    services.save_draft(
        meeting=meeting,
        actor=meeting.secretary,
        heard="",
        decisions=[decision("Первое", staff[0]), decision("Второе", staff[1])],
    )
    client.force_login(meeting.secretary)
    token = {"once": str(uuid.uuid4())}
    first = client.post(url("protocol-sign", meeting), token)
    second = client.post(url("protocol-sign", meeting), token)
    assert first.status_code == 302 and second.status_code == 302
    assert second.url == url("protocol", meeting)
    protocol = Protocol.objects.get(meeting=meeting)
    assert protocol.is_signed and protocol.signed_by == meeting.secretary
    assert Task.objects.filter(source=Source.PROTOCOL).count() == 2
    assert Task.objects.filter(source_number=protocol.code, responsible=staff[0]).count() == 1


def test_a_signed_protocol_is_read_only_with_its_number_tasks_and_print_links(
    client, meeting, staff
):
    protocol = signed_protocol(
        meeting,
        decision("Первое", staff[0], co_executors=[staff[1]]),
        decision("Второе", staff[1]),
    )
    client.force_login(meeting.chair)
    response = client.get(url("protocol", meeting))
    body = response.content.decode()
    assert response.context["mode"] == "signed"
    assert 'name="action"' not in body  # no editor
    tasks = Task.objects.filter(protocol_decision__protocol=protocol)
    for task in tasks:
        assert task.get_absolute_url() in body
    assert body.count('data-testid="task-status"') == 2
    assert f"{url('protocol-print', meeting)}?lang=kk" in body
    assert 'data-testid="amend-link"' in body
    # A sent editor changes nothing.
    before = list(protocol.decisions.values_list("text", flat=True))
    client.post(url("protocol", meeting), editor_post(1, [row("Подмена")]))
    assert list(protocol.decisions.values_list("text", flat=True)) == before


def test_the_secretary_sees_no_amend_link_and_gets_403(client, meeting, staff):
    signed_protocol(meeting, decision("Первое", staff[0]))
    client.force_login(meeting.secretary)
    assert 'data-testid="amend-link"' not in client.get(url("protocol", meeting)).content.decode()
    assert client.get(url("protocol-amend", meeting)).status_code == 403


def test_a_draft_cannot_be_amended(client, meeting, staff):
    services.save_draft(
        meeting=meeting, actor=meeting.chair, heard="", decisions=[decision("Первое", staff[0])]
    )
    client.force_login(meeting.chair)
    assert client.get(url("protocol-amend", meeting)).status_code == 404


# --- amendments ----------------------------------------------------------------------------


def amend_post(**fields):
    return {"once": str(uuid.uuid4()), "reason": "Решение совещания", **fields}


def test_an_amendment_adds_a_decision_that_becomes_a_task(client, meeting, staff):
    protocol = signed_protocol(meeting, decision("Первое", staff[0]))
    client.force_login(meeting.chair)
    response = client.post(
        url("protocol-amend", meeting),
        amend_post(
            change="add",
            text="Дополнительное решение",
            responsible=str(staff[1].pk),
            deadline=in_days(7),
        ),
    )
    assert response.status_code == 302
    added = protocol.decisions.get(position=2)
    assert added.task is not None and added.task.responsible == staff[1]
    amendment = protocol.amendments.get()
    assert (amendment.number, amendment.change) == (1, Amendment.Change.ADD)
    page = client.get(url("protocol", meeting)).content.decode()
    assert "Дополнительное решение" in page and 'data-testid="amendment"' in page


def test_an_amendment_moves_a_deadline_and_the_tasks(client, meeting, staff):
    protocol = signed_protocol(meeting, decision("Первое", staff[0], days=3))
    target = protocol.decisions.get()
    client.force_login(meeting.chair)
    client.post(
        url("protocol-amend", meeting),
        amend_post(change="deadline", decision=str(target.pk), new_deadline=in_days(20)),
    )
    target.refresh_from_db()
    assert target.deadline == timezone.localdate() + dt.timedelta(days=20)
    assert timezone.localtime(target.task.deadline).date() == target.deadline


def test_a_cancelled_decision_is_struck_through_with_its_amendment_number(client, meeting, staff):
    protocol = signed_protocol(meeting, decision("Первое", staff[0]), decision("Второе", staff[1]))
    target = protocol.decisions.get(position=2)
    client.force_login(in_english(meeting.chair))
    client.post(
        url("protocol-amend", meeting), amend_post(change="cancel", decision=str(target.pk))
    )
    target.refresh_from_db()
    assert target.cancelled and target.task.status == Status.CANCELLED
    body = client.get(url("protocol", meeting)).content.decode()
    assert "<del" in body and "cancelled by amendment № 1" in body
    # A cancelled decision is no longer offered.
    form = client.get(url("protocol-amend", meeting)).context["form"]
    assert str(target.pk) not in dict(form.fields["decision"].choices)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"change": "cancel", "decision": "OTHER"}, "decision", "decision of this protocol"),
        ({"change": "deadline", "new_deadline": "PAST"}, "new_deadline", "has not passed"),
        ({"change": "cancel", "reason": ""}, "reason", "required"),
        ({"change": "cancel", "reason": "a\x00b"}, "reason", "NUL"),
        ({"change": "add", "text": "Новое", "deadline": "PAST"}, "text", "deadline has passed"),
        ({"change": "rename"}, "change", "valid choice"),
    ],
)
def test_bad_amendments_get_the_message_on_the_form_and_nothing_is_stored(
    client, meeting, staff, fields, field, message
):
    protocol = signed_protocol(meeting, decision("Первое", staff[0], days=3))
    mine = protocol.decisions.get()
    other = signed_protocol(MeetingFactory(), decision("Чужое", staff[1])).decisions.get()
    data = amend_post(decision=str(mine.pk), responsible=str(staff[1].pk))
    data.update(fields)
    if data.get("decision") == "OTHER":
        data["decision"] = str(other.pk)
    for name in ("new_deadline", "deadline"):
        if data.get(name) == "PAST":
            data[name] = in_days(-1)
    client.force_login(in_english(meeting.chair))
    response = client.post(url("protocol-amend", meeting), data)
    assert response.status_code == 200
    # The page in English shows it; the form's own errors are read in the person's language too
    # (a lazy message takes the language of the moment it is read, and the request's is over).
    assert message in response.content.decode()
    with translation.override("en"):
        errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Amendment.objects.exists()
    mine.refresh_from_db()
    assert not mine.cancelled and mine.deadline == timezone.localdate() + dt.timedelta(days=3)
    assert protocol.decisions.count() == 1


def test_a_double_click_on_an_amendment_makes_one(client, meeting, staff):
    protocol = signed_protocol(meeting, decision("Первое", staff[0]))
    client.force_login(meeting.chair)
    data = amend_post(
        change="add", text="Ещё одно", responsible=str(staff[1].pk), deadline=in_days(5)
    )
    client.post(url("protocol-amend", meeting), data)
    second = client.post(url("protocol-amend", meeting), data)
    assert second.status_code == 302
    assert protocol.amendments.count() == 1 and protocol.decisions.count() == 2


# --- the meeting page's summary ------------------------------------------------------------


def summary(meeting, user):
    request = RequestFactory().get("/")
    request.user = user
    meeting = (
        Meeting.objects.select_related("protocol")
        .prefetch_related("protocol__decisions")
        .get(pk=meeting.pk)
    )
    return render_to_string("meetings/protocol/_summary.html", {"meeting": meeting}, request)


def test_the_summary_follows_the_protocol_through_its_life(
    meeting, staff, django_assert_num_queries
):
    assert 'data-testid="write-protocol"' in summary(meeting, meeting.secretary)
    assert 'data-testid="write-protocol"' not in summary(meeting, staff[0])
    services.save_draft(
        meeting=meeting,
        actor=meeting.chair,
        heard="",
        decisions=[decision("Первое", staff[0]), decision("Второе", staff[1])],
    )
    assert 'data-testid="protocol-draft"' in summary(meeting, meeting.chair)
    protocol = services.sign_off(
        protocol=Protocol.objects.get(meeting=meeting), actor=meeting.chair
    )
    text = summary(meeting, staff[0])
    assert 'data-testid="protocol-signed"' in text
    assert f"№ {protocol.code}" in text and f"{url('protocol-print', meeting)}?lang=kk" in text
    loaded = (
        Meeting.objects.select_related("protocol")
        .prefetch_related("protocol__decisions")
        .get(pk=meeting.pk)
    )
    request = RequestFactory().get("/")
    request.user = staff[0]
    with django_assert_num_queries(0):
        render_to_string("meetings/protocol/_summary.html", {"meeting": loaded}, request)


# --- query counts --------------------------------------------------------------------------


def _decisions(count, people):
    return [
        decision(f"Решение {n}", people[n % 2], co_executors=[people[(n + 1) % 2]])
        for n in range(count)
    ]


def test_the_signed_protocol_runs_the_same_queries_for_one_or_ten_decisions(
    client, staff, django_assert_num_queries
):
    department = staff[0].department
    small = MeetingFactory(chair=department.head, department=department)
    large = MeetingFactory(chair=department.head, department=department)
    for target, count in ((small, 1), (large, 10)):
        protocol = signed_protocol(target, *_decisions(count, staff))
        services.amend(
            protocol=protocol,
            actor=department.head,
            change=Amendment.Change.CANCEL,
            reason="Отменено",
            decision=protocol.decisions.first(),
        )
    client.force_login(staff[0])
    # session, user, roles; the meeting (visible_to); the protocol; its decisions with their
    # responsible and task; their co-executors; the cancelling amendments; the amendments'
    # count and page; the bell
    with django_assert_num_queries(11):
        one = client.get(url("protocol", small))
    with django_assert_num_queries(11):
        ten = client.get(url("protocol", large))
    assert len(one.context["decisions"]) == 1 and len(ten.context["decisions"]) == 10


def test_the_editor_runs_the_same_queries_for_one_or_ten_decisions(
    client, meeting, staff, django_assert_num_queries
):
    department = meeting.department
    other = MeetingFactory(chair=meeting.chair, secretary=meeting.secretary, department=department)
    services.save_draft(
        meeting=meeting, actor=meeting.chair, heard="", decisions=_decisions(1, staff)
    )
    services.save_draft(
        meeting=other, actor=meeting.chair, heard="", decisions=_decisions(10, staff)
    )
    client.force_login(meeting.chair)
    # session, user, roles; the meeting; the protocol; its decisions; their co-executors; the
    # people a decision may be given to; the draft's version; the bell
    with django_assert_num_queries(10):
        one = client.get(url("protocol", meeting))
    with django_assert_num_queries(10):
        ten = client.get(url("protocol", other))
    assert len(one.context["rows"]) == 1 and len(ten.context["rows"]) == 10
