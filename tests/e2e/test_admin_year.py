"""The admin's year in the browser: a spreadsheet becomes a plan; next year's plan starts from this one as a draft
while this year is still reported, and activating it closes this year."""

from playwright.sync_api import expect

from planfile.demo import DEMO_PLAN_FILE

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


def test_admin_uploads_a_spreadsheet_reads_the_preview_and_confirms(page, demo_site, tmp_path):
    vnu_command()
    documents = {}
    sign_in(page, demo_site.url, "manager")
    page.goto(demo_site.url + "/plans/")
    with page.expect_navigation():
        page.get_by_role("link", name="Import a plan from a spreadsheet").click()
    assert_no_axe_violations(page)
    documents["upload"] = page.content()

    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the plan file to upload")

    new_plan = tmp_path / "next-year.csv"
    new_plan.write_text(
        DEMO_PLAN_FILE.read_text(encoding="utf-8")
        .replace("Plan,slug,2015-16", "Plan,slug,2017-18")
        .replace("Business Plan 2015/16", "Business Plan 2017/18"),
        encoding="utf-8",
    )
    page.get_by_label("Plan file").set_input_files(new_plan)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before it is saved")
    expect(page.get_by_text("This file creates a new draft plan")).to_be_visible()
    expect(page.locator("#import-summary")).to_contain_text("59")
    assert_no_axe_violations(page)
    documents["preview"] = page.content()

    page.get_by_role("button", name="Import the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Business Plan 2017/18 imported as a draft.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dudley Safeguarding Children Board Business Plan 2017/18"
    )
    expect(page.locator(".app-plan-action")).to_have_count(26)

    page.goto(demo_site.plan_url)
    page.get_by_role("link", name="Start next year's plan").click()
    expect(page.locator("#roll-over-summary")).to_contain_text("22 actions that are not complete")
    expect(page.locator("#due-dates-to-review")).to_contain_text("1.2.1 ‘2015-2016’")
    expect(page.locator("#carried-actions .app-due-to-review")).to_have_count(3)
    expect(page.locator("#carried-actions tbody tr").filter(has_text="Due date to review").first).to_contain_text(
        "1.2.1"
    )
    assert_no_axe_violations(page)
    documents["roll-over"] = page.content()
    page.get_by_role("button", name="Start 2016/17 as a draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Business Plan 2016/17 started as a draft")
    expect(page.get_by_text("This plan is draft")).to_be_visible()
    expect(page.locator(".app-plan-action")).to_have_count(22)
    # The board's reference kept: 2.1.1 was complete and stays behind, 2.1.2 is still 2.1.2.
    objective = page.locator('section[aria-labelledby="objective-2.1"] .app-plan-action__text')
    expect(objective.first).to_contain_text("2.1.2 ")

    # This year is still the active plan while next year's draft is prepared.
    page.goto(demo_site.plan_url)
    expect(page.get_by_text("This plan is closed")).to_have_count(0)
    expect(page.get_by_role("link", name="Open and lock reporting periods")).to_be_visible()

    page.goto(demo_site.url + "/plans/2016-17/")
    page.get_by_role("link", name="Activate 2016/17").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate 2016/17")
    expect(page.locator("#activate-summary")).to_contain_text("Business Plan 2015/16 is closed")
    expect(page.locator("#activate-summary")).to_contain_text("Period 4")
    assert_no_axe_violations(page)
    documents["activate"] = page.content()
    page.get_by_role("button", name="Activate 2016/17 and close 2015/16").click()
    expect(page.get_by_role("alert")).to_contain_text("Business Plan 2016/17 is now the active plan.")
    expect(page.get_by_role("alert")).to_contain_text("2015/16 is closed: Period 4 locked.")
    expect(page.get_by_text("This plan is draft")).to_have_count(0)
    expect(page.locator(".app-plan-action")).to_have_count(22)
    page.goto(demo_site.plan_url)
    expect(page.get_by_text("This plan is closed")).to_be_visible()
    assert_valid_html(documents)
