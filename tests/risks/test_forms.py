"""The forms as a person uses them: what they save, and what they say (keeping what was typed) when it is wrong."""

import datetime

import pytest
from django.urls import reverse

from risks.models import Control, Escalation, Review, Risk
from tests.factories import ActionFactory, ControlFactory, KPIValueFactory, MeetingFactory, RiskFactory
from tests.risks.test_edit_permissions import day, risk_data

pytestmark = pytest.mark.django_db

SAME_DAY = datetime.date(2015, 6, 17)


def page(response):
    return response.content.decode()


def errors(response):
    form = response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


class TestRiskForm:
    def test_the_manager_adds_a_risk_linked_to_the_plan_and_it_is_due_for_review_by_its_band(
        self, client, manager, body, action, kpi
    ):
        client.force_login(manager)
        template = RiskFactory.build(lead_body=body, reference="R9")
        data = risk_data(template, version="", actions=[action.pk], kpis=[kpi.pk], **day("opened_on", SAME_DAY))
        data.update(current_likelihood="4", current_impact="4")
        response = client.post(reverse("risks:risk-add"), data, follow=True)
        risk = Risk.objects.get(reference="R9")
        assert response.redirect_chain[-1][0] == risk.get_absolute_url()
        assert "Risk R9 added to the register." in page(response)
        assert risk.next_review_on == datetime.date(2015, 7, 17)  # 16, Very high: monthly
        assert list(risk.actions.all()) == [action] and list(risk.kpis.all()) == [kpi]
        assert risk.history.get().history_user == manager

    def test_the_add_form_offers_the_next_reference_and_the_active_plans_actions_only(
        self, client, manager, risk, action
    ):
        old = ActionFactory(text="An action of another plan")
        client.force_login(manager)
        response = client.get(reverse("risks:risk-add"))
        assert response.context["form"]["reference"].value() == "R4"
        choices = list(response.context["form"].fields["actions"].queryset)
        assert action in choices and old not in choices

    def test_links_to_an_older_plan_are_kept_on_a_change(self, client, chair, risk):
        old = ActionFactory(text="An action of last year's plan")
        risk.actions.add(old)
        client.force_login(chair)
        form = client.get(reverse("risks:risk-edit", args=[risk.reference])).context["form"]
        assert old in form.fields["actions"].queryset
        response = client.post(reverse("risks:risk-edit", args=[risk.reference]), risk_data(risk, actions=[old.pk]))
        assert response.status_code == 302
        assert list(risk.actions.all()) == [old]

    def test_a_reference_already_used_is_said_in_words_and_what_was_typed_is_kept(self, client, manager, risk):
        client.force_login(manager)
        data = risk_data(risk, title="Partner funding not agreed", version="")
        response = client.post(reverse("risks:risk-add"), data)
        assert errors(response) == ["R3 is already the reference of another risk: choose another number"]
        assert 'value="Partner funding not agreed"' in page(response)
        assert Risk.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"title": "x" * 201}, "The title must be 200 characters or fewer"),
            ({"cause": "x" * 100_000}, "The cause must be 2,000 characters or fewer"),
            ({"owner_name": "x" * 121}, "The owner's name must be 120 characters or fewer"),
            ({"title": ""}, "Enter the title"),
            ({"reference": "R0"}, "Enter the reference as R and a number, for example R7"),
            ({"reference": "R" + "9" * 20}, "Enter the reference as R and a number, for example R7"),
            ({"inherent_likelihood": "0"}, "Select the inherent likelihood, 1 to 5"),
            ({"current_impact": "6"}, "Select the current impact, 1 to 5"),
            ({"target_likelihood": "x"}, "Select the target likelihood, 1 to 5"),
            ({"level": "national"}, "Select one of the levels"),
            ({"lead_body": "999999"}, "Select one of the bodies"),
            ({"actions": ["x"]}, "Choose the actions it is linked to among those listed"),
            ({"kpis": ["999999"]}, "Choose the KPIs it is linked to among those listed"),
            (day("opened_on", datetime.date(2150, 1, 1)), "The year must be between 2000 and 2099"),
            (day("opened_on", datetime.date(2098, 1, 1)), "The date cannot be in the future"),
            ({"opened_on_0": "31", "opened_on_1": "2", "opened_on_2": "2015"}, "real date"),
        ],
    )
    def test_hostile_input_is_refused_in_words(self, client, chair, risk, changes, message):
        client.force_login(chair)
        response = client.post(reverse("risks:risk-edit", args=[risk.reference]), risk_data(risk, **changes))
        assert response.status_code == 200
        assert any(message in error for error in errors(response)), errors(response)
        assert 'class="govuk-error-summary' in page(response)
        assert Risk.objects.get(pk=risk.pk).title == risk.title

    def test_two_people_saving_at_once_one_is_refused_and_keeps_what_they_typed(self, client, chair, manager, risk):
        opened = risk_data(risk)
        client.force_login(manager)
        assert (
            client.post(reverse("risks:risk-edit", args=[risk.reference]), {**opened, "title": "Manager's"}).status_code
            == 302
        )
        client.force_login(chair)
        response = client.post(reverse("risks:risk-edit", args=[risk.reference]), {**opened, "title": "Chair's"})
        assert response.status_code == 200
        assert "Someone else changed this risk since you opened the form" in page(response)
        assert 'value="Chair&#x27;s"' in page(response)
        assert Risk.objects.get(pk=risk.pk).title == "Manager's"
        # Saving again, knowingly, keeps the chair's.
        again = response.context["form"].data.copy()
        assert client.post(reverse("risks:risk-edit", args=[risk.reference]), again).status_code == 302
        assert Risk.objects.get(pk=risk.pk).title == "Chair's"

    def test_the_scores_show_what_each_point_means(self, client, manager):
        client.force_login(manager)
        html = page(client.get(reverse("risks:risk-add")))
        assert "4 Likely" in html and "Will probably happen this year" in html
        assert "5 Catastrophic" in html and "Death or lasting serious harm to a child" in html


