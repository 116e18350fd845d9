"""The admin's year in the browser: a spreadsheet becomes a plan; next year's plan starts from this one."""

from playwright.sync_api import expect

from planfile.demo import DEMO_PLAN_FILE

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


def test_admin_uploads_a_spreadsheet_reads_the_preview_and_confirms(page, demo_site, tmp_path):
    vnu_command()
    documents = {}
    sign_in(page, demo_site.url, "manager")
    page.goto(demo_site.url + "/plans/")
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
    assert_no_axe_violations(page)
    documents["roll-over"] = page.content()
    page.get_by_role("button", name="Start 2016/17 and close 2015/16").click()
    expect(page.get_by_role("alert")).to_contain_text("Business Plan 2016/17 started")
    expect(page.locator(".app-plan-action")).to_have_count(22)
    assert_valid_html(documents)
