"""Drawing a PDF within a budget of time and memory, on more than one core when it is long.

WeasyPrint lays out whatever it is given: one update of 700,000 characters took 63 seconds, and three made the
request time out (issue 11). So the drawing runs in child processes that are stopped when the drawing takes longer
than REPORT_PDF_SECONDS, each unable to take more than REPORT_PDF_MEMORY_MB of memory; the process that asked goes
on. The children are forked from a small server process that has WeasyPrint loaded already (multiprocessing's
"forkserver"), so that each drawing does not pay for starting Python and loading Pango; they are given only text
and bytes, and need no database.

WeasyPrint lays out a document on one core: about 190 pages of a 600-action report take most of ten seconds. A
report's strategic priorities each begin on a new page (`.app-priority` in css/report-pdf.css), so a long report is
cut there into parts of about equal length, up to REPORT_PDF_PROCESSES of them, which are drawn at once, each in its
own child. The page cut where a priority begins is one the whole report has too, so every page is laid out as it is
in the report drawn in one piece. Each child lays out its part's pages, tells the parent how many there are, and
waits: once every part has counted its pages, the parent tells each child the number of its first page and the
whole report's number of pages, and the child draws "Page 113 of 189" in its pages' margins with them (through
WeasyPrint's margin boxes, as the page style says) and writes its PDF. The parts are then joined with pypdf, with
the whole report's outline (its headings, as the PDF reader's bookmarks) made again from the parts' headings.
"""

import contextlib
import gc
import io
import itertools
import multiprocessing
import re
import resource
import time
from multiprocessing.connection import wait

from django.conf import settings


class PDFBudgetExceeded(Exception):
    """The PDF could not be drawn within the budget; `reason` says why, in the reader's words."""

    def __init__(self, reason, seconds):
        super().__init__(reason)
        self.reason = reason
        self.seconds = seconds


# A part shorter than this (characters of HTML, about two seconds of drawing) is not worth a process of its own:
# starting one, reading the stylesheets and loading the fonts again cost about half a second.
PART_MIN_CHARS = 200_000

# Where a part may begin: a section that css/report-pdf.css starts on a new page, at the top level of the report.
_PART_START = re.compile(r'<section\b[^>]*\bclass="(?:[^"]*\s)?app-priority(?:\s[^"]*)?"')
_REPORT_OPENED = re.compile(r'<article\b[^>]*\bclass="(?:[^"]*\s)?app-report(?:\s[^"]*)?"[^>]*>')


def split_document(document, parts):
    """`document` (a report's HTML) cut into at most `parts` documents of about equal length, each at least
    PART_MIN_CHARS long, at the start of sections that begin a new page; the document itself when it cannot be cut.

    A part after the first is the document's beginning (its head, up to the report's opening tag) followed by its
    sections; the HTML parser closes what is left open at the end of a part. User text in a report is escaped, so
    the tags found here are the report's own."""
    parts = min(parts, len(document) // PART_MIN_CHARS)
    opened = _REPORT_OPENED.search(document)
    if parts < 2 or opened is None:
        return [document]
    starts = [match.start() for match in _PART_START.finditer(document, opened.end())]
    cuts = []
    for part in range(1, parts):
        target = len(document) * part / parts
        later = [start for start in starts if not cuts or start > cuts[-1]]
        if not later:
            break
        cuts.append(min(later, key=lambda start: abs(start - target)))
    cuts = [cut for cut in cuts if PART_MIN_CHARS <= cut <= len(document) - PART_MIN_CHARS]
    if not cuts:
        return [document]
    head = document[: opened.end()]
    bounds = [0, *cuts, len(document)]
    return [(head if start else "") + document[start:end] for start, end in itertools.pairwise(bounds)]


_context = None


def _pdf_context():
    global _context  # one fork server per process, started on first use
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["weasyprint", "pypdf"])
    return _context


def draw_pdf(document, *, base_url, stylesheet_paths, page_css):
    """The PDF of `document` (HTML), drawn in child processes within the budget; raises PDFBudgetExceeded."""
    budget = _Budget()
    parts = split_document(document, settings.REPORT_PDF_PROCESSES)
    if len(parts) == 1:
        return budget.run([(_draw, (document, base_url, stylesheet_paths, page_css))])[0]
    drawn = budget.run([(_draw_part, (part, base_url, stylesheet_paths, page_css)) for part in parts], numbered=True)
    offsets = list(itertools.accumulate((count for _, count, _ in drawn), initial=0))[:-1]  # pages before each part
    return _join([pdf for pdf, _, _ in drawn], [bookmarks for _, _, bookmarks in drawn], offsets)


