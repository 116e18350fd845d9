"""Each page as people reach it passes axe-core (WCAG 2.2 AA and best practice) and the Nu HTML Checker."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import Agency, Meeting
from risks.models import Risk
from subgroups.models import Subgroup
from tests.factories import ControlFactory, ReviewFactory, RiskFactory, UserFactory

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


def sign_in_page(page, site):
    page.goto(f"{site.url}/accounts/login/")


def sign_in_page_with_errors(page, site):
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your username")


def plan_list(page, site):
    sign_in(page, site.url, "chair-quality-assurance")
    page.goto(f"{site.url}/plans/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Business plans")


def plan(page, site):
    sign_in(page, site.url, "chair-quality-assurance")
    page.goto(site.plan_url)


def plan_filtered(page, site):
    plan(page, site)
    page.get_by_label("Reporting period").select_option(label="Period 3: Aug–Sep 2015")
    page.get_by_label("Lead subgroup").select_option(label="Quality Assurance sub")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()


def action(page, site):
    sign_in(page, site.url, "chair-quality-assurance")
    page.goto(site.action_url("1.1.2"))


def kpi(page, site):
    """A KPI's page, reached from the plan page: its values, the trend chart and the history."""
    sign_in(page, site.url, "viewer")
    page.goto(site.plan_url)
    page.get_by_role("link", name=re.compile(r"^KPI 1\.1\.K1 ")).click()
    expect(page.get_by_role("img", name=re.compile(r"^KPI 1\.1\.K1: value in each period"))).to_be_visible()


def kpi_from_audits(page, site):
    """KPI 3.3.K1, computed from the Section 11 returns, with the link to the round's summary."""
    sign_in(page, site.url, "viewer")
    page.goto(site.plan_url)
    page.goto(site.url + page.get_by_role("link", name=re.compile(r"^KPI 3\.3\.K1 ")).get_attribute("href"))
    expect(page.get_by_role("link", name="Section 11 audit 2015/16 (summary)")).to_be_visible()


def meetings(page, site):
    """The meetings calendar as the manager sees it, filtered to one body, with the three-in-a-row flag."""
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/meetings/")
    page.get_by_label("Body").select_option(label="Safeguarding Executive")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#absent-flags")).to_be_visible()


def meeting(page, site):
    """A held meeting's page, reached from the calendar: attendance, quorum, decisions and actions."""
    meetings(page, site)
    page.get_by_role("link", name=re.compile(r"^17 August 2015")).click()
    expect(page.locator("#meeting-quorum")).to_be_visible()


def attendance_with_errors(page, site):
    """The attendance form, a deputy left unnamed."""
    meeting(page, site)
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Attendance of Kevin Dunn").select_option("deputy")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the deputy who came for Kevin Dunn")


def agencies(page, site):
    sign_in(page, site.url, "viewer")
    page.goto(f"{site.url}/agencies/")
    expect(page.locator("#by-agency")).to_be_visible()


def calendar(page, site):
    """A person's calendar feed page: the address to copy, and the button that resets it."""
    sign_in(page, site.url, "viewer")
    page.goto(f"{site.url}/calendar/")
    expect(page.get_by_label("Your calendar's address")).to_have_value(re.compile(r"/calendar/[\w-]{43}\.ics$"))


def demo_like_risks():
    """The demo's risks, or, until the demo has them, two like them: a Safeguarding Executive risk escalated to the
    Board and reviewed at a meeting, with a control, and a Board risk with a review suggested."""
    risk = Risk.objects.order_by("number").first()
    if risk is not None:
        return risk
    executive = Subgroup.objects.get(slug="safeguarding-executive")
    risk = RiskFactory(
        reference="R1",
        title="Child sexual exploitation is not identified early",
        lead_body=executive,
        owner_agency=Agency.objects.order_by("name").first(),
        is_escalated=True,
    )
    ControlFactory(risk=risk, description="CSE screening tool used in the MASH", effectiveness="partly")
    meeting = Meeting.objects.filter(body=executive, status="held").order_by("date").first()
    ReviewFactory(risk=risk, meeting=meeting, reviewer=UserFactory(username="reviewer"), comment="No change.")
    RiskFactory(
        reference="R2",
        title="Partners' funding for next year is not agreed",
        level="board",
        category="resources",
        lead_body=Subgroup.objects.get(slug="dscb"),
        current_likelihood=4,
        current_impact=4,
        review_suggested="Action 3.3.1 is Red in period 3.",
    )
    return risk


