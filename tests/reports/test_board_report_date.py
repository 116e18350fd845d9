"""The Board report's date: by default the Board meeting's, said on the page; typed in the GOV.UK date input; a
date the plan cannot answer for is refused in words. And the report prints what it says whole, in the body font."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from plans.models import BusinessPlan, ReportingPeriod
from reports.data import board_meeting_dates, board_report_default_date
from tests.reports.test_reports import pdf_pages, squash

pytestmark = pytest.mark.django_db


def board_url(plan, suffix=""):
    name = {"": "reports:board-report", "pdf": "reports:board-report-pdf", "xlsx": "reports:board-report-xlsx"}
    return reverse(name[suffix], args=[plan.slug])


def test_the_board_meets_at_the_end_of_each_quarter_of_the_plan_year(demo):
    plan, _ = demo
    assert board_meeting_dates(plan) == [
        datetime.date(2015, 6, 30),
        datetime.date(2015, 9, 30),
        datetime.date(2015, 12, 31),
        datetime.date(2016, 3, 31),
    ]


def set_states(plan, open_number):
    """Periods before `open_number` locked, that one open, the later ones not yet opened."""
    for period in plan.periods.all():
        state = "locked" if period.number < open_number else "open" if period.number == open_number else "upcoming"
        ReportingPeriod.objects.filter(pk=period.pk).update(state=state)
    return list(plan.periods.all())


@pytest.mark.parametrize(
    ("open_number", "today", "expected"),
    [
        (4, datetime.date(2015, 10, 15), datetime.date(2015, 12, 31)),  # in the year: the next meeting
        (5, datetime.date(2016, 1, 5), datetime.date(2016, 3, 31)),
        (2, datetime.date(2015, 6, 20), datetime.date(2015, 6, 30)),  # the next meeting, before period 2 ends
        (4, datetime.date(2026, 12, 1), datetime.date(2015, 12, 31)),  # long after: the meeting for period 4
    ],
)
def test_the_default_date_is_the_board_meeting_next_due_to_hear_the_period_reported(demo, open_number, today, expected):
    plan, _ = demo
    assert board_report_default_date(plan, set_states(plan, open_number), today) == expected


def test_with_no_date_the_report_is_the_board_meetings_and_says_so(client, demo):
    """Today (long after the 2015/16 year) is not the date: that showed periods 1 to 6, mostly "No update"."""
    plan, users = demo
    client.force_login(users["viewer"])
    page = client.get(board_url(plan)).content.decode().replace("&#x27;", "'")
    assert "Board progress report as at 31 December 2015" in page
    assert (
        "(periods 1 to 4), the end of the plan year's quarter 3: the report for the Board's quarterly meeting" in page
    )
    assert "No date was chosen, so this report is as at 31 December 2015, for the Board's quarter 3 meeting" in (page)


def test_after_the_year_a_closed_plan_defaults_to_its_last_board_meeting(client, demo):
    plan, users = demo
    plan.periods.update(state="locked")
    BusinessPlan.objects.filter(pk=plan.pk).update(status="closed")
    client.force_login(users["viewer"])
    page = client.get(board_url(plan)).content.decode()
    assert "Board progress report as at 31 March 2016" in page and "(periods 1 to 6)" in page


def test_the_reports_page_offers_the_default_date_in_a_gov_uk_date_input(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    page = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
    assert 'class="govuk-date-input"' in page
    for part, value in [("day", "31"), ("month", "12"), ("year", "2015")]:
        assert re.search(
            rf'id="as_at-{part}" name="as_at-{part}" type="text" inputmode="numeric" value="{value}"', page
        )
    assert "for example 31 12 2015" in page and "2015-12-01" not in page
    for day in ["2015-06-30", "2015-09-30", "2015-12-31", "2016-03-31"]:
        assert f'href="{board_url(plan)}?as_at={day}"' in page


@pytest.mark.parametrize("suffix", ["", "pdf", "xlsx"])
def test_a_date_typed_in_the_boxes_opens_the_report_at_its_own_address(client, demo, suffix):
    plan, users = demo
    client.force_login(users["viewer"])
    response = client.get(board_url(plan, suffix), {"as_at-day": "1", "as_at-month": "12", "as_at-year": "2015"})
    assert response.status_code == 302
    assert response["Location"] == f"{board_url(plan, suffix)}?as_at=2015-12-01"


BAD_DATES = [
    # (day, month, year), the message, the boxes marked
    (("31", "2", "2016"), "The date must be a real date: February has no day 31", ["day"]),
    (("aa", "bb", "2015"), "Enter the day, month and year as numbers, for example 31 12 2015", ["day", "month"]),
    (("1", "12", "99999"), "The year must have 4 numbers, for example 2015", ["year"]),
    (("1", "13", "2015"), "The month must be a number from 1 to 12, for example 31 12 2015", ["month"]),
    (("", "12", "2015"), "The date must include a day", ["day"]),
    (("1", "", ""), "The date must include a month and year", ["month", "year"]),
    (("", "", ""), "Enter the date the report is as at", ["day", "month", "year"]),
    (("31", "3", "2015"), "The date must be on or after 1 April 2015, when the 2015/16 plan starts", None),
    (("1", "4", "2017"), "The date must be on or before 31 March 2017, a year after the 2015/16 plan ends", None),
]


@pytest.mark.parametrize(("typed", "message", "marked"), BAD_DATES, ids=[message for _, message, _ in BAD_DATES])
@pytest.mark.parametrize("suffix", ["", "pdf"])
def test_a_bad_date_is_an_error_on_the_reports_page_with_what_was_typed(client, demo, typed, message, marked, suffix):
    plan, users = demo
    client.force_login(users["viewer"])
    marked = marked or ["day", "month", "year"]
    query = dict(zip(["as_at-day", "as_at-month", "as_at-year"], typed, strict=True))
    response = client.get(board_url(plan, suffix), query)
    assert response.status_code == 400
    page = response.content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in summary
    assert f'<a href="#as_at-{marked[0]}">{message}</a>' in page.replace("&#x27;", "'")
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page.replace("&#x27;", "'")
    assert "<title>Error: Reports" in page
    for part, value in zip(["day", "month", "year"], typed, strict=True):
        box = re.search(rf'<input class="([^"]*)" id="as_at-{part}"[^>]*value="([^"]*)"', page)
        assert box.group(2) == value
        assert ("govuk-input--error" in box.group(1)) == (part in marked)
    assert "periods 1 to" not in page


@pytest.mark.parametrize(
    ("as_at", "status", "says"),
    [
        ("2015-03-31", 400, "The date must be on or after 1 April 2015"),
        ("2017-04-01", 400, "The date must be on or before 31 March 2017"),
        ("99999-01-01", 400, "Enter a real date, for example 31 12 2015"),
        ("2017-03-31", 200, "(periods 1 to 6)"),
        ("2015-04-01", 200, "(periods 1 to 1)"),
    ],
)
def test_a_date_in_the_address_is_refused_outside_the_plans_reach(client, demo, as_at, status, says):
    plan, users = demo
    client.force_login(users["viewer"])
    response = client.get(board_url(plan), {"as_at": as_at})
    assert response.status_code == status
    assert says in response.content.decode()


LONG_TITLE = (
    "Children and young people are safe from harm, neglect and exploitation at home, at school, online and in the "
    "community, wherever they live in the borough"
)


@pytest.mark.parametrize("kind", ["board", "executive"])
def test_a_long_priority_title_is_printed_whole_on_screen_and_in_the_pdf(client, demo, tmp_path, kind):
    plan, users = demo
    plan.priorities.filter(ref="1").update(title=LONG_TITLE)
    client.force_login(users["viewer"])
    if kind == "board":
        html, pdf = board_url(plan), board_url(plan, "pdf")
        query = {"as_at": "2015-12-31"}
    else:
        html = reverse("reports:executive-report", args=[plan.slug, 3])
        pdf, query = reverse("reports:executive-report-pdf", args=[plan.slug, 3]), {}
    page = client.get(html, query).content.decode()
    counts = page.split(">Status of actions")[1].split("</table>")[0]
    assert f"1. {LONG_TITLE}</th>" in counts and "…" not in counts
    text = squash(" ".join(pdf_pages(client.get(pdf, query).content, tmp_path, raw=True)))
    # Once in the summary's table of counts, once as the priority's heading.
    assert text.count(LONG_TITLE) == 2, text[:3000]


def test_the_marking_is_in_the_body_font_and_writes_dates_as_everywhere_else(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    page = client.get(board_url(plan), {"as_at": "2015-12-01"}).content.decode()
    marking = re.search(r'<p class="([^"]*app-report-marking[^"]*)"><strong>Draft</strong> · ([^<]*)</p>', page)
    assert "govuk-body" in marking.group(1).split()
    today = date_format(timezone.localdate(), "j F Y")
    assert re.fullmatch(rf"Draft generated {today} at \d\d:\d\d", marking.group(2))
    assert "Board progress report as at 1 December 2015" in page
