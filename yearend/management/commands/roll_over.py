from django.core.management.base import BaseCommand, CommandError

from plans.models import BusinessPlan
from yearend.services import RollOverError, plan_roll_over, plan_roll_over_preview


class Command(BaseCommand):
    help = (
        "Start next year's plan from PLAN, as a draft: copy its priorities, objectives and KPIs and carry over the "
        "actions that are not complete. PLAN stays active until next year's plan is activated (on its Activate page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's slug, e.g. 2015-16.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created; write nothing.")

    def handle(self, *args, plan, dry_run, **options):
        try:
            business_plan = BusinessPlan.objects.get(slug=plan)
        except BusinessPlan.DoesNotExist:
            raise CommandError(f"There is no plan with the slug '{plan}'.") from None
        try:
            preview = plan_roll_over_preview(plan=business_plan)
        except RollOverError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"New plan {preview.slug}: {preview.title}, {preview.starts_on} to {preview.ends_on}")
        self.stdout.write(
            f"{preview.priorities} priorities, {preview.objectives} objectives and {preview.kpis} KPIs copied; "
            f"{len(preview.carried)} actions carried over, {len(preview.left_behind)} complete actions left behind."
        )
        for row in preview.renumbered:
            self.stdout.write(f"Action {row.action.ref} of objective {row.action.objective.ref} becomes {row.ref}.")
        if preview.due_to_review:
            listed = ", ".join(f"{row.ref} '{row.action.due}'" for row in preview.due_to_review)
            self.stdout.write(f"Due dates to review: {listed}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        new = plan_roll_over(plan=business_plan)
        self.stdout.write(
            self.style.SUCCESS(
                f"Started {new.slug} as a draft; {business_plan.slug} stays active until {new.slug} is activated."
            )
        )
