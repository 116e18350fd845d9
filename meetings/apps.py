from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, agencies and attendance"

    def ready(self):
        from plans.models import ReportingPeriod
        from plans.signals import period_meeting_moved

        from .services import meeting_follow_period

        # The plans page moves a period's meeting date; the meeting it reports to follows.
        period_meeting_moved.connect(
            meeting_follow_period, sender=ReportingPeriod, dispatch_uid="meetings.meeting_follow_period"
        )
