"""The manager records attendance at a Safeguarding Executive meeting of the demo plan, and KPI 3.3.K4, computed
from attendance, changes on the dashboard."""

import re

from playwright.sync_api import expect

from kpis.models import KPIValue

from .checks import assert_no_axe_violations, sign_in

MEETING = "19 October 2015"  # the Safeguarding Executive meeting Period 3 reports to, in Period 4's dates


def attendance_kpi_cell(page, site):
    page.goto(f"{site.url}/")
    row = page.get_by_role("row", name=re.compile(r"^3\.3\.K4 "))
    return row.get_by_role("cell").nth(1)


def test_the_manager_records_attendance_and_sees_the_attendance_kpi_change(page, demo_site):
    sign_in(page, demo_site.url, "manager")
    before = KPIValue.objects.get(kpi__ref="3.3.K4", period__number=4)
    expect(attendance_kpi_cell(page, demo_site)).to_have_text(before.display)

    page.get_by_role("link", name="Meetings").click()
    page.get_by_label("Body").select_option(label="Safeguarding Executive")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=re.compile(rf"^{MEETING}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meeting of {MEETING}")
    page.get_by_role("link", name="Record attendance").click()
    # Two who were there sent apologies after all; one of them came by deputy.
    page.get_by_label("Attendance of Kevin Dunn").select_option("apologies")
    page.get_by_label("Attendance of Anita Shah").select_option("deputy")
    page.get_by_label("Deputy for Anita Shah").fill("Beth Lowe")
    page.get_by_label("Attendance of Jo Whitfield").select_option("apologies")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Attendance at the meeting of Safeguarding Executive on {MEETING} saved."
    )
    expect(page.locator("#meeting-status")).to_have_text("Held")
    expect(page.get_by_text("Beth Lowe")).to_be_visible()

    after = KPIValue.objects.get(kpi__ref="3.3.K4", period__number=4)
    assert after.value < before.value and after.entered_by.username == "manager"
    expect(attendance_kpi_cell(page, demo_site)).to_have_text(after.display)
