"""The meeting reminders, each sent from a task once (dscb.mail)."""

import datetime

from django_tasks import task

from dscb.mail import MAIL_ERRORS, email_send_once, email_sent, email_task_retry
from dscb.models import SentEmail

from .models import Meeting


@task()
def meeting_reminder_send(*, key, to, meeting_id, date, subject, body, attempt=1):
    """Email a member a reminder of a meeting (meetings.reminders), drawn when it was enqueued; once per key.

    Nothing goes if the meeting has been cancelled or moved from `date` (YYYY-MM-DD) since (the moved date has its
    own reminder), and the email's row is taken out of the log, where it would wait as "not sent yet" for ever.
    A mail-server error enqueues the task again, up to EMAIL_SEND_ATTEMPTS tries (dscb.mail).
    """
    if email_sent(key=key):
        return "already sent"
    day = datetime.date.fromisoformat(date)
    still = Meeting.objects.filter(pk=meeting_id, date=day).exclude(status=Meeting.Status.CANCELLED).exists()
    if not still:
        SentEmail.objects.filter(key=key, sent_at__isnull=True).delete()
        return "the meeting was cancelled or moved"
    try:
        sent = email_send_once(key=key, to=to, subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(
            meeting_reminder_send,
            attempt=attempt,
            error=error,
            key=key,
            to=to,
            meeting_id=meeting_id,
            date=date,
            subject=subject,
            body=body,
        )
    return "sent" if sent else "already sent"
