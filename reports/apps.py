from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The dashboard, the Safeguarding Executive report and the Board progress report, and issued reports.

    Reports read from every other app and nothing reads from them, so they have a room of their own.
    """

    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from meetings.agenda import register_issued_report_finder

        from . import signals
        from .agenda import issued_report_for_meeting

        signals.connect()
        register_issued_report_finder(issued_report_for_meeting)
