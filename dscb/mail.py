"""Every email the product sends goes out from a task, once per reason, retried while the mail server fails.

A task that sends an email is enqueued with a key naming the reason it is sent (made when the reason arises, e.g.
"set-password:<person>:<uuid of the request>"), and calls email_send_once. The key's SentEmail row is made before
the email is given to the mail server and marked sent once the server has accepted it: a task run again for the
same key (a retry, a second worker, the admin's Retry) finds it sent and sends nothing. Just before the email is
handed over the row is claimed (sending_since) by a conditional UPDATE, so two runs at once send it once. A worker
killed between claiming and marking (while the mail server had the email) leaves the claim: the email may or may
not have gone, and it is not sent again. Never twice, at the price of an email that can be lost in that window,
which the manager's email log shows as interrupted.

On a mail-server error (smtplib.SMTPException, or OSError for a server that cannot be reached) the task enqueues
itself again with attempt + 1, after a wait that doubles (1, 2, 4 ... minutes, where the backend can wait), and
succeeds; at the last of EMAIL_SEND_ATTEMPTS it raises, and the task is left failed with the error, in the admin,
where it can be retried.
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from .models import SentEmail

# What a mail server that refuses or cannot be reached raises.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def email_sent(*, key):
    """Has the email for this reason been sent?"""
    return SentEmail.objects.filter(key=key, sent_at__isnull=False).exists()


def email_send_once(*, key, to, subject, body):
    """Send the email for this reason unless it has been sent. True if sent now, False if it had been.

    Raises the mail server's error (MAIL_ERRORS) for the task to retry; the error is kept on the SentEmail row.
    """
    record, _ = SentEmail.objects.get_or_create(key=key, defaults={"to": to, "subject": subject[:300]})
    # Claimed by one conditional UPDATE, so of two runs at once only one sends. A claim left by a run that was
    # killed between handing the email over and recording it stays: that email may have gone, and is never sent
    # a second time (the manager's email log shows it as interrupted).
    claimed = SentEmail.objects.filter(pk=record.pk, sent_at__isnull=True, sending_since__isnull=True).update(
        sending_since=timezone.now()
    )
    if not claimed:
        return False
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except MAIL_ERRORS as error:
        # The server refused it: nothing went, so the claim is given back for the retry.
        SentEmail.objects.filter(pk=record.pk).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:2000], sending_since=None
        )
        raise
    SentEmail.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1, sent_at=timezone.now(), last_error="")
    return True


def email_task_retry(task, *, attempt, error, **kwargs):
    """Enqueue the email task again for its next attempt, or raise the error after the last one."""
    if attempt >= settings.EMAIL_SEND_ATTEMPTS:
        raise error
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(minutes=2 ** (attempt - 1)))
    task.enqueue(attempt=attempt + 1, **kwargs)
    return f"mail server error on attempt {attempt}; tried again later"
