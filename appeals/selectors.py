"""Reads of the appeals' control pages: the sections of "Appeals" (what awaits whom today), the
share answered on time over a period by directorate and by topic, and both as CSV or XLSX.

Every section and every figure is one of the rules written in `appeals.models` ("the figures'
rules"), combined here, never written again; the pages cost a fixed number of queries however
many appeals there are (one aggregate for all the counts, one query per section's rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from akimat import exports
from akimat.calendar import ensure_calendar, working_day_after
from akimat.models import Department, User, in_language
from appeals.models import (
    DUE_SOON_WORKING_DAYS,
    NOTICE_WORKING_DAYS,
    Appeal,
    Status,
    Topic,
    answered_late,
    answered_on_time,
    extension_notice_late,
    extension_notice_pending,
    overdue_on,
    redirect_late,
    under_consideration_on,
)

# The rows a section shows on the control page before "All …" (each section's own page is
# paginated by the same number).
SECTION_PAGE_SIZE = 10
# The longest control list one export writes: past it the person narrows the filters.
EXPORT_MAX_ROWS = 20_000


# --- the control page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the control page is narrowed to (GET parameters, never anything identifying); the
    period is that of the late redirects (the other sections are "today")."""

    start: dt.date
    end: dt.date
    department: Department | None = None
    topic: Topic | None = None
    kind: str = ""
    status: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    hint: str | Promise
    rule: Callable[[dt.date, Filters], Q]
    order: tuple[str, ...]

    @property
    def description(self) -> str:
        return str(self.hint) % {"days": DUE_SOON_WORKING_DAYS, "notice": NOTICE_WORKING_DAYS}


def _unassigned(today: dt.date, filters: Filters) -> Q:
    return Q(status=Status.REGISTERED)


def _overdue(today: dt.date, filters: Filters) -> Q:
    return overdue_on(today)


def _due_soon(today: dt.date, filters: Filters) -> Q:
    # On today's page the term in force is `deadline`: an extension is dated the day it is
    # decided (never later than today), and before one `deadline` is the law's term. Not
    # overdue today (the one rule), and the term ends within DUE_SOON_WORKING_DAYS working days.
    return (
        under_consideration_on(today)
        & ~overdue_on(today)
        & Q(deadline__lte=working_day_after(today, DUE_SOON_WORKING_DAYS))
    )


def _notice_pending(today: dt.date, filters: Filters) -> Q:
    return extension_notice_pending()


def _redirect_late(today: dt.date, filters: Filters) -> Q:
    return redirect_late() & Q(redirected_on__gte=filters.start, redirected_on__lte=filters.end)


def _answered(today: dt.date, filters: Filters) -> Q:
    return Q(status=Status.ANSWERED)


SECTIONS: tuple[Section, ...] = (
    Section(
        "overdue",
        gettext_lazy("Overdue"),
        gettext_lazy(
            "Under consideration, the term in force has ended; the longest overdue first."
        ),
        _overdue,
        ("deadline", "received_at", "pk"),
    ),
    Section(
        "due_soon",
        gettext_lazy("Due soon"),
        gettext_lazy("The term ends within %(days)s working days; the nearest first."),
        _due_soon,
        ("deadline", "received_at", "pk"),
    ),
    Section(
        "unassigned",
        gettext_lazy("Awaiting an executor"),
        gettext_lazy("Registered, no executor yet; the oldest first."),
        _unassigned,
        ("received_at", "pk"),
    ),
    Section(
        "notice",
        gettext_lazy("Extensions the applicant is not told of"),
        gettext_lazy(
            "The applicant must be told within %(notice)s working days of the extension; "
            "the most urgent first."
        ),
        _notice_pending,
        ("extension_notice_due", "received_at", "pk"),
    ),
    Section(
        "redirect_late",
        gettext_lazy("Redirects late"),
        gettext_lazy(
            "Sent to the competent body after the third working day, in the chosen period; "
            "the oldest first."
        ),
        _redirect_late,
        ("redirected_on", "received_at", "pk"),
    ),
    Section(
        "answered",
        gettext_lazy("Answered, awaiting closing"),
        gettext_lazy("The executor has answered; the head closes the appeal. The oldest first."),
        _answered,
        ("answered_on", "received_at", "pk"),
    ),
)


