"""The Board report's date, typed in the GOV.UK date input (day, month, year) or given as ?as_at=YYYY-MM-DD."""

import datetime

from django.utils.dateformat import format as date_format

from .data import board_report_latest_date

PARTS = ("day", "month", "year")
PART_LABELS = {"day": ("Day", 2), "month": ("Month", 2), "year": ("Year", 4)}  # label, width in characters
EXAMPLE = "for example 31 12 2015"


class BoardReportDate:
    """Reads the date from a query: `as_at-day`, `as_at-month` and `as_at-year` as the form sends them, or `as_at`
    as links and issued reports write it. After reading, `date` is the date, or `error` says what is wrong and
    `error_parts` which boxes to mark; `values` keeps what was typed, to show again."""

    def __init__(self, query, *, plan):
        self.plan = plan
        self.values = {part: query.get(f"as_at-{part}", "").strip()[:20] for part in PARTS}
        self.iso = query.get("as_at", "").strip()[:40]
        self.typed = any(f"as_at-{part}" in query for part in PARTS)
        self.given = self.typed or "as_at" in query
        self.date, self.error, self.error_parts = None, "", ()
        if self.typed:
            self._read_parts()
        elif self.given:
            self._read_iso()
        if self.date is not None:
            self._check_bounds()

    @property
    def parts(self):
        """(name, label, width, value as typed, marked wrong) for each box of the date input."""
        return [(part, *PART_LABELS[part], self.values[part], part in self.error_parts) for part in PARTS]

    @property
    def first_error_id(self):
        return f"as_at-{self.error_parts[0]}" if self.error_parts else "as_at-day"

    def _fail(self, message, parts=PARTS):
        self.date, self.error, self.error_parts = None, message, tuple(parts)

    def _read_parts(self):
        values = self.values
        missing = [part for part in PARTS if not values[part]]
        if len(missing) == len(PARTS):
            return self._fail("Enter the date the report is as at")
        if missing:
            return self._fail(f"The date must include a {' and '.join(missing)}", missing)
        not_numbers = [part for part in PARTS if not (values[part].isascii() and values[part].isdigit())]
        if not_numbers:
            return self._fail(f"Enter the day, month and year as numbers, {EXAMPLE}", not_numbers)
        if len(values["year"]) != 4:
            return self._fail("The year must have 4 numbers, for example 2015", ["year"])
        day, month, year = (int(values[part]) for part in PARTS)
        if not 1 <= month <= 12:
            return self._fail(f"The month must be a number from 1 to 12, {EXAMPLE}", ["month"])
        try:
            self.date = datetime.date(year, month, day)
        except (ValueError, OverflowError):  # OverflowError: a day too long to be one
            self._fail(
                f"The date must be a real date: {date_format(datetime.date(2000, month, 1), 'F')} has no day {day}",
                ["day"],
            )

    def _read_iso(self):
        try:
            self.date = datetime.date.fromisoformat(self.iso)
        except ValueError:
            return self._fail(f"Enter a real date, {EXAMPLE}")
        self.values = {"day": str(self.date.day), "month": str(self.date.month), "year": str(self.date.year)}

    def _check_bounds(self):
        plan, latest = self.plan, board_report_latest_date(self.plan)
        if self.date < plan.starts_on:
            self._fail(
                f"The date must be on or after {date_format(plan.starts_on, 'j F Y')}, when the {plan.year_label} "
                "plan starts"
            )
        elif self.date > latest:
            self._fail(
                f"The date must be on or before {date_format(latest, 'j F Y')}, a year after the {plan.year_label} "
                "plan ends"
            )
