"""Middleware for the whole site: security headers, a plain 503 without the database, session limits, two-factor."""

from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError, connection
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from .audit import log_event
from .sessions import TWO_FACTOR_STEP, seconds_left, session_over, session_refresh
from .views import database_unavailable

DATABASE_DOWN = (OperationalError, InterfaceError)
# Answer without the database and without a session.
HEALTH_PATHS = {"/healthz", "/readyz"}


class ResponseSecurityMiddleware:
    """No copy of any page is kept by the browser or a proxy; every refusal (403) is logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Every page the app draws may hold safeguarding information; static files (whitenoise) are cached.
        add_never_cache_headers(response)
        if response.status_code == 403:
            log_event("access-refused", request, _username(request), method=request.method)
        return response


def _username(request):
    user = getattr(request, "user", None)
    try:
        return user.get_username() if user is not None and user.is_authenticated else "-"
    except DATABASE_DOWN:
        return "-"


class DatabaseUnavailableMiddleware:
    """Without the database, every page is a plain 503 with Retry-After, at once, and never a traceback.

    The connection is checked (and a dead persistent one replaced) before the session is read, as Django
    would do at the first query; a failure later in the request is caught in process_exception, and one
    in other middleware by the 500 handler (dscb.views.server_error).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS:
            # Health checks answer for the process and the database alone, whoever asks: never a session.
            request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        else:
            try:
                connection.close_if_health_check_failed()
                connection.ensure_connection()
            except DATABASE_DOWN:
                return database_unavailable(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request)
        return None


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
