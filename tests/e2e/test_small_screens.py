"""On a 390 px phone, no page of the chair's or the manager's journey scrolls sideways: wide tables scroll in
their own box, long words break, and the dashboard's chart is drawn with labels a phone can read."""

import datetime
import re

from django.urls import reverse
from playwright.sync_api import expect

from kpis.models import KPI
from meetings.models import Meeting
from planfile.demo import DEMO_PLAN_FILE
from priorities.models import Action, ProgressUpdate
from reports.models import IssuedReport

from .checks import assert_no_axe_violations, sign_in
from .test_accessibility import demo_like_risks

PHONE = {"width": 390, "height": 844}
ACTION = re.compile(r"^1\.1\.2 Review and strengthen processes")

# Words longer than a phone's line, with no hyphen or slash to break at: a reference, an email address, a web address.
LONG_EMAIL = "safeguarding.business.manager@dudleysafeguardingchildrenboard.example.org.uk"
LONG_URL = "https://www.dudleysafeguardingchildrenboard.example.org.uk/Reports?ref=VoiceOfTheChildFeedbackAudit2015"
LONG_REF = "DSCB_QA_VoiceOfTheChildPracticeStandards_Revision2015"

# What sticks out of the viewport, to say where a too-wide page goes wrong: the outermost elements wider than
# it, else the elements whose own text runs past its edge (a word too long to break).
OVERFLOWING = """() => {
    const width = window.innerWidth, found = [];
    const name = element => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + [...element.classList].map(name => "." + name).join("");
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 0.5) continue;
        let parent = element.parentElement, inside = false;
        for (; parent && parent !== document.body; parent = parent.parentElement) {
            if (parent.getBoundingClientRect().right > width + 0.5) { inside = true; break; }
        }
        if (!inside) found.push(`${name(element)} to ${Math.round(box.right)} px`);
    }
    if (!found.length) {
        for (const element of document.body.querySelectorAll("*")) {
            const text = [...element.childNodes].some(node => node.nodeType === Node.TEXT_NODE && node.data.trim());
            const right = element.getBoundingClientRect().left + element.scrollWidth;
            if (text && right > width + 0.5) found.push(`text of ${name(element)} to ${Math.round(right)} px`);
        }
    }
    return found.slice(0, 5);
}"""


def phone_context(browser):
    return browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport=PHONE)


class WidthCheck:
    """Visits pages on a phone and notes each that is wider than the viewport, with what sticks out."""

    def __init__(self):
        self.too_wide = []
        self.seen = []

    def check(self, page, name):
        page.wait_for_load_state()
        scroll_width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert viewport == PHONE["width"]
        self.seen.append(name)
        if scroll_width > viewport:
            culprits = ", ".join(page.evaluate(OVERFLOWING))
            self.too_wide.append(f"{name} ({page.url}) is {scroll_width} px wide: {culprits}")

    def visit(self, page, name, url):
        response = page.goto(url)
        assert response.ok, f"{name}: {url} answered {response.status}"
        self.check(page, name)


def long_words_in_the_plan(site):
    """A lead officer's email address and a web address in an update: both longer than a phone's line."""
    action = site.action("1.1.2")
    Action.objects.filter(pk=action.pk).update(lead_officer=LONG_EMAIL)
    latest = ProgressUpdate.objects.filter(action=action).order_by("-period__number").first()
    ProgressUpdate.objects.filter(pk=latest.pk).update(progress=f"Feedback audit published at {LONG_URL}")


def chart_label_pixels(page):
    """Each shown bar chart's label size on screen, in px: the font size scaled from its viewBox to its box."""
    return page.evaluate(
        """() => [...document.querySelectorAll("svg.app-chart")]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .map(svg => {
                const label = svg.querySelector(".app-chart__bar text");
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return {layout: svg.getAttribute("class"), px: scale * Number(label.getAttribute("font-size"))};
            })"""
    )


