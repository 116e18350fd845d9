"""The server-drawn charts: well-formed SVG that names itself, draws to scale and escapes what people typed."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

import pytest

from kpis.charts import sparkline_svg
from priorities.models import STATUS_KEY, Status
from reports.charts import status_bars_svg
from reports.data import STATUS_ORDER, Counts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The SVG as XML: a parse error fails the test. Our own output, so the standard parser is safe here."""
    return ET.fromstring(str(svg))  # noqa: S314


def counts(**by_status):
    return Counts(counts=Counter({Status(value): count for value, count in by_status.items()}))


def bars(groups=None, **kwargs):
    groups = groups or [("Priority 1", counts(red=1, green=3)), ("Priority 2", counts(amber=2, no_update=2))]
    options = {"title": "Actions by status", "description": "One bar per priority.", **kwargs}
    return status_bars_svg(groups, **options)


def segments(root):
    """Each segment as (its status's css name, x, width), in drawing order."""
    found = []
    for rect in root.iter(f"{SVG}rect"):
        match = re.search(r"app-chart__segment--([a-z-]+)", rect.get("class", ""))
        if match:
            found.append((match.group(1), float(rect.get("x")), float(rect.get("width"))))
    return found


def test_the_bar_chart_is_well_formed_svg_that_names_itself():
    root = parse(bars(id_prefix="p4"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.text, desc.text) == ("Actions by status", "One bar per priority.")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.get("id").startswith("p4-") and desc.get("id").startswith("p4-")


def test_two_charts_on_one_page_have_different_ids():
    first, second = (parse(bars(id_prefix=prefix)) for prefix in ("one", "two"))
    first_ids, second_ids = (
        {element.get("id") for element in root.iter() if element.get("id")} for root in (first, second)
    )
    assert first_ids and not first_ids & second_ids


def test_segment_widths_are_proportional_to_the_counts_on_one_scale():
    groups = [("Priority 1", counts(red=1, green=3)), ("Overall", counts(red=2, amber=4, green=6))]
    drawn = segments(parse(bars(groups)))
    assert [css for css, _, _ in drawn] == ["red", "green", "red", "amber", "green"]
    unit = drawn[0][2]  # one red action
    assert unit > 0
    for (_, _, width), count in zip(drawn, [1, 3, 2, 4, 6], strict=True):
        assert abs(width - count * unit) < 0.05
    # Segments of a bar follow each other without gaps or overlaps.
    assert abs(drawn[1][1] - (drawn[0][1] + drawn[0][2])) < 0.01
    assert abs(drawn[3][1] - (drawn[2][1] + drawn[2][2])) < 0.01


def test_segments_follow_the_report_order_and_show_each_group_and_total():
    every = counts(complete=1, green=1, not_started=1, no_update=1, amber=1, red=1)
    root = parse(bars([("Overall", every)]))
    assert [css for css, _, _ in segments(root)] == [status.css for status in STATUS_ORDER]
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    assert texts[0] == "Overall" and texts[-1] == "6"


def test_segments_use_the_tag_colours_with_an_outline_and_no_update_is_hatched():
    root = parse(bars([("Overall", counts(red=1, no_update=1))]))
    rects = {
        re.search(r"--([a-z-]+)", rect.get("class")).group(1): rect
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class")
    }
    red = STATUS_KEY[Status.RED]
    assert (rects["red"].get("fill"), rects["red"].get("stroke"), rects["red"].get("stroke-width")) == (
        red.background,
        red.text,
        "1",
    )
    pattern = root.find(f"{SVG}defs/{SVG}pattern")
    assert rects["no-update"].get("fill") == f"url(#{pattern.get('id')})"
    assert rects["no-update"].get("stroke") == STATUS_KEY[Status.NO_UPDATE].border
    assert rects["no-update"].get("stroke-dasharray")
    hatch = {child.tag.removeprefix(SVG): child for child in pattern}
    assert hatch["rect"].get("fill") == STATUS_KEY[Status.NO_UPDATE].background


def test_labels_from_user_data_are_escaped():
    svg = str(bars([("<script>alert(1)</script>", counts(green=1))], title='"><script>', description="a & b"))
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == '"><script>'
    assert root.find(f"{SVG}desc").text == "a & b"
    assert "<script>alert(1)</script>" in [text.text for text in root.iter(f"{SVG}text")]


def test_no_inline_styles_for_a_strict_content_security_policy():
    svg = str(bars()) + str(sparkline_svg([Decimal(1), None, Decimal(3), Decimal(4)], label="KPI"))
    assert "style" not in svg


def test_a_group_with_no_actions_draws_no_segments():
    root = parse(bars([("Priority 1", counts())]))
    assert segments(root) == []
    assert ["".join(text.itertext()) for text in root.iter(f"{SVG}text")] == ["Priority 1", "0"]


def test_the_sparkline_breaks_at_missing_periods_and_marks_the_last_value():
    values = [Decimal("40"), Decimal("50"), None, Decimal("45"), Decimal("60"), None]
    root = parse(sparkline_svg(values, label="1.1.K1 <so far>"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "1.1.K1 <so far>"
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2  # periods 1-2 and 4-5: the missing period 3 breaks the line
    assert all(len(line.get("points").split()) == 2 for line in lines)
    last = root.find(f"{SVG}circle[@class='app-sparkline__last']")
    assert (last.get("cx"), last.get("cy")) == tuple(lines[1].get("points").split()[-1].split(","))
    # Higher values sit higher on the page.
    first_y = [float(point.split(",")[1]) for point in lines[0].get("points").split()]
    assert first_y[1] < first_y[0]


def test_a_sparkline_with_one_value_is_just_a_dot_and_with_none_is_empty_but_named():
    one = parse(sparkline_svg([None, Decimal("3")], label="One value"))
    assert one.findall(f"{SVG}polyline") == []
    assert one.find(f"{SVG}circle[@class='app-sparkline__last']") is not None
    empty = parse(sparkline_svg([None, None], label="No values"))
    assert list(empty) == [] and empty.get("aria-label") == "No values"


def test_a_flat_sparkline_is_drawn_level():
    root = parse(sparkline_svg([Decimal(5)] * 3, label="Flat"))
    ys = {point.split(",")[1] for point in root.find(f"{SVG}polyline").get("points").split()}
    assert len(ys) == 1


# A 390 px phone's page is 360 px wide inside its margins; GOV.UK's smallest text is 14 px on a phone.
PHONE_CHART_PX = 360


def _texts(root):
    return list(root.iter(f"{SVG}text"))


def test_the_narrow_layout_puts_each_label_above_its_bar_and_reads_at_12_px_or_more_on_a_phone():
    groups = [("Priority 1", counts(red=1, green=3)), ("Overall", counts(red=2, amber=4, green=6))]
    root = parse(bars(groups, layout="narrow", id_prefix="narrow"))
    assert "app-chart--narrow" in root.get("class").split()
    width = float(root.get("viewBox").split()[2])
    assert all(float(text.get("font-size")) * PHONE_CHART_PX / width >= 12 for text in _texts(root))

    for group, (label, _) in zip(root.iter(f"{SVG}g"), groups, strict=True):
        texts = list(group.iter(f"{SVG}text"))
        rects = [rect for rect in group.iter(f"{SVG}rect") if rect.get("class")]
        assert (texts[0].text, texts[0].get("x")) == (label, "0")
        # The label's baseline is above the top of its bar; the bar starts at the left edge, under it.
        assert float(texts[0].get("y")) <= min(float(rect.get("y")) for rect in rects)
        assert float(rects[0].get("x")) == 0
        # The total ends at the right edge, beside the bar.
        assert float(texts[-1].get("x")) == width and texts[-1].get("text-anchor") == "end"
        bar_end = max(float(rect.get("x")) + float(rect.get("width")) for rect in rects)
        assert bar_end < width


def test_the_narrow_layout_draws_the_same_segments_to_one_scale():
    groups = [("Priority 1", counts(red=1, green=3)), ("Overall", counts(red=2, amber=4, green=6))]
    wide, narrow = (segments(parse(bars(groups, layout=layout))) for layout in ("wide", "narrow"))
    assert [css for css, _, _ in narrow] == [css for css, _, _ in wide]
    unit = narrow[0][2]
    for (_, _, width), count in zip(narrow, [1, 3, 2, 4, 6], strict=True):
        assert abs(width - count * unit) < 0.05


def test_the_wide_layout_puts_each_label_beside_its_bar():
    root = parse(bars([("Priority 1", counts(green=2))]))
    assert "app-chart--wide" in root.get("class").split()
    label = _texts(root)[0]
    (rect,) = (rect for rect in root.iter(f"{SVG}rect") if rect.get("class"))
    assert float(rect.get("x")) > 0
    assert float(rect.get("y")) < float(label.get("y")) < float(rect.get("y")) + float(rect.get("height"))


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layout"):
        bars(layout="tall")
