"""The inspection map's part of load_demo: the 2015/16 plan's seven Ofsted requirements as a framework, each with
evidence from the demo's own rows, some stale as at the end of the plan year, one a gap, two self-graded."""

import datetime

import pytest
from django.urls import reverse

from assurance.models import Evidence, RequirementFramework, SelfGrade
from assurance.selectors import coverage_map, current_plan, default_as_at

pytestmark = pytest.mark.django_db


def test_each_of_the_seven_requirements_shows_its_evidence_and_one_is_a_gap(demo, client):
    plan, users = demo
    framework = RequirementFramework.objects.get(plan=plan, is_demo=True)
    assert framework.requirements.count() == 7
    as_at = default_as_at(current_plan())
    assert as_at == datetime.date(2016, 3, 31)
    rows = coverage_map(as_at)[0].rows
    assert all(row.requirement.evidence.exists() for row in rows)
    gaps = [row.requirement.number for row in rows if row.coverage.is_gap]
    assert gaps == [4]
    assert sum(row.coverage.stale for row in rows) >= 2
    kinds = set(Evidence.objects.filter(requirement__framework=framework).values_list("kind", flat=True))
    assert {"kpi", "meeting", "round", "action", "update", "risk_review", "document"} <= kinds
    assert Evidence.objects.filter(status="proposed").exists()
    assert SelfGrade.objects.filter(requirement__framework=framework).exclude(gaps="").count() == 2
    client.force_login(users["manager"])
    content = client.get(reverse("assurance:coverage")).content.decode()
    assert content.count('govuk-tag--red">Gap') == 1 and "Make the plan" not in content


def test_loading_the_demo_twice_adds_nothing(demo):
    from planfile.demo import demo_load

    counts = (RequirementFramework.objects.count(), Evidence.objects.count(), SelfGrade.objects.count())
    demo_load(password="demo-password-for-tests")
    assert (RequirementFramework.objects.count(), Evidence.objects.count(), SelfGrade.objects.count()) == counts


def test_the_demo_map_is_dated_in_the_plan_year(demo):
    plan, _ = demo
    first, last = plan.starts_on, plan.ends_on
    for model in (RequirementFramework, Evidence, SelfGrade):
        dates = model.history.values_list("history_date", flat=True)
        assert dates and all(first <= moment.date() <= last for moment in dates), model.__name__
    assert all(first <= moment.date() <= last for moment in Evidence.objects.values_list("added_at", flat=True))
