"""Signing in: with the keyboard alone, and back to the page that was asked for."""

import re

from playwright.sync_api import expect

from .checks import PASSWORD, sign_in


def test_skip_link_comes_first_and_sign_in_works_from_the_keyboard(page, demo_site):
    page.goto(f"{demo_site.url}/accounts/login/")
    # Focus moved on load (autofocus) would send the first Tab past the skip link and the page's heading.
    focused = page.evaluate("document.activeElement === document.body ? null : document.activeElement.outerHTML")
    assert focused is None, f"an element has focus when the page loads, so Tab starts after it: {focused}"
    skip_link = page.get_by_role("link", name="Skip to main content")
    hidden_box = skip_link.bounding_box()
    assert hidden_box is None or hidden_box["width"] <= 1, f"the skip link shows before it has focus: {hidden_box}"

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    shown_box = skip_link.bounding_box()
    assert shown_box and shown_box["width"] > 50 and shown_box["height"] > 10, f"focused, yet not shown: {shown_box}"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("chair-quality-assurance")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(demo_site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.plan.title)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_anonymous_visitor_is_sent_to_sign_in_and_back_to_the_plan(page, demo_site):
    page.goto(demo_site.plan_url)

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/plans/2015-16/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    sign_in(page, demo_site.url, "viewer")

    expect(page).to_have_url(demo_site.plan_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_site.plan.title)
