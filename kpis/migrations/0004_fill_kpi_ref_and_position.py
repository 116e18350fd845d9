"""Each KPI's reference as it showed before (1.2.K3, from its objective's reference), its number as its position;
history rows the same, from today's objectives where they still exist."""

from django.db import migrations


def fill(apps, schema_editor):
    objective_refs = dict(apps.get_model("priorities", "Objective").objects.values_list("pk", "ref"))
    for model_name in ["KPI", "HistoricalKPI"]:
        for kpi in apps.get_model("kpis", model_name).objects.order_by():
            prefix = objective_refs.get(kpi.objective_id)
            kpi.ref = f"{prefix}.K{kpi.number}" if prefix else f"K{kpi.number}"
            kpi.position = kpi.number
            kpi.save(update_fields=["ref", "position"])


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0003_add_kpi_ref_and_position"),
        ("priorities", "0005_fill_ref_and_position"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