def section_by_key(key: str) -> Section | None:
    return next((section for section in SECTIONS if section.key == key), None)


def may_choose_directorate(user: User) -> bool:
    """Who sees several directorates' appeals chooses among them; the others see their own."""
    return user.sees_every_directorate()


def control_scope(user: User, filters: Filters) -> QuerySet[Appeal]:
    """The appeals `user` sees (`visible_to`), narrowed to the chosen filters."""
    appeals = Appeal.objects.visible_to(user)
    if filters.department is not None:
        appeals = appeals.filter(department=filters.department)
    if filters.topic is not None:
        appeals = appeals.filter(topic=filters.topic)
    if filters.kind:
        appeals = appeals.filter(kind=filters.kind)
    if filters.status:
        appeals = appeals.filter(status=filters.status)
    return appeals


def prepare_calendar(today: dt.date) -> None:
    """ "Due soon" reads the calendar table inside its query: the weeks ahead must be in it (one
    query; a new year is filled on its first use). Called once before a page's sections."""
    ensure_calendar(start=today, end=today + dt.timedelta(days=31))


def section_counts(appeals: QuerySet[Appeal], today: dt.date, filters: Filters) -> dict[str, int]:
    """Each section's count, in one aggregate query."""
    return appeals.order_by().aggregate(
        **{section.key: Count("pk", filter=section.rule(today, filters)) for section in SECTIONS}
    )


def section_rows(
    appeals: QuerySet[Appeal], section: Section, today: dt.date, filters: Filters
) -> QuerySet[Appeal]:
    """A section's appeals in its order, with what a row shows (no applicant's identifiers) and
    two flags by the rules: the applicant not told of the extension in time, answered late."""
    return (
        appeals.filter(section.rule(today, filters))
        .select_related("topic", "department", "executor")
        .only(
            "year",
            "number",
            "kind",
            "status",
            "anonymous",
            "applicant_name",
            "organisation_name",
            "summary",
            "received_at",
            "registered_on",
            "deadline",
            "legal_deadline",
            "extended_on",
            "extension_notice_due",
            "extension_notice_on",
            "redirected_on",
            "redirected_to",
            "redirect_due",
            "answered_on",
            "topic__name_ru",
            "topic__name_kk",
            "department__name_ru",
            "department__name_kk",
            "executor__first_name",
            "executor__middle_name",
            "executor__last_name",
            "executor__username",
        )  # fmt: skip
        .annotate(
            notice_late=ExpressionWrapper(
                extension_notice_late(today), output_field=BooleanField()
            ),
            answered_late=ExpressionWrapper(answered_late(), output_field=BooleanField()),
        )
        .order_by(*section.order)
    )


def export_headers() -> list[str]:
    return [
        _("Section"),
        _("Coupon number"),
        _("Registered on"),
        _("Kind"),
        _("Status"),
        _("Directorate"),
        _("Topic"),
        _("Applicant"),
        _("Organisation"),
        _("Summary"),
        _("Executor"),
        _("Term"),
        _("Extended on"),
        _("Tell the applicant by"),
        _("Redirected on"),
        _("Redirected to"),
        _("Answered on"),
    ]


def export_lines(rows: Sequence[tuple[Section, Appeal]], *, total: int) -> list[list[object]]:
    """One line per appeal and section it stands in, and the total; the applicant by name and
    organisation only (never the IIN, BIN or phone)."""

    def day(value: dt.date | None) -> str:
        return f"{value:%d.%m.%Y}" if value else ""

    lines: list[list[object]] = [
        [
            str(section.title),
            appeal.code,
            day(appeal.registered_on),
            appeal.get_kind_display(),
            appeal.get_status_display(),
            appeal.department.name,
            appeal.topic.name,
            "" if appeal.anonymous else appeal.applicant_name,
            appeal.organisation_name,
            appeal.summary,
            str(appeal.executor) if appeal.executor else "",
            day(appeal.deadline),
            day(appeal.extended_on),
            day(appeal.extension_notice_due),
            day(appeal.redirected_on),
            appeal.redirected_to,
            day(appeal.answered_on),
        ]
        for section, appeal in rows
    ]
    lines.append([_("Total"), total])
    return lines


