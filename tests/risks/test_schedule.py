"""When a risk is next reviewed: calendar months by its band, clamped at the month's end; overdue after that day."""

import datetime

import pytest
from django.test import override_settings

from risks.matrix import band_of, bands
from risks.schedule import is_overdue, next_review_on
from tests.factories import RiskFactory

BANDS = {band.code: band for band in bands()}


@pytest.mark.parametrize(
    ("from_date", "band", "expected"),
    [
        (datetime.date(2015, 1, 31), "very_high", datetime.date(2015, 2, 28)),
        (datetime.date(2016, 1, 31), "very_high", datetime.date(2016, 2, 29)),  # a leap year
        (datetime.date(2015, 12, 31), "high", datetime.date(2016, 2, 29)),  # over a year end into a leap February
        (datetime.date(2015, 11, 30), "medium", datetime.date(2016, 2, 29)),
        (datetime.date(2015, 8, 31), "low", datetime.date(2016, 2, 29)),
        (datetime.date(2016, 8, 31), "low", datetime.date(2017, 2, 28)),
        (datetime.date(2015, 3, 31), "very_high", datetime.date(2015, 4, 30)),
        (datetime.date(2015, 6, 17), "high", datetime.date(2015, 8, 17)),
        (datetime.date(2015, 4, 1), "medium", datetime.date(2015, 7, 1)),
    ],
)
def test_the_next_review_is_calendar_months_on_by_the_band_clamped_at_the_months_end(from_date, band, expected):
    assert next_review_on(from_date, BANDS[band]) == expected


@override_settings(RISK_REVIEW_MONTHS={"very_high": 2, "high": 4, "medium": 6, "low": 12})
def test_the_review_months_come_from_settings():
    assert next_review_on(datetime.date(2015, 1, 31), band_of(5, 5)) == datetime.date(2015, 3, 31)
    assert next_review_on(datetime.date(2015, 1, 31), band_of(1, 1)) == datetime.date(2016, 1, 31)


@pytest.mark.django_db
def test_overdue_after_the_next_review_date_not_on_it():
    risk = RiskFactory(next_review_on=datetime.date(2015, 6, 30))
    assert not is_overdue(risk, datetime.date(2015, 6, 29))
    assert not is_overdue(risk, datetime.date(2015, 6, 30))
    assert is_overdue(risk, datetime.date(2015, 7, 1))


@pytest.mark.django_db
def test_a_closed_risk_is_never_overdue():
    risk = RiskFactory(
        next_review_on=datetime.date(2015, 6, 30),
        status="closed",
        closed_on=datetime.date(2015, 6, 1),
        closed_reason="The post was filled.",
    )
    assert not is_overdue(risk, datetime.date(2016, 1, 1))
