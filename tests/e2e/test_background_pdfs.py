"""A PDF not yet drawn: the page says it is being prepared and checks until the worker has drawn it; without
JavaScript it reloads itself (<meta http-equiv="refresh"> in <noscript>) and the download starts."""

import re

from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from reports.models import IssuedReport
from reports.services import report_issue
from tests.tasks.jobs import DATABASE, run_worker_batch

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


@override_settings(TASKS=DATABASE)
def test_a_pdf_being_prepared_says_when_the_worker_has_drawn_it(page, demo_site):
    vnu_command()
    sign_in(page, demo_site.url, "viewer")
    page.goto(demo_site.url + reverse("reports:executive-report-pdf", args=[demo_site.plan.slug, 3]))
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF is being prepared")
    expect(page.get_by_role("link", name="read the HTML report")).to_be_visible()
    assert_no_axe_violations(page)
    assert_valid_html({"PDF being prepared": page.content()})

    run_worker_batch()
    # The page's own check (every 5 seconds) says so, in its status region.
    link = page.get_by_role("status").get_by_role("link", name="download the PDF")
    expect(link).to_be_visible(timeout=15_000)
    # The heading, the first paragraph and the title no longer say it is being prepared.
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF is ready")
    expect(page.locator("#pdf-intro")).to_have_text(re.compile(r"^The PDF of the .+ has been drawn\.$"))
    expect(page).to_have_title(re.compile(r"^PDF ready: .+ – Dudley Safeguarding Children Board$"))
    assert page.locator("h1").count() == 1 and page.locator("main title").count() == 0
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "executive-report-2015-16-period-3.pdf"


@override_settings(TASKS=DATABASE)
def test_without_javascript_the_page_reloads_itself_into_the_download(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in(page, demo_site.url, "viewer")
        page.goto(demo_site.url + reverse("reports:executive-report-pdf", args=[demo_site.plan.slug, 3]))
        expect(page.get_by_role("heading", level=1)).to_have_text("The PDF is being prepared")
        run_worker_batch()
        # No click: the <meta http-equiv="refresh"> reloads the page, which is now the PDF.
        with page.expect_download(timeout=15_000) as download:
            pass
        assert download.value.suggested_filename == "executive-report-2015-16-period-3.pdf"
    finally:
        context.close()


@override_settings(TASKS=DATABASE)
def test_the_manager_has_an_issued_pdf_that_could_not_be_drawn_drawn_again(page, demo_site, settings):
    """Over the budget, the issued report's PDF page says why; the manager, from the keyboard, asks for it again,
    and the page says when the worker has drawn it."""
    vnu_command()
    manager = demo_site.users["manager"]
    issued = report_issue(
        plan=demo_site.plan,
        kind=IssuedReport.Kind.EXECUTIVE,
        period=demo_site.plan.periods.get(number=3),
        user=manager,
        meeting="Safeguarding Executive, 12 January 2016",
    )
    settings.REPORT_PDF_SECONDS = 0.01
    run_worker_batch()
    assert IssuedReport.objects.get(pk=issued.pk).pdf_failure.startswith("drawing it took longer")
    settings.REPORT_PDF_SECONDS = 60

    sign_in(page, demo_site.url, "manager")
    page.goto(demo_site.url + reverse("reports:issued", args=[issued.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^PDF \(could not be drawn: drawing it took longer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This issued report's PDF could not be drawn")
    assert_no_axe_violations(page)
    assert_valid_html({"Issued PDF not drawn": page.content()})
    button = page.get_by_role("button", name="Draw the PDF again")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF is being prepared")
    expect(page.get_by_text("issued version 1, is being drawn.")).to_be_visible()
    assert_no_axe_violations(page)

    run_worker_batch()
    link = page.get_by_role("status").get_by_role("link", name="download the PDF")
    expect(link).to_be_visible(timeout=15_000)
    assert IssuedReport.objects.get(pk=issued.pk).pdf is not None
