"""The Safeguarding Executive's chair reviews a risk at the Executive's meeting, "no change", and the risk's next
review date moves on; the register's forms pass axe and fit a phone."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Meeting
from risks.models import Review, Risk
from subgroups.models import Subgroup
from tests.factories import ControlFactory, RiskFactory

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command
from .test_small_screens import WidthCheck, phone_context

EXECUTIVE = "safeguarding-executive"
CHAIR = "chair-safeguarding-executive"


@pytest.fixture
def executive_risk(demo_site):
    """An open Safeguarding Executive risk, High (3 x 4), added on 1 April 2015 and not yet reviewed. Numbered
    high, clear of the demo's own risks."""
    body = Subgroup.objects.get(slug=EXECUTIVE)
    return RiskFactory(
        reference="R90",
        title="Lead officer post for child sexual exploitation vacant",
        lead_body=body,
        opened_on=datetime.date(2015, 4, 1),
        next_review_on=datetime.date(2015, 6, 1),
    )


def test_the_chair_reviews_a_risk_at_the_executive_meeting_with_no_change(page, demo_site, executive_risk):
    meeting = (
        Meeting.objects.filter(body__slug=EXECUTIVE, date__lte=datetime.date(2016, 3, 31))
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date")
        .first()
    )
    when = f"{meeting.date:%-d %B %Y}"
    sign_in(page, demo_site.url, CHAIR)
    page.goto(demo_site.url + reverse("risks:review-add", args=[executive_risk.reference]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review")
    # The score is already the risk's current one: "no change" is choosing the meeting and saving.
    expect(page.get_by_role("radio", name="3 Possible")).to_be_checked()
    expect(page.get_by_role("radio", name="4 Major")).to_be_checked()
    expect(page.get_by_text("Will probably happen this year; has happened here recently.")).to_be_visible()
    page.get_by_label("Meeting it was reviewed at (optional)").select_option(label=f"Safeguarding Executive, {when}")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save review").click()

    expect(page.get_by_role("alert")).to_contain_text("Review of R90 recorded (no change).")
    executive_risk.refresh_from_db()
    assert executive_risk.last_reviewed_on == meeting.date
    assert executive_risk.next_review_on == meeting.date + relativedelta(months=2)  # High: every two months
    review = Review.objects.get(risk=executive_risk)
    assert (review.meeting, review.direction, review.reviewer.username) == (meeting, "same", CHAIR)
    expect(page.get_by_role("alert")).to_contain_text(
        f"Review of R90 recorded (no change). Next review by {executive_risk.next_review_on:%-d %B %Y}."
    )
    assert page.url.endswith(executive_risk.get_absolute_url())


def test_a_review_with_errors_is_shown_with_the_error_summary_and_passes_axe(page, demo_site, executive_risk):
    sign_in(page, demo_site.url, CHAIR)
    page.goto(demo_site.url + reverse("risks:review-add", args=[executive_risk.reference]))
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the date of the review, or select the meeting it was reviewed at"
    )
    assert_no_axe_violations(page)
    assert Risk.objects.get(pk=executive_risk.pk).last_reviewed_on is None


def form_pages(site, risk, control):
    ref = risk.reference
    return {
        "the risk form (add)": site.url + reverse("risks:risk-add"),
        "the risk form (change)": site.url + reverse("risks:risk-edit", args=[ref]),
        "the control form (add)": site.url + reverse("risks:control-add", args=[ref]),
        "the control form (change)": site.url + reverse("risks:control-edit", args=[ref, control.pk]),
        "the review form": site.url + reverse("risks:review-add", args=[ref]),
        "the escalation form": site.url + reverse("risks:risk-escalation", args=[ref]),
        "the close form": site.url + reverse("risks:risk-close", args=[ref]),
    }


def test_every_form_of_the_register_passes_axe_and_fits_a_phone(browser, demo_site, executive_risk):
    """And is valid HTML (the Nu HTML Checker)."""
    vnu_command()  # before visiting the pages: skip (or fail on CI) at once without java
    documents = {}
    control = ControlFactory(risk=executive_risk, description="Interim cover from the police's CSE lead")
    context = phone_context(browser)
    page = context.new_page()
    sign_in(page, demo_site.url, "manager")
    widths = WidthCheck()
    for name, url in form_pages(demo_site, executive_risk, control).items():
        widths.visit(page, f"manager: {name}", url)
        assert_no_axe_violations(page)
        documents[name] = page.content()
    page.goto(demo_site.url + reverse("risks:risk-add"))
    page.get_by_role("textbox", name="Reference").fill("")
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("Enter the reference"))
    widths.check(page, "manager: the risk form with errors")
    assert_no_axe_violations(page)
    documents["the risk form with errors"] = page.content()
    assert_valid_html(documents)
    context.close()
    assert len(widths.seen) == 8
    assert not widths.too_wide, "Wider than a 390 px phone:\n" + "\n".join(widths.too_wide)
