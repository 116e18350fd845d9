from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and signing in: sign-in and its lockout, two-factor sign-in, session limits, the security log.

    Above `subgroups` (the roles and memberships decide who must use two-factor sign-in and appear on a
    person's admin page) and below everything that reads the plan.
    """

    name = "accounts"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in log to Django's signals
