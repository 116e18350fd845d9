"""The reminders and chasers about updates due, each sent from a task once (dscb.mail)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from dscb.mail import MAIL_ERRORS, email_send_once, email_sent, email_task_retry


@task()
def reminder_email_send(*, key, user_id, subject, body, attempt=1):
    """Email a person a reminder or chaser (progress.reminders), drawn when it was enqueued; once per key.

    A mail-server error enqueues the task again, up to EMAIL_SEND_ATTEMPTS tries (dscb.mail).
    """
    if email_sent(key=key):
        return "already sent"
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return "no active person with an email address"
    try:
        sent = email_send_once(key=key, to=user.email, subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(
            reminder_email_send, attempt=attempt, error=error, key=key, user_id=user_id, subject=subject, body=body
        )
    return "sent" if sent else "already sent"
