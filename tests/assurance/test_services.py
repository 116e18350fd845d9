"""The inspection map's writes: each kind of evidence takes its date from its source, the database holds every
link to exactly one source, and a framework is made from a plan once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assurance.models import Evidence
from assurance.services import evidence_add, framework_from_plan
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    IssuedReportFactory,
    KPIFactory,
    KPIValueFactory,
    MeetingFactory,
    MeetingItemFactory,
    ProgressUpdateFactory,
    ReviewFactory,
    RiskFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


def day(text):
    return datetime.date.fromisoformat(text)


def sources():
    """kind -> (a factory of its source, the date the evidence should carry)."""
    return {
        "update": lambda: (lambda update: (update, update.period.ends_on))(ProgressUpdateFactory()),
        "kpi_value": lambda: (lambda value: (value, value.period.ends_on))(KPIValueFactory()),
        "meeting": lambda: (MeetingFactory(date=day("2015-09-08")), day("2015-09-08")),
        "meeting_item": lambda: (MeetingItemFactory(meeting=MeetingFactory(date=day("2015-10-01"))), day("2015-10-01")),
        "risk_review": lambda: (ReviewFactory(reviewed_on=day("2015-11-17")), day("2015-11-17")),
        "round": lambda: (RoundFactory(closes_on=day("2015-11-30")), day("2015-11-30")),
        "risk": lambda: (RiskFactory(opened_on=day("2015-04-01")), day("2015-04-01")),
    }


@pytest.mark.parametrize("kind", list(sources()))
def test_evidence_takes_its_date_from_its_source(manager, requirement, kind):
    source, expected = sources()[kind]()
    evidence = evidence_add(requirement=requirement, user=manager, kind=kind, source=source)
    assert evidence.evidence_on == expected and getattr(evidence, kind) == source
    assert evidence.history.get().history_user == manager


def test_a_report_is_dated_the_day_it_was_issued(manager, requirement):
    report = IssuedReportFactory(issued_at=timezone.make_aware(datetime.datetime(2015, 12, 1, 10)))
    assert evidence_add(requirement=requirement, user=manager, kind="report", source=report).evidence_on == day(
        "2015-12-01"
    )


def test_an_action_or_kpi_is_dated_by_its_latest_update_or_value(manager, requirement):
    update = ProgressUpdateFactory()
    assert (
        evidence_add(requirement=requirement, user=manager, kind="action", source=update.action).evidence_on
        == update.period.ends_on
    )
    value = KPIValueFactory()
    assert evidence_add(requirement=requirement, user=manager, kind="kpi", source=value.kpi).evidence_on == (
        value.period.ends_on
    )
    bare = ActionFactory()
    assert evidence_add(requirement=requirement, user=manager, kind="action", source=bare).evidence_on == (
        timezone.localdate()
    )


def test_a_source_of_the_wrong_kind_is_refused(manager, requirement):
    with pytest.raises(ValidationError):
        evidence_add(requirement=requirement, user=manager, kind="kpi", source=RiskFactory())
    assert not Evidence.objects.exists()


def test_the_database_holds_each_link_to_exactly_one_source(requirement, action):
    kpi = KPIFactory(objective=action.objective, owner=action.lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(requirement=requirement, kind="kpi", kpi=kpi, action=action, document_title="")
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(requirement=requirement, kind="kpi", document_title="", document_date=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(requirement=requirement, kind="document", document_title="")
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(requirement=requirement, kind="document", kpi=kpi)
    EvidenceFactory(requirement=requirement, kind="kpi", kpi=kpi, document_title="", document_date=None)


def test_a_framework_is_made_from_a_plan_once(manager, action):
    plan = action.objective.priority.plan
    plan.ofsted_requirements = "One.\n\nTwo."
    plan.save()
    framework, made = framework_from_plan(plan=plan, user=manager)
    again, made_again = framework_from_plan(plan=plan, user=manager)
    assert (made, made_again, again) == (True, False, framework)
    assert list(framework.requirements.values_list("number", "text")) == [(1, "One."), (2, "Two.")]
    assert framework.history.get().history_user == manager


def test_a_plan_without_requirements_makes_no_framework(manager, action):
    with pytest.raises(ValidationError, match="no Ofsted requirements"):
        framework_from_plan(plan=action.objective.priority.plan, user=manager)
