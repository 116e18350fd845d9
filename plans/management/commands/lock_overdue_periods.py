from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.services import periods_lock_overdue
from plans.tasks import overdue_periods_lock


class Command(BaseCommand):
    help = (
        "Lock every open reporting period whose update deadline plus the grace period "
        "(PERIOD_GRACE_DAYS) has passed. Run daily from cron: it enqueues the work, which a worker does; "
        "--dry-run says at once which periods would be locked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say which periods would be locked.")

    def handle(self, *args, dry_run, **options):
        today = timezone.localdate()
        if not dry_run:
            overdue_periods_lock.enqueue(today=today.isoformat())
            self.stdout.write(f"Queued: lock the periods overdue on {today:%d %B %Y} (a worker does it).")
            return
        locked = periods_lock_overdue(today=today, dry_run=True)
        for period in locked:
            self.stdout.write(f"Would lock {period.plan.slug} {period} (deadline {period.deadline:%d %B %Y})")
        if not locked:
            self.stdout.write(f"No open period is more than {settings.PERIOD_GRACE_DAYS} days past its deadline.")
