import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from risks.services import review_suggestions_refresh
from risks.tasks import review_suggestions_daily


class Command(BaseCommand):
    help = (
        'Flag "review suggested" on each open risk with a linked action past its due date and not complete. '
        "Run daily from cron: it enqueues the work, which a worker does; --dry-run says at once what it would flag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say which risks would be flagged, and why.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Act as if it were this day.")

    def handle(self, *args, dry_run, today, **options):
        today = today or timezone.localdate()
        if not dry_run:
            review_suggestions_daily.enqueue(today=today.isoformat())
            self.stdout.write(f"Queued: flag the risks with linked actions past due on {today:%d %B %Y}.")
            return
        raised = review_suggestions_refresh(today=today, dry_run=True)
        for risk, reason in raised:
            self.stdout.write(f"Would flag {risk.reference}: {reason}")
        if not raised:
            self.stdout.write("No open risk has a linked action newly past due.")
