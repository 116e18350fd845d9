"""The table of the database cache (settings.CACHES), made with the other tables so that `migrate` is enough."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_pdf_draw_failures")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
