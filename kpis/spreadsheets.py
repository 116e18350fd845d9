"""KPI values and targets as spreadsheet cells: numbers with a number format, never text like "84%", so that a
spreadsheet sorts, sums and charts them.

A percentage is written as the fraction a spreadsheet means by a percentage (75% as 0.75, shown "75.0%"), so that a
chart of the column reads 75% on a percentage axis; a count as a whole number. A yes/no answer or a report's
receipt stays a word.
"""

from decimal import Decimal

from dscb.spreadsheets import put_text

from .models import KPI

PERCENT_FORMAT = "0.0%"
WHOLE_FORMAT = "0"
DECIMAL_FORMAT = "0.00"


def put_kpi_number(cell, kind, number):
    """Write a KPI's number (a value or its target) into an openpyxl cell as its kind reads; empty for None."""
    if number is None:
        cell.value = None
        return cell
    number = Decimal(number)
    if kind == KPI.Kind.PERCENTAGE:
        cell.value, cell.number_format = number / 100, PERCENT_FORMAT
    elif number == number.to_integral_value():
        cell.value, cell.number_format = int(number), WHOLE_FORMAT
    else:
        cell.value, cell.number_format = number, DECIMAL_FORMAT
    return cell


def put_kpi_value(cell, kpi, value):
    """Write a KPI's value for a period (a KPIValue, or None): a number for a percentage or a count, else its
    words ("Yes", "Received")."""
    if value is None:
        cell.value = None
        return cell
    if kpi.kind in (KPI.Kind.PERCENTAGE, KPI.Kind.COUNT):
        return put_kpi_number(cell, kpi.kind, value.value)
    return put_text(cell, value.display)
