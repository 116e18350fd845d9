"""An action's due date, written in the plan's own words ("2015-12-31", "31 March 2016", "March 2016", "2015-2016",
"Q3", "ongoing"): the day it means when it names one, and whether it is over by a given day. Year end asks which
carried actions are due before next year starts; the risk register asks which linked actions are past due."""

import calendar
import datetime
import re

# Due dates: the plan's own words ("2015-12-31", "31 March 2016", "March 2016", "2015-2016", "Q3", "ongoing").
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number], calendar.month_name[number][:4])
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9})\.?,? (\d{4})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3,9})\.?,? (\d{4})")
_YEAR_RANGE = re.compile(r"\b(\d{4}) ?(?:[-/–—]|to) ?(\d{4}|\d{2})\b")
_YEAR = re.compile(r"\b(\d{4})\b")


def due_day(text):
    """The day a due date written as a date means ("2016-03-31", "31/03/2016", "31 March 2016"; "March 2016" is
    its last day), else None."""
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if (match := _DAY_MONTH_YEAR.fullmatch(text)) and match.group(2).lower() in _MONTHS:
            return datetime.date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
        if (match := _MONTH_YEAR.fullmatch(text)) and match.group(1).lower() in _MONTHS:
            year, month = int(match.group(2)), _MONTHS[match.group(1).lower()]
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:  # 31/02/2016: not a day
        return None
    return None


def due_is_past(due, *, starts_on):
    """Whether a carried action's due date is over before next year's plan starts on `starts_on`.

    A date (or a month) before the start is; so is a year range that ends in the year the plan starts or earlier
    ("2015-2016", "2015/16": a plan year, over when the next one starts), and a year before the start's year.
    Words with no year ("Q3", "ongoing", "by the end of the year") are not: nothing in them says which year.
    """
    text = " ".join(due.split())
    if not text:
        return False
    day = due_day(text)
    if day is not None:
        return day < starts_on
    ranges = []
    for first, last in _YEAR_RANGE.findall(text):
        end = int(last) if len(last) == 4 else int(first[:2] + last)
        if end > int(first):  # "2015-12" is December 2015, not a range
            ranges.append(end)
    if ranges:
        return max(ranges) <= starts_on.year
    years = [int(year) for year in _YEAR.findall(text)]
    return bool(years) and max(years) < starts_on.year
