"""The board business manager, who is not a superuser, adds a person to a subgroup in the admin, in the browser."""

from playwright.sync_api import expect

from subgroups.models import Membership

from .checks import sign_in


def test_manager_adds_a_person_and_makes_them_a_member_of_a_subgroup(page, demo_site):
    sign_in(page, demo_site.url, "manager")
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_text("You don’t have permission to view or edit anything")).to_have_count(0)
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Username").fill("new-member")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email address").fill("nia.jones@example.org")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("a link to set a password was sent to nia.jones@example.org.")).to_be_visible()
    expect(page.get_by_label("Superuser status")).to_have_count(0)

    row = page.locator("#memberships-0")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Quality")
    page.get_by_role("option", name="Quality Assurance sub").click()
    row.locator("select[name='memberships-0-role']").select_option("member")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    membership = Membership.objects.get(user__username="new-member")
    assert (membership.subgroup.name, membership.role) == ("Quality Assurance sub", "member")
    assert membership.history.latest().history_user.username == "manager"
