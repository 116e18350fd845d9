"""The register as an Excel workbook: one row per risk, every cell a value (text that looks like a formula stays
text, through dscb.spreadsheets)."""

import io

import openpyxl
from openpyxl.utils import get_column_letter

from dscb.spreadsheets import BOLD, WRAPPED, put_text

from .selectors import direction_label

COLUMNS = [
    ("Reference", 10),
    ("Title", 40),
    ("Level", 22),
    ("Category", 24),
    ("Lead body", 28),
    ("Owner", 24),
    ("Agency", 24),
    ("Cause", 40),
    ("Event", 40),
    ("Effect", 40),
    ("Treatment", 12),
    ("Inherent score", 10),
    ("Inherent band", 12),
    ("Current likelihood", 10),
    ("Current impact", 10),
    ("Current score", 10),
    ("Current band", 12),
    ("Target score", 10),
    ("Target band", 12),
    ("Last review's direction", 14),
    ("Last reviewed", 14),
    ("Next review", 14),
    ("Review overdue", 10),
    ("Review suggested", 40),
    ("Escalated to the Board", 12),
    ("Status", 10),
]


def _row(risk):
    return [
        risk.reference,
        risk.title,
        risk.get_level_display(),
        risk.get_category_display(),
        risk.lead_body.name,
        risk.owner_name,
        risk.owner_agency.name if risk.owner_agency else "",
        risk.cause,
        risk.event,
        risk.effect,
        risk.get_treatment_display(),
        risk.inherent.value,
        risk.inherent.band.label,
        risk.current_likelihood,
        risk.current_impact,
        risk.current.value,
        risk.current.band.label,
        risk.target.value,
        risk.target.band.label,
        direction_label(risk.last_direction),
        risk.last_reviewed_on,
        risk.next_review_on,
        "Yes" if risk.is_overdue else "No",
        risk.review_suggested,
        "Yes" if risk.is_escalated else "No",
        risk.get_status_display(),
    ]


def register_xlsx(risks):
    """The risks (as selectors.register_rows reads them) as a workbook: a header row, then a row per risk."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Risk register"
    for column, (header, width) in enumerate(COLUMNS, start=1):
        put_text(sheet.cell(row=1, column=column), header).font = BOLD
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, risk in enumerate(risks, start=2):
        for column, value in enumerate(_row(risk), start=1):
            cell = put_text(sheet.cell(row=row, column=column), value)
            cell.alignment = WRAPPED
            if hasattr(value, "isoformat"):
                cell.number_format = "d mmmm yyyy"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
