"""Drawing a PDF within a budget of time and memory.

WeasyPrint lays out whatever it is given: one update of 700,000 characters took 63 seconds, and three made the
request time out (issue 11). So the drawing runs in a child process that is stopped when it takes longer than
REPORT_PDF_SECONDS and cannot take more than REPORT_PDF_MEMORY_MB of memory; the web worker that asked goes on
answering. The child is forked from a small server process that has WeasyPrint loaded already (multiprocessing's
"forkserver"), so that each drawing does not pay for starting Python and loading Pango; it is given only text (the
HTML and the stylesheets' paths) and sends back bytes, and needs no database.
"""

import gc
import multiprocessing
import resource
import time

from django.conf import settings


class PDFBudgetExceeded(Exception):
    """The PDF could not be drawn within the budget; `reason` says why, in the reader's words."""

    def __init__(self, reason, seconds):
        super().__init__(reason)
        self.reason = reason
        self.seconds = seconds


_context = None


def _pdf_context():
    global _context  # one fork server per process, started on first use
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["weasyprint"])
    return _context


def draw_pdf(document, *, base_url, stylesheet_paths, page_css):
    """The PDF of `document` (HTML), drawn in a child process within the budget; raises PDFBudgetExceeded."""
    seconds = float(settings.REPORT_PDF_SECONDS)
    memory = int(settings.REPORT_PDF_MEMORY_MB) * 1024 * 1024
    context = _pdf_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_draw_in_child,
        args=(sender, document, base_url, stylesheet_paths, page_css, memory),
        name="report-pdf",
        daemon=True,
    )
    started = time.monotonic()
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise PDFBudgetExceeded(f"drawing it took longer than {seconds:g} seconds", time.monotonic() - started)
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            outcome, payload = "memory", None  # the child died without a word: the memory limit stopped it
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "pdf":
        return payload
    if outcome == "memory":
        raise PDFBudgetExceeded(
            f"drawing it needed more than {settings.REPORT_PDF_MEMORY_MB} MB of memory", time.monotonic() - started
        )
    raise RuntimeError(f"Drawing the PDF failed: {payload}")


def _draw_in_child(sender, document, base_url, stylesheet_paths, page_css, memory):
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # WeasyPrint keeps every box of the document alive until the PDF is written, and the cycle collector walks
    # them all again each time it runs: a sixth of a 600-action report's time. The child ends after one drawing and
    # its memory is bounded above, so nothing is gained by collecting (6 MB more at 600 actions).
    gc.disable()
    try:
        from weasyprint import CSS, HTML

        stylesheets = [*(CSS(filename=path) for path in stylesheet_paths), CSS(string=page_css)]
        sender.send(("pdf", HTML(string=document, base_url=base_url).write_pdf(stylesheets=stylesheets)))
    except MemoryError:
        sender.send(("memory", None))
    except Exception as error:  # any other failure goes back to the parent, which raises it
        sender.send(("error", repr(error)))
    finally:
        sender.close()
