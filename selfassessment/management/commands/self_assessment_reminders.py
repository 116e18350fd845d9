import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from selfassessment.reminders import reminders_due, reminders_send


class Command(BaseCommand):
    help = "Remind each Board seat that has not answered the open self-assessment, once, before it closes (daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say who would be reminded; send nothing.")
        parser.add_argument("--today", help="Act as if it were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError("--today must be a date, YYYY-MM-DD") from error
        if dry_run:
            for invitation in reminders_due(today=day):
                self.stdout.write(f"Would remind {invitation.seat.person_name} ({invitation.window})")
            return
        sent = reminders_send(today=day)
        self.stdout.write(f"{len(sent)} self-assessment reminder(s) enqueued.")
