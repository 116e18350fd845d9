"""A chair's period: record an update and KPI values from My work, without losing a word to a colleague
saving at the same time or to a session that timed out."""

import re

from playwright.sync_api import expect

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command

ACTION = re.compile(r"^1\.1\.2 Review and strengthen processes")


def open_update_form(page, site, username="chair-quality-assurance"):
    sign_in(page, site.url, username)
    page.goto(f"{site.url}/my/")
    page.get_by_role("link", name=ACTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress update")
    # The heading shows as the page is parsed; the form keeps what is typed once its module script has run, which
    # is before DOMContentLoaded. A loaded machine can be between the two.
    page.wait_for_load_state("domcontentloaded")


def test_chair_records_an_amber_update_and_two_kpi_values(page, demo_site):
    sign_in(page, demo_site.url, "chair-quality-assurance")
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_text("Period 4: Oct–Nov 2015: updates are due by")).to_be_visible()

    page.get_by_role("link", name=ACTION).click()
    expect(page.get_by_text("Last update: Period 3: Aug–Sep 2015")).to_be_visible()
    page.get_by_role("radio", name="Amber").check()
    page.get_by_role("button", name="Submit update").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Say why the action is Amber")
    expect(summary).to_contain_text("Say what progress was made this period")

    page.get_by_label("Reason").fill("Two agencies have not yet sent their feedback processes")
    page.get_by_label("Progress this period").fill("Feedback processes collected from five of seven agencies")
    page.get_by_label("Impact on children and young people").fill("Young people's feedback now reaches managers")
    page.get_by_label("Next steps").fill("Chase the remaining two agencies")
    page.get_by_role("button", name="Submit update").click()

    expect(page).to_have_url(re.compile(r"/my/$"))  # back to the page the chair came from
    expect(page.get_by_role("alert")).to_contain_text("Update for action 1.1.2 submitted.")
    row = page.locator(".govuk-task-list__item").filter(has_text="1.1.2 Review and strengthen")
    expect(row.locator(".app-update-state")).to_have_text("Submitted")  # the update's state, in its own tag
    expect(row.locator(".app-status")).to_have_text("Amber")  # and the action's status, in the key's tag

    # One KPI value in place (htmx), one on its value page. In place, the row's tag and the count of what is
    # done change with the saved value, without a reload. (3.3.K1 and 3.3.K2 are computed from the audit returns,
    # so the Quality Assurance sub owes no value for them.)
    expect(page.get_by_text("1 of 11 done.")).to_be_visible()
    kpi_row = page.locator(".govuk-task-list__item").filter(
        has=page.get_by_role("link", name=re.compile(r"^1\.1\.K1 "))
    )
    expect(kpi_row.locator(".govuk-task-list__status")).to_have_text("Not entered")
    # From the keyboard: the form swapped in takes the focus, and so does the line that says it is saved.
    page.get_by_role("button", name="Enter here the value of 1.1.K1").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Number that met the measure (numerator)")).to_be_focused()
    page.keyboard.type("45")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Out of (denominator)")).to_be_focused()
    page.keyboard.type("60")
    page.get_by_role("button", name="Save value").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved: 75% (Green) for Period 4")
    expect(page.get_by_role("status").filter(has_text="Saved: 75%")).to_be_focused()
    expect(kpi_row.locator(".govuk-task-list__status")).to_have_text("Entered")
    expect(page.get_by_text("2 of 11 done.")).to_be_visible()
    expect(page.get_by_text("1 of 11 done.")).to_have_count(0)

    page.get_by_role("link", name=re.compile(r"^3\.3\.K3 Number of multi- agency audits")).click()
    page.get_by_label("Count").fill("-2")
    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_role("alert")).to_contain_text("The count cannot be negative")
    page.get_by_label("Count").fill("4")
    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_role("alert")).to_contain_text("Value for KPI 3.3.K3 saved.")
    expect(page.get_by_text("3 of 11 done.")).to_be_visible()

    page.goto(demo_site.plan_url)
    row = page.locator(".app-plan-action").filter(has_text="1.1.2 Review and strengthen")
    expect(row.locator(".app-status")).to_have_text("Amber")


def test_two_people_saving_at_once_see_a_conflict_and_keep_both_texts(page, browser, demo_site):
    other_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    open_update_form(page, demo_site)
    sign_in(other, demo_site.url, "manager")
    other.goto(page.url)

    for who, form in (("Chair", page), ("Manager", other)):
        form.get_by_role("radio", name="Green").check()
        form.get_by_label("Progress this period").fill(f"{who} wrote this")
    page.get_by_role("button", name="Submit update").click()
    expect(page.get_by_role("alert")).to_contain_text("submitted")

    other.get_by_role("button", name="Submit update").click()
    expect(other.get_by_role("alert")).to_contain_text("Someone else saved this update while you were writing")
    expect(other.locator(".app-update-summary")).to_contain_text("Chair wrote this")
    expect(other.get_by_label("Progress this period")).to_have_value("Manager wrote this")
    other_context.close()


def test_text_typed_before_the_session_expired_is_back_after_signing_in(page, demo_site):
    open_update_form(page, demo_site)
    form_url = page.url
    page.get_by_role("radio", name="Green").check()
    page.get_by_label("Progress this period").fill("Long text typed over a long afternoon")

    page.context.clear_cookies(name="sessionid")  # the session ends, as after 30 idle minutes
    page.get_by_role("button", name="Submit update").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("chair-quality-assurance")
    page.get_by_label("Password").fill("demo-password-for-tests")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(form_url)
    expect(page.get_by_role("region", name="Text restored")).to_be_visible()
    expect(page.get_by_label("Progress this period")).to_have_value("Long text typed over a long afternoon")
    expect(page.get_by_role("radio", name="Green")).to_be_checked()
    page.get_by_role("button", name="Submit update").click()
    expect(page.get_by_role("alert")).to_contain_text("Update for action 1.1.2 submitted.")
    page.goto(form_url)
    expect(page.get_by_role("region", name="Text restored")).to_be_hidden()


