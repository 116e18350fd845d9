"""A chair finds their subgroup's action on the plan; the plan prints without its screen furniture."""

import re

from playwright.sync_api import expect

from .checks import TEST_RESULTS, sign_in

ACTION_112 = "Review and strengthen processes for recording and acting on feedback from the child / young person"
# Plain words only: Playwright passes a name pattern on as /.../, where re.escape's "\ " and a "/" break it.
ACTION_112_PATTERN = r"Review and strengthen processes for recording and acting on feedback from the child"
STATUS_WORDS = ["Not started", "Green", "Amber", "Red", "Complete", "No update"]


def test_chair_filters_the_plan_by_their_subgroup_and_opens_an_action(page, demo_site):
    page.goto(demo_site.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, demo_site.url, "chair-quality-assurance")
    expect(page).to_have_url(demo_site.url + "/")
    page.get_by_role("link", name="The plan: priorities, objectives and actions").click()
    expect(page).to_have_url(demo_site.plan_url)

    page.get_by_label("Lead subgroup").select_option(label="Quality Assurance sub")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]lead=quality-assurance(&|$)"))
    expect(page.get_by_label("Lead subgroup")).to_have_value("quality-assurance")
    action_link = page.get_by_role("link", name=re.compile(r"1\.1\.2 " + ACTION_112_PATTERN))
    expect(action_link).to_be_visible()
    # 1.1.1 is led by the Participation sub, so the filter leaves it out.
    expect(page.get_by_role("link", name=re.compile(r"1\.1\.1 Produce practice standards"))).to_have_count(0)

    action_link.click()

    expect(page).to_have_url(demo_site.action_url("1.1.2"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("^" + ACTION_112_PATTERN))
    expect(heading).to_contain_text(ACTION_112)
    expect(page.get_by_role("heading", name="Progress updates", level=2)).to_be_visible()
    period_3 = page.get_by_role("heading", name=re.compile(r"^Period 3: Aug–Sep 2015"), level=3)
    expect(period_3).to_be_visible()
    expect(period_3).to_contain_text("Green")
    expect(page.get_by_role("heading", name=re.compile(r"^Period 2: Jun–Jul 2015"), level=3)).to_contain_text("Amber")


def test_printed_plan_hides_navigation_and_filters_and_keeps_status_words(signed_in_page, demo_site):
    page = signed_in_page("viewer")
    page.goto(demo_site.plan_url)
    statuses = page.locator(".app-plan-action .app-status")
    expect(statuses).to_have_count(26)

    page.emulate_media(media="print")

    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".app-filters")).to_be_hidden()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_hidden()
    for index in range(statuses.count()):
        status = statuses.nth(index)
        expect(status).to_be_visible()
        expect(status).to_have_text(re.compile("^(" + "|".join(STATUS_WORDS) + ")$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    TEST_RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=TEST_RESULTS / "plan-print.png", full_page=True)
    assert (TEST_RESULTS / "plan-print.png").stat().st_size > 10_000
