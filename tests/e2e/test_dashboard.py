"""A board member signs in and lands on the dashboard: the active plan's progress, readable by anyone, and clean
for axe-core and the Nu HTML Checker."""

import re

from playwright.sync_api import expect

from .checks import TEST_RESULTS, assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


def test_a_viewer_signs_in_and_lands_on_the_dashboard(page, demo_site):
    vnu_command()  # before anything else: skip (or fail on CI) at once without java
    page.goto(demo_site.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    sign_in(page, demo_site.url, "viewer")

    expect(page).to_have_url(demo_site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.plan.title)
    expect(page.get_by_text("Progress in Period 4: Oct–Nov 2015.")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Actions by status for each priority"))).to_be_visible()

    counts = page.get_by_role("table", name=re.compile(r"^Number of actions in each status"))
    overall = counts.get_by_role("row", name=re.compile(r"^Overall"))
    expect(overall.get_by_role("cell")).to_have_text(["0", "0", "22", "0", "0", "4", "26"])
    for level, name in ((3, "Red 0 actions"), (3, "Amber 0 actions"), (3, "No update 22 actions")):
        expect(page.get_by_role("heading", level=level, name=name)).to_be_visible()
    kpis = page.get_by_role("table", name=re.compile(r"^Each KPI's value"))
    expect(kpis.get_by_role("row")).to_have_count(23)  # the header and 22 KPIs
    expect(kpis.get_by_role("img", name=re.compile(r"^Values of 1\.1\.K1 so far"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^How many of each subgroup"))).to_be_visible()
    risks = page.get_by_role("table", name=re.compile(r"^The risk register on "))
    expect(risks.get_by_role("row", name=re.compile(r"^Escalated to the Board"))).to_contain_text("1")

    TEST_RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=TEST_RESULTS / "dashboard.png", full_page=True)
    assert_no_axe_violations(page)
    assert_valid_html({f"dashboard ({page.url})": page.content()})

    page.get_by_role("link", name="1.1.2 Review and strengthen processes").click()
    expect(page).to_have_url(demo_site.action_url("1.1.2"))
