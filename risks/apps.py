from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from . import checks  # noqa: F401  (registers the risk matrix check)
        from .signals import connect

        connect()
