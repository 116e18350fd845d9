from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, agencies and attendance"

    def ready(self):
        from plans.models import ReportingPeriod
        from plans.signals import period_meeting_moved
        from subgroups.roles import SEAT_PART, register_part

        from .models import Seat
        from .services import meeting_follow_period

        # The plans page moves a period's meeting date; the meeting it reports to follows.
        period_meeting_moved.connect(
            meeting_follow_period, sender=ReportingPeriod, dispatch_uid="meetings.meeting_follow_period"
        )
        # Someone with a seat on a body (at any time) is one of the board's people.
        register_part(SEAT_PART, lambda user: Seat.objects.filter(user=user), of_the_board=True)
