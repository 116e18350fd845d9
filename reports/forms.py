"""The Board report's date, typed in the GOV.UK date input (day, month, year) or given as ?as_at=YYYY-MM-DD."""

from django.utils.dateformat import format as date_format

from dscb.querydate import QueryDate

from .data import board_report_latest_date


class BoardReportDate(QueryDate):
    """The Board report's `as_at` (dscb.querydate), from the day its plan starts to a year after it ends."""

    def __init__(self, query, *, plan):
        super().__init__(query, "as_at", missing="Enter the date the report is as at")
        self.plan = plan
        latest = board_report_latest_date(plan)
        self.check_between(
            plan.starts_on,
            latest,
            too_early=f"The date must be on or after {date_format(plan.starts_on, 'j F Y')}, when the "
            f"{plan.year_label} plan starts",
            too_late=f"The date must be on or before {date_format(latest, 'j F Y')}, a year after the "
            f"{plan.year_label} plan ends",
        )
