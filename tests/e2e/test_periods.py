"""The reporting period in a board's year: the manager unlocks Period 1 for a late correction, a chair corrects
it, and the dashboard and My work stay on Period 4 for both of them throughout; the manager moves a deadline."""

import re

from playwright.sync_api import expect

from .checks import assert_no_axe_violations, sign_in

PERIOD_1 = "Period 1: Apr–May 2015"
PERIOD_4 = "Period 4: Oct–Nov 2015"


def chair_username(site, code="1.1.2"):
    """The chair of the subgroup that leads the action (Quality Assurance for 1.1.2)."""
    return site.action(code).lead.memberships.get(role="chair").user.username


def expect_on_period_4(page, site):
    """The dashboard and My work both show Period 4, and neither shows Period 1 as the period being reported."""
    page.goto(f"{site.url}/")
    expect(page.get_by_text(f"Progress in {PERIOD_4}.")).to_be_visible()
    expect(page.locator("#next-deadline")).to_contain_text(f"updates for {PERIOD_4} are due by")
    page.goto(f"{site.url}/my/")
    expect(page.get_by_text(f"{PERIOD_4}: updates are due by")).to_be_visible()
    expect(page.get_by_text(f"{PERIOD_1}: updates are due by")).to_have_count(0)


def test_a_correction_to_period_1_moves_nobody_from_period_4(page, browser, demo_site):
    chair = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, demo_site.url, "manager")
    sign_in(chair, demo_site.url, chair_username(demo_site))
    expect_on_period_4(page, demo_site)
    expect_on_period_4(chair, demo_site)

    # The manager unlocks Period 1 from the periods page.
    page.goto(demo_site.plan_url)
    page.get_by_role("link", name="Open and lock reporting periods").click()
    page.get_by_role("button", name=f"Unlock {PERIOD_1}").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{PERIOD_1} unlocked.")
    expect(page.locator("#period-1")).to_contain_text("Open for corrections")
    expect(page.locator("#period-4")).to_contain_text("Reporting period")
    assert_no_axe_violations(page)
    expect_on_period_4(page, demo_site)

    # The chair sees Period 1 offered for corrections, and corrects action 1.1.2's Period 1 update.
    expect_on_period_4(chair, demo_site)
    expect(chair.get_by_text(f"{PERIOD_1} is open for corrections")).to_be_visible()
    chair.goto(demo_site.action_url("1.1.2"))
    chair.get_by_role("link", name=f"record or correct the update for {PERIOD_1}").click()
    expect(chair.get_by_text(f"Action 1.1.2 · {PERIOD_1}")).to_be_visible()
    chair.get_by_label("Progress this period").fill("Corrected: the audit started in May, not June")
    chair.get_by_role("button", name="Submit update").click()
    expect(chair).to_have_url(re.compile(r"/actions/\d+/$"))
    expect(chair.get_by_role("alert")).to_contain_text("Update for action 1.1.2 submitted.")
    period_1 = chair.get_by_role("region", name=re.compile(rf"^{PERIOD_1}"))
    expect(period_1).to_contain_text("Corrected: the audit started in May, not June")
    expect(chair.locator(".govuk-summary-list__row", has_text="Current status")).to_contain_text(f"for {PERIOD_4}")

    expect_on_period_4(chair, demo_site)
    expect_on_period_4(page, demo_site)
    chair.context.close()


def test_the_manager_moves_period_4s_deadline(page, demo_site):
    sign_in(page, demo_site.url, "manager")
    page.goto(demo_site.plan_url)
    page.get_by_role("link", name="Open and lock reporting periods").click()
    expect(page.locator("#period-4")).to_contain_text("10 December 2015")
    page.get_by_role("link", name=f"Change dates of {PERIOD_4}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dates of {PERIOD_4}")

    deadline = page.get_by_role("group", name="Updates due by")
    deadline.get_by_label("Day").fill("21")
    page.get_by_role("button", name="Save dates").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The Safeguarding Executive meeting must be on or after the update deadline")
    expect(deadline.get_by_label("Day")).to_have_value("21")  # what was typed is kept
    assert_no_axe_violations(page)

    page.get_by_role("group", name="Safeguarding Executive meeting").get_by_label("Day").fill("28")
    page.get_by_role("button", name="Save dates").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Dates of {PERIOD_4} saved.")
    expect(page.locator("#period-4")).to_contain_text("21 December 2015")
    expect(page.locator("#period-4")).to_contain_text("28 December 2015")

    page.get_by_role("link", name=f"Change dates of {PERIOD_4}").click()
    expect(page.locator(".app-history")).to_contain_text("Updates due by: 10 December 2015 → 21 December 2015")
    page.goto(f"{demo_site.url}/my/")
    expect(page.get_by_text(f"{PERIOD_4}: updates are due by 21 December 2015")).to_be_visible()
