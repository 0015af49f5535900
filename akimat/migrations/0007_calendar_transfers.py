"""Calendar corrections get a kind, and the government's transfers of 2025 and 2026 ship as data.

`DayTransfer.is_working` becomes `kind` (a worked day off, a day off instead of a working day, a
one-off public holiday, a library holiday that does not apply this year); rows entered before
keep their meaning. Then the transfers the `holidays` library cannot express are written, and
the calendar rows of the years they touch are rebuilt where they exist, so a fresh install and
an existing database count the same working days.

Facts checked for holidays==0.109 (pyproject.toml) against the published calendars:

* 2025: the Minister of Labour and Social Protection's order (November 2024; adilet.zan.kz
  G24G0000436, the library's own source) moved the day off from Sunday 5 January to Friday
  3 January. The library marks 3 January "Day off (substituted from 01/05/2025)" but keeps
  5 January a Sunday off, so it counts 245 working days instead of the official 246 for a
  five-day week (pobipb.kz/kalendar-vyxodnyx-i-prazdnichnyx-dnej-na-2025-god: 246 working,
  106 days off, 13 holidays; inform.kz and azattyq-ruhy.kz on the order). Its carry-overs under
  the Labour Code art. 84 (8 March to 10 March, 22-23 March to 24-25 March, 6 July to 7 July,
  30 August to 1 September, 25 October to 27 October) and Kurban ait on Friday 6 June (a
  religious holiday, never carried over) agree with the official calendar.
* 2026: no transfer decree. 1-4 January are off without one (3-4 January are a weekend; egov.kz
  via alau.kz, 19.11.2025). The carry-overs (8 March to 9 March, 21-22 March to 24-25 March,
  9 May to 11 May, 25 October to 26 October) and Kurban ait on Wednesday 27 May are in the
  library. The Ministry's production calendar of December 2025 counted 246 working days with
  Constitution Day carried from Sunday 30 August to Monday 31 August (alau.kz, tengrinews.kz,
  11.12.2025); the Constitution adopted at the referendum of 15 March 2026 moves Constitution
  Day to 15 March from 2027 and the Ministry said 30 August 2026 is no longer a holiday
  (taspanews.kz, 18.03.2026), so 31 August is a working day and the year has 247. The library
  already follows the new law; nothing to ship.
"""

import datetime as dt

import holidays
from django.db import migrations, models
from django.utils import timezone

# Data, not interface strings: written in the portal's default language, as an admin would.
ORDER_2025 = (
    "приказ Министра труда и социальной защиты населения РК (ноябрь 2024 г.) о переносе "
    "выходного дня с воскресенья 5 января 2025 г. на пятницу 3 января 2025 г."
)
SHIPPED = (
    (dt.date(2025, 1, 3), "day_off", f"Выходной день: {ORDER_2025}"),
    (dt.date(2025, 1, 5), "worked", f"Рабочий день: {ORDER_2025}"),
)
# The years whose calendar rows are rebuilt (2026: the new Constitution Day rule above).
REBUILT_YEARS = (2025, 2026)


def kind_from_is_working(apps, schema_editor):
    """A ticked transfer was a worked day off; an unticked one a day off instead of a working day."""
    for name in ("DayTransfer", "HistoricalDayTransfer"):
        model = apps.get_model("akimat", name)
        model.objects.filter(is_working=True).update(kind="worked")
        model.objects.filter(is_working=False).update(kind="day_off")


def is_working_from_kind(apps, schema_editor):
    for name in ("DayTransfer", "HistoricalDayTransfer"):
        model = apps.get_model("akimat", name)
        model.objects.filter(kind="worked").update(is_working=True)
        model.objects.exclude(kind="worked").update(is_working=False)


def rebuild_year(apps, year):
    """`akimat.calendar.fill_working_calendar` on the frozen models: that function reads the live
    ones, which a later migration may change. A year without rows is left for `ensure_calendar`
    to fill on first use, with the corrections."""
    CalendarDay = apps.get_model("akimat", "CalendarDay")
    DayTransfer = apps.get_model("akimat", "DayTransfer")
    if not CalendarDay.objects.filter(date__year=year).exists():
        return
    public = holidays.country_holidays("KZ", years=year, language="kk")
    corrections = {t.date: t for t in DayTransfer.objects.filter(date__year=year)}
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() >= 5
        if day in corrections:
            correction = corrections[day]
            if correction.kind == "not_holiday":
                row = (not weekend, "weekend" if weekend else "workday")
            elif correction.kind == "holiday":
                row = (False, "holiday")
            else:
                row = (correction.kind == "worked", "transfer")
            note = correction.reason
        elif day in public:
            row, note = (False, "holiday"), public[day]
        else:
            row, note = (not weekend, "weekend" if weekend else "workday"), ""
        days.append(CalendarDay(date=day, is_working=row[0], kind=row[1], note=note))
        day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(
        days,
        update_conflicts=True,
        unique_fields=["date"],
        update_fields=["is_working", "kind", "note"],
    )


