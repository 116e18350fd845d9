"""The inspection pack as at a date, in three forms: the printable A4 page, the PDF (drawn by the worker, never in
a request: assurance.tasks) and an Excel workbook. Each holds every requirement with its coverage, grade, gaps and
newest accepted evidence (assurance.selectors.pack bounds how many), and how many proposed links await acceptance."""

import hashlib
import io
from importlib.metadata import version

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from openpyxl import Workbook

from dscb.spreadsheets import BOLD, put_text

from .coverage import stale_before
from .selectors import PACK_EVIDENCE_LIMIT, pack

DATE = "j F Y"


def pack_title(as_at):
    return f"Inspection pack as at {date_format(as_at, DATE)}"


def pack_context(as_at, *, for_pdf=False):
    return {
        "title": pack_title(as_at),
        "as_at": as_at,
        "frameworks": pack(as_at),
        "stale_before": stale_before(as_at),
        "stale_months": settings.ASSURANCE_STALE_MONTHS,
        "evidence_limit": PACK_EVIDENCE_LIMIT,
        "board_name": settings.BOARD_NAME,
        "for_pdf": for_pdf,
    }


def pdf_document(as_at):
    """(HTML, page CSS, fingerprint) the pack's PDF is drawn from; the fingerprint changes with anything it shows."""
    context = pack_context(as_at, for_pdf=True)
    body = render_to_string("assurance/_pack_body.html", context)
    document = render_to_string("assurance/pack_document.html", {**context, "body": body})
    title = context["title"].replace('"', "")
    page_css = f'@page {{ size: A4; @top-left {{ content: "{title}"; }} }}'
    digest = hashlib.sha256()
    for part in (version("weasyprint"), document, page_css):
        digest.update(part.encode())
        digest.update(b"\0")
    return document, page_css, digest.hexdigest()


HEADINGS = [
    "Framework",
    "Number",
    "Requirement",
    "Self-grade",
    "Gaps",
    "Accepted evidence",
    "Fresh",
    "Newest",
    "Coverage",
    "Proposed, awaiting acceptance (not listed)",
]
EVIDENCE_HEADINGS = ["Framework", "Number", "Kind", "What", "Date", "Fresh or stale", "Note", "Link"]


def pack_xlsx(as_at, absolute=lambda url: url):
    """The pack as an Excel workbook: a sheet of requirements and one of their evidence (text never a formula). A
    link to a page here is made whole by `absolute` (the request's build_absolute_uri), so that it opens from the
    workbook."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Requirements"
    put_text(sheet.cell(1, 1), pack_title(as_at))
    sheet.cell(1, 1).font = BOLD
    for column, heading in enumerate(HEADINGS, start=1):
        put_text(sheet.cell(3, column), heading).font = BOLD
    evidence_sheet = workbook.create_sheet("Evidence")
    for column, heading in enumerate(EVIDENCE_HEADINGS, start=1):
        put_text(evidence_sheet.cell(1, column), heading).font = BOLD
    row_number, evidence_number = 4, 2
    for framework in pack(as_at):
        for row in framework.rows:
            grade = row.grade
            values = [
                framework.framework.name,
                row.requirement.number,
                row.requirement.text,
                grade.get_grade_display() if grade else "Not graded",
                grade.gaps if grade else "",
                row.coverage.count,
                row.coverage.fresh,
                row.coverage.newest,
                "Gap" if row.coverage.is_gap else "Covered",
                row.proposed,
            ]
            for column, value in enumerate(values, start=1):
                put_text(sheet.cell(row_number, column), value)
            row_number += 1
            for line in row.evidence:
                evidence = line.evidence
                values = [
                    framework.framework.name,
                    row.requirement.number,
                    evidence.get_kind_display(),
                    evidence.what,
                    evidence.evidence_on,
                    "Stale" if line.is_stale else "Fresh",
                    evidence.note,
                    absolute(evidence.url) if evidence.url else "",
                ]
                for column, value in enumerate(values, start=1):
                    put_text(evidence_sheet.cell(evidence_number, column), value)
                evidence_number += 1
            if row.more:
                put_text(evidence_sheet.cell(evidence_number, 4), f"and {row.more} older, not listed")
                evidence_number += 1
    for column, width in zip("ABCDEFGHIJ", (30, 8, 70, 20, 50, 12, 8, 12, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
