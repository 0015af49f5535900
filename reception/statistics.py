"""Reception statistics for a period: visitors by kind and directorate, waiting and service
times (average and 90th percentile), the share who waited longer than the norm, no-shows.

One grouped aggregate per table, computed by PostgreSQL (`percentile_cont` is built in, no
extension), and written out as CSV or XLSX from the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple, dataclass, fields
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from akimat import exports
from akimat.models import Department, in_language
from reception.models import Visit, VisitorKind, VisitStatus, served_at_desk


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(f) WITHIN GROUP (ORDER BY x)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: object, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def _minutes_between(start: str, end: str) -> Func:
    return Func(
        F(end) - F(start),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 60.0",
        output_field=FloatField(),
    )


@dataclass
class Row:
    directorate: str
    visitors: int
    entrepreneurs: int
    investors: int
    citizens: int
    served: int
    no_shows: int
    average_wait: float | None
    p90_wait: float | None
    average_service: float | None
    p90_service: float | None
    over_norm: int
    over_norm_share: float | None  # percent of the called visitors


def _aggregates() -> dict[str, Aggregate]:
    wait = _minutes_between("arrived_at", "first_called_at")
    service = _minutes_between("started_at", "finished_at")
    called = Q(first_called_at__isnull=False)
    done = served_at_desk() & Q(started_at__isnull=False)
    return {
        "visitors": Count("pk"),
        "entrepreneurs": Count("pk", filter=Q(kind=VisitorKind.ENTREPRENEUR)),
        "investors": Count("pk", filter=Q(kind=VisitorKind.INVESTOR)),
        "citizens": Count("pk", filter=Q(kind=VisitorKind.CITIZEN)),
        "served": Count("pk", filter=Q(status=VisitStatus.DONE)),
        "no_shows": Count("pk", filter=Q(status=VisitStatus.LEFT)),
        "called": Count("pk", filter=called),
        "average_wait": Avg(wait, filter=called),
        "p90_wait": Percentile(wait, 0.9, filter=called),
        "average_service": Avg(service, filter=done),
        "p90_service": Percentile(service, 0.9, filter=done),
        "over_norm": Count(
            "pk", filter=called & Q(first_called_at__gt=F("arrived_at") + F("norm"))
        ),
    }


def _row(name: str, values: dict[str, Any]) -> Row:
    called = int(values.pop("called") or 0)
    over = int(values["over_norm"] or 0)
    share = round(100 * over / called, 1) if called else None
    rounded: dict[str, Any] = {
        k: (round(v, 1) if isinstance(v, float) else v)
        for k, v in values.items()
        if k in {f.name for f in fields(Row)}
    }
    return Row(directorate=name, over_norm_share=share, **rounded)


def visit_statistics(
    *, start: dt.date, end: dt.date, departments: QuerySet[Department]
) -> tuple[list[Row], Row]:
    """Per directorate and in total, for the days from `start` to `end` inclusive (two queries)."""
    visits = (
        Visit.objects.filter(day__gte=start, day__lte=end, department__in=departments)
        .annotate(
            norm=ExpressionWrapper(
                F("service__wait_minutes") * dt.timedelta(minutes=1), output_field=DurationField()
            )
        )
        .order_by()
    )
    aggregates = _aggregates()
    per_department = visits.values(
        "department", "department__name_ru", "department__name_kk"
    ).annotate(**aggregates)
    rows = []
    for values in per_department:
        name = in_language(values.pop("department__name_ru"), values.pop("department__name_kk"))
        values.pop("department")
        rows.append(_row(name, values))
    rows.sort(key=lambda row: row.directorate)
    total = _row(_("All directorates"), dict(visits.aggregate(**aggregates)))
    return rows, total


def headers() -> list[str]:
    return [
        _("Directorate"),
        _("Visitors"),
        _("Entrepreneurs"),
        _("Investors"),
        _("Citizens"),
        _("Served"),
        _("Left before being served"),
        _("Average wait, min"),
        _("90th percentile of the wait, min"),
        _("Average service, min"),
        _("90th percentile of service, min"),
        _("Waited longer than the norm"),
        _("Share who waited longer than the norm, %"),
    ]


def as_csv(rows: list[Row], total: Row) -> str:
    return exports.csv_text(headers(), [astuple(row) for row in [*rows, total]])


def as_xlsx(rows: list[Row], total: Row, *, title: str) -> bytes:
    lines = [astuple(row) for row in [*rows, total]]
    return exports.xlsx_bytes(headers(), lines, title=title, widths={"A": 60})
