from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from planfile.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the DSCB 2015/16 demo plan, demo accounts and illustrative progress (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for new demo accounts.")
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. Use --force to load the demo data anyway.")
        plan, users = demo_load(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo plan {plan.slug} ready: {plan.get_absolute_url()}"))
        self.stdout.write(f"Demo accounts (password {password!r} unless set before):")
        width = max(map(len, users), default=0)
        for username, user in users.items():
            self.stdout.write(f"  {username.ljust(width)}  {user.get_full_name()}".rstrip())
        self.stdout.write("Audit contacts, one per organisation in the demo rounds: contact-<organisation slug>,")
        self.stdout.write("  for example contact-police or contact-oakfield-primary.")
        self.stdout.write("Board self-assessment: chair-dscb sits in the Board chair's seat and sees the members' own")
        self.stdout.write("  assessments at /self-assessment/; each Board seat answers through its personal link.")
