"""Each period with a meeting gets its papers deadline: the plan's papers days (two by default) before the meeting,
never before the update deadline."""

from django.db import migrations

from dscb.workingdays import working_days_before


def fill(apps, schema_editor):
    ReportingPeriod = apps.get_model("plans", "ReportingPeriod")
    for period in ReportingPeriod.objects.filter(meeting_on__isnull=False, papers_deadline__isnull=True).select_related(
        "plan"
    ):
        papers = working_days_before(period.meeting_on, period.plan.papers_days)
        ReportingPeriod.objects.filter(pk=period.pk).update(papers_deadline=max(papers, period.deadline))


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_add_working_day_deadlines")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
