"""Charts drawn on the server as SVG: no JavaScript, no inline styles (the CSP forbids them), printable.

Each chart names itself for assistive technology, and the page beside it gives the same figures as text.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from kpis.charts import FONT, TEXT_COLOUR
from kpis.charts import svg_number as _number
from priorities.models import STATUS_KEY, Status

from .data import STATUS_ORDER

# Bar chart geometry, in viewBox units.
CHART_WIDTH = 640
LABEL_WIDTH = 110
TOTAL_WIDTH = 50
BAR_HEIGHT = 24
ROW_HEIGHT = 36
PADDING = 6
FONT_SIZE = 14
MIN_WIDTH_FOR_COUNT = 16  # a segment narrower than this shows no count inside it

# The narrow layout, for phones: each label above its bar, in a viewBox about as wide as a phone's page, so
# that text drawn at FONT_SIZE is shown at about that many pixels rather than shrunk to half.
NARROW_WIDTH = 300
NARROW_TOTAL_WIDTH = 36
NARROW_LABEL_HEIGHT = 20
NARROW_ROW_HEIGHT = NARROW_LABEL_HEIGHT + BAR_HEIGHT + 14
LAYOUTS = ("wide", "narrow")


def status_bars_svg(groups, *, title, description, id_prefix="status-chart", layout="wide"):
    """One horizontal bar per (label, Counts) group, a segment per status in report order, on a common scale.

    `id_prefix` keeps the ids of the title, description and pattern unique when a page has several charts.
    `layout` "wide" puts each label beside its bar; "narrow" puts it above, for a phone's width.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    narrow = layout == "narrow"
    prefix = escape(id_prefix)
    title_id, desc_id, hatch_id = f"{prefix}-title", f"{prefix}-desc", f"{prefix}-no-update"
    chart_width = NARROW_WIDTH if narrow else CHART_WIDTH
    row_height = NARROW_ROW_HEIGHT if narrow else ROW_HEIGHT
    bar_left = 0 if narrow else LABEL_WIDTH
    bar_width = chart_width - bar_left - (NARROW_TOTAL_WIDTH if narrow else TOTAL_WIDTH) - PADDING
    largest = max((counts.total for _, counts in groups), default=0)
    scale = bar_width / largest if largest else 0
    height = PADDING * 2 + row_height * len(groups)
    no_update = STATUS_KEY[Status.NO_UPDATE]

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--{layout}" role="img" width="100%" '
        f'viewBox="0 0 {chart_width} {height}" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        # "No update" is hatched as well as outlined in dashes, as its tag is: colour is never the only signal.
        "<defs>"
        f'<pattern id="{hatch_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{no_update.background}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{no_update.outline}" stroke-width="2"/>'
        "</pattern>"
        "</defs>",
    ]
    for index, (label, counts) in enumerate(groups):
        if narrow:
            label_baseline = _number(PADDING + index * row_height + FONT_SIZE)
            top = PADDING + index * row_height + NARROW_LABEL_HEIGHT
        else:
            top = PADDING + index * row_height + (row_height - BAR_HEIGHT) / 2
        baseline = _number(top + BAR_HEIGHT / 2 + FONT_SIZE * 0.35)
        parts.append('<g class="app-chart__bar">')
        parts.append(
            f'<text x="0" y="{label_baseline if narrow else baseline}" font-size="{FONT_SIZE}" {FONT} '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
        x = bar_left
        for status in STATUS_ORDER:
            count = counts.counts[status]
            if not count:
                continue
            width = count * scale
            # A segment is filled like its status's tag and outlined in the tag's text (or border) colour, so
            # that neighbouring pale segments stay apart against each other and the page.
            fill, line = STATUS_KEY[status].background, STATUS_KEY[status].outline
            attributes = (
                f'fill="url(#{hatch_id})" stroke="{line}" stroke-dasharray="4 2"'
                if status == Status.NO_UPDATE
                else f'fill="{fill}" stroke="{line}"'
            )
            parts.append(
                f'<rect class="app-chart__segment app-chart__segment--{status.css}" '
                f'x="{_number(x)}" y="{_number(top)}" width="{_number(width)}" height="{BAR_HEIGHT}" '
                f'{attributes} stroke-width="1">'
                f"<title>{escape(status.label)}: {count}</title></rect>"
            )
            if width >= MIN_WIDTH_FOR_COUNT and status != Status.NO_UPDATE:
                parts.append(
                    f'<text x="{_number(x + width / 2)}" y="{baseline}" font-size="{FONT_SIZE - 2}" {FONT} '
                    f'text-anchor="middle" fill="{line}">{count}</text>'
                )
            x += width
        parts.append(
            f'<text x="{chart_width}" y="{baseline}" font-size="{FONT_SIZE}" {FONT} font-weight="bold" '
            f'text-anchor="end" fill="{TEXT_COLOUR}">{counts.total}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value from outside is escaped above
