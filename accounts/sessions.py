"""What the session remembers about signing in: when it began, when it was last refreshed, what step is due."""

from django.conf import settings

SIGNED_IN_AT = "dscb_signed_in_at"
SEEN_AT = "dscb_seen_at"
# "verify": enter a code before anything else; "set-up": set two-factor sign-in up before anything else.
TWO_FACTOR_STEP = "dscb_two_factor_step"


def session_started(request, user, now):
    """Note, at sign-in, when the session began and which two-factor step it still owes."""
    from .two_factor import step_due_at_sign_in

    stamp = now.timestamp()
    request.session[SIGNED_IN_AT] = stamp
    request.session[SEEN_AT] = stamp
    step = step_due_at_sign_in(user)
    if step:
        request.session[TWO_FACTOR_STEP] = step
    else:
        request.session.pop(TWO_FACTOR_STEP, None)


def session_refresh(request, now, force=False):
    """Move the idle expiry on, at most every SESSION_REFRESH_SECONDS unless forced; saved with the response."""
    seen = request.session.get(SEEN_AT, 0)
    if force or now.timestamp() - seen >= settings.SESSION_REFRESH_SECONDS:
        request.session[SEEN_AT] = now.timestamp()


def seconds_left(request, now):
    """Seconds until the session ends: the idle limit or the 12-hour limit, whichever comes first."""
    stamp = now.timestamp()
    idle_left = request.session.get(SEEN_AT, stamp) + settings.SESSION_IDLE_SECONDS - stamp
    total_left = request.session.get(SIGNED_IN_AT, stamp) + settings.SESSION_MAX_SECONDS - stamp
    return max(0, int(min(idle_left, total_left)))


def session_over(request, now):
    """True when the session has passed its 12-hour limit, or began before sign-ins were timed."""
    started = request.session.get(SIGNED_IN_AT)
    return started is None or now.timestamp() - started >= settings.SESSION_MAX_SECONDS
