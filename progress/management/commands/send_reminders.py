import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateformat import format as format_date

from audits import reminders as audit_reminders
from meetings import reminders as meeting_reminders
from progress.reminders import KIND_LABELS, REMINDER, letters_for, reminders_due, reminders_send


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Email the reminders and chasers due today for the reporting period: a reminder before the update deadline, "
        "a chaser the day after it, a second chaser to the chairs and the manager after the grace period, and the "
        "weekly digests; each body's meeting reminders to its members, MEETING_REMINDER_DAYS working days before; and "
        "the audit returns' reminders (five working days before they close) and chasers (from the day after). "
        "Run daily from cron: it enqueues the emails, which a worker sends, each once however often "
        "it runs. --dry-run prints who would get what and enqueues nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; enqueue nothing.")
        parser.add_argument("--today", type=_day, help="The day to act as if it were, YYYY-MM-DD (default: today).")

    def handle(self, *args, dry_run, today, **options):
        today = today or timezone.localdate()
        if dry_run:
            self._dry_run(today)
            return
        if not settings.SITE_URL:
            raise CommandError("Set SITE_URL to the site's address (https://...): the emails link to it.")
        queued = reminders_send(today=today, site_url=settings.SITE_URL)
        for letter in queued:
            self.stdout.write(f"Queued: {letter.kind_label} to {letter.person.email} ({len(letter.items)} due)")
        meetings = meeting_reminders.meeting_reminders_send(today=today, site_url=settings.SITE_URL)
        for letter in meetings:
            self.stdout.write(f"Queued: {meeting_reminders.LABEL} to {letter.to} ({letter.meeting})")
        audits = audit_reminders.audit_reminders_send(today=today, site_url=settings.SITE_URL)
        for letter in audits:
            self.stdout.write(f"Queued: {letter.label} to {letter.person.email} ({letter.return_form.organisation})")
        count = len(queued) + len(meetings) + len(audits)
        self.stdout.write(f"{count} email{'s' if count != 1 else ''} queued for {_long(today)}.")

    def _dry_run(self, today):
        self._dry_run_updates(today)
        self._dry_run_meetings(today)
        self._dry_run_audits(today)

    def _dry_run_audits(self, today):
        letters = audit_reminders.audit_reminders_due(today=today)
        if not letters:
            self.stdout.write(f"\nAudit return reminders and chasers: none due on {_long(today)}.")
            return
        self.stdout.write(f"\nAudit return reminders and chasers due on {_long(today)}:")
        for letter in letters:
            person = letter.person
            name = f"{person.get_full_name() or person.username} <{person.email}>"
            self.stdout.write(f"  - {letter.label} to {name}, {letter.return_form.organisation}")

    def _dry_run_meetings(self, today):
        letters = meeting_reminders.meeting_reminders_due(today=today)
        days = settings.MEETING_REMINDER_DAYS
        if not letters:
            self.stdout.write(f"\nMeeting reminders ({days} working days before): none due on {_long(today)}.")
            return
        self.stdout.write(f"\nMeeting reminders ({days} working days before) due on {_long(today)}:")
        meeting = None
        for letter in letters:
            if letter.meeting != meeting:
                meeting = letter.meeting
                self.stdout.write(f"  {meeting.body.name}, {_long(meeting.date)} at {meeting.starts_at:%H:%M}:")
            self.stdout.write(f"    - {letter.name} <{letter.to}>")

    def _dry_run_updates(self, today):
        due = reminders_due(today=today)
        if due.period is None:
            self.stdout.write("No reporting period: there is no active plan, or none of its periods is open yet.")
            return
        period, schedule = due.period, due.schedule
        self.stdout.write(
            f"{period.plan.title}, {period} ({period.get_state_display().lower()}): updates due by "
            f"{_long(period.deadline)}. Reminder from {_long(schedule.reminder)}, chaser from "
            f"{_long(schedule.chaser)}, second chaser from {_long(schedule.second_chaser)}."
        )
        if due.letters:
            self.stdout.write(f"On {_long(today)} these would be sent:")
            letters = due.letters
        else:
            self.stdout.write(f"On {_long(today)} nothing is due to be sent. Due from each person and not yet in:")
            letters = letters_for(period, REMINDER, due.missing, today=today, digests=False)
        for letter in letters:
            person = letter.person
            name = f"{person.get_full_name() or person.username} <{person.email}>"
            self.stdout.write(f"\n{KIND_LABELS[letter.kind]} to {name}" if due.letters else f"\n{name}")
            for section in letter.sections:
                self.stdout.write(f"  {section.subgroup.name} ({section.role}):")
                for item in section.items:
                    self.stdout.write(f"    - {item.what} {item.code}: {item.text[:70]} ({item.state})")
        if not due.missing:
            self.stdout.write("Everything due is in: nobody would be emailed.")


def _long(day):
    return format_date(day, "l j F Y")
