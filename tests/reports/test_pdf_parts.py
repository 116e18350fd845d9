"""A long report's PDF is drawn in parts at once, cut where a strategic priority begins a new page, and joined: the
same pages, words, page numbers and outline as the report drawn in one piece. Tested on the demo plan's reports
with the shortest part lowered, so that they are cut as a 600-action report is."""

import io
import multiprocessing
import re

import pytest
from pypdf import PdfReader

from priorities.models import ProgressUpdate
from reports import pdfdraw
from reports.data import plan_progress
from reports.models import IssuedReport
from reports.pdfdraw import PDFBudgetExceeded, split_document
from reports.render import draft_marking, draw_pdf_document, pdf_document
from tests.reports.test_reports import pdf_pages

pytestmark = pytest.mark.django_db

# A section that css/report-pdf.css starts on a new page: a strategic priority, the KPIs, the risk register.
NEW_PAGE_SECTION = re.compile(r'<section class="(?:[^"]* )?app-priority[ "]')


def report_document(plan, kind):
    period = plan.periods.get(number=3)
    progress = plan_progress(plan, period, evidence=kind == IssuedReport.Kind.BOARD)
    as_at = period.ends_on if kind == IssuedReport.Kind.BOARD else None
    return pdf_document(kind, progress, draft_marking(progress), as_at)


def outline(pdf):
    """Every entry of the PDF's outline: (depth, title, page index, left, top), in order."""
    reader = PdfReader(io.BytesIO(pdf))
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                place = (round(float(item["/Left"]), 2), round(float(item["/Top"]), 2))
                entries.append((depth, item.title, reader.get_destination_page_number(item), *place))

    walk(reader.outline, 0)
    return entries, reader


@pytest.fixture
def short_parts(monkeypatch):
    """Parts as short as a demo report's priorities (about 3,000 to 24,000 characters)."""
    monkeypatch.setattr(pdfdraw, "PART_MIN_CHARS", 3_000)


def test_a_report_is_cut_only_where_a_priority_begins_and_nothing_is_lost(demo, short_parts):
    plan, _ = demo
    document, _ = report_document(plan, IssuedReport.Kind.EXECUTIVE)
    head = document[: document.index(">", document.index('<article class="app-report"')) + 1]
    for wanted in (2, 3):
        parts = split_document(document, wanted)
        assert len(parts) == wanted
        assert parts[0].startswith("<!DOCTYPE html>") and head in parts[0]
        for part in parts[1:]:
            # Each later part is the document's head (its title, its language), then whole sections from a new page.
            assert part.startswith(head) and NEW_PAGE_SECTION.match(part, len(head))
        assert parts[0] + "".join(part[len(head) :] for part in parts[1:]) == document
        assert all(len(part) >= pdfdraw.PART_MIN_CHARS for part in parts)


def test_a_short_or_unsectioned_document_is_drawn_in_one_piece(demo):
    plan, _ = demo
    document, _ = report_document(plan, IssuedReport.Kind.EXECUTIVE)
    assert len(document) < 2 * pdfdraw.PART_MIN_CHARS
    assert split_document(document, 4) == [document]
    long_plain = "<p>" + "A sentence of the annual assurance document. " * 20_000 + "</p>"
    assert split_document(long_plain, 4) == [long_plain]


@pytest.mark.parametrize(("kind", "parts"), [(IssuedReport.Kind.EXECUTIVE, 3), (IssuedReport.Kind.BOARD, 2)])
def test_a_report_drawn_in_parts_is_the_report_drawn_whole(demo, short_parts, settings, tmp_path, kind, parts):
    plan, _ = demo
    document, page_css = report_document(plan, kind)
    settings.REPORT_PDF_PROCESSES = 1
    whole = draw_pdf_document(document, page_css)
    settings.REPORT_PDF_PROCESSES = parts
    assert len(split_document(document, parts)) == parts
    joined = draw_pdf_document(document, page_css)

    whole_pages, joined_pages = pdf_pages(whole, tmp_path), pdf_pages(joined, tmp_path)
    assert len(joined_pages) == len(whole_pages) >= 5
    for number, (expected, page) in enumerate(zip(whole_pages, joined_pages, strict=True), start=1):
        # Word for word and laid out the same, the header, the marking and the page number among them.
        assert page == expected, f"page {number}"
        assert f"Page {number} of {len(joined_pages)}" in page and "DRAFT" in page

    whole_outline, whole_reader = outline(whole)
    joined_outline, joined_reader = outline(joined)
    assert joined_outline == whole_outline
    assert [depth for depth, *_ in joined_outline].count(0) == 1  # the report's title holds every other heading
    assert joined_reader.metadata.title == whole_reader.metadata.title
    assert joined_reader.trailer["/Root"]["/Lang"] == whole_reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_the_budget_holds_for_the_parts_together(demo, short_parts, settings):
    plan, _ = demo
    document, page_css = report_document(plan, IssuedReport.Kind.BOARD)
    settings.REPORT_PDF_PROCESSES = 2
    settings.REPORT_PDF_SECONDS = 0.05
    with pytest.raises(PDFBudgetExceeded, match=r"took longer than 0\.05 seconds"):
        draw_pdf_document(document, page_css)
    settings.REPORT_PDF_SECONDS, settings.REPORT_PDF_MEMORY_MB = 60, 60
    with pytest.raises(PDFBudgetExceeded, match="needed more than 60 MB of memory"):
        draw_pdf_document(document, page_css)
    # No drawing is left running when the budget stops one.
    assert not [child for child in multiprocessing.active_children() if child.name == "report-pdf"]


def test_text_that_looks_like_a_section_does_not_cut_the_report(demo, short_parts, monkeypatch):
    plan, _ = demo
    update = ProgressUpdate.objects.filter(period__plan=plan, period__number=3).exclude(state="draft").first()
    update.progress = '</section></article><section class="app-priority">Typed, not a section'
    update.save()
    document, _ = report_document(plan, IssuedReport.Kind.EXECUTIVE)
    assert "&lt;section class=&quot;app-priority&quot;&gt;Typed, not a section" in document
    sections = len(NEW_PAGE_SECTION.findall(document))
    monkeypatch.setattr(pdfdraw, "PART_MIN_CHARS", 1)
    parts = split_document(document, 100)
    assert len(parts) == sections + 1  # the front matter, then one part for each real section
    head = parts[1][: parts[1].index(">", parts[1].index('<article class="app-report"')) + 1]
    assert all(NEW_PAGE_SECTION.match(part, len(head)) for part in parts[1:])
