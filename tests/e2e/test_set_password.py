"""A new person chooses their own password from the emailed link, from the keyboard, and signs in."""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from .checks import assert_no_axe_violations, assert_valid_html, sign_in, vnu_command


def test_a_new_person_sets_their_password_and_signs_in(page, demo_site):
    vnu_command()
    user = demo_site.users["viewer"]
    token = default_token_generator.make_token(user)
    page.goto(f"{demo_site.url}/accounts/password/set/{urlsafe_base64_encode(force_bytes(user.pk))}/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_no_axe_violations(page)
    documents = {"set password": page.content()}

    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Type the new password again").fill("short")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_axe_violations(page)
    documents["set password with errors"] = page.content()

    page.get_by_label("New password", exact=True).fill("three unrelated words here")
    page.get_by_label("Type the new password again").fill("three unrelated words here")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is saved")
    documents["saved"] = page.content()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    sign_in(page, demo_site.url, "viewer", password="three unrelated words here")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_valid_html(documents)
