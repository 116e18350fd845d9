"""The self-assessment emails, each sent from a task once (dscb.mail): a seat's invitation with its personal link,
and a reminder before the window closes to those who have not responded. The address is the seat's account's,
else the seat's own."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from dscb.mail import MAIL_ERRORS, email_send_once, email_sent, email_task_retry
from dscb.models import SentEmail

from .models import Invitation


def address_of(seat):
    if seat.user_id and seat.user.is_active and seat.user.email:
        return seat.user.email
    return seat.email


def _letter(invitation, kind, site_url):
    window = invitation.window
    context = {
        "invitation": invitation,
        "window": window,
        "link": site_url + invitation.get_absolute_url(),
        "board_name": settings.BOARD_NAME,
        "kind": kind,
    }
    closes = f"{window.closes_on:%-d %B %Y}"
    if kind == "reminder":
        subject = f"Reminder: the board self-assessment {window.year_label} closes on {closes}"
    else:
        subject = f"The board self-assessment {window.year_label}: your invitation, open until {closes}"
    return subject, render_to_string("selfassessment/email/invitation.txt", context)


def invitation_key(invitation):
    return f"self-assessment-invitation:{invitation.pk}"


def reminder_key(invitation):
    return f"self-assessment-reminder:{invitation.pk}:{invitation.window.closes_on.isoformat()}"


@task()
def invitation_send(*, key, invitation_id, kind, site_url, attempt=1):
    """Email a seat its invitation or reminder, drawn here so that no link waits in the queue; once per key. A
    reminder to someone who has responded since is not sent, and leaves the log."""
    if email_sent(key=key):
        return "already sent"
    invitation = Invitation.objects.select_related("window__plan", "seat__user").filter(pk=invitation_id).first()
    if invitation is None or not address_of(invitation.seat):
        return "no invitation, or no address"
    if kind == "reminder" and invitation.responded_at is not None:
        SentEmail.objects.filter(key=key, sent_at__isnull=True).delete()
        return "responded"
    subject, body = _letter(invitation, kind, site_url)
    try:
        sent = email_send_once(key=key, to=address_of(invitation.seat), subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(
            invitation_send,
            attempt=attempt,
            error=error,
            key=key,
            invitation_id=invitation_id,
            kind=kind,
            site_url=site_url,
        )
    return "sent" if sent else "already sent"


def invitation_enqueue(*, invitation, site_url=None):
    """Have the seat emailed its invitation once the transaction commits; once per invitation."""
    key = invitation_key(invitation)
    site_url = site_url or settings.SITE_URL
    transaction.on_commit(
        lambda: invitation_send.enqueue(key=key, invitation_id=invitation.pk, kind="invitation", site_url=site_url)
    )
    return key
