from django.core.management.base import BaseCommand

from plans.models import BusinessPlan
from reports.pdfstore import draft_pdfs_build


class Command(BaseCommand):
    help = (
        "Draw and keep the draft PDFs of the active plan's reports (the Executive report of every period so far "
        "and the Board report as at today) wherever what they show has changed, so that people downloading them "
        "do not wait for them to be drawn. Run every few minutes from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        done = draft_pdfs_build(BusinessPlan.objects.active())
        for name, drawn, ms in done:
            self.stdout.write(f"{name}: {'drawn' if drawn else 'up to date'} ({ms / 1000:.1f} s)")
        drawn = sum(1 for _, was_drawn, _ in done if was_drawn)
        self.stdout.write(f"Draft PDFs: {drawn} drawn, {len(done) - drawn} up to date.")
