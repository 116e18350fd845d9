"""Middleware for the whole site: no page cached, a plain 503 without the database, no blank 405, and no
control characters in the text a form sends."""

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from .views import database_unavailable
from .xmltext import NOT_TYPED, typed_text

DATABASE_DOWN = (OperationalError, InterfaceError)
# Answer without the database and without a session.
HEALTH_PATHS = {"/healthz", "/readyz"}


# Browser features the site never uses, denied to it and to anything that might be injected into it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)


class ResponseHeadersMiddleware:
    """No copy of any page is kept by the browser or a proxy, and no page may use features the site does not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Every page the app draws may hold safeguarding information; static files (whitenoise) are cached.
        add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


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


class MethodNotAllowedPageMiddleware:
    """An address that only takes a sent form, opened in the browser, answers with a page that says so.

    Django's ``require_POST`` answers a GET with an empty 405, which the browser shows as a blank page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method not in ("GET", "HEAD"):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class SentTextMiddleware:
    """Text sent in a form is kept without the control characters pasted in from other programs (dscb.xmltext).

    Word pastes a manual line break as a vertical tab: it is stored as a line break (a space in a one-line box:
    dscb.forms), and characters nobody can see or type are dropped, so that every page, export and report reads
    the text as it was meant. Files are left as they are; their readers check them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            sent = request.POST
            if any(NOT_TYPED.search(value) for _, values in sent.lists() for value in values):
                cleaned = sent.copy()
                for key, values in sent.lists():
                    cleaned.setlist(key, [typed_text(value) for value in values])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)
