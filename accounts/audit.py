"""The security log (logger `dscb.security`): sign-in, sign-out, failed sign-in, lockout, two-factor, refusals.

Each line names the user and the address; the time comes from the log record. Passwords and codes are never
logged: failed sign-ins log the username alone.
"""

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .sessions import session_started

logger = logging.getLogger("dscb.security")
WARNINGS = {"sign-in-failed", "locked-out", "access-refused", "two-factor-failed"}


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry the first one added."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _name(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return user.get_username()


def log_event(event, request, username, **details):
    """One line in the security log: the event, the user, the address and any details."""
    address = client_ip(request) or "-"
    level = logging.WARNING if event in WARNINGS else logging.INFO
    logger.log(
        level,
        "%s user=%r ip=%s path=%r%s",
        event,
        username or "-",
        address,
        getattr(request, "path", "-"),
        "".join(f" {key}={value!r}" for key, value in details.items()),
        extra={"event": event, "username": username or "-", "ip": address},
    )


@receiver(user_logged_in, dispatch_uid="dscb-signed-in")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_started(request, user, timezone.now())
    log_event("signed-in", request, user.get_username())


@receiver(user_logged_out, dispatch_uid="dscb-signed-out")
def _signed_out(sender, request, user, **kwargs):
    log_event("signed-out", request, _name(user))


@receiver(user_login_failed, dispatch_uid="dscb-sign-in-failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is read from it.
    log_event("sign-in-failed", request, str(credentials.get("username", ""))[:150])


@receiver(user_locked_out, dispatch_uid="dscb-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event("locked-out", request, str(username or "")[:150])
