"""The site's addresses plus views that fail in each way, for tests/security/test_error_pages.py."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from dscb.urls import handler400, handler500  # noqa: F401 - the handlers in use
from dscb.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "internal-detail-7f3a9c"


@login_not_required
def server_error(request):
    raise RuntimeError(f"{SECRET_DETAIL} {settings.SECRET_KEY} {settings.DATABASES['default']['NAME']}")


@login_not_required
def refused(request):
    raise PermissionDenied(SECRET_DETAIL)


@login_not_required
def bad_request(request):
    raise SuspiciousOperation(SECRET_DETAIL)


@login_not_required
def not_found(request):
    raise Http404(SECRET_DETAIL)


urlpatterns = [
    path("failing/500/", server_error),
    path("failing/403/", refused),
    path("failing/400/", bad_request),
    path("failing/404/", not_found),
    *site_urlpatterns,
]
