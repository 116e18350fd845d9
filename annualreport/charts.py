"""A KPI's year as a PNG image for the annual report draft: the trend chart of the KPI's page (kpis.charts), drawn
with Pillow on the same geometry and in the same colours, as Word shows pictures, not SVG.

Each image goes into the document with alt text that gives the same figures in words (see document.py)."""

import functools
import io
from decimal import ROUND_HALF_UP, Decimal

from PIL import Image, ImageDraw, ImageFont

from kpis import charts as kpi_charts
from kpis.charts import (
    GRID_COLOUR,
    LINE_COLOUR,
    TEXT_COLOUR,
    TREND_BOTTOM,
    TREND_FONT_SIZE,
    TREND_HEIGHT,
    TREND_KEY_BASELINE,
    TREND_KEY_DASH,
    TREND_LEFT,
    TREND_RIGHT,
    TREND_TOP,
    TREND_WIDTH,
    axis_words,
    trend_axis_top,
)

SCALE = 2  # pixels per viewBox unit: sharp when Word prints the picture 16 cm wide


@functools.lru_cache(maxsize=2)
def _font(bold=False):
    """Pillow's own scalable font (no font files needed on the server), at the trend chart's size."""
    return ImageFont.load_default(size=TREND_FONT_SIZE * SCALE + (1 if bold else 0))


PERCENT_PLACES = Decimal("0.1")  # every percentage in the draft to one decimal place: 61.7% beside 68.0%, not 68.04%


def words(value, percentage):
    if percentage:
        return f"{Decimal(value).quantize(PERCENT_PLACES, ROUND_HALF_UP)}%"
    return f"{Decimal(value).normalize():f}"


LABEL_GAP = kpi_charts.LABEL_GAP * SCALE  # in pixels
LINE_CLEARANCE = kpi_charts.LINE_CLEARANCE * SCALE


def label_top(point_y, height, target_y=None, floor=None):
    """The top of a value's label, in pixels, placed as the KPI page's chart places it (kpis.charts.label_top)."""
    return kpi_charts.label_top(point_y, height, target_y, floor=floor, scale=SCALE)


def _dashes(draw, left, right, y):
    """A dashed line of dashes 8 and gaps 4, as the SVG's stroke-dasharray."""
    x = left
    while x < right:
        draw.line([(x, y), (min(x + 8 * SCALE, right), y)], fill=TEXT_COLOUR, width=2 * SCALE)
        x += 12 * SCALE


def trend_png(points, *, target=None, percentage=False):
    """PNG bytes of the trend chart: `points` are (axis label, value or None) in period order; a missing value
    breaks the line. The value axis runs 0 to 100 for a percentage, else 0 to a round number above the highest
    value or target; every value is written above its point and the target is a dashed line named in words."""
    top = trend_axis_top(points, target, percentage)
    plot_width = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    bottom = TREND_TOP + plot_height
    step = plot_width / len(points) if points else plot_width

    def x_at(index):
        return (TREND_LEFT + step * (index + 0.5)) * SCALE

    def y_at(value):
        return (bottom - float(Decimal(value) / top) * plot_height) * SCALE

    image = Image.new("RGB", (TREND_WIDTH * SCALE, TREND_HEIGHT * SCALE), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(), _font(bold=True)
    left, right = TREND_LEFT * SCALE, (TREND_WIDTH - TREND_RIGHT) * SCALE
    for share in (0, Decimal("0.5"), 1):  # the value axis: nought, half way and the top
        y = y_at(top * share)
        draw.line([(left, y), (right, y)], fill=GRID_COLOUR, width=SCALE)
        draw.text((left - 6 * SCALE, y), axis_words(top * share, percentage), fill=TEXT_COLOUR, font=font, anchor="rm")
    for index, (label, _) in enumerate(points):
        draw.text((x_at(index), (TREND_HEIGHT - 10) * SCALE), label, fill=TEXT_COLOUR, font=font, anchor="ms")
    if target is not None:
        y = y_at(target)
        _dashes(draw, left, right, y)
        # The key, above the plot as on the KPI page: a dash and the target in words.
        key_y = (TREND_KEY_BASELINE - TREND_FONT_SIZE * 0.3) * SCALE
        _dashes(draw, left, left + TREND_KEY_DASH * SCALE, key_y)
        key_x = left + (TREND_KEY_DASH + 6) * SCALE
        draw.text(
            (key_x, TREND_KEY_BASELINE * SCALE),
            f"Target {words(target, percentage)}",
            fill=TEXT_COLOUR,
            font=font,
            anchor="ls",
        )
    run = []
    for index, (_, value) in enumerate([*points, ("", None)]):
        if value is None:
            if len(run) > 1:
                draw.line(run, fill=LINE_COLOUR, width=3 * SCALE, joint="curve")
            run = []
        else:
            run.append((x_at(index), y_at(value)))
    radius = 4 * SCALE
    for index, (_, value) in enumerate(points):
        if value is None:
            continue
        x, y = x_at(index), y_at(value)
        draw.ellipse([(x - radius, y - radius), (x + radius, y + radius)], fill=LINE_COLOUR)
        text = words(value, percentage)
        _, top_, _, bottom_ = draw.textbbox((0, 0), text, font=bold, anchor="lt")
        label_y = label_top(y, bottom_ - top_, None if target is None else y_at(target), bottom * SCALE)
        draw.text((x, label_y), text, fill=TEXT_COLOUR, font=bold, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast: a chart of flat colours stays small
    return out.getvalue()
