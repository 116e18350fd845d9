"""A school's contact follows the invitation, sets a password, completes the Section 175 return with one Amber
criterion and its improvement action, signs it off and submits it; the manager moderates that criterion Red and the
round's summary shows both scores."""

import re

from django.core import mail
from playwright.sync_api import expect

from audits.models import Criterion, Return, Round
from audits.services import contact_account, round_scope_add
from tests.factories import make_school

from .checks import TEST_RESULTS, assert_no_axe_violations, sign_in

PASSWORD = "a school's own long password"


def test_a_school_completes_its_return_and_the_manager_moderates_it(page, demo_site):
    round = Round.objects.get(kind="section_175", is_demo=True)
    school = make_school(name="Hillcrest Primary School", slug="hillcrest-primary", urn="103999")
    person, _ = contact_account(
        name="Ruth Ashby", email="ruth.ashby@hillcrest.example.org", username="contact-hillcrest"
    )
    mail.outbox = []
    round_scope_add(
        round=round, organisation=school, contact=person, user=demo_site.users["manager"], site_url=demo_site.url
    )
    (invitation,) = mail.outbox
    link = re.search(r"http://\S+/accounts/password/set/\S+", invitation.body).group(0)

    # The invitation's link: the contact chooses a password, then signs in.
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the new password again").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is saved")
    sign_in(page, demo_site.url, "contact-hillcrest", password=PASSWORD)

    with page.expect_navigation():
        page.get_by_role("link", name="Audits", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile(r"^Hillcrest Primary School")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return for Hillcrest Primary School")
    with page.expect_navigation():
        page.get_by_role("link", name="Start the return").click()
    assert_no_axe_violations(page)

    criteria = list(Criterion.objects.filter(standard__framework=round.framework).select_related("standard"))
    amber = criteria[0]
    for criterion in criteria:
        group = page.get_by_role("group", name=f"{criterion.code} {criterion.text}")
        group.get_by_role("radio", name="Amber" if criterion == amber else "Green", exact=True).check()
        group.get_by_label("Evidence", exact=True).fill(f"Seen for {criterion.code}")
    group = page.get_by_role("group", name=f"{amber.code} {amber.text}")
    group.get_by_label("Improvement action").fill("The chair of governors to complete training")
    # Saved as a draft first: nothing typed is lost when the owner is missing.
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{amber.code}: Name who owns the improvement action")
    assert_no_axe_violations(page)
    group = page.get_by_role("group", name=f"{amber.code} {amber.text}")
    expect(group.get_by_label("Improvement action")).to_have_value("The chair of governors to complete training")
    group.get_by_label("Who owns the action").fill("Headteacher")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("3")
    group.get_by_label("Year").fill("2016")
    page.get_by_role("button", name="Save and go to sign-off").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign off and submit the return for Hillcrest Primary School"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Accountable officer's name").fill("Ruth Ashby")
    page.get_by_label("Their role").fill("Headteacher")
    page.get_by_label("The accountable officer has read the return").check()
    page.get_by_role("button", name="Sign off and submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Your receipt reference is S175-")
    submitted = Return.objects.get(round=round, organisation=school)
    assert submitted.state == Return.State.SUBMITTED and submitted.officer_name == "Ruth Ashby"
    expect(page.locator("#receipt")).to_contain_text(submitted.receipt)
    assert_no_axe_violations(page)

    # The manager moderates the Amber criterion Red.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo_site.url, "manager")
    page.goto(f"{demo_site.url}/audits/{round.pk}/")
    page.get_by_role("link", name="Hillcrest Primary School").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Moderate").click()
    assert_no_axe_violations(page)
    group = page.get_by_role("group", name=f"{amber.code} {amber.text}")
    group.get_by_role("radio", name="Red", exact=True).check()
    group.get_by_label("Moderation note").fill("The training is booked, not done")
    page.get_by_role("button", name="Save moderation").click()
    expect(page.locator(f"#criterion-{amber.pk}")).to_contain_text("Red")

    with page.expect_navigation():
        page.get_by_role("link", name="Back to the round").click()
    assert_no_axe_violations(page)
    scores = page.locator("#score-table")
    row = scores.get_by_role("row").filter(has_text="Hillcrest Primary School").filter(has_text=amber.code).first
    expect(row).to_contain_text("Amber")
    expect(row).to_contain_text("Red")

    # The summary prints on A4: no navigation or download link, every table and its status words kept.
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the summary as Excel")).to_be_hidden()
    expect(row).to_be_visible()
    expect(page.locator("#standard-table")).to_be_visible()
    TEST_RESULTS.mkdir(exist_ok=True)
    page.pdf(path=TEST_RESULTS / "audit-round-print.pdf", format="A4")
    assert (TEST_RESULTS / "audit-round-print.pdf").stat().st_size > 10_000
