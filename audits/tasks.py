"""The audit emails, each sent from a task once (dscb.mail): a contact's invitation, with a link to set their
password (the accounts set-password link: it works once and expires), and the receipt of a submitted return."""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from dscb.mail import MAIL_ERRORS, email_send_once, email_sent, email_task_retry
from dscb.models import SentEmail

from .models import Return


@task()
def invitation_send(*, key, user_id, return_id, site_url, attempt=1):
    """Email a contact their invitation to the round: what is asked, by when, where, and (while they have no
    password) a link to set one, made here so that no token waits in the queue. Once per key."""
    if email_sent(key=key):
        return "already sent"
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    return_form = Return.objects.select_related("round", "organisation").filter(pk=return_id).first()
    if user is None or return_form is None:
        return "no active person with an email address, or no return"
    link = ""
    if not user.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = site_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "user": user,
        "return": return_form,
        "link": link,
        "return_url": site_url + return_form.get_absolute_url(),
        "board_name": settings.BOARD_NAME,
    }
    subject = f"{return_form.round}: your {return_form.round.get_kind_display()} return for {return_form.organisation}"
    body = render_to_string("audits/email/invitation.txt", context)
    try:
        sent = email_send_once(key=key, to=user.email, subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(
            invitation_send,
            attempt=attempt,
            error=error,
            key=key,
            user_id=user_id,
            return_id=return_id,
            site_url=site_url,
        )
    return "sent" if sent else "already sent"


def invitation_enqueue(*, person, return_form, site_url):
    """Have the person invited once the transaction commits; the key names this invitation."""
    key = f"audit-invitation:{return_form.pk}:{person.pk}:{uuid.uuid4()}"
    site_url = site_url or settings.SITE_URL
    transaction.on_commit(
        lambda: invitation_send.enqueue(key=key, user_id=person.pk, return_id=return_form.pk, site_url=site_url)
    )
    return key


@task()
def receipt_send(*, key, to, subject, body, attempt=1):
    """Email the receipt of a submitted return, drawn when it was submitted; once per key."""
    try:
        sent = email_send_once(key=key, to=to, subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(receipt_send, attempt=attempt, error=error, key=key, to=to, subject=subject, body=body)
    return "sent" if sent else "already sent"


def receipt_enqueue(*, return_form):
    """Email the receipt to the contact and the substitute once the submission commits."""
    context = {"return": return_form, "board_name": settings.BOARD_NAME}
    subject = (
        f"Received: {return_form.organisation}'s {return_form.round.get_kind_display()} return ({return_form.receipt})"
    )
    body = render_to_string("audits/email/receipt.txt", context)
    keys = []
    for person in (return_form.contact, return_form.substitute):
        if person is None or not person.email:
            continue
        key = f"audit-receipt:{return_form.receipt}:{person.pk}"
        transaction.on_commit(
            lambda key=key, to=person.email: receipt_send.enqueue(key=key, to=to, subject=subject, body=body)
        )
        keys.append(key)
    return keys


@task()
def reminder_send(*, key, to, return_id, subject, body, attempt=1):
    """Email a contact a reminder or chaser of their return (audits.reminders), once per key. Nothing goes if the
    return has been submitted since, and the email's row leaves the log (it would wait as "not sent" for ever)."""
    if email_sent(key=key):
        return "already sent"
    outstanding = Return.objects.filter(
        pk=return_id, state__in=[Return.State.NOT_STARTED, Return.State.DRAFT, Return.State.RETURNED]
    ).exists()
    if not outstanding:
        SentEmail.objects.filter(key=key, sent_at__isnull=True).delete()
        return "the return is in"
    try:
        sent = email_send_once(key=key, to=to, subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(
            reminder_send, attempt=attempt, error=error, key=key, to=to, return_id=return_id, subject=subject, body=body
        )
    return "sent" if sent else "already sent"
