"""Reminders and chasers of the audit returns, by the rules of the progress updates' and meetings' ones: the
contact and the substitute of each return not yet submitted get a reminder REMINDER_WORKING_DAYS working days
before the round's returns close (or on the days after, should the daily command miss one, until they close), and
a chaser the day after they close (and for CHASE_DAYS after, until the return comes in). Each email is sent once:
its key names the kind, the return, the person and the closing date. progress's send_reminders calls this module
(audits may not import progress)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from dscb.models import SentEmail
from dscb.workingdays import working_days_before

from .models import Return, Round
from .tasks import reminder_send

REMINDER_WORKING_DAYS = 5
CHASE_DAYS = 14
REMINDER, CHASER = "reminder", "chaser"
LABELS = {REMINDER: "Audit return reminder", CHASER: "Audit return chaser"}


@dataclass(frozen=True)
class AuditLetter:
    """One reminder or chaser to one contact of one return."""

    kind: str
    return_form: Return
    person: object

    @property
    def key(self):
        closes_on = self.return_form.round.closes_on.isoformat()
        return f"audit-{self.kind}:return-{self.return_form.pk}:user-{self.person.pk}:{closes_on}"

    @property
    def label(self):
        return LABELS[self.kind]


def kind_due(round, today):
    """REMINDER, CHASER or None: what the round's outstanding returns are owed on `today`."""
    if working_days_before(round.closes_on, REMINDER_WORKING_DAYS) <= today <= round.closes_on:
        return REMINDER
    if round.closes_on < today <= round.closes_on + datetime.timedelta(days=CHASE_DAYS):
        return CHASER
    return None


def audit_reminders_due(*, today):
    """The reminders and chasers due on `today`, whether or not sent: two queries, the rounds and their returns."""
    rounds = Round.objects.filter(
        opens_on__lte=today,
        closes_on__gte=today - datetime.timedelta(days=CHASE_DAYS),
        closes_on__lte=today + datetime.timedelta(days=REMINDER_WORKING_DAYS * 2 + 10),
    )
    kinds = {round.pk: kind_due(round, today) for round in rounds}
    owed = [pk for pk, kind in kinds.items() if kind]
    returns = (
        Return.objects.filter(round_id__in=owed)
        .filter(Q(state__in=[Return.State.NOT_STARTED, Return.State.DRAFT, Return.State.RETURNED]))
        .select_related("round", "organisation", "contact", "substitute")
        .order_by("round__closes_on", "organisation__name")
    )
    letters = []
    for row in returns:
        for person in (row.contact, row.substitute):
            if person is not None and person.is_active and person.email:
                letters.append(AuditLetter(kinds[row.round_id], row, person))
    return letters


def letter_render(letter, *, site_url):
    """(subject, body) of the letter, with the link to the return."""
    row = letter.return_form
    closes = f"{row.round.closes_on:%-d %B %Y}"
    if letter.kind == REMINDER:
        subject = f"Reminder: {row.organisation}'s {row.round.get_kind_display()} return is due by {closes}"
    else:
        subject = f"Overdue: {row.organisation}'s {row.round.get_kind_display()} return was due on {closes}"
    context = {"letter": letter, "return": row, "closes": closes, "link": site_url + row.get_absolute_url()}
    context["board_name"] = settings.BOARD_NAME
    return subject[:300], render_to_string("audits/email/reminder.txt", context)


def audit_reminders_send(*, today, site_url):
    """Enqueue each reminder and chaser due on `today` not enqueued before; return the letters enqueued."""
    queued = []
    for letter in audit_reminders_due(today=today):
        subject, body = letter_render(letter, site_url=site_url)
        with transaction.atomic():
            _, created = SentEmail.objects.get_or_create(
                key=letter.key, defaults={"to": letter.person.email, "subject": subject}
            )
            if created:
                reminder_send.enqueue(
                    key=letter.key, to=letter.person.email, return_id=letter.return_form.pk, subject=subject, body=body
                )
                queued.append(letter)
    return queued
