"""The board business manager edits the self-assessment's questionnaires and their questions in the Django admin
(an answered questionnaire is read-only there; a new version is made from it), and may correct a window's dates;
the answers are never in the admin."""

from django.db import migrations

BOARD_MANAGER = "Board manager"

# (model, verbose name): the actions granted
PERMISSIONS = {
    ("questionnaire", "questionnaire"): ["view", "add", "change"],
    ("question", "question"): ["view", "add", "change", "delete"],
    ("window", "window"): ["view", "change"],
}


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for (model, verbose_name), actions in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="selfassessment", model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            yield permission


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=BOARD_MANAGER)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=BOARD_MANAGER).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("selfassessment", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
