"""Targets, amber tolerances and values must fit their column (12 digits, 2 after the point).

On SQLite a plan file could store an infinity or 1e29, which no page could read back. Such a number was never a
real target, so it is cleared (history rows too) before the checks are added, which would otherwise refuse the
table as it stands.
"""

from django.db import migrations, models

LIMIT = 10**10
CLEAR = [
    ("KPI", "target"),
    ("KPI", "amber_tolerance"),
    ("HistoricalKPI", "target"),
    ("HistoricalKPI", "amber_tolerance"),
    ("KPIValue", "value"),
    ("HistoricalKPIValue", "value"),
]


def clear_numbers_too_large(apps, schema_editor):
    for model_name, field in CLEAR:
        model = apps.get_model("kpis", model_name)
        too_large = models.Q((f"{field}__gte", LIMIT)) | models.Q((f"{field}__lte", -LIMIT))
        model._base_manager.filter(too_large).update(**{field: None})


def fits(name):
    return models.Q((f"{name}__isnull", True), models.Q((f"{name}__gt", -LIMIT), (f"{name}__lt", LIMIT)), _connector="OR")


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0005_remove_kpi_number"),
    ]

    operations = [
        migrations.RunPython(clear_numbers_too_large, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="kpi",
            constraint=models.CheckConstraint(condition=fits("target"), name="kpi_target_fits_its_column"),
        ),
        migrations.AddConstraint(
            model_name="kpi",
            constraint=models.CheckConstraint(
                condition=fits("amber_tolerance"), name="kpi_amber_tolerance_fits_its_column"
            ),
        ),
        migrations.AddConstraint(
            model_name="kpivalue",
            constraint=models.CheckConstraint(condition=fits("value"), name="kpi_value_fits_its_column"),
        ),
    ]
