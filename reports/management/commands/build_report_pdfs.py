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
        for name, state, ms in done:
            self.stdout.write(f"{name}: {state} ({ms / 1000:.1f} s)")
        drawn = sum(1 for _, state, _ in done if state == "drawn")
        current = sum(1 for _, state, _ in done if state == "up to date")
        failed = len(done) - drawn - current
        # A report over the PDF budget is named above; the command still draws the others.
        self.stdout.write(
            f"Draft PDFs: {drawn} drawn, {current} up to date" + (f", {failed} not drawn." if failed else ".")
        )
