"""A date chosen in a page's query string: typed in the GOV.UK date input (`name-day`, `name-month`, `name-year`), or
given as `?name=YYYY-MM-DD` by a link. The Board report, the annual report draft, the risk heat map and the
inspection pages read their dates with it, and show its boxes with templates/includes/query_date_input.html."""

import datetime
import re

from django.utils.dateformat import format as date_format

PARTS = ("day", "month", "year")
PART_LABELS = {"day": ("Day", 2), "month": ("Month", 2), "year": ("Year", 4)}  # label, width in characters
EXAMPLE = "for example 31 12 2015"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class QueryDate:
    """Reads the date called `name` from a query. After reading, `date` is the date (None if it was not given, or
    left blank: `given` tells which), or `error` says what is wrong, in words that call it `label`, and
    `error_parts` which boxes to mark; `values` keeps what was typed, to show again. Every box left empty is no date
    (the page's default, or none), unless `missing` is given: then it is the error."""

    def __init__(self, query, name="as_at", *, label="date", missing=None):
        self.name, self.label = name, label
        self.missing = missing
        self.values = {part: query.get(f"{name}-{part}", "").strip()[:20] for part in PARTS}
        self.iso = query.get(name, "").strip()[:40]
        self.typed = any(f"{name}-{part}" in query for part in PARTS)
        self.given = self.typed or name in query
        self.date, self.error, self.error_parts = None, "", ()
        if self.typed:
            self._read_parts()
        elif self.iso:
            self._read_iso()

    @property
    def parts(self):
        """(name, label, width, value as typed, marked wrong) for each box of the date input."""
        return [(part, *PART_LABELS[part], self.values[part], part in self.error_parts) for part in PARTS]

    @property
    def first_error_id(self):
        """The id of the first box to correct, for the error summary's link (the boxes' ids are the name's)."""
        return f"{self.name}-{self.error_parts[0] if self.error_parts else 'day'}"

    def show(self, day):
        """Fill the boxes with `day` (a default the page chose), unless something was typed in them."""
        if day is not None and not any(self.values.values()):
            self.values = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}

    def fail(self, message, parts=PARTS):
        self.date, self.error, self.error_parts = None, message, tuple(parts)

    def check_between(self, earliest, latest, *, too_early, too_late):
        """Refuse a date before `earliest` or after `latest` with the message given for each."""
        if self.date is not None and earliest is not None and self.date < earliest:
            self.fail(too_early)
        elif self.date is not None and latest is not None and self.date > latest:
            self.fail(too_late)

    def _read_parts(self):
        values = self.values
        missing = [part for part in PARTS if not values[part]]
        if len(missing) == len(PARTS):
            return self.fail(self.missing) if self.missing else None
        if missing:
            return self.fail(f"The {self.label} must include a {' and '.join(missing)}", missing)
        not_numbers = [part for part in PARTS if not (values[part].isascii() and values[part].isdigit())]
        if not_numbers:
            return self.fail(f"Enter the day, month and year as numbers, {EXAMPLE}", not_numbers)
        if len(values["year"]) != 4:
            return self.fail("The year must have 4 numbers, for example 2015", ["year"])
        day, month, year = (int(values[part]) for part in PARTS)
        if not 1 <= month <= 12:
            return self.fail(f"The month must be a number from 1 to 12, {EXAMPLE}", ["month"])
        try:
            self.date = datetime.date(year, month, day)
        except (ValueError, OverflowError):  # OverflowError: a day too long to be one
            self.fail(
                f"The {self.label} must be a real date: "
                f"{date_format(datetime.date(2000, month, 1), 'F')} has no day {day}",
                ["day"],
            )

    def _read_iso(self):
        try:
            if not ISO_DATE.fullmatch(self.iso):  # as links write it; not the other forms fromisoformat takes
                raise ValueError(self.iso)
            self.date = datetime.date.fromisoformat(self.iso)
        except ValueError:
            return self.fail(f"Enter a real {self.label}, {EXAMPLE}")
        self.values = {"day": str(self.date.day), "month": str(self.date.month), "year": str(self.date.year)}
