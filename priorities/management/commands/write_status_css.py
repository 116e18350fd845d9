from django.core.management.base import BaseCommand, CommandError

from priorities.status_css import STATUS_CSS_PATH, status_css


class Command(BaseCommand):
    help = (
        "Write static/css/status-colours.css from priorities.models.STATUS_KEY (the status tags' colours on "
        "screen, in print and in the PDF). With --check, write nothing and fail if the file is out of date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only say whether the file is up to date.")

    def handle(self, *args, check=False, **options):
        current = STATUS_CSS_PATH.read_text() if STATUS_CSS_PATH.exists() else ""
        if check:
            if current != status_css():
                raise CommandError(f"{STATUS_CSS_PATH} is out of date: run python manage.py write_status_css")
            self.stdout.write(f"{STATUS_CSS_PATH} is up to date.")
            return
        STATUS_CSS_PATH.write_text(status_css())
        self.stdout.write(f"Wrote {STATUS_CSS_PATH}")
