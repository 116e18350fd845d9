
import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


LINKS = {"objectives": "objective_id", "actions": "action_id", "kpis": "kpi_id"}


def links_as_they_are(apps, schema_editor):
    """A risk's links were not kept in its history before: every record it has is given the links it has now, so
    that the first change after this shows only what that change did to them."""
    Risk = apps.get_model("risks", "Risk")
    HistoricalRisk = apps.get_model("risks", "HistoricalRisk")
    for name, column in LINKS.items():
        through = Risk._meta.get_field(name).remote_field.through
        kept = apps.get_model("risks", f"HistoricalRisk_{name}")
        now = {}
        for link_id, risk_id, target_id in through.objects.values_list("id", "risk_id", column):
            now.setdefault(risk_id, []).append((link_id, target_id))
        records = HistoricalRisk.objects.filter(id__in=now).values_list("history_id", "id")
        kept.objects.bulk_create(
            (
                kept(history_id=record, risk_id=risk, id=link_id, **{column: target})
                for record, risk in records.iterator()
                for link_id, target in now[risk]
            ),
            batch_size=500,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('kpis', '0009_kpi_value_source_audits'),
        ('priorities', '0007_limit_update_text_lengths'),
        ('risks', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalRisk_actions',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('action', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='priorities.action')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='risks.historicalrisk')),
                ('risk', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='risks.risk')),
            ],
            options={
                'verbose_name': 'HistoricalRisk_actions',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRisk_kpis',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='risks.historicalrisk')),
                ('kpi', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kpis.kpi')),
                ('risk', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='risks.risk')),
            ],
            options={
                'verbose_name': 'HistoricalRisk_kpis',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRisk_objectives',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='risks.historicalrisk')),
                ('objective', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='priorities.objective')),
                ('risk', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='risks.risk')),
            ],
            options={
                'verbose_name': 'HistoricalRisk_objectives',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(links_as_they_are, migrations.RunPython.noop),
    ]
