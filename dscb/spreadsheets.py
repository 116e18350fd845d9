"""Text written into spreadsheets (Excel workbooks and CSV files) that no spreadsheet runs as a formula.

A cell starting with = + - or @ (or a tab or carriage return, which some programs drop before reading the rest)
can be taken for a formula when the file is opened or a cell is edited: `=HYPERLINK(...)` typed by one person
would become a link in another's spreadsheet. Shared by every export, so all neutralise it the same way.
"""

from openpyxl.styles import Alignment, Font

from .xmltext import xml_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What a CSV cell that would start a formula is prefixed with; the plan file reader takes it off again.
CSV_TEXT_PREFIX = "'"

# The exports' cell styles, one of each. openpyxl files a style given to a cell under the workbook's list of styles,
# looking it up by hash and then by equality; the same object is found at once, but a new one is built, hashed and
# compared field by field: two thirds of the time of a 600-action report's workbook. openpyxl never changes a style
# object once made, so one may serve every workbook.
WRAPPED = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def put_text(cell, value):
    """Write a value into an openpyxl cell; text stays plain text, with Excel's quote prefix where it looks like a
    formula (the value itself is unchanged, so it reads back as written), less what a workbook cannot hold
    (dscb.xmltext: a control character pasted from another program)."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    cell.value = value = xml_text(value)
    cell.data_type = "s"  # plain text, even where openpyxl would read a formula
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def csv_text(value):
    """A CSV cell's text: prefixed with an apostrophe where a spreadsheet would take it for a formula."""
    value = "" if value is None else str(value)
    return CSV_TEXT_PREFIX + value if value.startswith(FORMULA_STARTS) else value


def from_csv_text(value):
    """Undo csv_text: the text as it was written."""
    if value.startswith(CSV_TEXT_PREFIX) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
