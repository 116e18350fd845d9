"""The meeting page's standing item "Business plan progress": the report issued for a meeting. The meetings app
sits below reports and asks through its slot (meetings.agenda); ReportsConfig.ready() fills it with this."""

from datetime import timedelta

from .models import IssuedReport

# A Board meeting reads the Board report issued as at a date in the quarter before it.
BOARD_REPORT_REACH = timedelta(days=92)


def issued_report_for_meeting(meeting):
    """(address, title) of the newest version of the report issued for the meeting, or None.

    A meeting a reporting period reports to (the Safeguarding Executive's) reads that period's Executive report; a
    Board meeting reads the newest Board report as at a date in the quarter up to the meeting."""
    reports = IssuedReport.objects.only("pk", "title")
    period = meeting.period
    if period is not None:
        report = (
            reports.filter(plan_id=period.plan_id, kind=IssuedReport.Kind.EXECUTIVE, period_number=period.number)
            .order_by("-version")
            .first()
        )
    elif meeting.body.kind == meeting.body.Kind.BOARD:
        report = (
            reports.filter(
                kind=IssuedReport.Kind.BOARD, as_at__lte=meeting.date, as_at__gt=meeting.date - BOARD_REPORT_REACH
            )
            .order_by("-as_at", "-version")
            .first()
        )
    else:
        return None
    return (report.get_absolute_url(), report.title) if report else None