def test_the_risk_forms_radios_offer_no_empty_choice(client, manager):
    client.force_login(manager)
    form = client.get(reverse("risks:risk-add")).context["form"]
    for name in ("category", "level", "treatment"):
        assert "" not in [value for value, _ in form.fields[name].choices], name
    assert "---------" not in page(client.get(reverse("risks:risk-add")))


class TestReviewForm:
    def test_no_change_at_the_meeting_is_one_choice_and_the_next_review_moves_on(self, client, chair, risk, body):
        meeting = MeetingFactory(body=body, date=SAME_DAY)
        client.force_login(chair)
        url = reverse("risks:review-add", args=[risk.reference])
        form = client.get(url).context["form"]
        assert (form["likelihood"].value(), form["impact"].value()) == (3, 4)
        data = {"meeting": meeting.pk, "likelihood": "3", "impact": "4", "version": risk.version}
        response = client.post(url, data, follow=True)
        review = Review.objects.get()
        assert (review.reviewed_on, review.meeting, review.direction, review.reviewer) == (
            SAME_DAY,
            meeting,
            "same",
            chair,
        )
        risk.refresh_from_db()
        assert risk.next_review_on == datetime.date(2015, 8, 17)
        assert "Review of R3 recorded (no change). Next review by 17 August 2015." in page(response)

    def test_the_meeting_list_is_the_lead_bodys_meetings_held_so_far_not_cancelled(self, client, chair, risk, body):
        held = MeetingFactory(body=body, date=SAME_DAY)
        MeetingFactory(body=body, date=datetime.date(2015, 7, 1), status="cancelled")
        MeetingFactory(body=body, date=datetime.date(2098, 7, 1))
        MeetingFactory(date=SAME_DAY)  # another body's
        client.force_login(chair)
        form = client.get(reverse("risks:review-add", args=[risk.reference])).context["form"]
        assert list(form.fields["meeting"].queryset) == [held]

    def test_a_risk_escalated_to_the_board_may_be_reviewed_at_the_boards_meetings_too(self, client, chair, risk, body):
        held = MeetingFactory(body=body, date=SAME_DAY)
        board_meeting = MeetingFactory(body__kind="board", body__name="The Board", date=datetime.date(2015, 7, 2))
        client.force_login(chair)
        url = reverse("risks:review-add", args=[risk.reference])
        assert list(client.get(url).context["form"].fields["meeting"].queryset) == [held]
        Risk.objects.filter(pk=risk.pk).update(is_escalated=True)
        assert list(client.get(url).context["form"].fields["meeting"].queryset) == [board_meeting, held]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"likelihood": "3", "impact": "4"},
                "Enter the date of the review, or select the meeting it was reviewed at",
            ),
            (
                {**day("reviewed_on", datetime.date(2098, 1, 1)), "likelihood": "3", "impact": "4"},
                "The date cannot be in the future",
            ),
            ({**day("reviewed_on", SAME_DAY), "likelihood": "0", "impact": "4"}, "Select the likelihood, 1 to 5"),
            ({**day("reviewed_on", SAME_DAY), "likelihood": "3", "impact": "x"}, "Select the impact, 1 to 5"),
            (
                {**day("reviewed_on", SAME_DAY), "likelihood": "3", "impact": "4", "direction": "sideways"},
                "Select up, down, no change, or work it out from the score",
            ),
            (
                {**day("reviewed_on", SAME_DAY), "likelihood": "3", "impact": "4", "comment": "x" * 2001},
                "The comment must be 2,000 characters or fewer",
            ),
            (
                {**day("reviewed_on", datetime.date(2015, 3, 1)), "likelihood": "3", "impact": "4"},
                "before the risk was added to the register, 1 April 2015",
            ),
        ],
    )
    def test_a_wrong_review_is_said_in_words(self, client, chair, risk, data, message):
        client.force_login(chair)
        response = client.post(reverse("risks:review-add", args=[risk.reference]), {**data, "version": risk.version})
        assert response.status_code == 200
        assert any(message in error for error in errors(response)), errors(response)
        assert not Review.objects.exists()

    def test_a_meeting_on_another_day_than_the_review_is_refused(self, client, chair, risk, body):
        meeting = MeetingFactory(body=body, date=SAME_DAY)
        client.force_login(chair)
        data = {
            **day("reviewed_on", datetime.date(2015, 6, 18)),
            "meeting": meeting.pk,
            "likelihood": "3",
            "impact": "4",
        }
        response = client.post(reverse("risks:review-add", args=[risk.reference]), data)
        assert errors(response) == ["The meeting was on 17 June 2015, not on the date of the review, 18 June 2015"]

    def test_a_closed_risk_says_so_and_refuses_a_review(self, client, chair, body):
        risk = RiskFactory(lead_body=body, status="closed", closed_on=SAME_DAY, closed_reason="Filled")
        client.force_login(chair)
        url = reverse("risks:review-add", args=[risk.reference])
        assert "This risk is closed: reopen it before reviewing it." in page(client.get(url))
        response = client.post(url, {**day("reviewed_on", SAME_DAY), "likelihood": "3", "impact": "4"})
        assert errors(response) == ["This risk is closed: reopen it before reviewing it"]
        assert not Review.objects.exists()

    def test_a_stale_review_form_is_refused(self, client, chair, risk):
        client.force_login(chair)
        url = reverse("risks:review-add", args=[risk.reference])
        data = {**day("reviewed_on", SAME_DAY), "likelihood": "3", "impact": "4", "version": risk.version}
        assert client.post(url, data).status_code == 302
        response = client.post(url, {**data, "likelihood": "1"})
        assert "Someone else changed this risk since you opened the form" in page(response)
        assert Review.objects.count() == 1


