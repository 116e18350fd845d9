"""The pages every request may meet: health checks and the error pages."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .queue import queue_health

logger = logging.getLogger("dscb")


@login_not_required
@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """200 while the database answers (503 when it does not), with the task queue's health as a field of its own:
    no worker running is something to look at, not a reason to take the site out of service."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    try:
        tasks = queue_health()
    except DatabaseError:
        tasks = {"error": "the task queue could not be read"}
    return JsonResponse({"status": "ok", "database": "ok", "tasks": tasks})


def database_unavailable(request):
    """The plain 503 page, drawn without the database or the session."""
    logger.warning("Database unavailable: answered %s %s with 503", request.method, request.path)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DB_UNAVAILABLE_RETRY_AFTER)
    return response


def server_error(request):
    """The 500 handler: a plain page, or the 503 page when the cause is a database that cannot be reached."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))


def bad_request(request, exception):
    """The 400 handler: a plain page that says nothing about what was wrong with the request."""
    return HttpResponse(render_to_string("400.html"), status=400)


def csrf_failure(request, reason=""):
    """A form that came without its CSRF token: say so in the user's words (the reason is not shown)."""
    return render(request, "403_csrf.html", status=403)
