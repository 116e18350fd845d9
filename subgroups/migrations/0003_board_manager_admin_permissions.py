"""The board business manager's group gets the Django admin permissions the role needs, and no more.

People (add and change, never delete: leavers are deactivated), their subgroup memberships, subgroups, the plan's
text (plans, priorities, objectives, actions), KPIs and reporting periods. Progress updates and KPI values are
entered in the app; groups and permissions stay with the superuser. Deleting is granted only where the role
removes things: a membership (someone leaves a subgroup) and the parts of a plan being drafted (the admin
refuses deletes in a closed plan).

The permissions are created here if the apps' post-migrate step has not made them yet (a fresh database); that
step then finds them by content type and codename and leaves them alone.
"""

from django.db import migrations

BOARD_MANAGER = "Board manager"

# (app label, model, verbose name): the actions granted
PERMISSIONS = {
    ("auth", "user", "user"): ["view", "add", "change"],
    ("subgroups", "subgroup", "subgroup"): ["view", "add", "change"],
    ("subgroups", "membership", "membership"): ["view", "add", "change", "delete"],
    ("plans", "businessplan", "business plan"): ["view", "add", "change"],
    ("plans", "reportingperiod", "reporting period"): ["view", "add", "change"],
    ("priorities", "strategicpriority", "strategic priority"): ["view", "add", "change", "delete"],
    ("priorities", "objective", "objective"): ["view", "add", "change", "delete"],
    ("priorities", "action", "action"): ["view", "add", "change", "delete"],
    ("kpis", "kpi", "KPI"): ["view", "add", "change", "delete"],
}


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for (app_label, model, verbose_name), actions in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
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
        ("subgroups", "0002_fill_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
