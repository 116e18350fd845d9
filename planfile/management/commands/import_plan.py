from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planfile.services import MAX_LISTED, plan_import


class Command(BaseCommand):
    help = "Import a plan from a plan file (.xlsx or .csv, layout in docs/plan-file.md): all of it or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the .xlsx or .csv plan file.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would be created.")
        parser.add_argument("--activate", action="store_true", help="Make the imported plan the active plan.")

    def handle(self, *args, file, dry_run, activate, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = plan_import(content=path.read_bytes(), filename=path.name, dry_run=dry_run, activate=activate)
        if result.problems:
            for problem in result.problems[:MAX_LISTED]:
                self.stderr.write(str(problem))
            if len(result.problems) > MAX_LISTED:
                self.stderr.write(f"and {len(result.problems) - MAX_LISTED} more problems.")
            raise CommandError(f"{path.name} was not imported: {len(result.problems)} problem(s) listed above.")
        for line in result.summary():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {result.plan.slug}."))
