"""The heat map: the open risks on the 5 x 5 grid as their scores stood at the end of a day, read from history,
with each risk's movement since an earlier day; and its page, which says what is wrong with a bad address."""

import datetime
import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from risks.heatmap import HeatMap, heat_map
from risks.matrix import SCALE, band_of, default_matrix
from subgroups.models import Subgroup
from tests.factories import MeetingFactory, RiskFactory, SubgroupFactory

pytestmark = pytest.mark.django_db


def at(day, hour=12, minute=0):
    """A moment on a day, in the board's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def made_on(day, **kwargs):
    """A risk whose history starts on the day."""
    risk = RiskFactory(**kwargs)
    risk.history.update(history_date=at(day))
    return risk


def change(risk, day, hour=12, minute=0, **fields):
    """Change the risk on a day, as the forms would, leaving a history row dated then."""
    for name, value in fields.items():
        setattr(risk, name, value)
    risk._history_date = at(day, hour, minute)
    risk.save()
    return risk


def cell_of(drawn, reference):
    return next(
        (cell.likelihood, cell.impact)
        for row in drawn.rows
        for cell in row.cells
        for risk in cell.risks
        if risk.reference == reference
    )


def references(drawn):
    return [risk.reference for risk in drawn.placed]


APRIL, JUNE_30, JULY_1 = datetime.date(2015, 4, 1), datetime.date(2015, 6, 30), datetime.date(2015, 7, 1)


def test_the_grid_has_likelihood_5_at_the_top_and_impact_1_to_5_across_each_cell_in_its_matrix_band():
    drawn = heat_map(as_at=JULY_1)
    assert [row.likelihood for row in drawn.rows] == [5, 4, 3, 2, 1]
    for row in drawn.rows:
        assert [cell.impact for cell in row.cells] == [1, 2, 3, 4, 5]
        for cell in row.cells:
            assert cell.band == band_of(row.likelihood, cell.impact)
            assert cell.count == 0


def test_as_at_an_earlier_date_the_map_shows_the_scores_then_not_now():
    risk = made_on(APRIL, reference="R1", current_likelihood=3, current_impact=4)
    change(risk, JULY_1, current_likelihood=5, current_impact=5)
    assert cell_of(heat_map(as_at=JUNE_30), "R1") == (3, 4)
    assert cell_of(heat_map(as_at=JULY_1), "R1") == (5, 5)
    assert cell_of(heat_map(as_at=timezone.localdate()), "R1") == (5, 5)


def test_a_change_late_in_the_evening_counts_for_that_day_in_the_boards_time_zone():
    risk = made_on(APRIL, reference="R1", current_likelihood=3, current_impact=4)
    change(risk, JUNE_30, hour=23, minute=30, current_likelihood=1, current_impact=1)
    assert cell_of(heat_map(as_at=JUNE_30), "R1") == (1, 1)
    assert cell_of(heat_map(as_at=JUNE_30 - datetime.timedelta(days=1)), "R1") == (3, 4)


def test_only_the_risks_open_then_are_on_the_map():
    made_on(APRIL, reference="R1")
    made_on(JULY_1, reference="R2")  # added after
    closed_before = made_on(APRIL, reference="R3")
    change(
        closed_before,
        datetime.date(2015, 5, 1),
        status="closed",
        closed_on=datetime.date(2015, 5, 1),
        closed_reason="Done",
    )
    closed_after = made_on(APRIL, reference="R4")
    change(closed_after, JULY_1, status="closed", closed_on=JULY_1, closed_reason="Done")
    deleted = made_on(APRIL, reference="R5")
    deleted._history_date = at(datetime.date(2015, 5, 2))
    deleted.delete()
    assert references(heat_map(as_at=JUNE_30)) == ["R1", "R4"]
    assert references(heat_map(as_at=JULY_1)) == ["R1", "R2"]


def test_each_score_has_its_own_map():
    made_on(APRIL, reference="R1")  # the factory: inherent 4 x 5, current 3 x 4, target 2 x 3
    assert cell_of(heat_map(as_at=JUNE_30, score="inherent"), "R1") == (4, 5)
    assert cell_of(heat_map(as_at=JUNE_30, score="current"), "R1") == (3, 4)
    assert cell_of(heat_map(as_at=JUNE_30, score="target"), "R1") == (2, 3)
    with pytest.raises(ValueError):
        heat_map(as_at=JUNE_30, score="evil")


def test_movement_since_an_earlier_date_up_down_same_and_new():
    up = made_on(APRIL, reference="R1", current_likelihood=2, current_impact=2)
    down = made_on(APRIL, reference="R2", current_likelihood=4, current_impact=4)
    made_on(APRIL, reference="R3", current_likelihood=3, current_impact=3)
    made_on(datetime.date(2015, 6, 1), reference="R4")
    change(up, datetime.date(2015, 5, 20), current_likelihood=4)
    change(down, datetime.date(2015, 5, 20), current_likelihood=1)
    drawn = heat_map(as_at=JUNE_30, since=datetime.date(2015, 5, 1))
    placed = {risk.reference: risk for risk in drawn.placed}
    assert {ref: (risk.before, risk.movement) for ref, risk in placed.items()} == {
        "R1": ((2, 2), "up"),
        "R2": ((4, 4), "down"),
        "R3": ((3, 3), "same"),
        "R4": (None, "new"),
    }
    assert placed["R2"].movement_words == "Down" and placed["R4"].movement_words == "New"
    assert all(risk.movement is None for risk in heat_map(as_at=JUNE_30).placed)


def test_the_map_can_be_limited_to_some_risks():
    board = made_on(APRIL, reference="R1", level="board")
    made_on(APRIL, reference="R2")
    assert references(heat_map(as_at=JUNE_30, risks=[board])) == ["R1"]
    assert references(heat_map(as_at=JUNE_30, risks=type(board).objects.filter(level="board"))) == ["R1"]


def test_a_frozen_map_reads_back_the_same_and_keeps_its_bands_when_the_matrix_changes(settings):
    risk = made_on(APRIL, reference="R1", title="CSE not identified early")
    change(risk, datetime.date(2015, 5, 20), current_likelihood=4)
    drawn = heat_map(as_at=JUNE_30, since=datetime.date(2015, 5, 1))
    frozen = json.loads(json.dumps(drawn.to_dict()))
    again = HeatMap.from_dict(frozen)
    assert again.to_dict() == drawn.to_dict()
    assert again.as_at == JUNE_30 and again.since == datetime.date(2015, 5, 1)
    assert cell_of(again, "R1") == (4, 4) and again.placed[0].title == "CSE not identified early"
    settings.RISK_MATRIX = default_matrix(((25, "low"),))  # everything Low from now on
    assert again.rows[1].cells[3].band.label == "Very high"  # likelihood 4 x impact 4, as it was drawn
    assert again.placed[0].band.label == "Very high" and again.placed[0].before_band.label == "High"  # 3 x 4
    assert heat_map(as_at=JUNE_30).rows[1].cells[3].band.label == "Low"


def test_one_query_however_many_risks(django_assert_num_queries):
    for number in range(1, 4):
        made_on(APRIL, reference=f"R{number}")
    with django_assert_num_queries(1):
        small = heat_map(as_at=JUNE_30, since=datetime.date(2015, 5, 1))
    for number in range(4, 31):
        change(made_on(APRIL, reference=f"R{number}"), datetime.date(2015, 5, 2), current_impact=5)
    with django_assert_num_queries(1):
        large = heat_map(as_at=JUNE_30, since=datetime.date(2015, 5, 1))
    assert small.count == 3 and large.count == 30


# The page.

URL = reverse("risks:heat-map")


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_draws_every_cell_with_its_band_in_words_and_a_count_linking_to_the_register(client, viewer):
    made_on(APRIL, reference="R1")
    made_on(APRIL, reference="R2")
    client.force_login(viewer)
    page = text(client.get(URL, {"as_at": "2015-06-30"}))
    for likelihood in SCALE:
        for impact in SCALE:
            cell = re.search(rf'data-cell="{likelihood}x{impact}">(.*?)</td>', page).group(1)
            assert band_of(likelihood, impact).label + "</strong>" in cell
            expected = "2 risks" if (likelihood, impact) == (3, 4) else "0 risks"
            assert expected in cell
    link = f"{reverse('risks:risk-list')}?likelihood=3&amp;impact=4&amp;score=current"
    assert f'href="{link}"' in page and "R1, R2" in page
    assert "Current scores (with the controls in place) of the open risks as at 30 June 2015: 2 risks" in page


def test_the_cell_link_leads_to_those_risks_in_the_register(client, viewer):
    made_on(APRIL, reference="R1")
    made_on(APRIL, reference="R2", current_likelihood=1, current_impact=1)
    client.force_login(viewer)
    page = text(client.get(reverse("risks:risk-list"), {"likelihood": 3, "impact": 4, "score": "current"}))
    assert 'id="risk-R1"' in page and 'id="risk-R2"' not in page


def test_the_page_switches_between_the_three_scores(client, viewer):
    made_on(APRIL, reference="R1")
    client.force_login(viewer)
    page = text(client.get(URL, {"as_at": "2015-06-30", "score": "target"}))
    assert "Target scores (at its target)" in page
    assert re.search(r'data-cell="2x3">.*?1 risk', page)
    assert 'href="?score=inherent&amp;as_at=2015-06-30"' in page
    assert '<strong aria-current="true">Target score</strong>' in page


def test_the_page_shows_movement_since_the_board_meeting_before_unless_another_date_is_chosen(client, viewer):
    board = SubgroupFactory(name="Dudley Safeguarding Children Board", kind=Subgroup.Kind.BOARD)
    MeetingFactory(body=board, date=datetime.date(2015, 5, 14))
    MeetingFactory(body=board, date=datetime.date(2015, 6, 20), status="cancelled")
    MeetingFactory(body=SubgroupFactory(), date=datetime.date(2015, 6, 25))  # not the Board
    risk = made_on(APRIL, reference="R1", current_likelihood=2, current_impact=2)
    change(risk, datetime.date(2015, 6, 1), current_likelihood=4)
    client.force_login(viewer)
    page = text(client.get(URL, {"as_at": "2015-06-30"}))
    assert "Movement since 14 May 2015" in page
    assert re.search(r'id="moved-R1">.*?2 x 2.*?Up</td>', page)
    page = text(client.get(URL, {"as_at": "2015-06-30", "since": "2015-06-02"}))
    assert "Movement since 2 June 2015" in page and re.search(r'id="moved-R1">.*?No change</td>', page)
    page = text(client.get(URL, {"as_at": "2015-06-30", "since": ""}))
    assert "Movement since" not in page and "The risks on the map" in page
    page = text(client.get(URL, {"as_at": "2015-05-01"}))
    assert "Movement since" not in page  # no Board meeting before
    # Each Board meeting (not the cancelled one) is a link to the map as at its day.
    meetings = re.search(r'id="board-meetings">(.*?)</p>', page).group(1)
    assert 'href="?score=current&amp;as_at=2015-05-14">14 May 2015</a>' in meetings
    assert "20 June" not in meetings and "25 June" not in meetings


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_at": "garbage"}, "Enter a real date the map is as at, for example 31 12 2015"),
        ({"as_at": "2015-02-30"}, "Enter a real date the map is as at"),
        ({"as_at": "20150630"}, "Enter a real date the map is as at"),
        (
            {"as_at-day": "30", "as_at-month": "2", "as_at-year": "2016"},
            "The date the map is as at must be a real date: February has no day 30",
        ),
        ({"as_at-day": "", "as_at-month": "6", "as_at-year": "2015"}, "The date the map is as at must include a day"),
        ({"as_at": "1999-12-31"}, "The date the map is as at must be between 2000 and 2100"),
        ({"as_at": "2101-01-01"}, "The date the map is as at must be between 2000 and 2100"),
        ({"as_at": "9" * 200}, "Enter a real date the map is as at"),
        ({"score": "evil"}, "Choose the inherent, current or target score"),
        ({"since": "yesterday"}, "Enter a real date to show movement since"),
        ({"as_at": "2015-06-30", "since": "2015-07-01"}, "must be before the date the map is as at"),
    ],
)
def test_a_bad_address_says_what_is_wrong_and_shows_a_map(client, viewer, query, message):
    made_on(APRIL, reference="R1")
    client.force_login(viewer)
    response = client.get(URL, query)
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "<title>Error: Heat map" in page
    assert 'id="heat-map-current"' in page


def test_a_bad_date_is_kept_in_the_boxes_to_be_corrected(client, viewer):
    client.force_login(viewer)
    page = text(client.get(URL, {"as_at-day": "1", "as_at-month": "13", "as_at-year": "2015", "since-day": ""}))
    assert 'id="as_at-month" name="as_at-month" type="text" inputmode="numeric" value="13"' in page
    assert '<li><a href="#as_at-month">The month must be a number from 1 to 12' in page
    assert f"as at {timezone.localdate():%-d %B %Y}" in page


def test_the_dates_are_asked_for_as_day_month_and_year_and_show_the_map_as_at_them(client, viewer):
    made_on(APRIL, reference="R1")
    client.force_login(viewer)
    typed = {"as_at-day": "30", "as_at-month": "6", "as_at-year": "2015"}
    page = text(client.get(URL, {**typed, "since-day": "2", "since-month": "6", "since-year": "2015"}))
    assert "as at 30 June 2015" in page and "Movement since 2 June 2015" in page
    assert 'name="since-day" type="text" inputmode="numeric" value="2"' in page
    # Blank "since" boxes: no movement, and the boxes stay blank.
    page = text(client.get(URL, {**typed, "since-day": "", "since-month": "", "since-year": ""}))
    assert "Movement since" not in page and 'name="since-day" type="text" inputmode="numeric" value=""' in page
    assert "There is a problem" not in page and "as at 30 June 2015" in page
    # Blank "as at" boxes: today, as with no date at all.
    page = text(client.get(URL, {"as_at-day": "", "as_at-month": "", "as_at-year": ""}))
    assert "There is a problem" not in page and f"as at {timezone.localdate():%-d %B %Y}" in page


def test_the_page_costs_the_same_queries_with_ten_times_the_risks(client, viewer, django_assert_num_queries):
    board = SubgroupFactory(kind=Subgroup.Kind.BOARD)
    MeetingFactory(body=board, date=datetime.date(2015, 5, 14))
    client.force_login(viewer)

    def grow(first, count):
        for number in range(first, first + count):
            change(made_on(APRIL, reference=f"R{number}"), datetime.date(2015, 6, 1), current_impact=5)

    grow(1, 3)
    client.get(URL)  # the session and the user's roles are read once and kept
    # The session, the user, the Board's meeting dates, the risks' history.
    with django_assert_num_queries(4):
        assert client.get(URL, {"as_at": "2015-06-30"}).status_code == 200
    grow(4, 27)
    with django_assert_num_queries(4):
        response = client.get(URL, {"as_at": "2015-06-30"})
    assert "30 risks" in text(response)


def test_a_frozen_map_draws_with_the_same_include_without_links():
    made_on(APRIL, reference="R1")
    frozen = json.loads(json.dumps(heat_map(as_at=JUNE_30).to_dict()))
    html = re.sub(r"\s+", " ", render_to_string("risks/_heat_map.html", {"heat_map": HeatMap.from_dict(frozen)}))
    assert re.search(r'data-cell="3x4">.*?High</strong>.*?1 risk: R1', html)
    assert "as at 30 June 2015: 1 risk" in html and "likelihood=" not in html
