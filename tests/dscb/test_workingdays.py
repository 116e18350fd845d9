"""Working days: weekends and England and Wales bank holidays are skipped, substitute days included."""

import datetime

import pytest

from dscb.workingdays import is_working_day, working_day_on_or_after, working_days_before

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2016, 3, 24), True),  # Maundy Thursday
        (D(2016, 3, 25), False),  # Good Friday
        (D(2016, 3, 28), False),  # Easter Monday
        (D(2016, 3, 29), True),
        (D(2015, 12, 25), False),  # Christmas Day, a Friday
        (D(2015, 12, 26), False),  # Boxing Day, a Saturday
        (D(2015, 12, 28), False),  # its substitute day, the Monday
        (D(2015, 12, 29), True),
        (D(2021, 12, 27), False),  # Christmas Day on a Saturday: substitute Monday
        (D(2021, 12, 28), False),  # Boxing Day on a Sunday: substitute Tuesday
        (D(2015, 8, 31), False),  # the August bank holiday
        (D(2015, 8, 28), True),
        (D(2015, 6, 13), False),  # a Saturday
        (D(2015, 6, 14), False),  # a Sunday
        (D(2022, 9, 19), False),  # a one-off bank holiday (a state funeral)
        (D(2015, 11, 30), True),  # St Andrew's Day is a bank holiday in Scotland only
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (D(2015, 6, 17), 2, D(2015, 6, 15)),  # Wednesday back to Monday
        (D(2015, 6, 15), 3, D(2015, 6, 10)),  # Monday back over the weekend to Wednesday
        (D(2015, 6, 17), 5, D(2015, 6, 10)),  # a week before a Wednesday
        (D(2016, 3, 30), 2, D(2016, 3, 24)),  # Easter: Tuesday 29, then over Easter Monday and Good Friday
        (D(2016, 4, 1), 5, D(2016, 3, 23)),  # a Friday after Easter: seven weekdays back, two of them holidays
        (D(2016, 1, 4), 5, D(2015, 12, 23)),  # over New Year's Day, Boxing Day's substitute and Christmas
        (D(2015, 9, 2), 3, D(2015, 8, 27)),  # over the August bank holiday
        (D(2015, 6, 20), 1, D(2015, 6, 19)),  # from a Saturday: the Friday before
        (D(2015, 6, 17), 0, D(2015, 6, 17)),
    ],
)
def test_working_days_before(day, count, expected):
    assert working_days_before(day, count) == expected


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        working_days_before(D(2015, 6, 17), -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2015, 6, 17), D(2015, 6, 17)),  # a Wednesday stays
        (D(2015, 10, 10), D(2015, 10, 12)),  # a Saturday moves to the Monday
        (D(2015, 10, 11), D(2015, 10, 12)),  # a Sunday too
        (D(2016, 3, 25), D(2016, 3, 29)),  # Good Friday: over the weekend and Easter Monday
        (D(2015, 12, 25), D(2015, 12, 29)),  # Christmas Day: over Boxing Day and its substitute Monday
        (D(2015, 8, 31), D(2015, 9, 1)),  # the August bank holiday
    ],
)
def test_working_day_on_or_after(day, expected):
    assert working_day_on_or_after(day) == expected
