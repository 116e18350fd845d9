from django.conf import settings
from django.utils import timezone

from .sessions import TWO_FACTOR_STEP, seconds_left

# Which item of the service navigation a page belongs to, by its URL namespace (or name, for the unnamespaced).
NAV_SECTIONS = {
    "reports:dashboard": "dashboard",
    "work": "work",
    "plans": "plans",
    "priorities": "plans",
    "login": "login",
}


def board(request):
    match = getattr(request, "resolver_match", None)
    section = ""
    if match is not None:
        section = NAV_SECTIONS.get(match.view_name) or NAV_SECTIONS.get(match.namespace, "")
    return {"board_name": settings.BOARD_NAME, "nav_section": section}


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