def ship_transfers(apps, schema_editor):
    """Write the shipped corrections (an admin's own correction of the same date stands) with a
    history row saying where they came from, then rebuild the years they touch."""
    DayTransfer = apps.get_model("akimat", "DayTransfer")
    HistoricalDayTransfer = apps.get_model("akimat", "HistoricalDayTransfer")
    now = timezone.now()
    for date, kind, reason in SHIPPED:
        if DayTransfer.objects.filter(date=date).exists():
            continue
        row = DayTransfer.objects.create(date=date, kind=kind, reason=reason)
        HistoricalDayTransfer.objects.create(
            id=row.pk,
            date=date,
            kind=kind,
            reason=reason,
            history_date=now,
            history_type="+",
            history_change_reason="migration 0007_calendar_transfers",
        )
    for year in REBUILT_YEARS:
        rebuild_year(apps, year)


def unship_transfers(apps, schema_editor):
    """Remove the shipped rows still as shipped, and rebuild their years without them."""
    DayTransfer = apps.get_model("akimat", "DayTransfer")
    HistoricalDayTransfer = apps.get_model("akimat", "HistoricalDayTransfer")
    now = timezone.now()
    for date, kind, reason in SHIPPED:
        for row in DayTransfer.objects.filter(date=date, kind=kind, reason=reason):
            HistoricalDayTransfer.objects.create(
                id=row.pk,
                date=date,
                kind=kind,
                reason=reason,
                history_date=now,
                history_type="-",
                history_change_reason="migration 0007_calendar_transfers reversed",
            )
            row.delete()
    # The history rows' foreign-key checks are deferred to the commit, and PostgreSQL refuses the
    # ALTER TABLE that migrating back does next while they are pending: check them now.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    for year in REBUILT_YEARS:
        rebuild_year(apps, year)


KIND = models.CharField(
    choices=[
        ("worked", "Worked day off (a Saturday or Sunday made working)"),
        ("day_off", "Day off instead of a working day"),
        ("holiday", "One-off public holiday"),
        ("not_holiday", "Not a holiday this year"),
    ],
    default="worked",
    help_text="A transfer is two corrections: the weekend day people work and the weekday they "
    "get off instead.",
    max_length=12,
    verbose_name="kind",
)
REASON = models.CharField(
    help_text="The decree or order and its date, e.g. the Government's resolution.",
    max_length=200,
    verbose_name="reason",
)
# The old flag gets a default before it goes, so that migrating back can add it to filled tables.
IS_WORKING = models.BooleanField(
    default=False,
    help_text="Ticked: people work on this date. Unticked: a day off.",
    verbose_name="working day",
)


class Migration(migrations.Migration):
    dependencies = [
        ("akimat", "0006_score_run_latest_index"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="daytransfer",
            options={
                "ordering": ["-date"],
                "verbose_name": "calendar correction",
                "verbose_name_plural": "calendar corrections",
            },
        ),
        migrations.AlterModelOptions(
            name="historicaldaytransfer",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical calendar correction",
                "verbose_name_plural": "historical calendar corrections",
            },
        ),
        migrations.AddField(
            model_name="daytransfer", name="kind", field=KIND, preserve_default=False
        ),
        migrations.AddField(
            model_name="historicaldaytransfer", name="kind", field=KIND, preserve_default=False
        ),
        migrations.RunPython(kind_from_is_working, is_working_from_kind),
        migrations.AlterField(model_name="daytransfer", name="is_working", field=IS_WORKING),
        migrations.AlterField(
            model_name="historicaldaytransfer", name="is_working", field=IS_WORKING
        ),
        migrations.RemoveField(model_name="daytransfer", name="is_working"),
        migrations.RemoveField(model_name="historicaldaytransfer", name="is_working"),
        migrations.AlterField(model_name="daytransfer", name="reason", field=REASON),
        migrations.AlterField(model_name="historicaldaytransfer", name="reason", field=REASON),
        migrations.AddConstraint(
            model_name="daytransfer",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["worked", "day_off", "holiday", "not_holiday"])),
                name="day_transfer_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="daytransfer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date__gte", dt.date(2000, 1, 1)), ("date__lte", dt.date(2100, 12, 31))
                ),
                name="day_transfer_date_in_calendar",
            ),
        ),
        migrations.RunPython(ship_transfers, unship_transfers),
    ]
