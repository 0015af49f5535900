"""The control of execution under a pinned clock: each decision's state by the tasks' own figures
(on time, late, open, overdue, cancelled apart; a result handed in on time is open, not
overdue), the month's protocols red first, who follows which protocol, the chairs' figures, a
protocol's control page and its green banner, bad input, and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import selectors, services
from meetings.models import Amendment, Kind
from tasks import services as task_services
from tasks.models import Status
from tests.conftest import WORKDAY_MORNING
from tests.factories import DepartmentFactory, UserFactory, head_of
from tests.meetings.factories import MeetingFactory, decision, signed_protocol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

CONTROL = "/meetings/control/"
HX = {"HX-Request": "true"}


def _task(protocol, position):
    return protocol.decisions.get(position=position).task


def _accept(protocol, position):
    task = _task(protocol, position)
    task_services.submit_task(task=task, actor=task.responsible, result="Сделано.")
    return task_services.accept_task(task=task, actor=protocol.meeting.chair)


def _every_state(chair, people, pinned_clock):
    """A protocol with a decision in every state, a week after its sign-off: 1 done on time,
    2 done late, 3 overdue, 4 handed in on time and awaiting acceptance, 5 open, 6 cancelled by
    an amendment."""
    meeting = MeetingFactory(chair=chair, department=chair.department)
    protocol = signed_protocol(
        meeting,
        *[decision(f"Решение {n}", people[n % len(people)], days=days)
          for n, days in enumerate((5, 5, 5, 5, 30, 30), start=1)],
    )  # fmt: skip
    _accept(protocol, 1)
    handed = _task(protocol, 4)
    task_services.submit_task(task=handed, actor=handed.responsible, result="Готово.")
    services.amend(
        protocol=protocol,
        actor=chair,
        change=Amendment.Change.CANCEL,
        reason="Не актуально.",
        decision=protocol.decisions.get(position=6),
    )
    pinned_clock.shift(dt.timedelta(days=7))
    _accept(protocol, 2)
    return protocol


@pytest.fixture
def team(department, head, specialist, colleague):
    return [specialist, colleague]


def test_the_addresses_and_names_agree():
    assert reverse("meetings:control") == CONTROL
    assert reverse("meetings:protocol-control", args=[7]) == "/meetings/7/protocol/control/"


def test_each_state_is_counted_by_the_tasks_figures(head, team, pinned_clock):
    protocol = _every_state(head, team, pinned_clock)
    counts = selectors.protocol_counts(protocol, timezone.now())
    assert (counts.on_time, counts.late, counts.open, counts.overdue, counts.cancelled) == (
        1, 1, 2, 1, 1
    )  # fmt: skip
    assert (counts.total, counts.done, counts.share_done, counts.colour) == (5, 2, 40, "red")
    states = {
        task.protocol_decision.position: task.state
        for task in selectors.protocol_decisions(protocol, timezone.now())
    }
    assert states == {
        1: "on_time", 2: "late", 3: "overdue", 4: "open", 5: "open", 6: "cancelled"
    }  # fmt: skip


def test_a_result_handed_in_on_time_is_open_not_overdue_after_the_deadline(
    head, specialist, pinned_clock
):
    protocol = signed_protocol(MeetingFactory(chair=head), decision("Отчёт", specialist, days=1))
    task = _task(protocol, 1)
    task_services.submit_task(task=task, actor=specialist, result="Отчёт сдан.")
    pinned_clock.shift(dt.timedelta(days=5))
    counts = selectors.protocol_counts(protocol, timezone.now())
    assert (counts.open, counts.overdue, counts.colour) == (1, 0, "amber")


def test_a_decision_whose_task_is_cancelled_is_counted_apart(head, specialist):
    protocol = signed_protocol(MeetingFactory(chair=head), decision("Отменить", specialist))
    task_services.cancel_task(task=_task(protocol, 1), actor=head, reason="Снято.")
    counts = selectors.protocol_counts(protocol, timezone.now())
    assert (counts.cancelled, counts.total, counts.share_done) == (1, 0, None)


def test_the_month_lists_red_then_amber_then_green(client, deputy, head, team, pinned_clock):
    green = signed_protocol(MeetingFactory(chair=head), decision("Зелёное", team[0], days=3))
    _accept(green, 1)
    amber = signed_protocol(MeetingFactory(chair=head), decision("Жёлтое", team[0], days=30))
    red = signed_protocol(MeetingFactory(chair=head), decision("Красное", team[1], days=2))
    pinned_clock.shift(dt.timedelta(days=4))
    client.force_login(deputy)
    response = client.get(CONTROL)
    rows = response.context_data["rows"]
    assert [(row.protocol.pk, row.counts.colour) for row in rows] == [
        (red.pk, "red"), (amber.pk, "amber"), (green.pk, "green")
    ]  # fmt: skip
    html = response.content.decode()
    assert html.index(f'data-protocol="{red.pk}"') < html.index(f'data-protocol="{green.pk}"')
    assert f'data-protocol="{red.pk}" data-colour="red" class="table-danger"' in html


def test_a_protocol_with_every_decision_cancelled_is_grey_and_last(
    client, deputy, head, specialist
):
    done = signed_protocol(MeetingFactory(chair=head), decision("Сделано", specialist))
    _accept(done, 1)
    void = signed_protocol(MeetingFactory(chair=head), decision("Снято", specialist))
    services.amend(
        protocol=void,
        actor=head,
        change=Amendment.Change.CANCEL,
        reason="Снято с контроля.",
        decision=void.decisions.get(),
    )
    client.force_login(deputy)
    response = client.get(CONTROL)
    rows = response.context_data["rows"]
    assert [(row.protocol.pk, row.counts.colour) for row in rows] == [
        (done.pk, "green"), (void.pk, "grey")
    ]  # fmt: skip
    assert 'data-colour="grey">Все решения отменены' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "1\x00"])
def test_a_bad_page_number_shows_a_page_of_the_list(client, deputy, head, specialist, page):
    protocol = signed_protocol(MeetingFactory(chair=head), decision("Одно", specialist))
    client.force_login(deputy)
    response = client.get(CONTROL, {"page": page, "chairs": page})
    assert response.status_code == 200
    assert [row.protocol.pk for row in response.context_data["rows"]] == [protocol.pk]
    assert len(response.context_data["chair_rows"]) == 1


def test_the_row_shows_number_meeting_chair_counts_and_share(
    client, deputy, head, team, pinned_clock
):
    protocol = _every_state(head, team, pinned_clock)
    client.force_login(deputy)
    response = client.get(CONTROL)
    html = response.content.decode()
    assert f"№ {protocol.code}" in html
    assert protocol.meeting.title in html
    assert str(head) in html
    assert 'data-testid="share">40 %' in html
    (row,) = response.context_data["rows"]
    assert row.counts.cancelled == 1 and row.counts.late == 1


def test_the_chairs_figures_sum_their_protocols_with_days_to_acceptance(
    client, deputy, head, team, pinned_clock
):
    first = _every_state(head, team, pinned_clock)  # 1 accepted at once, 1 after 7 days
    other_chair = head_of(DepartmentFactory())
    signed_protocol(MeetingFactory(chair=other_chair), decision("Чужое", team[0], days=30))
    client.force_login(deputy)
    response = client.get(CONTROL)
    rows = {row.chair.pk: row for row in response.context_data["chair_rows"]}
    ours = rows[head.pk]
    assert (ours.counts.on_time, ours.counts.late, ours.counts.overdue) == (1, 1, 1)
    assert ours.average_days == pytest.approx(3.5, abs=0.01)
    assert rows[other_chair.pk].counts.open == 1 and rows[other_chair.pk].average_days is None
    assert first.pk in [row.protocol.pk for row in response.context_data["rows"]]
    assert 'data-testid="average-days">3,5' in response.content.decode()


def test_another_month_is_asked_by_its_month(client, deputy, head, specialist, pinned_clock):
    protocol = signed_protocol(MeetingFactory(chair=head), decision("Ноябрь", specialist))
    pinned_clock.shift(dt.timedelta(days=20))  # December
    client.force_login(deputy)
    assert client.get(CONTROL).context_data["rows"] == []
    rows = client.get(CONTROL, {"month": "2026-11"}).context_data["rows"]
    assert [row.protocol.pk for row in rows] == [protocol.pk]


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-11\x00", "9999-01", "<b>", "x" * 500])
def test_a_bad_month_is_refused_with_a_message(client, deputy, head, specialist, month):
    signed_protocol(MeetingFactory(chair=head), decision("Сейчас", specialist))
    client.force_login(deputy)
    response = client.get(CONTROL, {"month": month})
    assert response.status_code == 200
    assert response.context_data["month"] == WORKDAY_MORNING.date().replace(day=1)
    if "\x00" not in month:
        assert 'data-testid="month-error"' in response.content.decode()
    assert len(response.context_data["rows"]) == 1


def _scoped(department, other_department):
    """Protocols of two directorates, and one chaired by a specialist of the first."""
    ours_head = head_of(department)
    theirs_head = head_of(other_department)
    worker = UserFactory(department=department, roles=["specialist"])
    stranger = UserFactory(department=other_department, roles=["specialist"])
    ours = signed_protocol(MeetingFactory(chair=ours_head), decision("Наше", worker))
    theirs = signed_protocol(MeetingFactory(chair=theirs_head), decision("Их", stranger))
    kept = MeetingFactory(chair=worker, department=department)
    kept.secretary = UserFactory(department=department, roles=["specialist"])
    kept.save()
    by_worker = signed_protocol(kept, decision("Рабочее", ours_head))
    return ours_head, theirs_head, worker, kept.secretary, ours, theirs, by_worker


def _listed(client, user):
    client.force_login(user)
    return {row.protocol.pk for row in client.get(CONTROL).context_data["rows"]}


def test_who_follows_which_protocol(client, department, other_department, deputy, methodologist):
    ours_head, theirs_head, worker, secretary, ours, theirs, by_worker = _scoped(
        department, other_department
    )
    every = {ours.pk, theirs.pk, by_worker.pk}
    assert _listed(client, deputy) == every
    assert _listed(client, methodologist) == every
    assert _listed(client, ours_head) == {ours.pk, by_worker.pk}
    assert _listed(client, theirs_head) == {theirs.pk}
    assert _listed(client, worker) == {by_worker.pk}  # chairs it
    assert _listed(client, secretary) == {by_worker.pk}  # keeps it


def test_a_person_with_no_protocol_sees_a_clear_empty_state(client, department, other_department):
    _scoped(department, other_department)
    nobody = UserFactory(department=department, roles=["specialist"])
    client.force_login(nobody)
    response = client.get(CONTROL)
    assert response.context_data["rows"] == []
    assert 'data-testid="empty"' in response.content.decode()


def test_another_directorates_head_gets_404_for_the_protocols_control(
    client, department, other_department
):
    ours_head, theirs_head, *_rest, ours, theirs, _by_worker = _scoped(department, other_department)
    client.force_login(theirs_head)
    url = reverse("meetings:protocol-control", args=[ours.meeting_id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("meetings:protocol-control", args=[theirs.meeting_id])).status_code
        == 200
    )


def test_a_participant_of_another_directorate_sees_the_protocols_control(
    client, department, other_department, outsider
):
    _ours_head, _theirs_head, *_rest, ours, _theirs, _by_worker = _scoped(
        department, other_department
    )
    ours.meeting.participants.add(outsider)
    client.force_login(outsider)
    response = client.get(reverse("meetings:protocol-control", args=[ours.meeting_id]))
    assert response.status_code == 200
    assert _listed(client, outsider) == set()  # takes part, neither chairs nor keeps it


def test_a_draft_has_no_control_page_and_says_so(client, head, specialist):
    meeting = MeetingFactory(chair=head)
    services.save_draft(
        meeting=meeting, actor=head, heard="", decisions=[decision("Черновик", specialist)]
    )
    client.force_login(head)
    response = client.get(reverse("meetings:protocol-control", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="not-signed"' in html and 'data-testid="decisions"' not in html
    bare = MeetingFactory(chair=head)
    response = client.get(reverse("meetings:protocol-control", args=[bare.pk]))
    assert 'data-testid="not-signed"' in response.content.decode()


def test_an_unknown_meeting_is_404(client, head):
    client.force_login(head)
    assert client.get("/meetings/999999/protocol/control/").status_code == 404


def test_the_banner_turns_green_after_the_last_acceptance(client, head, team, pinned_clock):
    meeting = MeetingFactory(chair=head, kind=Kind.COLLEGIAL)
    protocol = signed_protocol(
        meeting, decision("Первое", team[0], days=2), decision("Второе", team[1], days=10)
    )
    url = reverse("meetings:protocol-control", args=[meeting.pk])
    pinned_clock.shift(dt.timedelta(days=3))
    client.force_login(head)
    response = client.get(url)
    html = response.content.decode()
    assert 'data-testid="banner" data-state="red"' in html
    assert response.context_data["counts"].remaining == 2
    _accept(protocol, 1)
    response = client.get(url)
    assert 'data-testid="banner" data-state="amber"' in response.content.decode()
    assert 'data-testid="banner" data-state="done"' not in response.content.decode()
    _accept(protocol, 2)
    response = client.get(url)
    assert 'data-testid="banner" data-state="done"' in response.content.decode()
    assert response.context_data["counts"].all_done
    task = _task(protocol, 2)
    assert task.get_absolute_url() in response.content.decode()
    assert task.status == Status.DONE


def test_a_handed_in_result_is_not_done_for_the_banner(client, head, specialist):
    protocol = signed_protocol(MeetingFactory(chair=head), decision("Сдать", specialist))
    task = _task(protocol, 1)
    task_services.submit_task(task=task, actor=specialist, result="Сдано.")
    client.force_login(head)
    response = client.get(reverse("meetings:protocol-control", args=[protocol.meeting_id]))
    assert 'data-state="done"' not in response.content.decode()
    assert response.context_data["counts"].remaining == 1


# --- fixed query counts ------------------------------------------------------------------------


def _lay_out(times, chair, people, pinned_clock=None):
    """`times` protocols of `chair`, each with a decision done, one open and one overdue-to-be."""
    for _ in range(times):
        protocol = signed_protocol(
            MeetingFactory(chair=chair),
            decision("Раз", people[0], days=1),
            decision("Два", people[1], days=30),
            decision("Три", people[0], days=1),
        )
        _accept(protocol, 1)


def test_the_month_costs_the_same_queries_at_ten_times_the_protocols(
    client, deputy, head, team, django_assert_num_queries
):
    # session, user, roles; the protocols' count, their page of figures, those protocols with
    # their meeting and chair; the chairs' count, their page of figures, those people; the bell
    client.force_login(deputy)
    chairs = [head, *[head_of(DepartmentFactory()) for _ in range(2)]]
    for chair in chairs[:1]:
        _lay_out(1, chair, team)
    with django_assert_num_queries(10):
        small = client.get(CONTROL)
    for chair in chairs:
        _lay_out(3, chair, team)
    with django_assert_num_queries(10):
        large = client.get(CONTROL)
    assert small.context_data["page"].paginator.count == 1
    assert large.context_data["page"].paginator.count == 10
    assert sum(row.counts.done for row in large.context_data["rows"]) == 10


def test_the_htmx_month_costs_no_bell(client, deputy, head, team, django_assert_num_queries):
    client.force_login(deputy)
    _lay_out(2, head, team)
    with django_assert_num_queries(9):
        response = client.get(CONTROL, headers=HX)
    assert b"<html" not in response.content and b'id="control-month"' in response.content


def test_the_protocols_control_costs_the_same_queries_at_ten_times_the_decisions(
    client, head, team, django_assert_num_queries
):
    # session, user, roles; the meeting (visible, with chair and protocol); the counts; the
    # decisions' count and their page with decision and responsible; the bell
    client.force_login(head)
    small = signed_protocol(MeetingFactory(chair=head), decision("Одно", team[0]))
    large = signed_protocol(
        MeetingFactory(chair=head), *[decision(f"№ {n}", team[n % 2]) for n in range(10)]
    )
    for protocol, expected in ((small, 1), (large, 10)):
        with django_assert_num_queries(8):
            response = client.get(reverse("meetings:protocol-control", args=[protocol.meeting_id]))
        assert response.context_data["page"].paginator.count == expected
        assert response.content.decode().count("data-decision=") == expected
