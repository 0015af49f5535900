"""The moved models' content types follow them: app_label 'akimat' becomes 'scores'.

The permissions (`akimat.change_bonuspolicy` becomes `scores.change_bonuspolicy`), the groups and
people they are granted to, and the admin's log keep pointing at the same content type rows, so
every grant and every log entry survives the move. If `post_migrate` already made a 'scores'
content type for a model (a database migrated part of the way before), the old row, which the
grants and the log refer to, absorbs it: its permissions' grants and log entries move over.
"""

from django.contrib.contenttypes.models import ContentType as LiveContentType
from django.db import migrations

MODELS = (
    "bonuspolicy",
    "historicalbonuspolicy",
    "personsnapshot",
    "departmentsnapshot",
    "scorerun",
    "scoredispute",
    "historicalscoredispute",
)


def _fold(apps, into, duplicate) -> None:  # type: ignore[no-untyped-def]
    """Move what refers to `duplicate` (a content type of the same model) onto `into`."""
    Permission = apps.get_model("auth", "Permission")
    GroupGrant = apps.get_model("auth", "Group").permissions.through
    UserGrant = apps.get_model("akimat", "User").user_permissions.through
    LogEntry = apps.get_model("admin", "LogEntry")
    for permission in Permission.objects.filter(content_type=duplicate):
        kept = Permission.objects.filter(content_type=into, codename=permission.codename).first()
        if kept is None:
            permission.content_type = into
            permission.save(update_fields=["content_type"])
            continue
        for grant in GroupGrant.objects.filter(permission=permission):
            GroupGrant.objects.get_or_create(group_id=grant.group_id, permission=kept)
        for grant in UserGrant.objects.filter(permission=permission):
            UserGrant.objects.get_or_create(user_id=grant.user_id, permission=kept)
        permission.delete()
    LogEntry.objects.filter(content_type=duplicate).update(content_type=into)
    duplicate.delete()


def _relabel(source: str, target: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            moved = ContentType.objects.filter(app_label=source, model=model).first()
            if moved is None:  # a fresh database: post_migrate makes it under `target` later
                continue
            duplicate = ContentType.objects.filter(app_label=target, model=model).first()
            if duplicate is not None:
                _fold(apps, moved, duplicate)
            moved.app_label = target
            moved.save(update_fields=["app_label"])
        # The process's cache of content types may hold the rows under their old label.
        LiveContentType.objects.clear_cache()

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("scores", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(_relabel("akimat", "scores"), _relabel("scores", "akimat"))]
