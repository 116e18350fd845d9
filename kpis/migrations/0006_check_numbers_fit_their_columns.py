"""Targets, amber tolerances and values must fit their column (12 digits, 2 after the point).

On SQLite a plan file could store an infinity or 1e29, which no page could read back. Such a number was never a
real target, so it is cleared (history rows too) before the checks are added, which would otherwise refuse the
table as it stands.
"""

from django.db import migrations, models

LIMIT = 10**10
CLEAR = [
    ("kpis_kpi", "target"),
    ("kpis_kpi", "amber_tolerance"),
    ("kpis_historicalkpi", "target"),
    ("kpis_historicalkpi", "amber_tolerance"),
    ("kpis_kpivalue", "value"),
    ("kpis_historicalkpivalue", "value"),
]


def clear_numbers_too_large(apps, schema_editor):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, column in CLEAR:
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = NULL "  # noqa: S608 - names from the list above
                f"WHERE {quote(column)} >= %s OR {quote(column)} <= %s",
                [LIMIT, -LIMIT],
            )


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
