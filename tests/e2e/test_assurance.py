"""The business manager maps a KPI to the Ofsted requirement that is a gap, accepts it, the gap flag clears, and the
inspection pack lists it; the map's pages fit a phone."""

import datetime
import os
import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from assurance.models import Evidence, Requirement
from assurance.services import evidence_add

from .checks import assert_no_axe_violations, sign_in
from .test_small_screens import WidthCheck, phone_context

User = get_user_model()


def test_the_manager_maps_a_kpi_to_a_gap_and_the_pack_lists_it(page, demo_site):
    gap = Requirement.objects.get(framework__plan__slug="2015-16", number=4)
    sign_in(page, demo_site.url, "manager")
    page.goto(demo_site.url + reverse("assurance:coverage"))
    row = page.locator(f"#requirement-{gap.pk}")
    expect(row.get_by_text("Gap", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requirement 4")
    page.get_by_text("Link evidence").click()
    page.get_by_role("link", name="KPI", exact=True).click()
    page.get_by_label("Or its reference").fill("1.1.K1")
    page.get_by_label("Note (optional)").fill("The child's voice heard in core group audits")
    page.get_by_role("button", name="Link the evidence").click()
    expect(page.get_by_role("alert")).to_contain_text("Linked the evidence")
    page.get_by_role("button", name=re.compile(r"^Accept 1\.1\.K1")).click()
    expect(page.get_by_role("alert")).to_contain_text("Accepted the evidence")
    assert Evidence.objects.get(requirement=gap, kpi__ref="1.1.K1").status == "accepted"

    page.get_by_role("link", name="Back to the inspection requirements").click()
    expect(page.locator(f"#requirement-{gap.pk}").get_by_text("Covered", exact=True)).to_be_visible()
    expect(page.get_by_text("Gap", exact=True)).to_have_count(0)

    page.get_by_role("link", name="printable page").click()
    section = page.locator(f"#pack-requirement-{gap.pk}")
    expect(section).to_contain_text("Requirement 4: covered")
    expect(section).to_contain_text("1.1.K1")
    assert_no_axe_violations(page)


def test_the_assurance_pages_fit_a_phone(browser, demo_site):
    url = demo_site.url
    gap = Requirement.objects.get(framework__plan__slug="2015-16", number=4)
    widths = WidthCheck()
    context = phone_context(browser)
    page = context.new_page()
    sign_in(page, url, "manager")
    widths.visit(page, "manager: inspection requirements", url + reverse("assurance:coverage"))
    widths.visit(page, "manager: a requirement", url + gap.get_absolute_url())
    widths.visit(page, "manager: link a KPI", url + reverse("assurance:evidence-add", args=[gap.pk, "kpi"]))
    widths.visit(page, "manager: self-grade", url + reverse("assurance:grade-edit", args=[gap.pk]))
    widths.visit(page, "manager: gap to action", url + reverse("assurance:gap-action", args=[gap.pk]))
    widths.visit(page, "manager: the pack", url + reverse("assurance:pack"))
    context.close()
    assert len(widths.seen) == 6
    assert not widths.too_wide, "Wider than a 390 px phone:\n" + "\n".join(widths.too_wide)


BOX_OVERFLOW = "el => el.scrollWidth - el.clientWidth"
SHOTS = os.environ.get("ASSURANCE_SHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_evidence_table_fits_at_1280_and_reads_as_cards_on_a_phone(browser, demo_site):
    """A long unbroken address in an evidence note breaks rather than widening the table; at 1280 px the table
    fits its box, and on a phone each row's facts show without scrolling sideways."""
    url = demo_site.url
    gap = Requirement.objects.get(framework__plan__slug="2015-16", number=4)
    manager = User.objects.get(username="manager")
    evidence_add(
        requirement=gap,
        user=manager,
        kind="document",
        document_title="Audit" + "x" * 150,
        document_date=datetime.date(2016, 3, 1),
        note="https://example.org/" + "a" * 600,
    )
    wide = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    sign_in(page, url, "manager")
    page.goto(url + gap.get_absolute_url())
    _shot(page, "requirement-1280")
    box = page.locator(".app-table-scroll", has=page.locator("#evidence"))
    assert box.evaluate(BOX_OVERFLOW) <= 0
    for name in ("Accept", "Remove"):
        button = page.locator("#evidence").get_by_role("button", name=re.compile(f"^{name}")).first
        assert button.bounding_box()["x"] + button.bounding_box()["width"] <= 1280
    wide.close()

    phone = phone_context(browser)
    page = phone.new_page()
    sign_in(page, url, "manager")
    for path, name, facts in [
        (reverse("assurance:coverage"), "coverage-390", ["Coverage:", "Self-grade:"]),
        (gap.get_absolute_url(), "requirement-390", ["Kind:", "Fresh or stale:", "Status:"]),
    ]:
        page.goto(url + path)
        _shot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for box in page.locator(".app-table-scroll").all():
            assert box.evaluate(BOX_OVERFLOW) <= 0, f"{name}: a table scrolls sideways"
        for fact in facts:
            shown = page.locator(f"td[data-label='{fact[:-1]}']").first
            expect(shown).to_be_visible()
            assert shown.bounding_box()["x"] + shown.bounding_box()["width"] <= 390
    remove = page.locator("#evidence").get_by_role("button", name=re.compile("^Remove")).first
    assert remove.bounding_box()["x"] + remove.bounding_box()["width"] <= 390
    phone.close()