def test_every_page_of_the_chair_and_manager_journeys_fits_a_phone(browser, demo_site, tmp_path):
    long_words_in_the_plan(demo_site)
    plan, url = demo_site.plan, demo_site.url
    widths = WidthCheck()

    chair_context = phone_context(browser)
    page = chair_context.new_page()
    sign_in(page, url, "chair-quality-assurance")
    widths.check(page, "chair: dashboard")
    # The chart is the narrow one, its labels at least 12 px; the tables scroll in boxes a keyboard can reach.
    labels = chart_label_pixels(page)
    assert [chart["layout"] for chart in labels] == ["app-chart app-chart--narrow"], labels
    assert labels[0]["px"] >= 12, labels
    assert page.locator("#status-counts").evaluate(
        "table => table.parentElement.scrollWidth > table.parentElement.clientWidth"
    )
    assert_no_axe_violations(page)

    widths.visit(page, "chair: My work", f"{url}/my/")
    page.get_by_role("link", name=ACTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress update")
    widths.check(page, "chair: the update form")
    period_number = re.search(r"/periods/(\d+)/update/", page.url).group(1)
    page.get_by_role("radio", name="Amber").check()
    page.get_by_role("button", name="Submit update").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the action is Amber")
    widths.check(page, "chair: the update form with errors")

    kpi = next(kpi for kpi in KPI.objects.filter(objective__priority__plan=plan) if kpi.code == "3.3.K3")
    widths.visit(page, "chair: the KPI value form", url + reverse("kpis:value-edit", args=[kpi.pk, period_number]))
    widths.visit(page, "chair: the KPI's page", url + kpi.get_absolute_url())
    # Its trend chart is the phone's drawing, its words at least 12 px.
    shown = page.evaluate(
        """() => [...document.querySelectorAll("svg.app-kpi-trend")]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .map(svg => [
                svg.getAttribute("class"),
                svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 13,
            ])"""
    )
    assert [css for css, _ in shown] == ["app-chart app-kpi-trend app-chart--narrow"] and shown[0][1] >= 12, shown
    from_audits = next(kpi for kpi in KPI.objects.filter(objective__priority__plan=plan) if kpi.code == "3.3.K1")
    widths.visit(page, "chair: a KPI computed from audits, with its round", url + from_audits.get_absolute_url())
    widths.visit(page, "chair: plan page", demo_site.plan_url)
    assert_no_axe_violations(page)
    widths.visit(page, "chair: plan page filtered", f"{demo_site.plan_url}?status=no_update")
    widths.visit(page, "chair: action page", demo_site.action_url("1.1.2"))
    expect(page.get_by_text(LONG_URL)).to_be_visible()
    widths.visit(page, "chair: reports", url + reverse("reports:report-list", args=[plan.slug]))
    executive = url + reverse("reports:executive-report", args=[plan.slug, period_number])
    widths.visit(page, "chair: Executive report", executive)
    widths.visit(page, "chair: Board report", url + reverse("reports:board-report", args=[plan.slug]))

    # On a desktop the same dashboard draws the wide chart, labels beside the bars.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + "/")
    assert [chart["layout"] for chart in chart_label_pixels(page)] == ["app-chart app-chart--wide"]
    chair_context.close()

    manager_context = phone_context(browser)
    page = manager_context.new_page()
    sign_in(page, url, "manager")
    widths.check(page, "manager: dashboard")
    widths.visit(page, "manager: My work", f"{url}/my/")
    widths.visit(page, "manager: plans", url + reverse("plans:plan-list"))
    widths.visit(page, "manager: periods", url + reverse("plans:period-list", args=[plan.slug]))
    widths.visit(page, "manager: reports", url + reverse("reports:report-list", args=[plan.slug]))
    widths.visit(page, "manager: Executive report", executive)
    page.get_by_text("Issue this report to a meeting").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Issue report").click()
    issued = IssuedReport.objects.get(plan=plan)
    widths.visit(page, "manager: issued report", url + issued.get_absolute_url())
    widths.visit(page, "manager: Board report", url + reverse("reports:board-report", args=[plan.slug]))
    annual = reverse("annualreport:annual-report", args=[plan.slug])
    page.goto(f"{url}{annual}?as_at=2016-02-30")  # answers 400, with the message page
    widths.check(page, "manager: annual report draft, a date that is not one")
    widths.visit(page, "manager: import upload", url + reverse("planfile:import"))
    # This year's plan again, one action reworded with a reference longer than a phone's line.
    changed = tmp_path / "plan.csv"
    changed.write_text(
        DEMO_PLAN_FILE.read_text(encoding="utf-8").replace(
            "Produce practice standards to ensure", f"Produce practice standards ({LONG_REF}) to ensure"
        ),
        encoding="utf-8",
    )
    page.get_by_label("Plan file").set_input_files(changed)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before it is saved")
    expect(page.locator("#import-changes")).to_contain_text(LONG_REF)
    widths.check(page, "manager: import preview")
    widths.visit(page, "manager: roll-over", url + reverse("yearend:roll-over", args=[plan.slug]))
    widths.visit(page, "manager: meetings", url + reverse("meetings:meeting-list"))
    held = Meeting.objects.filter(body__slug="safeguarding-executive", status="held").first()
    widths.visit(page, "manager: a meeting", url + held.get_absolute_url())
    widths.visit(page, "manager: attendance", url + reverse("meetings:attendance-edit", args=[held.pk]))
    widths.visit(page, "manager: agencies", url + reverse("meetings:agency-list"))
    widths.visit(page, "manager: calendar feed", url + reverse("meetings:calendar"))
    risk = demo_like_risks()
    widths.visit(page, "manager: risk register", url + reverse("risks:risk-list"))
    widths.visit(page, "manager: a risk", url + risk.get_absolute_url())
    widths.visit(page, "manager: heat map", url + reverse("risks:heat-map") + "?as_at=2015-11-30")
    manager_context.close()

    assert len(widths.seen) == 33
    assert not widths.too_wide, "Wider than a 390 px phone:\n" + "\n".join(widths.too_wide)


def test_the_audit_pages_fit_a_phone(browser, demo_site):
    from audits.models import Return, Round

    url = demo_site.url
    widths = WidthCheck()
    section_11 = Round.objects.get(kind="section_11", is_demo=True)
    police = Return.objects.get(round=section_11, organisation__slug="police")
    draft = Return.objects.get(round=section_11, organisation__slug="crc")

    manager_context = phone_context(browser)
    page = manager_context.new_page()
    sign_in(page, url, "manager")
    widths.visit(page, "manager: audits", url + reverse("audits:round-list"))
    widths.visit(page, "manager: an audit round", url + section_11.get_absolute_url())
    widths.visit(page, "manager: a return", url + police.get_absolute_url())
    moderate = reverse("audits:return-moderate", args=[section_11.pk, police.organisation_id])
    widths.visit(page, "manager: moderation", url + moderate)
    manager_context.close()

    contact_context = phone_context(browser)
    page = contact_context.new_page()
    sign_in(page, url, "contact-crc")
    widths.visit(page, "contact: audits", url + reverse("audits:round-list"))
    widths.visit(
        page,
        "contact: the return form",
        url + reverse("audits:return-edit", args=[section_11.pk, draft.organisation_id]),
    )
    widths.visit(
        page, "contact: sign-off", url + reverse("audits:return-submit", args=[section_11.pk, draft.organisation_id])
    )
    contact_context.close()

    assert len(widths.seen) == 7
    assert not widths.too_wide, "Wider than a 390 px phone:\n" + "\n".join(widths.too_wide)


def test_the_self_assessment_pages_fit_a_phone(browser, demo_site):
    import datetime

    from django.utils import timezone

    from selfassessment.models import Window

    url = demo_site.url
    widths = WidthCheck()
    window = Window.objects.get(plan=demo_site.plan)
    today = timezone.localdate()
    Window.objects.filter(pk=window.pk).update(
        opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=30)
    )
    invitation = window.invitations.order_by("pk").first()

    chair_context = phone_context(browser)
    page = chair_context.new_page()
    sign_in(page, url, "chair-dscb")
    widths.visit(page, "chair: self-assessments", url + reverse("selfassessment:window-list"))
    widths.visit(page, "chair: the totals", url + window.get_absolute_url())
    widths.visit(page, "chair: members' own", url + reverse("selfassessment:member-list", args=[window.pk]))
    chair_context.close()

    member_context = phone_context(browser)
    page = member_context.new_page()
    widths.visit(page, "member: the board's effectiveness", url + invitation.get_absolute_url())
    widths.visit(page, "member: their own contribution", url + invitation.get_absolute_url() + "own/")
    member_context.close()

    manager_context = phone_context(browser)
    page = manager_context.new_page()
    sign_in(page, url, "manager")
    widths.visit(page, "manager: set up a self-assessment", url + reverse("selfassessment:window-add"))
    manager_context.close()

    assert len(widths.seen) == 6
    assert not widths.too_wide, "Wider than a 390 px phone:\n" + "\n".join(widths.too_wide)


