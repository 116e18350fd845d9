from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planfile.writer import plan_to_csv, plan_to_xlsx
from plans.models import BusinessPlan


class Command(BaseCommand):
    help = "Write a plan to a plan file (.xlsx or .csv) that import_plan reads back."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's slug, e.g. 2015-16.")
        parser.add_argument("file", help="Where to write: a path ending .xlsx or .csv.")

    def handle(self, *args, plan, file, **options):
        try:
            business_plan = BusinessPlan.objects.get(slug=plan)
        except BusinessPlan.DoesNotExist:
            raise CommandError(f"There is no plan with the slug '{plan}'.") from None
        path = Path(file)
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(plan_to_xlsx(business_plan))
        elif path.suffix.lower() == ".csv":
            path.write_text(plan_to_csv(business_plan), encoding="utf-8", newline="")
        else:
            raise CommandError("The file name must end in .xlsx or .csv.")
        self.stdout.write(self.style.SUCCESS(f"Wrote {business_plan.slug} to {path}."))
