"""Authentication backends."""

from asgiref.sync import sync_to_async
from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.utils import timezone

from dscb.prepared import PreparedQuery
from subgroups.roles import with_parts


def username_failures(username):
    """Failed sign-ins for the username from every address within the cool-off time."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInAttemptsBackend(AxesStandaloneBackend):
    """django-axes' attempt counting for every sign-in made over the web.

    Axes locks a username at one address after AXES_FAILURE_LIMIT failures. An address can be forged or
    changed, so a second, higher limit counts the username's failures from every address: past it, the
    username is locked wherever the attempts come from.

    A web sign-in always passes its request. Code that checks a password without one (a management command,
    the shell, the test client's login) has no address to count against, so it goes straight to the next
    backend rather than failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if username and username_failures(username) >= settings.AXES_USERNAME_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.username_locked_out = True
            raise AxesBackendPermissionDenied("Too many failed sign-ins for this username from any address")
        return super().authenticate(request, username=username, password=password, **kwargs)


class PasswordBackend(ModelBackend):
    """Django's username-and-password backend, whose loading of the signed-in user on each request also brings the
    parts of the board they hold (subgroups.roles.with_parts): the menu, which is on every page, and the permission
    checks then know whether they are the manager, one of the board's people or an audit contact without a query
    of their own."""

    def get_user(self, user_id):
        found = _user_with_parts.rows(user_id=user_id, using=get_user_model()._default_manager.db)
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)


@PreparedQuery
def _user_with_parts(*, user_id):
    """The user with their parts: built and compiled once per database and process (dscb.prepared), after every app
    has registered its parts (subgroups.roles.register_part, in ready()). The ORM took about 3 ms to put together and
    compile the parts' EXISTS subqueries on every request, against under 1 ms for PostgreSQL to run them."""
    return with_parts(get_user_model()._default_manager.all()).filter(pk=user_id)
