"""A KPI's values drawn on the server as SVG: no JavaScript, no inline styles (the CSP forbids them), printable.

Each chart names itself for assistive technology, and the page beside it gives the same figures as text. The
reports draw their sparklines with these too (reports sits above kpis and may import it; not the other way).
"""

import functools
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

TEXT_COLOUR = "#0b0c0c"
LINE_COLOUR = "#1d70b8"
GRID_COLOUR = "#b1b4b6"
FONT = 'font-family="arial, sans-serif"'

# The trend chart's geometry, in viewBox units.
TREND_WIDTH = 640
TREND_NARROW_WIDTH = 360  # the phone's chart: drawn about as wide as it is shown, its words at their own size
TREND_HEIGHT = 280
TREND_LEFT = 48  # room for the value axis
TREND_RIGHT = 16
TREND_TOP = 44  # room for the target's key, then the label above the highest point
TREND_BOTTOM = 32  # room for the period labels
TREND_FONT_SIZE = 13
TREND_KEY_BASELINE = 16  # the target's key, above the plot: a dash and "Target 80%", clear of every point's label
TREND_KEY_DASH = 28

LABEL_GAP = 9  # from a point's centre to the near edge of its value's label
LINE_CLEARANCE = 3  # kept clear each side of the (2 units thick) target line
LABEL_HEIGHT = round(TREND_FONT_SIZE * 0.75)  # the height of a value's figures above their baseline


def label_top(point_y, height, target_y=None, *, floor=None, scale=1):
    """The top of a value's label: above its point, unless the target line would run through the label there; then
    below it (the line cannot cross both, as the point lies between them), unless that runs past `floor` (the foot
    of the plot, where the period labels are); then above the target line. In viewBox units, or pixels at `scale`."""
    above = point_y - LABEL_GAP * scale - height
    if target_y is None or not _crosses(above, height, target_y, scale):
        return above
    below = point_y + LABEL_GAP * scale
    if not _crosses(below, height, target_y, scale) and (floor is None or below + height <= floor):
        return below
    return target_y - LINE_CLEARANCE * scale - 1 - height  # the line runs just above the point: clear it


def _crosses(top, height, line_y, scale):
    return top - LINE_CLEARANCE * scale <= line_y <= top + height + LINE_CLEARANCE * scale


def svg_number(value):
    """A coordinate with at most two decimals and no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def sparkline_svg(values, *, label, width=120, height=28):
    """A small line through the values (None breaks it), a dot on the last value; named by `label`."""
    return _sparkline_svg(tuple(values), label, width, height)


@functools.lru_cache(maxsize=2048)
def _sparkline_svg(values, label, width, height):
    """sparkline_svg, drawn once per series and label: the reports and the dashboard draw one for each of 120 KPIs
    on every request, and the series change only when a value is entered."""
    pad = 4
    present = [(index, value) for index, value in enumerate(values) if value is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-sparkline" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    if present:
        low = min(value for _, value in present)
        high = max(value for _, value in present)
        spread = high - low
        step = (width - 2 * pad) / (len(values) - 1) if len(values) > 1 else 0

        def point(index, value):
            x = pad + index * step if len(values) > 1 else width / 2
            # A flat series sits in the middle rather than on an edge.
            share = (Decimal(value) - low) / spread if spread else Decimal("0.5")
            y = height - pad - float(share) * (height - 2 * pad)
            return svg_number(x), svg_number(y)

        for run in _runs(values, point):
            if len(run) > 1:
                points = " ".join(f"{x},{y}" for x, y in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2" '
                    'stroke-linejoin="round" stroke-linecap="round"/>'
                )
            else:
                x, y = run[0]
                parts.append(f'<circle cx="{x}" cy="{y}" r="1.5" fill="{LINE_COLOUR}"/>')
        x, y = point(*present[-1])
        parts.append(f'<circle class="app-sparkline__last" cx="{x}" cy="{y}" r="3" fill="{TEXT_COLOUR}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - the label is escaped; the rest are numbers


def _runs(values, point):
    """The unbroken stretches of the series, as lists of points: a missing value (None) breaks the line."""
    runs, run = [], []
    for index, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point(index, value))
    if run:
        runs.append(run)
    return runs


def trend_axis_top(points, target=None, percentage=False):
    """The top of the trend chart's value axis: 100 for a percentage, else a round number above the highest value
    or the target. The chart here (SVG) and the annual report's (PNG) share it, so that they read alike."""
    numbers = [Decimal(value) for _, value in points if value is not None]
    if target is not None:
        numbers.append(Decimal(target))
    return Decimal(100) if percentage else _top_of_scale(max(numbers, default=Decimal(0)))


