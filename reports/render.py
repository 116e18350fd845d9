"""One report, three forms: the HTML body (screen and print), the PDF (WeasyPrint) and the figures as data."""

import dataclasses
import datetime
import hashlib
from dataclasses import dataclass
from importlib.metadata import version

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format

from dscb.longpages import SPLICE, Splice
from priorities.models import Status

from .data import STATUS_ORDER, board_quarter
from .models import IssuedReport
from .pdfdraw import draw_pdf

# Dates as the rest of the product writes them: "1 December 2026", "1 December 2026 at 09:05".
DATE = "j F Y"
DATE_AND_TIME = r"j F Y \a\t H:i"


@dataclass(frozen=True)
class Marking:
    """Draft or Issued, printed on the cover and on every page."""

    label: str  # "Draft" or "Issued"
    detail: str

    @property
    def is_issued(self):
        return self.label == "Issued"


def draft_marking(progress):
    return Marking("Draft", f"Draft generated {date_format(timezone.localtime(progress.generated_at), DATE_AND_TIME)}")


def issued_marking(*, version, meeting, user, when):
    who = user.get_full_name() or user.username
    return Marking(
        "Issued", f"Issued (version {version}) to {meeting} by {who} on {date_format(timezone.localtime(when), DATE)}"
    )


BODY_TEMPLATES = {
    IssuedReport.Kind.EXECUTIVE: "reports/_executive_body.html",
    IssuedReport.Kind.BOARD: "reports/_board_body.html",
}


def report_title(kind, progress, as_at=None):
    if kind == IssuedReport.Kind.EXECUTIVE:
        return f"{kind.label}: {progress.period}"
    return f"{kind.label} as at {date_format(as_at, DATE)}"


def report_context(kind, progress, marking, as_at=None, for_pdf=False):
    return {
        "for_pdf": for_pdf,
        "kind": kind,
        "Kind": IssuedReport.Kind,
        "progress": progress,
        "marking": marking,
        "as_at": as_at,
        "board_quarter": board_quarter(progress.plan, as_at) if as_at else None,
        "title": report_title(kind, progress, as_at),
        "board_name": settings.BOARD_NAME,
        "status_order": STATUS_ORDER,
        "Status": Status,
    }


def render_body(kind, progress, marking, as_at=None):
    """The report's HTML, without the site around it: shown on screen, printed, and frozen when issued.

    A str, not marked safe (marking over a megabyte safe copies it): a page puts it in with
    dscb.longpages.render_around. Its action blocks and table rows are put in after the template is drawn
    (dscb.longpages.Splice)."""
    splice = Splice()
    context = {**report_context(kind, progress, marking, as_at), SPLICE: splice}
    return splice.join(render_to_string(BODY_TEMPLATES[kind], context))


def render_pdf(kind, progress, marking, as_at=None):
    """The report as an A4 PDF with a running header, page X of Y, and Draft or Issued on every page.

    Drawn within the PDF budget (reports.pdfdraw): raises PDFBudgetExceeded when it takes too long or too much
    memory."""
    return draw_pdf_document(*pdf_document(kind, progress, marking, as_at))


def pdf_document(kind, progress, marking, as_at=None):
    """What the PDF is drawn from: its HTML and its page header's CSS (quick to make; kept for an issued report)."""
    context = report_context(kind, progress, marking, as_at, for_pdf=True)
    context["body"] = render_to_string(BODY_TEMPLATES[kind], context)
    document = render_to_string("reports/report_document.html", context)
    header, mark = _css_string(context["title"]), _css_string(marking.label.upper())
    page_css = f"@page {{ @top-left {{ content: {header}; }} @top-right {{ content: {mark}; }} }}"
    return document, page_css


def draw_pdf_document(document, page_css):
    """Draw a PDF from pdf_document's HTML and CSS, within the budget (raises PDFBudgetExceeded)."""
    return draw_pdf(
        document, base_url=str(settings.BASE_DIR), stylesheet_paths=_pdf_stylesheet_paths(), page_css=page_css
    )


# Stands in for the time of drawing when hashing a draft: the same content at another minute is the same report.
_STEADY_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def pdf_fingerprint(kind, progress, as_at=None):
    """A hash of everything a draft PDF shows, apart from the time it was drawn.

    Made from the PDF's own HTML (drawn with a fixed time and an empty marking), its stylesheets and the
    WeasyPrint version, so that any change to the plan, an update, a value, a template or the styles gives
    another hash. Rendering the HTML costs a small part of drawing the PDF.
    """
    steady = dataclasses.replace(progress, generated_at=_STEADY_TIME)
    context = report_context(kind, steady, Marking("Draft", ""), as_at, for_pdf=True)
    digest = hashlib.sha256()
    for part in (version("weasyprint"), context["title"], render_to_string(BODY_TEMPLATES[kind], context)):
        digest.update(part.encode())
        digest.update(b"\0")
    for path in _pdf_stylesheet_paths():
        with open(path, "rb") as stylesheet:
            digest.update(stylesheet.read())
    return digest.hexdigest()


def _pdf_stylesheet_paths():
    """The PDF's layout, then the status colours (written from STATUS_KEY) that the screen uses too."""
    return [finders.find("css/report-pdf.css"), finders.find("css/status-colours.css")]


def _css_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def progress_data(kind, progress, as_at=None):
    """The figures behind the report, as plain data for the issued record."""
    return {
        "kind": kind,
        "plan": progress.plan.slug,
        "period": progress.period.number,
        "as_at": as_at.isoformat() if as_at else None,
        "generated_at": progress.generated_at.isoformat(),
        "counts": {status.value: progress.counts.counts[status] for status in STATUS_ORDER},
        "actions": [
            {
                "code": row.action.code,
                "text": row.action.text,
                "lead": row.action.lead_names,
                "path": [status.value for status in row.path],
                "carried_over_from": (
                    f"{row.action.carried_from.year_label} {row.action.carried_from.code}"
                    if row.action.carried_from
                    else None
                ),
                "progress": row.update.progress if row.update else "",
                "impact": row.update.impact if row.update else "",
                "next_steps": row.update.next_steps if row.update else "",
                "reason": row.update.reason if row.update else "",
            }
            for row in progress.actions
        ],
        "kpis": [
            {
                "code": row.kpi.code,
                "name": row.kpi.name,
                "target": row.kpi.target_display,
                "values": [value.display if value else None for _, value in row.series],
                "rating": row.rating.label if row.rating else None,
            }
            for row in progress.kpis
        ],
        "outstanding": [[subgroup.name, missing, led] for subgroup, missing, led in progress.outstanding],
        "risks": progress.risks.to_dict() if progress.risks else None,
    }
