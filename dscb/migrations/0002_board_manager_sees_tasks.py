"""The board business manager sees the background tasks in the admin, and may retry a failed one."""

from django.db import migrations

BOARD_MANAGER = "Board manager"


def _permission(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="django_tasks_database", model="dbtaskresult")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_dbtaskresult", defaults={"name": "Can view Task Result"}
    )
    return permission


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=BOARD_MANAGER)
    group.permissions.add(_permission(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=BOARD_MANAGER).first()
    if group is not None:
        group.permissions.remove(_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("dscb", "0001_workers_and_sent_emails"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
