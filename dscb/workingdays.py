"""Working days in England and Wales: weekdays that are not bank holidays (substitute days included).

The bank holidays come from the `holidays` package, which holds them offline, so no lookup leaves the machine.
Deadlines are counted back from meetings in working days (plans.services.period_meeting_move), and a new plan's
update deadlines and meetings fall on working days (plans.services.plan_create_periods).
"""

import datetime
import functools

import holidays

# England and Wales share their bank holidays; Scotland and Northern Ireland have others.
_SUBDIVISION = "ENG"


@functools.cache
def _bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv=_SUBDIVISION, years=year))


def is_bank_holiday(day):
    """Is the day a bank holiday in England and Wales (a substitute day for one on a weekend included)?"""
    return day in _bank_holidays(day.year)


def is_working_day(day):
    """Is the day a weekday that is not a bank holiday in England and Wales?"""
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_before(day, count):
    """The working day `count` working days before `day` (whatever `day` is): 1 is the last working day before it."""
    if count < 0:
        raise ValueError("count must not be negative")
    found = day
    while count:
        found -= datetime.timedelta(days=1)
        if is_working_day(found):
            count -= 1
    return found


def working_day_on_or_after(day):
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day