class TestEscalationCloseAndControls:
    def test_escalate_then_deescalate_from_the_same_page(self, client, chair, risk):
        client.force_login(chair)
        url = reverse("risks:risk-escalation", args=[risk.reference])
        assert "Escalate the risk to the Board" in page(client.get(url))
        data = {**day("on", SAME_DAY), "reason": "Funding not agreed", "version": risk.version}
        response = client.post(url, data, follow=True)
        assert "R3 escalated to the Board." in page(response)
        assert "De-escalate the risk" in page(client.get(url))
        risk.refresh_from_db()
        client.post(url, {**data, "reason": "Funding agreed", "version": risk.version})
        assert [row.kind for row in Escalation.objects.all()] == ["escalated", "deescalated"]
        assert not Risk.objects.get(pk=risk.pk).is_escalated

    def test_a_board_risk_is_not_escalated(self, client, manager, body):
        risk = RiskFactory(lead_body=body, level="board")
        client.force_login(manager)
        url = reverse("risks:risk-escalation", args=[risk.reference])
        assert "Only an open Safeguarding Executive risk is escalated to the Board" in page(client.get(url))
        response = client.post(url, {**day("on", SAME_DAY), "reason": "Try", "version": risk.version})
        assert errors(response) == ["Only a Safeguarding Executive risk is escalated to the Board"]
        assert not Escalation.objects.exists()

    def test_close_then_reopen(self, client, chair, risk):
        client.force_login(chair)
        url = reverse("risks:risk-close", args=[risk.reference])
        response = client.post(url, {**day("on", SAME_DAY), "reason": "The post was filled", "version": risk.version})
        assert response.status_code == 302 and not Risk.objects.get(pk=risk.pk).is_open
        assert "Closed on 17 June 2015: The post was filled" in page(client.get(url))
        response = client.post(url, {"reason": "Vacant again", "version": risk.version + 1}, follow=True)
        assert "R3 reopened." in page(response)
        assert Risk.objects.get(pk=risk.pk).is_open

    def test_closing_needs_a_reason(self, client, chair, risk):
        client.force_login(chair)
        response = client.post(reverse("risks:risk-close", args=[risk.reference]), day("on", SAME_DAY))
        assert errors(response) == ["Enter the reason"]

    def test_a_control_is_changed_and_removed(self, client, chair, risk):
        control = ControlFactory(risk=risk, description="Panel")
        client.force_login(chair)
        url = reverse("risks:control-edit", args=[risk.reference, control.pk])
        form = client.get(url).context["form"]
        assert form["description"].value() == "Panel"
        data = {
            "description": "Panel, monthly",
            "owner": "Police",
            "effectiveness": "effective",
            "version": risk.version,
        }
        assert client.post(url, data).status_code == 302
        assert Control.objects.get(pk=control.pk).effectiveness == "effective"
        response = client.post(url, {"remove": "1", "version": risk.version + 1}, follow=True)
        assert "Control removed from R3." in page(response)
        assert not Control.objects.exists()

    def test_a_stale_removal_is_refused(self, client, chair, risk):
        control = ControlFactory(risk=risk)
        client.force_login(chair)
        url = reverse("risks:control-edit", args=[risk.reference, control.pk])
        response = client.post(url, {"remove": "1", "version": risk.version - 1})
        assert "Someone else changed this risk since you opened the form" in page(response)
        assert Control.objects.exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"description": "", "effectiveness": "partly"}, "Enter what is in place"),
            (
                {"description": "x" * 2001, "effectiveness": "partly"},
                "What is in place must be 2,000 characters or fewer",
            ),
            (
                {"description": "Panel", "effectiveness": "brilliant"},
                "Select effective, partly effective or not effective",
            ),
            (
                {"description": "Panel", "effectiveness": "partly", "owner": "x" * 121},
                "The owner must be 120 characters or fewer",
            ),
        ],
    )
    def test_a_wrong_control_is_said_in_words(self, client, chair, risk, data, message):
        client.force_login(chair)
        response = client.post(reverse("risks:control-add", args=[risk.reference]), data)
        assert errors(response) == [message]
        assert not Control.objects.exists()


