"""People: the admin adds them, they choose their own password by email, leavers are deactivated."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from subgroups.models import Membership
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_a_new_person_gets_an_email_and_sets_their_own_password(
    client, admin_client, action, django_capture_on_commit_callbacks
):
    # The email is sent from a task enqueued when the new person's row is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:auth_user_add"),
            {"username": "new-chair", "first_name": "Nia", "last_name": "Jones", "email": "nia@example.org"},
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="new-chair")
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["nia@example.org"] and "new-chair" in message.body
    link = re.search(r"https?://testserver(/accounts/password/set/\S+)", message.body).group(1)

    admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": "new-chair",
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia@example.org",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-subgroup": action.lead.pk,
            "memberships-0-role": "chair",
        },
    )
    assert Membership.objects.filter(user=user, subgroup=action.lead, role="chair").exists()

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(
        set_url, {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"}
    )
    assert response.status_code == 302
    assert client.login(username="new-chair", password="a-long-new-passphrase")


def test_a_duplicate_email_is_refused(admin_client, manager):
    response = admin_client.post(
        reverse("admin:auth_user_add"), {"username": "someone", "email": manager.email.upper()}
    )
    assert "Someone already has this email address." in response.content.decode()


def test_deactivated_people_cannot_sign_in_and_keep_their_name_on_their_updates(
    client, admin_client, chair, action, period
):
    update = ProgressUpdateFactory(action=action, period=period, author=chair)
    admin_client.post(reverse("admin:auth_user_changelist"), {"action": "deactivate", "_selected_action": [chair.pk]})
    chair.refresh_from_db()
    assert not chair.is_active
    assert not client.login(username=chair.username, password="correct-horse-battery")
    response = client.post(reverse("login"), {"username": chair.username, "password": "correct-horse-battery"})
    assert response.status_code == 200 and "Enter a correct username and password" in response.content.decode()
    admin_client.get("/")
    page = admin_client.get(action.get_absolute_url()).content.decode()
    assert f"Recorded by {chair.get_full_name()}" in page
    assert update.author == chair


def test_people_are_never_deleted(admin_client, chair):
    assert admin_client.get(reverse("admin:auth_user_delete", args=[chair.pk])).status_code == 403
