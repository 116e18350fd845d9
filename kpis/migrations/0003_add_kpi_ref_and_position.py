"""A KPI's reference becomes the board's own text (`ref`) and its order its own field (`position`).

The number stays until 0004_fill_kpi_ref_and_position has copied it, and goes in 0005_remove_kpi_number.
"""

from django.db import migrations, models

REF_HELP = "The board's own reference, kept exactly as the plan writes it: 1, 1a, P2, 1.2, 1a.1, 3.3.5, A1."
POSITION_HELP = "Where it comes among its neighbours in the plan, lower first (the plan file's row order)."


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0002_add_kpi_archived"),
    ]

    operations = [
        operation
        for model_name in ["kpi", "historicalkpi"]
        for operation in [
            migrations.AddField(
                model_name=model_name,
                name="ref",
                field=models.CharField("reference", max_length=20, default="", help_text=REF_HELP),
                preserve_default=False,
            ),
            migrations.AddField(
                model_name=model_name,
                name="position",
                field=models.PositiveIntegerField(default=0, help_text=POSITION_HELP),
            ),
        ]
    ]
