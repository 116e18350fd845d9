"""A self-assessment's totals as an Excel workbook: the same totals as its page, and nothing when the group is
below the minimum; every text cell formula-safe (dscb.spreadsheets). Bounded by the questionnaire's questions and
their comments."""

from io import BytesIO

from openpyxl import Workbook

from dscb.spreadsheets import BOLD, put_text

from .models import SCALE

MEAN_FORMAT = "0.00"  # every mean to two decimals, as the page shows them


def _row(sheet, values, *, bold=False, means_from=None):
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        cell = put_text(sheet.cell(row=row, column=column), value)
        if bold:
            cell.font = BOLD
        if means_from is not None and column >= means_from and isinstance(value, float | int):
            cell.number_format = MEAN_FORMAT


def totals_workbook(results, earlier):
    """The bytes of the workbook: one row per question (each answer's count, don't knows, mean, last year's mean)
    and a sheet of the comments by question, in the order of their words; or, below the minimum group, only the
    sentence saying why there is nothing."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Totals"
    _row(sheet, [str(results.window)])
    _row(sheet, [f"Responses to the board's effectiveness: {results.respondents}"])
    if not results.shown:
        _row(sheet, [f"The totals are shown once at least {results.minimum} members have responded."])
    else:
        last = [f"Mean {earlier.year_label}"] if earlier else []
        _row(sheet, ["Question", *(words for _, words in SCALE), "Don't know", "Mean", *last], bold=True)
        for row in results.questions:
            last_mean = [row.last_year.mean if row.last_year else None] if earlier else []
            _row(
                sheet,
                [row.text, *(count for _, _, count in row.scale_counts), row.dont_know, row.mean, *last_mean],
                means_from=len(SCALE) + 3,
            )
        comments = book.create_sheet("Comments")
        _row(comments, ["Question", "Comment"], bold=True)
        for row in results.questions:
            for comment in row.comments:
                _row(comments, [row.text, comment])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
