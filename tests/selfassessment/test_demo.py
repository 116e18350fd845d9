"""The demo's self-assessment: the 2015/16 window with enough responses for the totals, beside 2014/15's."""

import pytest
from django.urls import reverse

from planfile.demo import demo_load
from selfassessment.models import Invitation, Questionnaire, Response, Window

pytestmark = pytest.mark.django_db


def test_the_demo_self_assessment_shows_totals_beside_last_year_and_loads_once(client, demo):
    plan, users = demo
    window = Window.objects.get(plan=plan)
    earlier = Window.objects.get(year_label="2014/15")
    assert Response.objects.filter(invitation__window=window, questionnaire__kind="board").count() >= 6
    assert Response.objects.filter(invitation__window=window, questionnaire__kind="member").count() >= 3
    assert Response.objects.filter(invitation__window=earlier).count() >= 5
    assert 8 <= window.board_questionnaire.questions.count() <= 10
    assert window.invitations.count() == window.body.seats.count()

    client.force_login(users["chair-dscb"])
    body = client.get(window.get_absolute_url()).content.decode()
    assert 'id="question-stakeholders"' in body and "Mean last year" in body
    assert "very little directly from children" in body
    members = client.get(reverse("selfassessment:member-list", args=[window.pk]))
    assert members.status_code == 200 and members.content.decode().count('id="member-') >= 3

    counts = (
        Window.objects.count(),
        Invitation.objects.count(),
        Response.objects.count(),
        Questionnaire.objects.count(),
    )
    demo_load(password="demo-password-for-tests")
    assert (
        Window.objects.count(),
        Invitation.objects.count(),
        Response.objects.count(),
        Questionnaire.objects.count(),
    ) == counts