def _top_of_scale(highest):
    """A round number at or above `highest` for the top of the value axis: 1, 2 or 5 times a power of ten."""
    if highest <= 0:
        return Decimal(1)
    power = Decimal(1)
    while power * 10 <= highest:
        power *= 10
    while power > highest:
        power /= 10
    for step in (1, 2, 5, 10):
        if power * step >= highest:
            return power * step
    return power * 10  # pragma: no cover - the loop above always returns


def axis_words(value, percentage):
    """A value axis mark: whole numbers (0%, 50%, 100%), thousands written short (20k) to fit beside the axis."""
    value = Decimal(value)
    if not percentage and value >= 10_000:
        return f"{(value / 1000).normalize():f}k"
    number = f"{value.normalize():f}"
    return f"{number}%" if percentage else number


def trend_svg(
    points, *, target=None, percentage=False, title, description, id_prefix="kpi-trend", width=TREND_WIDTH, css=""
):
    """A KPI's value in each period as a line on labelled axes, with the target as a dashed line named in words.

    `points` are (axis label, value or None) in period order: a missing value breaks the line and is left out.
    Every value is written beside its point, so that the chart never relies on the line or colour alone; the target
    is named in a key above the plot, and a value's label goes below its point where the target line would cross it.
    A percentage's axis runs from 0 to 100; a count's from 0 to a round number above its highest value or target.
    `width` is the viewBox's: a narrower one for a phone keeps the words at a size it can show.
    """
    prefix = escape(id_prefix)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    top = trend_axis_top(points, target, percentage)
    plot_width = width - TREND_LEFT - TREND_RIGHT
    plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    bottom = TREND_TOP + plot_height
    step = plot_width / len(points) if points else plot_width

    def x_at(index):
        return TREND_LEFT + step * (index + 0.5)

    def y_at(value):
        return bottom - float(Decimal(value) / top) * plot_height

    def words(value):
        number = f"{Decimal(value).normalize():f}"
        return f"{number}%" if percentage else number

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-kpi-trend{" " + css if css else ""}" '
        f'role="img" width="100%" viewBox="0 0 {width} {TREND_HEIGHT}" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for share in (0, Decimal("0.5"), 1):  # the value axis: nought, half way and the top
        y = svg_number(y_at(top * share))
        parts.append(
            f'<line x1="{TREND_LEFT}" y1="{y}" x2="{width - TREND_RIGHT}" y2="{y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{TREND_LEFT - 6}" y="{svg_number(y_at(top * share) + TREND_FONT_SIZE * 0.35)}" '
            f'font-size="{TREND_FONT_SIZE}" {FONT} text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{axis_words(top * share, percentage)}</text>"
        )
    for index, (label, _) in enumerate(points):
        parts.append(
            f'<text x="{svg_number(x_at(index))}" y="{TREND_HEIGHT - 10}" font-size="{TREND_FONT_SIZE}" {FONT} '
            f'text-anchor="middle" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    target_y = None
    if target is not None:
        target_y = y_at(target)
        y, key_y = svg_number(target_y), svg_number(TREND_KEY_BASELINE - TREND_FONT_SIZE * 0.3)
        dashed = f'stroke="{TEXT_COLOUR}" stroke-width="2" stroke-dasharray="8 4"'
        parts.append(
            f'<g class="app-kpi-trend__target"><line x1="{TREND_LEFT}" y1="{y}" x2="{width - TREND_RIGHT}" y2="{y}" '
            f'{dashed}/><line x1="{TREND_LEFT}" y1="{key_y}" x2="{TREND_LEFT + TREND_KEY_DASH}" y2="{key_y}" '
            f'{dashed}/><text x="{TREND_LEFT + TREND_KEY_DASH + 6}" y="{TREND_KEY_BASELINE}" '
            f'font-size="{TREND_FONT_SIZE}" {FONT} fill="{TEXT_COLOUR}">Target {words(target)}</text></g>'
        )
    values = [value for _, value in points]
    for run in _runs(values, lambda index, value: (svg_number(x_at(index)), svg_number(y_at(value)))):
        if len(run) > 1:
            line = " ".join(f"{x},{y}" for x, y in run)
            parts.append(
                f'<polyline class="app-kpi-trend__line" points="{line}" fill="none" stroke="{LINE_COLOUR}" '
                'stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    for index, (label, value) in enumerate(points):
        if value is None:
            continue
        x, y = x_at(index), y_at(value)
        baseline = label_top(y, LABEL_HEIGHT, target_y, floor=bottom) + LABEL_HEIGHT  # text sits on its baseline
        parts.append(
            f'<circle class="app-kpi-trend__point" cx="{svg_number(x)}" cy="{svg_number(y)}" r="4" '
            f'fill="{LINE_COLOUR}"><title>{escape(label)}: {words(value)}</title></circle>'
            f'<text x="{svg_number(x)}" y="{svg_number(baseline)}" font-size="{TREND_FONT_SIZE}" {FONT} '
            f'font-weight="bold" text-anchor="middle" fill="{TEXT_COLOUR}">{words(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value from outside is escaped above
