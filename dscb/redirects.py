"""Where to go after a form: a `next` the user was sent with, if it is a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default="/", *, parameter="next"):
    """The `next` parameter (or another one named so) when it is a same-site path (never a URL name or another
    site), else the default."""
    wanted = request.POST.get(parameter) or request.GET.get(parameter) or ""
    if (
        wanted.startswith("/")
        and not wanted.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return wanted
    return default
