"""The audit cycle's writes: draft, sign-off and submit, send back, resubmit, moderate (each in history), framework
versions, pre-fill, and the KPIs computed from the returns."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from audits.models import Criterion, CriterionAnswer, Framework, Return
from audits.services import (
    ReturnChanged,
    audit_measure_set,
    framework_new_version,
    return_moderate,
    return_save_draft,
    return_send_back,
    return_submit,
    round_scope_add,
    round_summary,
)
from kpis.models import KPIValue
from tests.factories import (
    BusinessPlanFactory,
    KPIFactory,
    ObjectiveFactory,
    ReturnFactory,
    RoundFactory,
    make_school,
)

pytestmark = pytest.mark.django_db


def _all_green(return_form, overrides=None):
    criteria = Criterion.objects.filter(standard__framework=return_form.round.framework)
    answers = {c.pk: {"self_score": 3, "evidence": f"Evidence for {c.code}"} for c in criteria}
    for pk, values in (overrides or {}).items():
        answers[pk] |= values
    return answers


def _submitted(return_form, user, answers=None):
    return_save_draft(
        return_form=return_form, user=user, answers=answers or _all_green(return_form), expected_version=1
    )
    return_form.refresh_from_db()
    return return_submit(
        return_form=return_form,
        user=user,
        officer_name="Anne Head",
        officer_role="Headteacher",
        expected_version=return_form.version,
    )


def test_a_draft_keeps_what_was_typed_and_a_stale_form_is_refused(the_return, contact):
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).first()
    return_save_draft(
        return_form=the_return,
        user=contact,
        answers={criterion.pk: {"self_score": 2, "evidence": "Half the staff trained"}},
        expected_version=1,
    )
    the_return.refresh_from_db()
    assert the_return.state == Return.State.DRAFT
    assert the_return.version == 2
    answer = the_return.answers.get()
    assert (answer.self_score, answer.evidence) == (2, "Half the staff trained")
    assert answer.history.first().history_user == contact
    with pytest.raises(ReturnChanged):
        return_save_draft(
            return_form=the_return, user=contact, answers={criterion.pk: {"self_score": 1}}, expected_version=1
        )
    answer.refresh_from_db()
    assert answer.self_score == 2


def test_submitting_needs_every_criterion_scored_and_an_action_below_green(the_return, contact):
    criteria = list(Criterion.objects.filter(standard__framework=the_return.round.framework))
    return_save_draft(
        return_form=the_return,
        user=contact,
        answers={criteria[0].pk: {"self_score": 2}},
        expected_version=1,
    )
    with pytest.raises(ValidationError) as refused:
        return_submit(return_form=the_return, user=contact, officer_name="", officer_role="", expected_version=2)
    messages = refused.value.messages
    assert messages[0] == "Enter the name of the accountable officer who signs the return off"
    assert "Give an improvement action for criterion 1.1, which is not scored the top" in messages
    assert "Score criterion 2.2" in messages
    the_return.refresh_from_db()
    assert the_return.state == Return.State.DRAFT


def test_sign_off_submit_send_back_resubmit_and_moderate_are_each_in_history(
    the_return, contact, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submitted(the_return, contact)
    assert submitted.state == Return.State.SUBMITTED
    assert submitted.receipt.startswith(f"S175-{the_return.round_id}-{the_return.organisation_id}-")
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert submitted.receipt in mail.outbox[0].body
    return_send_back(return_form=submitted, user=manager, reason="Evidence for 2.1 is a policy, not practice")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.receipt) == (Return.State.RETURNED, "")
    submitted.refresh_from_db()
    again = return_submit(
        return_form=submitted,
        user=contact,
        officer_name="Anne Head",
        officer_role="",
        expected_version=submitted.version,
    )
    criterion = Criterion.objects.filter(standard__framework=the_return.round.framework).first()
    return_moderate(return_form=again, user=manager, scores={criterion.pk: (1, "No evidence of practice")})
    states = [
        (row.state, getattr(row.history_user, "username", None))
        for row in Return.history.filter(id=the_return.pk).order_by("history_date", "history_id")
    ]
    assert [state for state, _ in states] == [
        "not_started",
        "draft",
        "signed_off",
        "submitted",
        "returned",
        "signed_off",
        "submitted",
        "submitted",
    ]
    assert states[4][1] == "manager"
    answer = CriterionAnswer.objects.get(return_form=the_return, criterion=criterion)
    assert (answer.self_score, answer.moderated_score) == (3, 1)
    assert answer.history.first().history_user == manager


def test_only_a_submitted_return_is_sent_back_and_a_reason_is_needed(the_return, contact, manager):
    from audits.services import ReturnStateError

    with pytest.raises(ReturnStateError):
        return_send_back(return_form=the_return, user=manager, reason="Too thin")
    submitted = _submitted(the_return, contact)
    with pytest.raises(ValidationError):
        return_send_back(return_form=submitted, user=manager, reason="  ")


def test_a_new_framework_version_leaves_old_rounds_unchanged(round, manager):
    old = round.framework
    before = list(Criterion.objects.filter(standard__framework=old).values_list("pk", "text"))
    copy = framework_new_version(framework=old, user=manager)
    Criterion.objects.filter(standard__framework=copy).update(text="Changed wording")
    copy.standards.first().criteria.create(number=9, text="A new criterion")
    assert copy.version == 51
    assert list(Criterion.objects.filter(standard__framework=old).values_list("pk", "text")) == before
    round.refresh_from_db()
    assert round.framework == old


def test_a_new_framework_version_keeps_each_standards_links_in_its_added_record(round, manager):
    old = round.framework
    standard = old.standards.order_by("number").first()
    objective, kpi = ObjectiveFactory(), KPIFactory()
    standard.objectives.add(objective)
    standard.kpis.add(kpi)
    copy = framework_new_version(framework=old, user=manager)
    new = copy.standards.get(number=standard.number)
    assert list(new.objectives.all()) == [objective] and list(new.kpis.all()) == [kpi]
    [added] = new.history.all()
    assert added.history_type == "+" and added.history_user == manager
    assert [row.objective_id for row in added.objectives.all()] == [objective.pk]
    assert [row.kpi_id for row in added.kpis.all()] == [kpi.pk]


def test_the_shipped_frameworks_are_there():
    section_11 = Framework.objects.get(kind="section_11", version=1)
    assert section_11.standards.count() == 8
    assert Framework.objects.get(kind="section_175", version=1).standards.count() == 9
    assert [label for _, label, _ in section_11.levels] == ["Red", "Amber", "Green"]
    assert all(descriptor for _, _, descriptor in section_11.levels)


def test_prefill_copies_only_from_the_same_organisations_last_return(round, school, contact, other_contact, manager):
    earlier_round = RoundFactory(framework=round.framework, kind="section_175", title="2013/14")
    mine = ReturnFactory(round=earlier_round, organisation=school, contact=contact)
    theirs = ReturnFactory(round=earlier_round, organisation=make_school(), contact=other_contact)
    criteria = list(Criterion.objects.filter(standard__framework=round.framework))
    return_save_draft(
        return_form=mine,
        user=contact,
        answers={criteria[0].pk: {"self_score": 2, "evidence": "Mine"}},
        expected_version=1,
    )
    return_save_draft(
        return_form=theirs,
        user=other_contact,
        answers={c.pk: {"self_score": 1, "evidence": "Theirs"} for c in criteria},
        expected_version=1,
    )
    round.previous = earlier_round
    round.save()
    new, _ = round_scope_add(round=round, organisation=school, contact=contact, user=manager)
    answers = list(new.answers.all())
    assert [(a.criterion_id, a.evidence, a.self_score, a.prefilled) for a in answers] == [
        (criteria[0].pk, "Mine", 2, True)
    ]
    assert new.prefilled_from == mine
    # Changing a pre-filled answer makes it the organisation's own.
    return_save_draft(
        return_form=new, user=contact, answers={criteria[0].pk: {"evidence": "Updated"}}, expected_version=new.version
    )
    assert not new.answers.get().prefilled


def test_the_kpi_is_received_over_expected_for_the_period_the_round_closes_in(round, contact, manager, school):
    """By hand: four schools in scope, one submits, one drafts: 1 of 4 = 25.00%; a second submits: 50.00%."""
    plan = BusinessPlanFactory(starts_on=datetime.date(2015, 4, 1))
    kpi = KPIFactory(objective=ObjectiveFactory(priority__plan=plan), ref="3.3.K2")
    audit_measure_set(kpi=kpi, kind="section_175", user=manager)
    first = ReturnFactory(round=round, organisation=school, contact=contact)
    second = ReturnFactory(round=round, organisation=make_school())
    ReturnFactory(round=round, organisation=make_school())
    ReturnFactory(round=round, organisation=make_school())
    _submitted(first, contact)
    period = plan.periods.get(starts_on__lte=round.closes_on, ends_on__gte=round.closes_on)
    value = KPIValue.objects.get(kpi=kpi, period=period)
    assert (value.numerator, value.denominator, value.value) == (1, 4, Decimal("25.00"))
    _submitted(second, second.contact)
    value.refresh_from_db()
    assert (value.numerator, value.denominator, value.value) == (2, 4, Decimal("50.00"))
    return_send_back(return_form=Return.objects.get(pk=second.pk), user=manager, reason="Incomplete")
    value.refresh_from_db()
    assert value.numerator == 1


def test_the_summary_counts_green_by_standard_and_organisation_and_the_optimism_gap(round, school, contact, manager):
    criteria = list(
        Criterion.objects.filter(standard__framework=round.framework).order_by("standard__number", "number")
    )
    mine = ReturnFactory(round=round, organisation=school, contact=contact)
    overdue = {
        "self_score": 2,
        "improvement_action": "Train the governors",
        "action_owner": "Head",
        "action_due_on": datetime.date(2016, 1, 31),
    }
    _submitted(mine, contact, _all_green(mine, {criteria[0].pk: overdue}))
    return_moderate(return_form=Return.objects.get(pk=mine.pk), user=manager, scores={criteria[1].pk: (1, "Not so")})
    ReturnFactory(round=round, organisation=make_school())
    summary = round_summary(round, today=datetime.date(2016, 2, 1))
    assert (summary.received, summary.expected, summary.percent_received) == (1, 2, 50)
    row = next(r for r in summary.returns if r.pk == mine.pk)
    # Criteria: Amber, Red (moderated from Green), Green, Green: 2 of 4 Green; gap: self 3 - moderated 1 = 2.
    assert row.green == 50
    assert row.optimism == 2.0
    assert [s.green for s in summary.standards] == [0, 100]
    assert [a.improvement_action for a in summary.overdue] == ["Train the governors"]
    assert round_summary(round, today=datetime.date(2016, 1, 31)).overdue == []


def test_the_contact_is_invited_with_a_link_to_set_a_password(
    round, school, manager, django_capture_on_commit_callbacks, client
):
    from audits.services import contact_account

    person, made = contact_account(name="Olive Parry", email="olive@oak.example.org", username="contact-oak-primary")
    assert made and not person.has_usable_password()
    assert contact_account(name="O", email="OLIVE@oak.example.org", username="x") == (person, False)
    with django_capture_on_commit_callbacks(execute=True):
        round_scope_add(round=round, organisation=school, contact=person, user=manager, site_url="http://testserver")
    (email,) = mail.outbox
    assert email.to == ["olive@oak.example.org"]
    link = next(line for line in email.body.splitlines() if "/accounts/password/set/" in line)
    path = link.replace("http://testserver", "")
    page = client.get(path, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    done = client.post(form_url, {"new_password1": "a-long-new-password-1", "new_password2": "a-long-new-password-1"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-long-new-password-1")
    # The link works once.
    again = client.get(path, follow=True)
    assert "validlink" in again.context and not again.context["validlink"]


def test_the_invitation_link_expires(
    round, school, manager, django_capture_on_commit_callbacks, client, settings, monkeypatch
):
    import datetime as dt

    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    from audits.services import contact_account

    person, _ = contact_account(name="Olive Parry", email="olive@oak.example.org", username="contact-oak")
    with django_capture_on_commit_callbacks(execute=True):
        round_scope_add(round=round, organisation=school, contact=person, user=manager, site_url="http://testserver")
    path = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/set/" in line)
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = client.get(path.replace("http://testserver", ""), follow=True)
    assert page.context["validlink"] is False


def test_a_kpi_computed_from_audits_is_computed_from_them_next_year_too(manager):
    from yearend.services import plan_roll_over

    plan = BusinessPlanFactory(starts_on=datetime.date(2015, 4, 1))
    kpi = KPIFactory(objective=ObjectiveFactory(priority__plan=plan), ref="3.3.K1")
    audit_measure_set(kpi=kpi, kind="section_11", user=manager)
    new = plan_roll_over(plan=plan, user=manager)
    copied = KPIFactory._meta.model.objects.get(objective__priority__plan=new, ref="3.3.K1")
    assert copied.value_source == "audits"
    assert copied.audit_measure.kind == "section_11"
