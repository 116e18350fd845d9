from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.services import periods_lock_overdue


class Command(BaseCommand):
    help = (
        "Lock every open reporting period whose update deadline plus the grace period "
        "(PERIOD_GRACE_DAYS) has passed. Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say which periods would be locked.")

    def handle(self, *args, dry_run, **options):
        locked = periods_lock_overdue(today=timezone.localdate(), dry_run=dry_run)
        verb = "Would lock" if dry_run else "Locked"
        for period in locked:
            self.stdout.write(f"{verb} {period.plan.slug} {period} (deadline {period.deadline:%d %B %Y})")
        if not locked:
            self.stdout.write(f"No open period is more than {settings.PERIOD_GRACE_DAYS} days past its deadline.")
