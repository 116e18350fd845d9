"""The emails about signing in, sent from tasks (dscb.mail): a new person's set-password link and a reset link."""

import uuid
from urllib.parse import urlsplit

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

# Why the email is sent: a new account (its first password), or a forgotten password.
SET, RESET = "set", "reset"


@task()
def password_email_send(*, kind, user_id, site_url, key, attempt=1):
    """Email a person a link to choose their password: kind SET (a new account) or RESET (they forgot it).

    The link's token is made here, when the email is sent, so no token is stored in the queue. Sent once per key;
    a mail-server error enqueues the task again, up to EMAIL_SEND_ATTEMPTS tries (dscb.mail).
    """
    if email_sent(key=key):
        return "already sent"
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return "no active person with an email address"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    if kind == SET:
        link = site_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        context = {"user": user, "link": link, "board_name": settings.BOARD_NAME}
        subject = f"Your account for the {settings.BOARD_NAME} business plan"
        body = render_to_string("registration/set_password_email.txt", context)
    else:
        # The context Django's password-reset form gives its templates.
        site = urlsplit(site_url)
        context = {
            "email": user.email,
            "domain": site.netloc,
            "site_name": site.netloc,
            "uid": uid,
            "user": user,
            "token": token,
            "protocol": site.scheme,
        }
        subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = render_to_string("registration/password_reset_email.html", context)
    try:
        sent = email_send_once(key=key, to=user.email, subject=subject, body=body)
    except MAIL_ERRORS as error:
        return email_task_retry(
            password_email_send, attempt=attempt, error=error, kind=kind, user_id=user_id, site_url=site_url, key=key
        )
    return "sent" if sent else "already sent"


def password_email_enqueue(*, user, site_url, kind):
    """Have the person emailed from a task once the transaction that asked for it commits (nothing if it rolls
    back). The key names this one request: its task, retried or run twice, sends one email."""
    key = f"{kind}-password:{user.pk}:{uuid.uuid4()}"
    transaction.on_commit(lambda: password_email_send.enqueue(kind=kind, user_id=user.pk, site_url=site_url, key=key))
    return key