def test_a_kpi_linked_on_the_form_later_turning_red_flags_the_risk(client, chair, risk, kpi, period):
    client.force_login(chair)
    client.post(reverse("risks:risk-edit", args=[risk.reference]), risk_data(risk, kpis=[kpi.pk]))
    KPIValueFactory(kpi=kpi, period=period, value=20, numerator=None, denominator=None)
    assert Risk.objects.get(pk=risk.pk).review_suggested == f"KPI {kpi.code} was Red in period 1 (Apr–May 2015)"


def _plan_rows(action, count):
    """`count` more actions and KPIs in the active plan, and `count` more agencies and accounts to choose from."""
    from tests.factories import AgencyFactory, KPIFactory, UserFactory

    objective = action.objective
    for _ in range(count):
        ActionFactory(objective=objective, lead=action.lead)
        KPIFactory(objective=objective, owner=action.lead)
        AgencyFactory()
        UserFactory()


def test_the_risk_form_costs_the_same_with_ten_times_the_plan(client, chair, risk, action, django_assert_num_queries):
    url = reverse("risks:risk-edit", args=[risk.reference])
    client.force_login(chair)
    _plan_rows(action, 3)
    risk.actions.add(action)
    client.get(url)
    # The session, the user (with their roles), the risk, the bodies they chair (memberships, seats); the risk's
    # objectives, actions and KPIs (its initial values); the active plan; the bodies (read twice), the accounts and
    # the agencies for the selects; the objectives, actions and KPIs for the checkboxes, each counted and read.
    with django_assert_num_queries(19):
        first = client.get(url)
    _plan_rows(action, 30)
    with django_assert_num_queries(19):
        second = client.get(url)
    drawn = second.content.decode().count('name="actions"') - first.content.decode().count('name="actions"')
    assert drawn == 30


def test_the_review_form_costs_the_same_with_ten_times_the_meetings(
    client, chair, risk, body, django_assert_num_queries
):
    url = reverse("risks:review-add", args=[risk.reference])
    client.force_login(chair)
    for number in range(1, 4):
        MeetingFactory(body=body, date=datetime.date(2015, 5, number))
    client.get(url)
    # The session, the user (with their roles), the risk, the bodies they chair (memberships, seats), the meetings.
    with django_assert_num_queries(6):
        client.get(url)
    for number in range(4, 31):
        MeetingFactory(body=body, date=datetime.date(2015, 5, number))
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["form"].fields["meeting"].queryset) == 30


def test_why_a_risk_is_reopened_fits_the_history_whole(client, chair, body):
    risk = RiskFactory(lead_body=body, status="closed", closed_on=SAME_DAY, closed_reason="Filled")
    client.force_login(chair)
    url = reverse("risks:risk-close", args=[risk.reference])
    response = client.post(url, {"reason": "x" * 91, "version": risk.version})
    assert errors(response) == ["Why it is reopened must be 90 characters or fewer"]
    reason = "The interim cover ended in October and the post is vacant again; recruitment restarts."
    assert client.post(url, {"reason": reason, "version": risk.version}).status_code == 302
    assert Risk.objects.get(pk=risk.pk).history.latest().history_change_reason == f"Reopened: {reason}"