def test_the_controls_of_a_row_are_on_the_phone_screen_not_in_a_sideways_scroll(browser, demo_site):
    """The periods page's Lock and Open buttons and the attendance form's deputy boxes: each row reads as a card,
    its controls within the 390 px screen, reached and used without scrolling sideways."""
    context = phone_context(browser)
    page = context.new_page()
    sign_in(page, demo_site.url, "manager")
    off_screen = """selector => [...document.querySelectorAll(selector)]
        .filter(element => { const box = element.getBoundingClientRect(); return box.left < 0 || box.right > 390; })
        .map(element => element.id || element.textContent.trim())"""

    page.goto(demo_site.url + reverse("plans:period-list", args=[demo_site.plan.slug]))
    buttons = page.locator("#period-1, #period-4").get_by_role("button")
    expect(buttons).to_have_count(2)
    assert page.evaluate(off_screen, "main button, main td a") == []
    expect(page.locator("#period-4 td[data-label='State']")).to_be_visible()
    assert_no_axe_violations(page)

    meeting = Meeting.objects.get(body__name="Safeguarding Executive", date=datetime.date(2015, 8, 17))
    page.goto(demo_site.url + reverse("meetings:attendance-edit", args=[meeting.pk]))
    deputies = page.locator("#attendance-table input[type=text]")
    assert deputies.count() > 3
    assert page.evaluate(off_screen, "#attendance-table select, #attendance-table input") == []
    deputies.nth(2).fill("Dr Deputy")  # typed into without scrolling sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    context.close()
