"""The nightly appeal figures' raw SQL, composed with `psycopg.sql`: one statement that counts
every directorate's appeals for each day of a range and inserts the snapshots it lacks.

The rules are appeals.models' figures' rules (`under_consideration_on`, `overdue_on`,
`term_ended_before`, `extension_notice_late`, `redirect_late`), repeated here so a night (or a
back-fill of months) is one aggregation and one insert whatever the number of appeals and
directorates; tests/appeals/test_figures_agree.py proves on generated appeals that the counts
equal the ORM's with those Q rules. Each fragment below names the rule it repeats.

Every figure reads the row's own dates only (registered, answered, redirected, extended, told),
never its status, so the figure of a past day is the same whenever it is counted; a snapshot
already written is never rewritten (ON CONFLICT … DO NOTHING).

The table and column names come from the models (`_meta`), never spelled in the SQL text.
"""

from __future__ import annotations

from django.db.models import Field, Model
from psycopg import sql

from akimat.models import Department
from appeals.models import Appeal, AppealSnapshot

# The counters of a snapshot, in the order the statement writes them.
COUNTERS = ("open", "overdue", "extension_notice_late", "redirect_late")

# Appeal's columns the rules read, by field name.
APPEAL_FIELDS = (
    "registered_on",
    "answered_on",
    "redirected_on",
    "redirect_due",
    "legal_deadline",
    "deadline",
    "extended_on",
    "extension_notice_due",
    "extension_notice_on",
)

# The appeal `a` is under consideration at the end of day `g.day`:
# appeals.models.under_consideration_on — registered by the day, neither answered nor
# redirected by it.
UNDER_CONSIDERATION = """
    a.{registered_on} <= g.day
    AND (a.{answered_on} IS NULL OR a.{answered_on} > g.day)
    AND (a.{redirected_on} IS NULL OR a.{redirected_on} > g.day)
"""

# appeals.models.term_ended_before — the term in force ended before the day: the extended term
# (`deadline`) from the day of the extension on, the law's term (`legal_deadline`) before it.
TERM_ENDED = """
    CASE WHEN a.{extended_on} IS NOT NULL AND a.{extended_on} <= g.day
         THEN a.{deadline} < g.day
         ELSE a.{legal_deadline} < g.day END
"""

# appeals.models.extension_notice_late — extended by the day, the notice's last day is behind
# the day, and the applicant still untold or told after that last day.
NOTICE_LATE = """
    a.{extended_on} <= g.day
    AND a.{extension_notice_due} < g.day
    AND (a.{extension_notice_on} IS NULL OR a.{extension_notice_on} > a.{extension_notice_due})
"""

# appeals.models.redirect_late, for the redirects made on or before the day: sent after the
# third working day from registration.
REDIRECT_LATE = """
    a.{redirected_on} <= g.day AND a.{redirected_on} > a.{redirect_due}
"""

# One snapshot per directorate (every directorate, zeros where it has no appeal) and day from
# %(start)s to %(end)s, stamped %(now)s; a (date, directorate) already written stays as it was.
# The days are few (one for a night, a few months for a back-fill): the appeals are scanned
# once per day and counted in one hash aggregate on (day, directorate).
RECORD = """
WITH days AS MATERIALIZED (
    SELECT g::date AS day FROM generate_series(%(start)s::date, %(end)s::date, '1 day') AS g
),
counted AS (
    SELECT g.day, a.{department} AS department_id,
           count(*) FILTER (WHERE {under_consideration}) AS open,
           -- appeals.models.overdue_on: under consideration and the term in force ended
           count(*) FILTER (WHERE {under_consideration} AND {term_ended}) AS overdue,
           count(*) FILTER (WHERE {notice_late}) AS extension_notice_late,
           count(*) FILTER (WHERE {redirect_late}) AS redirect_late
    FROM days g
    CROSS JOIN {appeal} a
    WHERE %(departments)s::bigint[] IS NULL OR a.{department} = ANY(%(departments)s::bigint[])
    GROUP BY g.day, a.{department}
)
INSERT INTO {snapshot} ({columns})
SELECT g.day, d.{id}, {figures}, %(now)s::timestamptz
FROM days g
CROSS JOIN {department_table} d
LEFT JOIN counted f ON f.day = g.day AND f.department_id = d.{id}
WHERE %(departments)s::bigint[] IS NULL OR d.{id} = ANY(%(departments)s::bigint[])
ON CONFLICT ({date}, {snapshot_department}) DO NOTHING
"""


def _column(model: type[Model], name: str) -> sql.Identifier:
    """The database column of a model's field, as an SQL identifier."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name
    return sql.Identifier(field.column)


def _rule(template: str) -> sql.Composed:
    return sql.SQL(template).format(**{name: _column(Appeal, name) for name in APPEAL_FIELDS})


def record() -> sql.Composed:
    """The statement writing the snapshots of a range of days (see RECORD)."""
    columns = ["date", "department", *COUNTERS, "computed_at"]
    return sql.SQL(RECORD).format(
        snapshot=sql.Identifier(AppealSnapshot._meta.db_table),
        appeal=sql.Identifier(Appeal._meta.db_table),
        department_table=sql.Identifier(Department._meta.db_table),
        department=_column(Appeal, "department"),
        columns=sql.SQL(", ").join(_column(AppealSnapshot, name) for name in columns),
        figures=sql.SQL(", ").join(
            sql.SQL("COALESCE(f.{c}, 0)").format(c=sql.Identifier(name)) for name in COUNTERS
        ),
        id=_column(Department, "id"),
        date=_column(AppealSnapshot, "date"),
        snapshot_department=_column(AppealSnapshot, "department"),
        under_consideration=_rule(UNDER_CONSIDERATION),
        term_ended=_rule(TERM_ENDED),
        notice_late=_rule(NOTICE_LATE),
        redirect_late=_rule(REDIRECT_LATE),
    )


def render(statement: sql.Composable) -> str:
    """The statement as the text Django's cursor takes (see scores.nightly_sql.render)."""
    return statement.as_string(None)
