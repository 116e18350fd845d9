"""The inspection pack's PDF, drawn in the background, never in a request (as reports.tasks draws the reports'):
a download of a pack not kept for what it shows now asks for `pack_pdf_draw` (once: a drawing already waiting is
not asked for again) and shows a page that says it is being prepared and reloads itself. Idempotent: a pack whose
kept fingerprint is the pack's now is not drawn again."""

import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from dscb.queue import enqueue_once
from reports.pdfdraw import PDFBudgetExceeded
from reports.render import draw_pdf_document

from .models import PackPDF
from .pack import pdf_document

WAITING_SECONDS = 10 * 60
# Packs kept for this many other dates at most, the most recently drawn; older ones are drawn again if asked for.
KEPT_DATES = 20


def _key(as_at):
    return f"assurance:pack-pdf-waiting:{as_at.isoformat()}"


def kept_pack(as_at, fingerprint):
    """The kept pack PDF row for the date if it shows the pack as it is now (drawn, or failed to draw), else None."""
    return PackPDF.objects.filter(as_at=as_at, fingerprint=fingerprint).first()


@task()
def pack_pdf_draw(*, as_at):
    """Draw and keep the pack's PDF as at the date (nothing if the kept one already shows the pack as it is)."""
    day = datetime.date.fromisoformat(as_at)
    try:
        document, page_css, fingerprint = pdf_document(day)
        if kept_pack(day, fingerprint) is not None:
            return "up to date"
        fields = {"fingerprint": fingerprint, "built_at": timezone.now()}
        try:
            fields |= {"pdf": draw_pdf_document(document, page_css), "failure": ""}
            state = "drawn"
        except PDFBudgetExceeded as exceeded:
            fields |= {"pdf": None, "failure": exceeded.reason[:300]}
            state = f"not drawn, {exceeded.reason}"
        try:
            with transaction.atomic():
                PackPDF.objects.update_or_create(as_at=day, defaults=fields)
        except IntegrityError:
            pass  # drawn at the same moment by another worker: theirs stands
        keep = PackPDF.objects.order_by("-built_at").values_list("pk", flat=True)[:KEPT_DATES]
        PackPDF.objects.exclude(pk__in=list(keep)).delete()
        return state
    finally:
        cache.delete(_key(day))


def pack_pdf_enqueue(*, as_at):
    """Ask for the pack's PDF as at the date to be drawn, unless a drawing is waiting already. The task's result
    (finished already on a backend that runs tasks at once), else None."""
    return enqueue_once(_key(as_at), WAITING_SECONDS, lambda: pack_pdf_draw.enqueue(as_at=as_at.isoformat()))
