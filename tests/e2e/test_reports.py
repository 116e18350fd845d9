"""The business manager takes the reports to a meeting: on screen, printed, issued."""

import re

from playwright.sync_api import expect

from .checks import TEST_RESULTS, assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


def test_manager_opens_prints_and_issues_the_executive_report(page, demo_site):
    sign_in(page, demo_site.url, "manager")
    page.goto(demo_site.plan_url)
    page.get_by_role("link", name="Reports for this plan").click()
    page.get_by_role("link", name="Executive report for Period 3: Aug–Sep 2015").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding Executive report: Period 3: Aug–Sep 2015")
    expect(page.get_by_text("Draft · Draft generated")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".app-report-toolbar")).to_be_hidden()
    expect(page.get_by_role("heading", name="Exceptions: Red, Amber and No update")).to_be_visible()
    TEST_RESULTS.mkdir(exist_ok=True)
    page.pdf(path=TEST_RESULTS / "executive-report-print.pdf", format="A4")
    page.screenshot(path=TEST_RESULTS / "executive-report-print.png", full_page=True)
    page.emulate_media(media="screen")

    page.get_by_text("Issue this report to a meeting").click()
    page.get_by_label("Meeting").fill("Safeguarding Executive, 19 October 2015")
    page.get_by_role("button", name="Issue report").click()
    expect(page.get_by_role("alert")).to_contain_text("Issued version 1 of the Safeguarding Executive report.")
    expect(page.get_by_text("Issued version 1 to Safeguarding Executive, 19 October 2015")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "executive-report-2015-16-period-3-v1.pdf"


def test_report_pages_pass_axe_and_the_html_checker(page, demo_site):
    vnu_command()
    sign_in(page, demo_site.url, "manager")
    documents = {}
    for path in [
        "/plans/2015-16/reports/",
        "/plans/2015-16/periods/3/executive-report/",
        # The reports page with the date input's error: 31 February.
        "/plans/2015-16/board-report/?as_at-day=31&as_at-month=2&as_at-year=2016",
        "/plans/2015-16/board-report/?as_at=2015-12-01",
    ]:
        page.goto(demo_site.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(page)
        documents[path] = page.content()
    page.get_by_text("Issue this report to a meeting").click()
    page.get_by_label("Meeting").fill("Board, 1 December 2015")
    page.get_by_role("button", name="Issue report").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    assert_no_axe_violations(page)
    documents["issued"] = page.content()
    assert_valid_html(documents)
