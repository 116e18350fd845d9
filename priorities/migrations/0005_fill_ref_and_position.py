"""Each priority, objective and action's reference as it showed before (1, 1.2, 1.2.3), and its number as its
position. History rows get the same, from today's parents where they still exist."""

from django.db import migrations


def fill(apps, schema_editor):
    StrategicPriority = apps.get_model("priorities", "StrategicPriority")
    Objective = apps.get_model("priorities", "Objective")
    Action = apps.get_model("priorities", "Action")
    priority_refs = {}
    for priority in StrategicPriority.objects.order_by():
        priority.ref, priority.position = str(priority.number), priority.number
        priority.save(update_fields=["ref", "position"])
        priority_refs[priority.pk] = priority.ref
    objective_refs = {}
    for objective in Objective.objects.order_by():
        objective.ref = f"{priority_refs[objective.priority_id]}.{objective.number}"
        objective.position = objective.number
        objective.save(update_fields=["ref", "position"])
        objective_refs[objective.pk] = objective.ref
    for action in Action.objects.order_by():
        action.ref = f"{objective_refs[action.objective_id]}.{action.number}"
        action.position = action.number
        action.save(update_fields=["ref", "position"])
    for model_name, parent, refs in [
        ("HistoricalStrategicPriority", None, {}),
        ("HistoricalObjective", "priority_id", priority_refs),
        ("HistoricalAction", "objective_id", objective_refs),
    ]:
        for row in apps.get_model("priorities", model_name).objects.order_by():
            prefix = refs.get(getattr(row, parent)) if parent else None
            row.ref = f"{prefix}.{row.number}" if prefix else str(row.number)
            row.position = row.number
            row.save(update_fields=["ref", "position"])


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0004_add_ref_position_and_lead_officer"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