class _Budget:
    """The time and memory a drawing may take, over all its children."""

    def __init__(self):
        self.seconds = float(settings.REPORT_PDF_SECONDS)
        self.memory = int(settings.REPORT_PDF_MEMORY_MB) * 1024 * 1024
        self.started = time.monotonic()

    def run(self, jobs, *, numbered=False):
        """Run each (function, arguments) in a child of its own, all at once; their results, in order.

        When `numbered`, each function is a part of one document, called with `numbering`: a function that sends the
        part's number of pages here and returns (the number of its first page, the document's number of pages),
        answered once every part has counted its pages."""
        context = _pdf_context()
        children, connections = [], []
        try:
            for function, args in jobs:
                connection, child_end = context.Pipe(duplex=numbered)
                child = context.Process(
                    target=_in_child,
                    args=(child_end, self.memory, function, args, numbered),
                    name="report-pdf",
                    daemon=True,
                )
                children.append(child)
                connections.append(connection)
                child.start()
                child_end.close()
            outcomes, pages = {}, {}
            while len(outcomes) < len(connections):
                left = max(self.seconds - self.elapsed, 0)
                ready = wait([connection for connection in connections if connection not in outcomes], left)
                if not ready:
                    raise PDFBudgetExceeded(f"drawing it took longer than {self.seconds:g} seconds", self.elapsed)
                for connection in ready:
                    try:
                        message = connection.recv()
                    except EOFError:
                        message = ("memory", None)  # the child died without a word: the memory limit
                    if message[0] == "pages":
                        pages[connection] = message[1]
                        if len(pages) == len(connections):
                            self._number(connections, pages)
                        continue
                    outcomes[connection] = message
                    if message[0] != "done":
                        self._raise(*message)
        finally:
            for connection in connections:
                connection.close()
            for child in children:
                if child.is_alive():
                    child.kill()
                child.join()
        return [outcomes[connection][1] for connection in connections]

    @staticmethod
    def _number(connections, pages):
        """Tell each part, in order, the number of its first page and the whole document's number of pages."""
        total = sum(pages.values())
        first = 1
        for connection in connections:
            connection.send((first, total))
            first += pages[connection]

    @property
    def elapsed(self):
        return time.monotonic() - self.started

    def _raise(self, outcome, payload):
        if outcome == "memory":
            raise PDFBudgetExceeded(
                f"drawing it needed more than {settings.REPORT_PDF_MEMORY_MB} MB of memory", self.elapsed
            )
        raise RuntimeError(f"Drawing the PDF failed: {payload}")


def _in_child(connection, memory, function, args, numbered):
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # WeasyPrint keeps every box of the document alive until the PDF is written, and the cycle collector walks
    # them all again each time it runs: a sixth of a 600-action report's time. The child ends after one drawing and
    # its memory is bounded above, so nothing is gained by collecting (6 MB more at 600 actions).
    gc.disable()

    def numbering(count):
        connection.send(("pages", count))
        return connection.recv()

    try:
        connection.send(("done", function(*args, numbering=numbering) if numbered else function(*args)))
    except MemoryError:
        connection.send(("memory", None))
    except Exception as error:  # any other failure goes back to the parent, which raises it
        connection.send(("error", repr(error)))
    finally:
        connection.close()


def _render(document, base_url, stylesheet_paths, page_css):
    from weasyprint import CSS, HTML

    stylesheets = [*(CSS(filename=path) for path in stylesheet_paths), CSS(string=page_css)]
    return HTML(string=document, base_url=base_url).render(stylesheets=stylesheets)


def _draw(document, base_url, stylesheet_paths, page_css):
    """The whole document's PDF."""
    return _render(document, base_url, stylesheet_paths, page_css).write_pdf()


def _draw_part(document, base_url, stylesheet_paths, page_css, *, numbering):
    """A part's PDF, its number of pages, and its headings as (page, level, label, left, top, state), placed in PDF
    points from the page's bottom left as WeasyPrint places the outline's destinations.

    Its pages are numbered as pages of the whole document: `numbering(pages)` gives the number of the part's first
    page and the whole document's number of pages, once the part's pages are laid out."""
    with _numbered_as_part_of_whole(numbering):
        rendered = _render(document, base_url, stylesheet_paths, page_css)
    bookmarks = [
        (number, level, label, x * 0.75, (page.height - y) * 0.75, state)
        for number, page in enumerate(rendered.pages)
        for level, label, (x, y), state in page.bookmarks
    ]
    return rendered.write_pdf(), len(rendered.pages), bookmarks


@contextlib.contextmanager
def _numbered_as_part_of_whole(numbering):
    """WeasyPrint's page counters, as the margin boxes read them, counting the pages of the whole document.

    WeasyPrint lays out every page of a document before it makes any page's margin boxes, and it makes them from
    each page's counters (`page`, and `pages`: the number of pages laid out). Here they are made with the part's
    first page added to `page` and the whole document's number of pages as `pages`: the same words, in the same
    place and style, that the page style gives the document drawn in one piece. This reaches into WeasyPrint's
    layout, so WeasyPrint is pinned (requirements.txt) and tests/reports/test_pdf_parts.py compares every page of a
    report drawn in parts with the report drawn whole."""
    from weasyprint import layout

    make_margin_boxes = layout.make_margin_boxes
    whole = []  # (the number of the part's first page, the document's number of pages), once asked

    def make_whole_margin_boxes(context, page, state):
        quote_depth, counters, *rest = state
        if not whole:
            whole.append(numbering(counters["pages"][-1]))
        first, total = whole[0]
        counters = {**counters, "page": [counters["page"][-1] + first - 1], "pages": [total]}
        return make_margin_boxes(context, page, (quote_depth, counters, *rest))

    layout.make_margin_boxes = make_whole_margin_boxes
    try:
        yield
    finally:
        layout.make_margin_boxes = make_margin_boxes


def _join(pdfs, bookmarks, offsets):
    """The parts' PDFs as one, with one outline of all their headings, nested by level as WeasyPrint nests them."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit, NameObject

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(pdf)) for pdf in pdfs]
    for reader in readers:
        writer.append(reader, import_outline=False)
    open_items = []  # (level, outline item) of the headings that a later heading of a deeper level belongs to
    for part, offset in zip(bookmarks, offsets, strict=True):
        for number, level, label, left, top, state in part:
            while open_items and open_items[-1][0] >= level:
                open_items.pop()
            item = writer.add_outline_item(
                title=label,
                page_number=offset + number,
                parent=open_items[-1][1] if open_items else None,
                fit=Fit.xyz(left=left, top=top, zoom=0),
                is_open=state != "closed",
            )
            open_items.append((level, item))
    first = readers[0]
    if first.metadata:
        writer.add_metadata(dict(first.metadata))
    if "/Lang" in first.trailer["/Root"]:
        writer.root_object[NameObject("/Lang")] = first.trailer["/Root"]["/Lang"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
