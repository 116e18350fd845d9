"""A KPI's trend chart: well-formed SVG that names itself, writes every value and the target in words, draws to
scale, breaks at a missing period and escapes what people typed."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kpis.charts import TREND_NARROW_WIDTH, TREND_WIDTH, trend_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The SVG as XML: a parse error fails the test. Our own output, so the standard parser is safe here."""
    return ET.fromstring(str(svg))  # noqa: S314


def words(root):
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def chart(points, **kwargs):
    options = {"title": "KPI 1.1.K1: value in each period", "description": "P1: 40%.", **kwargs}
    return parse(trend_svg(points, **options))


def test_names_itself_and_writes_each_value_and_the_target_in_words():
    root = chart([("P1", Decimal("40")), ("P2", Decimal("62.5"))], target=Decimal("80"), percentage=True)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "KPI 1.1.K1: value in each period"
    assert root.find(f"{SVG}desc").text == "P1: 40%."
    labels = words(root)
    assert {"0%", "50%", "100%", "P1", "P2", "40%", "62.5%", "Target 80%"} <= set(labels)
    # The target is a dashed line, not a colour alone.
    target = root.find(f"{SVG}g[@class='app-kpi-trend__target']/{SVG}line")
    assert target.get("stroke-dasharray")
    assert "style" not in str(trend_svg([("P1", Decimal(1))], title="t", description="d"))


def test_draws_to_scale_and_breaks_at_a_missing_period():
    root = chart([("P1", Decimal("25")), ("P2", Decimal("50")), ("P3", None), ("P4", Decimal("100"))], percentage=True)
    points = root.findall(f"{SVG}circle")
    assert len(points) == 3  # none for the missing period
    ys = [float(point.get("cy")) for point in points]
    bottom = float(root.find(f"{SVG}line").get("y1"))  # the 0% grid line
    # Heights above the axis are in proportion to the values: 25, 50 and 100.
    heights = [bottom - y for y in ys]
    assert abs(heights[1] - 2 * heights[0]) < 0.02 and abs(heights[2] - 4 * heights[0]) < 0.02
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2  # P1-P2; P4 stands alone


def test_a_counts_axis_rises_to_a_round_number_above_its_values_and_target():
    root = chart([("P1", Decimal("7")), ("P2", Decimal("13"))], target=Decimal("12"))
    assert {"0", "10", "20", "7", "13", "Target 12"} <= set(words(root))


def test_labels_from_user_data_are_escaped():
    svg = str(trend_svg([("<b>P1</b>", Decimal(1))], title='"><script>', description="a & b"))
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == '"><script>'
    assert "<b>P1</b>" in words(root)


def text_boxes(root):
    """Each text's box, estimated from its font size: 0.6 of the size a character wide, 0.75 tall above the
    baseline (Arial's figures), placed by its anchor."""
    boxes = []
    for text in root.iter(f"{SVG}text"):
        size = float(text.get("font-size"))
        width = len("".join(text.itertext())) * size * 0.6
        x, baseline = float(text.get("x")), float(text.get("y"))
        left = {"middle": x - width / 2, "end": x - width}.get(text.get("text-anchor"), x)
        boxes.append(("".join(text.itertext()), left, baseline - size * 0.75, left + width, baseline))
    return boxes


def overlapping(boxes):
    return [
        (a[0], b[0])
        for index, a in enumerate(boxes)
        for b in boxes[index + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


SERIES = [
    [("P1", Decimal("36.84")), ("P2", Decimal("29.27")), ("P3", Decimal("25")), ("P4", Decimal("20.93"))],
    [(f"P{n}", Decimal(value)) for n, value in enumerate(["100", "99.99", "100", "74.74", "75.25", "100"], start=1)],
    [(f"P{n}", Decimal(value)) for n, value in enumerate(["0", "1.5", "0", "98.5", "100", "0"], start=1)],
    # Found on a walk: 0% under a 5% target went below its point, onto the period's label.
    [(f"P{n}", Decimal(value)) for n, value in enumerate(["0", "3", "10", "0.5", "4.99", "0"], start=1)],
]


@pytest.mark.parametrize("width", [TREND_WIDTH, TREND_NARROW_WIDTH])
@pytest.mark.parametrize("points", SERIES)
@pytest.mark.parametrize("target", [Decimal("5"), Decimal("25"), Decimal("75"), Decimal("100")])
def test_no_two_words_of_the_chart_overlap(points, target, width):
    """The walk found 'Target 25%' written over P4's '20.93%': the target is named in a key above the plot, and a
    value's label goes below its point where the target line would run through it."""
    root = chart(points, target=target, percentage=True, width=width)
    assert overlapping(text_boxes(root)) == []
    target_y = float(root.find(f"{SVG}g[@class='app-kpi-trend__target']/{SVG}line").get("y1"))
    for label, _, top, _, bottom in text_boxes(root):
        if label.endswith("%") and not label.startswith("Target") and label not in {"0%", "50%", "100%"}:
            assert not top - 3 <= target_y <= bottom + 3, f"the target line runs through {label}"


def test_the_target_is_named_above_the_plot():
    root = chart([("P1", Decimal("20.93"))], target=Decimal("25"), percentage=True)
    [key] = [box for box in text_boxes(root) if box[0] == "Target 25%"]
    top_grid_line = min(float(line.get("y1")) for line in root.iter(f"{SVG}line") if line.get("stroke") == "#b1b4b6")
    assert key[4] < top_grid_line


def test_a_large_counts_axis_is_written_short_to_fit_beside_it():
    root = chart([("P1", Decimal("120000")), ("P2", Decimal("150000"))])
    assert {"0", "100k", "200k", "120000", "150000"} <= set(words(root))
    axis = [box for box in text_boxes(root) if box[0] in {"0", "100k", "200k"}]
    assert all(left >= 0 for _, left, *_ in axis)
