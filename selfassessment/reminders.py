"""Reminders of the self-assessment: each invited seat that has not responded gets one reminder in the
REMINDER_WORKING_DAYS working days before the window closes (the first day the daily command runs in them), once
per invitation and closing date."""

from django.conf import settings
from django.db import transaction

from dscb.models import SentEmail
from dscb.workingdays import working_days_before

from .models import Invitation, Window
from .tasks import address_of, invitation_send, reminder_key

REMINDER_WORKING_DAYS = 5


def reminders_due(*, today):
    """The invitations owed a reminder on `today`, whether or not sent: two queries, the windows and invitations."""
    windows = [
        window
        for window in Window.objects.filter(opened_at__isnull=False, opens_on__lte=today, closes_on__gte=today)
        if working_days_before(window.closes_on, REMINDER_WORKING_DAYS) <= today
    ]
    invitations = (
        Invitation.objects.filter(window__in=windows, responded_at__isnull=True)
        .select_related("window__plan", "seat__user")
        .order_by("window_id", "seat__person_name", "pk")
    )
    return [invitation for invitation in invitations if address_of(invitation.seat)]


def reminders_send(*, today, site_url=None):
    """Enqueue each reminder due on `today` not enqueued before; return the invitations reminded."""
    site_url = site_url or settings.SITE_URL
    queued = []
    for invitation in reminders_due(today=today):
        key = reminder_key(invitation)
        with transaction.atomic():
            _, created = SentEmail.objects.get_or_create(
                key=key,
                defaults={
                    "to": address_of(invitation.seat),
                    "subject": f"Self-assessment reminder ({invitation.window})",
                },
            )
            if created:
                invitation_send.enqueue(key=key, invitation_id=invitation.pk, kind="reminder", site_url=site_url)
                queued.append(invitation)
    return queued
