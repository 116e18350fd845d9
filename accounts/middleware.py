"""Middleware for signed-in sessions: the 12-hour limit, two-factor sign-in, and refusals in the security log."""

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from dscb.middleware import DATABASE_DOWN, HEALTH_PATHS

from .audit import log_event
from .sessions import TWO_FACTOR_STEP, seconds_left, session_over, session_refresh


class RefusalLogMiddleware:
    """Every refusal (403) is written to the security log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            log_event("access-refused", request, _username(request), method=request.method)
        return response


def _username(request):
    user = getattr(request, "user", None)
    try:
        return user.get_username() if user is not None and user.is_authenticated else "-"
    except DATABASE_DOWN:
        return "-"


class SessionLimitsMiddleware:
    """Sign a user out 12 hours after signing in, and keep the 30-minute idle limit moving while they work.

    The idle limit itself is the session's age (SESSION_COOKIE_AGE): the session row and cookie expire
    unless a request refreshes them. Signed-in answers say how long is left in X-Session-Seconds-Left, which
    the timeout warning (static/js/session-timeout.js) reads after requests made in the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS or not request.user.is_authenticated:
            return self.get_response(request)
        now = timezone.now()
        if session_over(request, now):
            log_event("session-ended", request, request.user.get_username(), reason="12-hour limit")
            logout(request)
            return self.get_response(request)
        session_refresh(request, now)
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["X-Session-Seconds-Left"] = str(seconds_left(request, now))
        return response


class TwoFactorMiddleware:
    """A user who owes a code, or must set two-factor sign-in up, reaches nothing else until they have."""

    ALLOWED = {"verify": "two-factor-verify", "set-up": "two-factor-set-up"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS:
            return self.get_response(request)
        step = request.session.get(TWO_FACTOR_STEP)
        if step and request.user.is_authenticated:
            target = reverse(self.ALLOWED.get(step, "two-factor-verify"))
            if request.path_info not in {target, reverse("logout")}:
                query = urlencode({"next": request.get_full_path()}) if request.method in ("GET", "HEAD") else ""
                return redirect(f"{target}?{query}" if query else target)
        return self.get_response(request)
