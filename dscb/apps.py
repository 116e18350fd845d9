from django.apps import AppConfig


class DscbConfig(AppConfig):
    """The project itself: sign-in safety, security logging and the pages every app shares."""

    name = "dscb"
    verbose_name = "Site"

    def ready(self):
        from . import audit  # noqa: F401 - connects the sign-in log to Django's signals
