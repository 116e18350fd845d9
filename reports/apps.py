from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The dashboard, the Safeguarding Executive report and the Board progress report, and issued reports.

    Reports read from every other app and nothing reads from them, so they have a room of their own.
    """

    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from . import signals

        signals.connect()
