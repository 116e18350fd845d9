"""The meeting page's standing item links the report issued for the meeting, which reports registers."""

import datetime

import pytest

from reports.models import IssuedReport
from tests.factories import (
    BusinessPlanFactory,
    IssuedReportFactory,
    MeetingFactory,
    ReportingPeriodFactory,
    SubgroupFactory,
    make_viewer,
)

pytestmark = pytest.mark.django_db


def standing_item(client, meeting):
    client.force_login(make_viewer())
    page = client.get(meeting.get_absolute_url()).content.decode()
    start = page.index('id="agenda-heading"')
    return page[start : page.index('id="attendance-heading"', start)]


def test_a_safeguarding_executive_meeting_links_the_newest_version_of_its_periods_report(client):
    plan = BusinessPlanFactory(bare=True)
    period = ReportingPeriodFactory(plan=plan, number=2)
    executive = SubgroupFactory(name="Safeguarding Executive")
    meeting = MeetingFactory(body=executive, date=datetime.date(2015, 8, 17), period=period)
    assert "No report has been issued for it yet" in standing_item(client, meeting)

    IssuedReportFactory(plan=plan, period_number=1, version=1, title="Report for Period 1")
    IssuedReportFactory(plan=plan, period_number=2, version=1, title="Report for Period 2")
    newest = IssuedReportFactory(plan=plan, period_number=2, version=2, title="Report for Period 2, reissued")
    item = standing_item(client, meeting)
    assert f'href="{newest.get_absolute_url()}">Report for Period 2, reissued</a>' in item
    assert "Period 1" not in item and "No report has been issued" not in item


def test_a_board_meeting_links_the_board_report_as_at_the_quarter_before_it(client):
    board = SubgroupFactory(name="The Board", kind="board")
    meeting = MeetingFactory(body=board, date=datetime.date(2015, 12, 8))
    plan = BusinessPlanFactory(bare=True)
    for as_at, title in [
        (datetime.date(2015, 8, 31), "As at 31 August"),  # a quarter earlier: the previous meeting's
        (datetime.date(2015, 11, 30), "As at 30 November"),
        (datetime.date(2015, 12, 31), "As at 31 December"),  # after the meeting
    ]:
        IssuedReportFactory(plan=plan, kind=IssuedReport.Kind.BOARD, period_number=None, as_at=as_at, title=title)
    item = standing_item(client, meeting)
    assert ">As at 30 November</a>" in item and "31 August" not in item and "31 December" not in item


def test_a_subgroup_meeting_has_no_report(client):
    meeting = MeetingFactory(body=SubgroupFactory(name="Quality Assurance"))
    assert "No reporting period reports to this meeting" in standing_item(client, meeting)


def test_a_board_meeting_with_no_report_says_so(client):
    meeting = MeetingFactory(body=SubgroupFactory(name="The Board", kind="board"))
    assert "No Board progress report has been issued for it yet" in standing_item(client, meeting)
