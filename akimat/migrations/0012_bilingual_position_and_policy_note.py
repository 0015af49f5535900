"""A Kazakh position beside the Russian one, and a Kazakh note beside the bonus policy's; the
default policy (0004) gets its Kazakh note unless an administrator has reworded it."""

import datetime as dt

from django.db import migrations, models

DEFAULT_FROM = dt.date(2000, 1, 1)
# The note of 0004, and its Kazakh (frozen copies: akimat.scoring.DEFAULT_POLICY may change).
NOTE = (
    "По умолчанию: 60 баллов за долю выполненного в срок, 40 — за оценку исполнения "
    "недели, минус 2 за каждую просроченную задачу и 1 за каждый перенос срока в цикле; "
    "итог от 0 до 100."
)
NOTE_KK = (
    "Әдепкі бойынша: мерзімінде орындалғандар үлесі үшін 60 балл, апта орындалу бағасы "
    "үшін 40 балл; циклдегі әр мерзімі өткен тапсырма үшін 2 балл және әр мерзімді ауыстыру үшін "
    "1 балл шегеріледі; қорытынды 0 мен 100 аралығында."
)


def add_kazakh_note(apps, schema_editor):
    BonusPolicy = apps.get_model("akimat", "BonusPolicy")
    BonusPolicy.objects.filter(valid_from=DEFAULT_FROM, note=NOTE, note_kk="").update(
        note_kk=NOTE_KK
    )


class Migration(migrations.Migration):
    dependencies = [("akimat", "0011_history_append_only")]

    operations = [
        migrations.AddField(
            model_name="bonuspolicy",
            name="note_kk",
            field=models.CharField(blank=True, max_length=300, verbose_name="note in Kazakh"),
        ),
        migrations.AddField(
            model_name="historicalbonuspolicy",
            name="note_kk",
            field=models.CharField(blank=True, max_length=300, verbose_name="note in Kazakh"),
        ),
        migrations.AddField(
            model_name="historicaluser",
            name="position_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="position in Kazakh"),
        ),
        migrations.AddField(
            model_name="user",
            name="position_kk",
            field=models.CharField(blank=True, max_length=200, verbose_name="position in Kazakh"),
        ),
        migrations.RunPython(add_kazakh_note, migrations.RunPython.noop),
    ]
