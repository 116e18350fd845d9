"""What every signed-in page needs to warn before the session ends."""

from django.conf import settings
from django.utils import timezone

from .sessions import TWO_FACTOR_STEP, seconds_left


def session(request):
    """For the timeout warning: seconds until the signed-in session ends, and how long before to warn."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_seconds_left": seconds_left(request, timezone.now()),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        # Signed in with a password but owing a code or an authenticator: only signing out is on offer.
        "two_factor_pending": bool(request.session.get(TWO_FACTOR_STEP)),
    }
