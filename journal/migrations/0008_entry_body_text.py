from django.db import migrations, models

from journal.rendering import visible_text


def fill_body_text(apps, schema_editor):
    """Every entry's text as a reader sees it, from the HTML it was saved with (not history:
    the column is derived, like body_html)."""
    Entry = apps.get_model("journal", "Entry")
    batch = []
    for entry in Entry.objects.only("pk", "body_html").iterator(chunk_size=500):
        entry.body_text = visible_text(entry.body_html)
        batch.append(entry)
        if len(batch) == 500:
            Entry.objects.bulk_update(batch, ["body_text"])
            batch = []
    Entry.objects.bulk_update(batch, ["body_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0007_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="body_text",
            field=models.TextField(default="", editable=False, verbose_name="text without markup"),
        ),
        migrations.RunPython(fill_body_text, migrations.RunPython.noop),
    ]
