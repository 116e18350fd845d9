"""When a risk is next reviewed: the band of its current score says how many calendar months after its last review
(or the day it was added), and a risk whose date has passed is overdue."""

from dateutil.relativedelta import relativedelta


def next_review_on(from_date, band):
    """`from_date` plus the band's review months; a day the month lacks is its last (31 January + 1 = 28/29 Feb)."""
    return from_date + relativedelta(months=band.review_months)


def is_overdue(risk, today):
    """An open risk whose next review date is before today; a closed risk is never overdue."""
    return risk.is_open and risk.next_review_on is not None and risk.next_review_on < today
