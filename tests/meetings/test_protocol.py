"""The protocol's rules: a draft is written freely; the sign-off asks every decision for a
responsible person and a deadline not passed, numbers the protocol in its year and makes each
decision a task through tasks' services; a signed protocol changes only by numbered amendments,
each also made on the decision's task. Who sees a meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from meetings import services
from meetings.models import Amendment, Decision, Meeting, Protocol, ProtocolCounter
from tasks.models import DeadlineChange, Source, Status, Task
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import MeetingFactory, decision, signed_protocol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are asserted as written (the msgids), whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def meeting():
    department = DepartmentFactory()
    chair = head_of(department)
    secretary = UserFactory(department=department, roles=["specialist"])
    return MeetingFactory(chair=chair, secretary=secretary, department=department)


def test_the_sign_off_numbers_the_protocol_and_makes_every_decision_a_task(meeting):
    first, second, helper = UserFactory.create_batch(3, department=meeting.department)
    protocol = services.save_draft(
        meeting=meeting,
        actor=meeting.secretary,
        heard="Заслушали отчёт.",
        decisions=[
            decision(
                "Подготовить план ремонта дорог\nс разбивкой по улицам",
                first,
                days=3,
                co_executors=[helper, first],
            ),
            decision("Провести проверку", second, days=10),
        ],
    )
    assert not Task.objects.filter(source=Source.PROTOCOL).exists()
    assert protocol.number is None

    signed = services.sign_off(protocol=protocol, actor=meeting.secretary)

    year = timezone.localdate().year
    assert (signed.status, signed.year, signed.signed_by) == (
        Protocol.Status.SIGNED,
        year,
        meeting.secretary,
    )
    assert signed.number == ProtocolCounter.objects.get(year=year).last
    tasks = {d.position: d.task for d in signed.decisions.select_related("task")}
    one, two = tasks[1], tasks[2]
    assert one.title == "Подготовить план ремонта дорог"
    assert one.description.endswith("с разбивкой по улицам")
    assert (one.source, one.source_number) == (Source.PROTOCOL, str(signed.number))
    assert one.source_date == timezone.localdate(meeting.starts_at)
    assert one.author == meeting.chair  # the chair accepts the results
    assert one.responsible == first and set(one.co_executors.all()) == {helper}
    assert timezone.localtime(one.deadline).date() == timezone.localdate() + dt.timedelta(days=3)
    assert timezone.localtime(one.deadline).time() == dt.time(18, 30)
    assert two.responsible == second and two.status == Status.NEW
    assert first.notifications.filter(task=one).exists()


def test_numbers_follow_each_other_within_the_year(meeting):
    person = UserFactory(department=meeting.department)
    numbers = [
        signed_protocol(MeetingFactory(chair=meeting.chair), decision("Сделать", person)).number
        for _ in range(3)
    ]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


@pytest.mark.parametrize(
    ("responsible", "days", "message"),
    [
        (False, 3, "no responsible person"),
        (True, None, "no deadline"),
        (True, -1, "the deadline has passed"),
    ],
)
def test_a_decision_not_ready_stops_the_sign_off_and_nothing_is_stored(
    meeting, responsible, days, message
):
    person = UserFactory(department=meeting.department)
    protocol = services.save_draft(
        meeting=meeting,
        actor=meeting.chair,
        heard="",
        decisions=[
            decision("Готовое решение", person),
            decision("Неготовое решение", person if responsible else None, days=days),
        ],
    )
    counter_before = list(ProtocolCounter.objects.values_list("year", "last"))

    with pytest.raises(ValidationError) as error:
        services.sign_off(protocol=protocol, actor=meeting.chair)

    assert error.value.messages == [f"Decision 2: {message}."]
    protocol.refresh_from_db()
    assert protocol.status == Protocol.Status.DRAFT and protocol.number is None
    assert not Task.objects.filter(source=Source.PROTOCOL).exists()
    assert list(ProtocolCounter.objects.values_list("year", "last")) == counter_before


def test_a_deadline_of_today_is_refused_after_the_working_day_ends(meeting, pinned_clock):
    person = UserFactory(department=meeting.department)
    protocol = services.save_draft(
        meeting=meeting,
        actor=meeting.chair,
        heard="",
        decisions=[decision("Сегодня", person, days=0)],
    )
    pinned_clock.move_to(
        timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(19, 0)))
    )
    with pytest.raises(ValidationError, match="the deadline has passed"):
        services.sign_off(protocol=protocol, actor=meeting.chair)


def test_a_protocol_without_decisions_is_not_signed(meeting):
    protocol = services.save_draft(
        meeting=meeting, actor=meeting.chair, heard="Обсудили.", decisions=[]
    )
    with pytest.raises(ValidationError, match="at least one decision"):
        services.sign_off(protocol=protocol, actor=meeting.chair)


def test_a_signed_protocol_is_not_edited_nor_signed_again(meeting):
    person = UserFactory(department=meeting.department)
    protocol = signed_protocol(meeting, decision("Сделать", person))
    with pytest.raises(ValidationError, match="numbered amendment"):
        services.save_draft(
            meeting=meeting, actor=meeting.chair, heard="", decisions=[decision("Иначе", person)]
        )
    with pytest.raises(PermissionDenied):
        services.sign_off(protocol=protocol, actor=meeting.chair)
    assert [d.text for d in protocol.decisions.all()] == ["Сделать"]
    assert Task.objects.filter(source=Source.PROTOCOL).count() == 1


def test_only_the_chair_or_the_secretary_writes_and_signs(meeting):
    other = UserFactory(department=meeting.department, roles=["specialist"])
    with pytest.raises(PermissionDenied):
        services.save_draft(meeting=meeting, actor=other, heard="", decisions=[])
    protocol = services.save_draft(
        meeting=meeting, actor=meeting.chair, heard="", decisions=[decision("Сделать", other)]
    )
    with pytest.raises(PermissionDenied):
        services.sign_off(protocol=protocol, actor=other)
    assert not Protocol.objects.filter(status=Protocol.Status.SIGNED).exists()


def test_a_decision_for_someone_who_left_is_refused(meeting):
    gone = UserFactory(department=meeting.department, is_active=False)
    with pytest.raises(ValidationError, match="Choose people of the portal"):
        services.save_draft(
            meeting=meeting, actor=meeting.chair, heard="", decisions=[decision("Сделать", gone)]
        )
    assert not Protocol.objects.exists()


def test_amendments_are_numbered_and_made_on_the_tasks_too(meeting):
    person, newcomer = UserFactory.create_batch(2, department=meeting.department)
    protocol = signed_protocol(meeting, decision("Первое", person), decision("Второе", person))
    first, second = protocol.decisions.order_by("position")
    new_day = timezone.localdate() + dt.timedelta(days=20)

    moved = services.amend(
        protocol=protocol, actor=meeting.chair, change=Amendment.Change.DEADLINE,
        reason="Ждём проектную документацию", decision=first, new_deadline=new_day,
    )  # fmt: skip
    cancelled = services.amend(
        protocol=protocol, actor=meeting.chair, change=Amendment.Change.CANCEL,
        reason="Вопрос снят", decision=second,
    )  # fmt: skip
    added = services.amend(
        protocol=protocol, actor=meeting.chair, change=Amendment.Change.ADD,
        reason="Дополнительно", new_decision=decision("Третье", newcomer, days=4),
    )  # fmt: skip

    assert [moved.number, cancelled.number, added.number] == [1, 2, 3]
    first.refresh_from_db()
    assert first.deadline == new_day
    assert timezone.localtime(first.task.deadline).date() == new_day
    change = DeadlineChange.objects.get(task=first.task)
    assert (change.state, change.reason) == (
        DeadlineChange.State.APPROVED,
        "Ждём проектную документацию",
    )
    second.refresh_from_db()
    assert second.cancelled and second.task.status == Status.CANCELLED
    assert second.task.cancel_reason == "Вопрос снят"
    third = Decision.objects.get(text="Третье")
    assert third.position == 3 and third.task.responsible == newcomer
    assert third.amendments.get() == added
    assert third.task.source_number == protocol.code
    reasons = list(first.history.values_list("history_change_reason", flat=True))
    assert reasons[0] == f"deadline changed by an amendment: {new_day:%d.%m.%Y}"


def test_an_amendment_is_the_chairs_and_checks_what_it_changes(meeting):
    person = UserFactory(department=meeting.department)
    protocol = signed_protocol(meeting, decision("Первое", person))
    other = MeetingFactory(chair=meeting.chair)
    foreign = signed_protocol(other, decision("Чужое", person)).decisions.get()
    own = protocol.decisions.get()
    with pytest.raises(PermissionDenied):
        services.amend(
            protocol=protocol, actor=meeting.secretary, change="cancel", reason="x", decision=own
        )
    with pytest.raises(ValidationError, match="decision of this protocol"):
        services.amend(
            protocol=protocol, actor=meeting.chair, change="cancel", reason="x", decision=foreign
        )
    with pytest.raises(ValidationError, match="has not passed"):
        services.amend(
            protocol=protocol, actor=meeting.chair, change="deadline", reason="x", decision=own,
            new_deadline=timezone.localdate() - dt.timedelta(days=1),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.amend(protocol=protocol, actor=meeting.chair, change="deadline", reason="  ", decision=own,
                       new_deadline=timezone.localdate() + dt.timedelta(days=9))  # fmt: skip
    services.amend(
        protocol=protocol, actor=meeting.chair, change="cancel", reason="Снято", decision=own
    )
    with pytest.raises(ValidationError, match="already cancelled"):
        services.amend(
            protocol=protocol, actor=meeting.chair, change="cancel", reason="x", decision=own
        )
    assert protocol.amendments.count() == 1
    draft = services.save_draft(
        meeting=MeetingFactory(chair=meeting.chair), actor=meeting.chair, heard="", decisions=[]
    )
    with pytest.raises(PermissionDenied):
        services.amend(
            protocol=draft, actor=meeting.chair, change="cancel", reason="x", decision=own
        )


def test_who_sees_a_meeting(meeting):
    person = UserFactory(department=meeting.department, roles=["specialist"])
    outsider = UserFactory(department=DepartmentFactory(), roles=["specialist"])
    participant = UserFactory(department=DepartmentFactory(), roles=["specialist"])
    responsible = UserFactory(department=DepartmentFactory(), roles=["specialist"])
    deputy = UserFactory(roles=["deputy"])
    meeting.participants.add(participant)
    signed_protocol(meeting, decision("Сделать", responsible))

    def sees(user):
        return Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()

    assert sees(person) and sees(participant) and sees(responsible) and sees(deputy)
    assert not sees(outsider)
    assert Meeting.objects.visible_to(participant).filter(pk=meeting.pk).count() == 1


def test_the_register_refuses_bad_input_and_stores_nothing(meeting):
    chair = meeting.chair
    base = {
        "kind": "internal",
        "title": "Планёрка",
        "starts_at": timezone.now(),
        "duration_minutes": 30,
        "chair": chair,
    }
    for bad, field in [
        ({"kind": "party"}, "kind"),
        ({"title": "Пла\x00нёрка"}, "title"),
        ({"title": "   "}, "title"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 10_000}, "duration_minutes"),
        ({"participants": [UserFactory(is_active=False)]}, "participants"),
        ({"guests": [services.GuestData("")]}, "guests"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.create_meeting(actor=chair, data=services.MeetingData(**{**base, **bad}))
        assert field in error.value.message_dict, bad
    assert Meeting.objects.count() == 1
    created = services.create_meeting(
        actor=chair,
        data=services.MeetingData(
            **base, guests=[services.GuestData("Иванов И. И.", "ТОО «Стройка»")]
        ),
    )
    assert created.department == chair.department
    assert [g.full_name for g in created.guests.all()] == ["Иванов И. И."]


def test_an_amendment_adds_no_decision_beyond_the_protocols_limit(meeting, monkeypatch):
    person = UserFactory(department=meeting.department)
    protocol = signed_protocol(meeting, decision("Первое", person), decision("Второе", person))
    monkeypatch.setattr(services, "DECISIONS_MAX", 2)
    with pytest.raises(ValidationError, match="At most 2 decisions"):
        services.amend(
            protocol=protocol, actor=meeting.chair, change=Amendment.Change.ADD,
            reason="Дополнительно", new_decision=decision("Третье", person),
        )  # fmt: skip
    assert protocol.decisions.count() == 2 and not protocol.amendments.exists()
