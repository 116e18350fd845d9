"""The audits' part of load_demo: the rounds, returns, contact accounts and KPIs 3.3.K1 and 3.3.K2 computed."""

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate

from audits.models import ChallengeEvent, Return, Round
from kpis.models import KPI, KPIValue

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_rounds_and_computes_their_kpis(demo):
    plan, _ = demo
    section_11 = Round.objects.get(kind="section_11", is_demo=True)
    section_175 = Round.objects.get(kind="section_175", is_demo=True)
    returns = {row.organisation.slug: row for row in section_11.returns.select_related("organisation", "round")}
    assert len(returns) == 12
    assert returns["crc"].state == Return.State.DRAFT
    assert returns["voluntary-sector"].is_late
    assert sum(row.is_late for row in returns.values()) == 1
    assert returns["police"].answers.exclude(moderated_score=None).exists()
    assert ChallengeEvent.objects.filter(return_form=returns["police"]).exists()
    assert section_175.returns.count() == 6
    assert section_175.returns.filter(organisation__kind="school", state="submitted").count() == 5
    k1 = KPIValue.objects.get(kpi__ref="3.3.K1", kpi__objective__priority__plan=plan)
    assert (k1.numerator, k1.denominator, k1.value, k1.period.number) == (11, 12, Decimal("91.67"), 3)
    k2 = KPIValue.objects.get(kpi__ref="3.3.K2", kpi__objective__priority__plan=plan)
    assert (k2.numerator, k2.denominator, k2.period.number) == (5, 6, 3)
    assert KPI.objects.get(ref="3.3.K1", objective__priority__plan=plan).value_source == "audits"
    assert authenticate(username="contact-oakfield-primary", password="demo-password-for-tests") is not None
    assert authenticate(username="contact-police", password="demo-password-for-tests") is not None
    listening = section_11.framework.standards.get(number=3)
    assert [objective.ref for objective in listening.objectives.all()] == ["1.1"]


def test_loading_the_demo_twice_adds_no_second_round(demo):
    from planfile.demo import demo_load

    demo_load(password="demo-password-for-tests")
    assert Round.objects.count() == 2
