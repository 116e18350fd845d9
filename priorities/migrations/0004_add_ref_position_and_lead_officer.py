"""References become the board's own text (`ref`) and order its own field (`position`); actions get a lead officer.

The numbers stay until 0005_fill_ref_and_position has copied them, and go in 0006_remove_number.
"""

from django.db import migrations, models

REF_HELP = "The board's own reference, kept exactly as the plan writes it: 1, 1a, P2, 1.2, 1a.1, 3.3.5, A1."
POSITION_HELP = "Where it comes among its neighbours in the plan, lower first (the plan file's row order)."
LEAD_OFFICER_HELP = 'The person or role who leads the action for the lead subgroup ("Jim Reeves", "Chair of SLSCB").'


def _ref_and_position(model_name):
    return [
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


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0003_add_action_carry_over_and_archive"),
    ]

    operations = [
        *(
            operation
            for model_name in [
                "strategicpriority",
                "historicalstrategicpriority",
                "objective",
                "historicalobjective",
                "action",
                "historicalaction",
            ]
            for operation in _ref_and_position(model_name)
        ),
        *(
            migrations.AddField(
                model_name=model_name,
                name="lead_officer",
                field=models.CharField(max_length=200, blank=True, help_text=LEAD_OFFICER_HELP),
            )
            for model_name in ["action", "historicalaction"]
        ),
    ]
