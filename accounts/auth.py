"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


class SignInAttemptsBackend(AxesStandaloneBackend):
    """django-axes' attempt counting for every sign-in made over the web.

    A web sign-in always passes its request. Code that checks a password without one (a management command,
    the shell, the test client's login) has no address to count against, so it goes straight to the next
    backend rather than failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
