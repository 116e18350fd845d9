from django.conf import settings
from django.db import migrations

from audits.frameworks import DESCRIPTORS, FRAMEWORKS


def fill_frameworks(apps, schema_editor):
    """Version 1 of the Section 11 and Section 175 frameworks, scored on the AUDIT_SCALE setting."""
    Framework = apps.get_model("audits", "Framework")
    for data in FRAMEWORKS:
        if Framework.objects.filter(kind=data["kind"]).exists():
            continue
        framework = Framework.objects.create(
            kind=data["kind"],
            name=data["name"],
            version=1,
            scale=settings.AUDIT_SCALE,
            introduction=data["introduction"],
        )
        for score, descriptor in DESCRIPTORS[settings.AUDIT_SCALE].items():
            framework.scale_levels.create(score=score, descriptor=descriptor)
        for number, (title, description, criteria) in enumerate(data["standards"], start=1):
            standard = framework.standards.create(number=number, title=title, description=description)
            for criterion_number, text in enumerate(criteria, start=1):
                standard.criteria.create(number=criterion_number, text=text)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(fill_frameworks, migrations.RunPython.noop)]