def risk_register(page, site):
    """The register as the manager sees it, filtered to the Board's risks and those escalated to it."""
    demo_like_risks()
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/risks/")
    page.get_by_label("Level").select_option(label="Board")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()


def risk_register_with_errors(page, site):
    demo_like_risks()
    sign_in(page, site.url, "viewer")
    page.goto(f"{site.url}/risks/?likelihood=99")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def risk(page, site):
    """A risk's page, reached from the register by its lead body's chair: scores, controls, reviews, history."""
    reference = demo_like_risks().reference
    sign_in(page, site.url, "chair-safeguarding-executive")
    page.goto(f"{site.url}/risks/")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.locator("#score-table")).to_be_visible()


def heat_map(page, site):
    """The heat map as at a day in the demo year, with movement since the Board meeting before."""
    demo_like_risks()
    sign_in(page, site.url, "viewer")
    page.goto(f"{site.url}/risks/heat-map/?as_at=2015-11-30")
    page.get_by_role("link", name="Inherent score").click()
    expect(page.locator("#heat-map-inherent")).to_be_visible()


def heat_map_with_errors(page, site):
    sign_in(page, site.url, "viewer")
    # An error inside the grey box of dates: its red must still read against the grey.
    page.goto(f"{site.url}/risks/heat-map/?as_at-day=1&as_at-month=13&as_at-year=2015&since=1999-01-01&score=evil")
    expect(page.get_by_role("alert")).to_contain_text("The month must be a number from 1 to 12")
    expect(page.get_by_role("alert")).to_contain_text("between 2000 and 2100")


def audit_round(page, site):
    """The Section 11 round's summary as the manager sees it: by organisation, by standard, scores, overdue."""
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/audits/")
    page.get_by_role("link", name=re.compile(r"^Section 11 audit")).click()
    expect(page.locator("#organisation-table")).to_be_visible()


def audit_return(page, site):
    """A moderated agency return, with its challenge event, as the manager sees it."""
    audit_round(page, site)
    page.get_by_role("link", name="West Midlands Police").click()
    expect(page.locator("#answer-table")).to_be_visible()


def audit_return_form_with_errors(page, site):
    """The contact's return form, an improvement action left without an owner."""
    sign_in(page, site.url, "contact-crc")
    page.goto(f"{site.url}/audits/")
    page.get_by_role("link", name=re.compile(r"^Community Rehabilitation Company")).click()
    page.get_by_role("link", name="Change the return").click()
    page.get_by_label("Improvement action").first.fill("Train the duty team")
    page.get_by_label("Who owns the action").first.fill("")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Name who owns the improvement action")


def annual_report_with_errors(page, site):
    """The annual report draft asked for as at a date that is not one: the message page, not a document."""
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/plans/2015-16/annual-report.docx?as_at=2016-02-30")
    expect(page.get_by_role("heading", level=1)).to_contain_text("could not be made for that date")


def _self_assessment(site):
    from selfassessment.models import Window

    return Window.objects.get(plan=site.plan)


def self_assessment_list(page, site):
    """The self-assessments as the Board's chair sees them, with their own invitation."""
    sign_in(page, site.url, "chair-dscb")
    page.goto(f"{site.url}/self-assessment/")
    expect(page.locator("#my-invitations")).to_be_visible()


def self_assessment_results(page, site):
    """The 2015/16 totals beside 2014/15's, reached from the list, with the chair's form to act on a finding."""
    self_assessment_list(page, site)
    page.get_by_role("link", name="2015/16", exact=True).click()
    expect(page.locator("#act")).to_be_visible()


def self_assessment_action_with_errors(page, site):
    self_assessment_results(page, site)
    page.get_by_role("button", name="Add the action to the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the finding")


def self_assessment_members(page, site):
    self_assessment_results(page, site)
    page.get_by_role("link", name="The members' own assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members' own assessments")


def _respond_url(site, own=False):
    import datetime

    from django.utils import timezone

    from selfassessment.models import Window

    window = _self_assessment(site)
    today = timezone.localdate()
    Window.objects.filter(pk=window.pk).update(
        opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=30)
    )
    invitation = window.invitations.order_by("pk").first()
    return site.url + invitation.get_absolute_url() + ("own/" if own else "")


def self_assessment_respond(page, site):
    """A member's personal link, no account needed: the board's effectiveness questionnaire."""
    page.goto(_respond_url(site))
    expect(page.get_by_role("button", name="Save my answers")).to_be_visible()