def test_unsaved_text_stays_with_its_author_on_a_shared_computer(page, demo_site):
    """Text kept in the browser is keyed by person, and the Sign out button clears it."""
    open_update_form(page, demo_site)
    form_url = page.url.split("?")[0]
    page.get_by_label("Progress this period").fill("Private words of the chair")

    # The chair walks away without signing out; the manager, who may write this update too, signs in here.
    page.context.clear_cookies(name="sessionid")
    sign_in(page, demo_site.url, "manager")
    page.goto(form_url)
    expect(page.get_by_label("Progress this period")).not_to_have_value("Private words of the chair")
    expect(page.get_by_role("region", name="Text restored")).to_be_hidden()

    # The chair comes back: the text is theirs again. Then they sign out with the button: it is gone.
    page.context.clear_cookies(name="sessionid")
    sign_in(page, demo_site.url, "chair-quality-assurance")
    page.goto(form_url)
    expect(page.get_by_label("Progress this period")).to_have_value("Private words of the chair")
    page.get_by_role("button", name="Sign out").click()
    assert [key for key in page.evaluate("Object.keys(localStorage)") if key.startswith("dscb-draft-")] == []
    sign_in(page, demo_site.url, "chair-quality-assurance")
    page.goto(form_url)
    expect(page.get_by_label("Progress this period")).not_to_have_value("Private words of the chair")


def test_a_value_entered_in_place_that_someone_else_saved_first_says_so_in_place(page, browser, demo_site):
    sign_in(page, demo_site.url, "chair-quality-assurance")
    page.goto(f"{demo_site.url}/my/")
    enter = page.get_by_role("button", name="Enter here the value of 1.1.K1")
    form_path = enter.get_attribute("data-hx-get")
    enter.click()
    page.get_by_label("Number that met the measure (numerator)").fill("45")
    page.get_by_label("Out of (denominator)").fill("60")

    other = browser.new_context().new_page()
    sign_in(other, demo_site.url, "manager")
    other.goto(demo_site.url + form_path)
    other.get_by_label("Number that met the measure (numerator)").fill("30")
    other.get_by_label("Out of (denominator)").fill("60")
    other.get_by_role("button", name="Save value").click()
    expect(other.get_by_role("alert")).to_contain_text("Value for KPI 1.1.K1 saved.")
    other.context.close()

    page.get_by_role("button", name="Save value").click()
    expect(page.get_by_text("Someone else saved a value while you were entering it")).to_be_visible()
    expect(page.get_by_label("Number that met the measure (numerator)")).to_have_value("45")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def test_kept_text_expires_after_a_week(page, demo_site):
    open_update_form(page, demo_site)
    page.get_by_label("Progress this period").fill("Words from long ago")
    page.wait_for_function("() => Object.keys(localStorage).some(key => key.startsWith('dscb-draft-'))")
    keys = [key for key in page.evaluate("Object.keys(localStorage)") if key.startswith("dscb-draft-")]
    assert len(keys) == 1
    page.evaluate(
        """key => { const draft = JSON.parse(localStorage.getItem(key));
        draft.savedAt = Date.now() - 8 * 24 * 60 * 60 * 1000; localStorage.setItem(key, JSON.stringify(draft)); }""",
        keys[0],
    )
    page.reload()
    expect(page.get_by_label("Progress this period")).not_to_have_value("Words from long ago")


def my_work(page, site):
    sign_in(page, site.url, "chair-quality-assurance")
    page.goto(f"{site.url}/my/")


def my_work_with_risks(page, site):
    """The Safeguarding Executive's chair: My work with the Executive's risks due a review."""
    sign_in(page, site.url, "chair-safeguarding-executive")
    page.goto(f"{site.url}/my/")
    expect(page.get_by_role("heading", level=2, name="Risks to review")).to_be_visible()


def my_work_manager(page, site):
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/my/")


def update_form_with_errors(page, site):
    open_update_form(page, site)
    page.get_by_role("radio", name="Red").check()
    page.get_by_role("button", name="Submit update").click()
    expect(page.get_by_role("alert")).to_be_visible()


def kpi_form(page, site):
    my_work(page, site)
    page.get_by_role("link", name=re.compile(r"^1\.1\.K1 ")).click()


def periods(page, site):
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/plans/2015-16/periods/")


def period_dates_with_errors(page, site):
    periods(page, site)
    page.get_by_role("link", name="Change dates of Period 4: Oct–Nov 2015").click()
    page.get_by_role("group", name="Updates due by").get_by_label("Month").fill("13")
    page.get_by_role("button", name="Save dates").click()
    expect(page.get_by_role("alert")).to_contain_text("The update deadline must be a real date")


PAGES = [
    my_work_with_risks,
    my_work,
    my_work_manager,
    open_update_form,
    update_form_with_errors,
    kpi_form,
    periods,
    period_dates_with_errors,
]


def test_progress_pages_pass_axe_and_the_html_checker(page, demo_site):
    vnu_command()
    documents = {}
    for visit in PAGES:
        page.context.clear_cookies()
        page.goto("about:blank")
        visit(page, demo_site)
        assert_no_axe_violations(page)
        documents[f"{visit.__name__} ({page.url})"] = page.content()
    assert_valid_html(documents)
