"""The manager moves a Safeguarding Executive meeting and sees the deadlines counted back from it, then the
reminders sent and scheduled; a chair chooses a weekly digest. Each page passes axe-core."""

import datetime

from playwright.sync_api import expect

from progress.reminders import reminders_send

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command

PERIOD_6 = "Period 6: Feb–Mar 2016"


def test_the_manager_moves_a_meeting_and_sees_the_reminders(page, demo_site):
    sign_in(page, demo_site.url, "manager")
    page.goto(f"{demo_site.plan_url}periods/")
    page.get_by_role("link", name=f"Move meeting of {PERIOD_6}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Safeguarding Executive meeting of {PERIOD_6}")
    assert_no_axe_violations(page)
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2016")
    page.get_by_role("button", name="Work out the dates first").click()
    expect(page.locator("#proposed-dates")).to_contain_text("With the meeting on Wednesday 27 April 2016")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Move the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Meeting of {PERIOD_6} moved to 27 April 2016")
    expect(page.locator("#period-dates")).to_contain_text("Wednesday 27 April 2016")
    assert_no_axe_violations(page)

    reminders_send(today=datetime.date(2015, 12, 3), site_url=demo_site.url)
    page.goto(f"{demo_site.url}/my/")
    page.get_by_role("link", name="Reminders and chasers sent and scheduled").click()
    expect(page.locator("#sent")).to_contain_text("Reminder, Period 4: Oct–Nov 2015")
    expect(page.locator("#scheduled")).to_contain_text("Thursday 3 December 2015")
    assert_no_axe_violations(page)


def test_a_chair_chooses_a_weekly_digest(page, demo_site):
    sign_in(page, demo_site.url, "chair-quality-assurance")
    page.goto(f"{demo_site.url}/my/")
    with page.expect_navigation():
        page.get_by_role("link", name="How you are reminded of what is due").click()
    assert_no_axe_violations(page)
    page.get_by_label("One email a week, on Mondays, listing everything due").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("You will get one email a week listing everything due.")
    expect(page.get_by_label("One email a week, on Mondays, listing everything due")).to_be_checked()
    assert_no_axe_violations(page)


def test_the_new_pages_are_valid_html(page, demo_site):
    vnu_command()  # before visiting the pages: skip (or fail on CI) at once without java
    sign_in(page, demo_site.url, "manager")
    documents = {}
    for path in ("/plans/2015-16/periods/6/meeting/", "/plans/2015-16/periods/", "/my/emails/", "/my/emails/log/"):
        page.goto(demo_site.url + path)
        documents[path] = page.content()
    assert_valid_html(documents)
