"""The law's terms of an appeal (APPC arts. 63–64, 76), each under a pinned clock and the
working calendar: registration on a non-working day, the 15th working day over a holiday, the
third working day for a redirect and for the notice of an extension, two months at most."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from appeals import services
from appeals.models import (
    Appeal,
    AppealCounter,
    Channel,
    Kind,
    Status,
    extension_notice_late,
    extension_notice_pending,
    overdue_on,
    redirect_late,
)
from tests.appeals.factories import AppealFactory, TopicFactory, received
from tests.factories import DepartmentFactory, UserFactory, head_of

pytestmark = pytest.mark.django_db

SATURDAY = dt.date(2026, 11, 21)
MONDAY = dt.date(2026, 11, 23)


def test_an_appeal_received_on_saturday_is_registered_on_monday():
    dates = services.terms(received(SATURDAY))
    assert dates.registered_on == MONDAY
    # Three working days after Monday: Thursday.
    assert dates.redirect_due == dt.date(2026, 11, 26)


def test_the_fifteenth_working_day_steps_over_independence_day():
    # Registered Wednesday 2 December: 15 working days would end on Wednesday 23 December in a
    # plain working week; 16 December is Independence Day, so the term is 24 December.
    dates = services.terms(received(dt.date(2026, 12, 2)))
    assert dates.registered_on == dt.date(2026, 12, 2)
    assert dates.deadline == dt.date(2026, 12, 24)


def test_the_extension_limit_is_two_months_from_receipt():
    assert services.terms(received(dt.date(2026, 12, 31))).extension_limit == dt.date(2027, 2, 28)
    assert services.terms(received(dt.date(2026, 11, 18))).extension_limit == dt.date(2027, 1, 18)


def _register(registrar, topic, **kwargs):
    values = {
        "registrar": registrar,
        "kind": Kind.STATEMENT,
        "channel": Channel.WRITTEN,
        "topic": topic,
        "summary": "Не выдают разрешение на торговлю",
        "text": "Прошу разобраться.",
        "applicant": services.Applicant(name="Оспанова Гульмира", phone="8 701 555 07 07"),
    }
    values.update(kwargs)
    return services.register_appeal(**values)


def test_registration_numbers_the_year_gapless_and_names_the_term():
    registrar = UserFactory(roles=["receptionist"])
    topic = TopicFactory()
    with time_machine.travel(received(SATURDAY), tick=False):
        first = _register(registrar, topic)
        second = _register(registrar, topic)
    assert (first.year, first.number, second.number) == (2026, 1, 2)
    assert first.code == "2026-00001"
    assert first.registered_on == MONDAY
    assert first.deadline == first.legal_deadline == services.terms(first.received_at).deadline
    assert first.applicant_phone == "+77015550707"
    # A failed registration gives its number back: the next one is 3, not 4.
    with time_machine.travel(received(SATURDAY), tick=False):
        with pytest.raises(ValidationError):
            _register(registrar, topic, applicant=services.Applicant(name=""))
        third = _register(registrar, topic)
    assert third.number == 3
    assert AppealCounter.objects.get(year=2026).last == 3


def test_a_repeat_is_flagged_by_applicant_and_topic():
    registrar = UserFactory(roles=["receptionist"])
    topic = TopicFactory()
    with time_machine.travel(received(MONDAY), tick=False):
        first = _register(registrar, topic)
        again = _register(registrar, topic)
        other_topic = _register(registrar, TopicFactory())
    assert again.repeat_of == first
    assert other_topic.repeat_of is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant": services.Applicant(name="")}, "applicant_name"),
        ({"applicant": services.Applicant(name="Иванов")}, "applicant_phone"),
        ({"anonymous": True}, "anonymous"),
        ({"channel": Channel.ORAL, "protocol": ""}, "protocol"),
        ({"text": ""}, "text"),
        ({"summary": "a\x00b"}, "summary"),
        (
            {"applicant": services.Applicant(name="Иванов", phone="8 701", iin="123")},
            "applicant_iin",
        ),
    ],
)
def test_bad_registration_names_the_field_and_stores_nothing(changes, field):
    registrar = UserFactory(roles=["receptionist"])
    topic = TopicFactory()
    with time_machine.travel(received(MONDAY), tick=False), pytest.raises(ValidationError) as error:
        _register(registrar, topic, **changes)
    assert field in error.value.message_dict
    assert not Appeal.objects.exists()


def test_an_anonymous_proposal_keeps_no_name():
    registrar = UserFactory(roles=["receptionist"])
    with time_machine.travel(received(MONDAY), tick=False):
        appeal = _register(
            registrar,
            TopicFactory(),
            kind=Kind.PROPOSAL,
            anonymous=True,
            applicant=services.Applicant(name="Кто-то", phone="8 701 555 07 07"),
        )
    assert (appeal.applicant_name, appeal.applicant_phone) == ("", "")


def _assigned(department=None):
    department = department or DepartmentFactory()
    head = head_of(department)
    executor = UserFactory(department=department, roles=["specialist"])
    appeal = AppealFactory(topic=TopicFactory(department=department), received_at=received(MONDAY))
    appeal = services.assign_executor(appeal=appeal, actor=head, executor=executor)
    return appeal, head, executor


def test_the_head_assigns_an_executor_and_a_task_carries_the_term():
    with time_machine.travel(received(MONDAY, 12), tick=False):
        appeal, head, executor = _assigned()
    task = appeal.task
    assert appeal.status == Status.IN_WORK
    assert task.responsible == executor and task.author == head
    assert (task.source, task.source_number, task.source_date) == ("appeal", appeal.code, MONDAY)
    assert task.deadline.date() == appeal.deadline


def test_extension_at_most_two_months_and_the_notice_within_three_working_days():
    with time_machine.travel(received(MONDAY, 12), tick=False):
        appeal, head, executor = _assigned()
        limit = services.terms(appeal.received_at).extension_limit
        with pytest.raises(ValidationError) as error:
            services.extend_appeal(
                appeal=appeal, actor=head, new_deadline=limit + dt.timedelta(days=1), reason="x"
            )
        assert "new_deadline" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.extend_appeal(appeal=appeal, actor=head, new_deadline=limit, reason="")
        appeal = services.extend_appeal(
            appeal=appeal, actor=head, new_deadline=limit, reason="Нужен выезд на место"
        )
    appeal.refresh_from_db()
    assert appeal.deadline == limit and appeal.legal_deadline < limit
    assert appeal.extension_notice_due == dt.date(2026, 11, 26)
    assert appeal.task.deadline.date() == limit
    assert appeal.task.deadline_changes.get().state == "approved"
    # Told on the fourth working day: late, and recorded as such.
    with time_machine.travel(received(dt.date(2026, 11, 27)), tick=False):
        services.record_extension_notice(appeal=appeal, actor=executor)
    assert Appeal.objects.filter(
        extension_notice_late(dt.date(2026, 11, 27)), pk=appeal.pk
    ).exists()


def test_a_redirect_after_the_third_working_day_is_late():
    with time_machine.travel(received(MONDAY, 12), tick=False):
        appeal, head, _ = _assigned()
        with pytest.raises(ValidationError) as error:
            services.redirect_appeal(appeal=appeal, actor=head, body=" ", reason="Не наше")
        assert "body" in error.value.message_dict
    with time_machine.travel(received(dt.date(2026, 11, 27)), tick=False):
        appeal = services.redirect_appeal(
            appeal=appeal, actor=head, body="Департамент госдоходов", reason="Налоги не наши"
        )
    assert appeal.status == Status.REDIRECTED
    assert Appeal.objects.filter(redirect_late(), pk=appeal.pk).exists()
    appeal.task.refresh_from_db()
    assert appeal.task.status == "cancelled"


def test_answer_and_close_follow_the_task_and_the_overdue_rule():
    with time_machine.travel(received(MONDAY, 12), tick=False):
        appeal, head, executor = _assigned()
    after = appeal.deadline + dt.timedelta(days=1)
    assert Appeal.objects.filter(overdue_on(after), pk=appeal.pk).exists()
    assert not Appeal.objects.filter(overdue_on(appeal.deadline), pk=appeal.pk).exists()
    with time_machine.travel(received(dt.date(2026, 11, 25)), tick=False):
        appeal = services.answer_appeal(
            appeal=appeal, actor=executor, answer="Разрешение выдано.", decision="satisfied"
        )
        appeal.task.refresh_from_db()
        assert appeal.task.status == "awaiting"
        appeal = services.close_appeal(appeal=appeal, actor=head)
    appeal.task.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.task.status == "done"
    assert not Appeal.objects.filter(overdue_on(after), pk=appeal.pk).exists()
    reasons = list(
        appeal.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[-3:] == ["executor: " + str(executor), "answered: satisfied", "appeal closed"]


def test_an_untold_extension_stops_pending_once_answered_but_stays_late():
    with time_machine.travel(received(MONDAY, 12), tick=False):
        appeal, head, executor = _assigned()
        appeal = services.extend_appeal(
            appeal=appeal,
            actor=head,
            new_deadline=services.terms(appeal.received_at).extension_limit,
            reason="Нужен выезд на место",
        )
    assert Appeal.objects.filter(extension_notice_pending(), pk=appeal.pk).exists()
    with time_machine.travel(received(dt.date(2026, 12, 1)), tick=False):
        services.answer_appeal(appeal=appeal, actor=executor, answer="Ответ.", decision="explained")
    assert not Appeal.objects.filter(extension_notice_pending(), pk=appeal.pk).exists()
    assert Appeal.objects.filter(extension_notice_late(dt.date(2026, 12, 1)), pk=appeal.pk).exists()