# --- the share answered on time --------------------------------------------------------------


@dataclass
class StatsRow:
    name: str
    answered: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    redirected: int = 0
    redirected_late: int = 0
    extended: int = 0

    @property
    def share_on_time(self) -> float | None:
        """Percent of the answered that were answered on time; None when none was answered (the
        page shows "—", never 0 % or a division by zero)."""
        answered = self.on_time + self.late
        return round(100 * self.on_time / answered, 1) if answered else None


@dataclass
class Statistics:
    by_directorate: list[StatsRow]
    by_topic: list[StatsRow]
    total: StatsRow


def _stats_aggregates(start: dt.date, end: dt.date, today: dt.date) -> dict[str, Count]:
    answered_in = Q(answered_on__gte=start, answered_on__lte=end)
    redirected_in = Q(redirected_on__gte=start, redirected_on__lte=end)
    return {
        "answered": Count("pk", filter=answered_in),
        "on_time": Count("pk", filter=answered_in & answered_on_time()),
        "late": Count("pk", filter=answered_in & answered_late()),
        "overdue": Count("pk", filter=overdue_on(today)),
        "redirected": Count("pk", filter=redirected_in),
        "redirected_late": Count("pk", filter=redirected_in & redirect_late()),
        "extended": Count("pk", filter=Q(extended_on__gte=start, extended_on__lte=end)),
    }


def appeal_statistics(*, user: User, start: dt.date, end: dt.date, today: dt.date) -> Statistics:
    """Among the appeals `user` sees: answered in the period (on time, late, the share on time),
    redirected (and late) and extended in the period, and overdue today; by directorate, by
    topic and in total (three queries)."""
    aggregates = _stats_aggregates(start, end, today)
    # Only the rows that count somewhere are read (the indexes on the dates and the status).
    counted = (
        Appeal.objects.visible_to(user)
        .filter(
            Q(answered_on__gte=start, answered_on__lte=end)
            | Q(redirected_on__gte=start, redirected_on__lte=end)
            | Q(extended_on__gte=start, extended_on__lte=end)
            | overdue_on(today)
        )
        .order_by()
    )
    figures = list(aggregates)

    def row(name: str, values: dict[str, Any]) -> StatsRow:
        return StatsRow(name=name, **{key: int(values[key] or 0) for key in figures})

    by_directorate = [
        row(in_language(values["department__name_ru"], values["department__name_kk"]), values)
        for values in counted.values(
            "department", "department__name_ru", "department__name_kk"
        ).annotate(**aggregates)
    ]
    by_topic = [
        row(in_language(values["topic__name_ru"], values["topic__name_kk"]), values)
        for values in counted.values("topic", "topic__name_ru", "topic__name_kk").annotate(
            **aggregates
        )
    ]
    by_directorate.sort(key=lambda r: r.name)
    by_topic.sort(key=lambda r: r.name)
    total = row(_("Total"), counted.aggregate(**aggregates))
    return Statistics(by_directorate=by_directorate, by_topic=by_topic, total=total)


def stats_headers() -> list[str]:
    return [
        _("Breakdown"),
        _("Directorate or topic"),
        _("Answered"),
        _("On time"),
        _("Late"),
        _("Share answered on time, %"),
        _("Overdue today"),
        _("Redirected"),
        _("Of them late"),
        _("Extended"),
    ]


def stats_lines(statistics: Statistics) -> list[list[object]]:
    def line(breakdown: str, row: StatsRow) -> list[object]:
        share = row.share_on_time
        return [
            breakdown,
            row.name,
            row.answered,
            row.on_time,
            row.late,
            "—" if share is None else share,
            row.overdue,
            row.redirected,
            row.redirected_late,
            row.extended,
        ]

    return [
        *(line(_("Directorate"), row) for row in statistics.by_directorate),
        *(line(_("Topic"), row) for row in statistics.by_topic),
        line("", statistics.total),
    ]


def as_csv(headers: list[str], lines: list[list[object]]) -> str:
    return exports.csv_text(headers, lines)


def as_xlsx(headers: list[str], lines: list[list[object]], *, title: str) -> bytes:
    return exports.xlsx_bytes(headers, lines, title=title, widths={"A": 28, "B": 40})