def self_assessment_own_contribution(page, site):
    """The member's own contribution, with their attendance over the year from the meetings register."""
    page.goto(_respond_url(site, own=True))
    expect(page.locator("#attendance")).to_be_visible()


def self_assessment_set_up_when_no_plan_year_is_free(page, site):
    """The demo's plan years each have a self-assessment: the page says what to add first."""
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/self-assessment/new/")
    expect(page.locator("#cannot-set-up")).to_contain_text("Every plan year already has a self-assessment")


def assurance_coverage(page, site):
    """The inspection requirements as the manager sees them: coverage, gap flags and self-grades."""
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/assurance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection requirements")


def assurance_requirement(page, site):
    """A requirement that is a gap, reached from the coverage page: its evidence, grade and gaps."""
    assurance_coverage(page, site)
    page.get_by_role("link", name=re.compile(r"^4\. Practitioners")).click()
    expect(page.locator("#evidence")).to_be_visible()


def assurance_evidence_form_with_errors(page, site):
    """Linking a KPI by a reference that no KPI has."""
    assurance_requirement(page, site)
    page.get_by_text("Link evidence").click()
    page.get_by_role("link", name="KPI", exact=True).click()
    page.get_by_label("Or its reference").fill("9.9.K9")
    page.get_by_role("button", name="Link the evidence").click()
    expect(page.get_by_role("alert")).to_contain_text("No KPI in use has the reference 9.9.K9")


def assurance_grade_form(page, site):
    assurance_requirement(page, site)
    page.get_by_role("link", name="Change the self-grade and gaps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-grade and gaps")


def assurance_pack(page, site):
    """The inspection pack as at the end of the plan year, as a viewer prints it."""
    sign_in(page, site.url, "viewer")
    page.goto(f"{site.url}/assurance/pack/?as_at=2016-03-31")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection pack as at 31 March 2016")


def assurance_pack_with_errors(page, site):
    sign_in(page, site.url, "viewer")
    page.goto(f"{site.url}/assurance/pack/?as_at-day=30&as_at-month=2&as_at-year=2016")
    expect(page.get_by_role("alert")).to_contain_text("The date must be a real date")


def report_issue_with_errors(page, site):
    """The Executive report, issued with its Meeting box emptied: the box's own error."""
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/plans/{site.plan.slug}/periods/3/executive-report/")
    page.get_by_text("Issue this report to a meeting").click()
    page.get_by_label("Meeting").fill("")
    page.get_by_role("button", name="Issue report").click()
    expect(page.get_by_role("alert")).to_contain_text("Say which meeting the report is issued to")


def periods(page, site):
    sign_in(page, site.url, "manager")
    page.goto(f"{site.url}/plans/{site.plan.slug}/periods/")
    expect(page.locator("#period-4")).to_be_visible()


PAGES = [sign_in_page, sign_in_page_with_errors, plan_list, plan, plan_filtered, action, kpi, kpi_from_audits]
PAGES += [meetings, meeting, attendance_with_errors, agencies, calendar, report_issue_with_errors, periods]
PAGES += [risk_register, risk_register_with_errors, risk, heat_map, heat_map_with_errors]
PAGES += [audit_round, audit_return, audit_return_form_with_errors]
PAGES += [annual_report_with_errors]
PAGES += [self_assessment_list, self_assessment_results, self_assessment_action_with_errors, self_assessment_members]
PAGES += [self_assessment_respond, self_assessment_own_contribution, self_assessment_set_up_when_no_plan_year_is_free]
PAGES += [assurance_coverage, assurance_requirement, assurance_evidence_form_with_errors, assurance_grade_form]
PAGES += [assurance_pack, assurance_pack_with_errors]


@pytest.mark.parametrize("visit", PAGES, ids=[visit.__name__ for visit in PAGES])
def test_page_has_no_axe_violations(page, demo_site, visit):
    visit(page, demo_site)
    assert_no_axe_violations(page)


def test_pages_are_valid_html(page, demo_site):
    vnu_command()  # before visiting the pages: skip (or fail on CI) at once without java
    documents = {}
    for visit in PAGES:
        page.context.clear_cookies()
        page.goto("about:blank")
        visit(page, demo_site)
        documents[f"{visit.__name__} ({page.url})"] = page.content()
    assert_valid_html(documents)
