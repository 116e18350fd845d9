"""The plan links the audit rounds that give evidence for it: an objective linked to a standard, and a KPI computed
from a kind of round (3.3.K1, 3.3.K2), show the summary of the latest round of that kind to every reader who may
open it; priorities and kpis ask through their slots, which audits fills."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audits.models import Round
from kpis.models import KPI
from priorities.models import Objective
from tests.factories import (
    AuditMeasureFactory,
    FrameworkFactory,
    KPIFactory,
    ObjectiveFactory,
    ReturnFactory,
    RoundFactory,
    StandardFactory,
    UserFactory,
    make_school,
)

pytestmark = pytest.mark.django_db


def _objective_section(page, objective):
    """The HTML of one objective's place on the plan page."""
    start = page.index(f'aria-labelledby="{objective.anchor}"')
    end = page.find('<section class="app-objective"', start)
    return page[start:] if end == -1 else page[start:end]


def _audit_links(html):
    """[(link text, address)] of the audit evidence links in a piece of a page."""
    found = []
    for block in re.findall(r'class="[^"]*app-audit-links[^"]*">(.*?)</(?:p|dd)>', html, re.S):
        found += [(text, href) for href, text in re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a>', block)]
    return found


def _round_link(round):
    return (f"{round.title} (summary)", reverse("audits:round-detail", args=[round.pk]))


def _demo_rounds():
    return Round.objects.get(kind="section_11", is_demo=True), Round.objects.get(kind="section_175", is_demo=True)


def test_the_demo_plan_links_the_rounds_under_the_objectives_their_standards_give_evidence_for(client, demo):
    plan, users = demo
    section_11, section_175 = _demo_rounds()
    client.force_login(users["viewer"])
    page = client.get(plan.get_absolute_url()).content.decode()
    objectives = {objective.ref: objective for objective in Objective.objects.filter(priority__plan=plan)}
    assert "Evidence from audits: " in _objective_section(page, objectives["1.1"])
    assert _audit_links(_objective_section(page, objectives["1.1"])) == [
        _round_link(section_11),
        _round_link(section_175),
    ]
    assert _audit_links(_objective_section(page, objectives["3.3"])) == [_round_link(section_11)]
    for ref in ("1.2", "2.1", "2.2", "2.3", "3.1", "3.2"):  # no standard linked to them
        section = _objective_section(page, objectives[ref])
        assert "Evidence from audits" not in section and _audit_links(section) == []
    for _, address in _audit_links(page):
        assert client.get(address).status_code == 200


def test_the_demo_kpis_computed_from_audits_link_their_round(client, demo):
    plan, users = demo
    section_11, section_175 = _demo_rounds()
    client.force_login(users["viewer"])
    kpis = {kpi.ref: kpi for kpi in KPI.objects.filter(objective__priority__plan=plan)}
    k1 = client.get(kpis["3.3.K1"].get_absolute_url()).content.decode()
    assert "Evidence from audits" in k1
    assert _audit_links(k1) == [_round_link(section_11)]
    assert client.get(_round_link(section_11)[1]).status_code == 200
    assert _audit_links(client.get(kpis["3.3.K2"].get_absolute_url()).content.decode()) == [_round_link(section_175)]
    entered = next(kpi for kpi in kpis.values() if kpi.value_source == KPI.Source.ENTERED)
    page = client.get(entered.get_absolute_url()).content.decode()
    assert "Evidence from audits" not in page and _audit_links(page) == []


def test_a_school_contact_is_linked_only_to_the_rounds_they_may_open(client, demo):
    plan, _ = demo
    section_11, section_175 = _demo_rounds()
    client.force_login(get_user_model().objects.get(username="contact-oakfield-primary"))
    page = client.get(plan.get_absolute_url()).content.decode()
    objective = Objective.objects.get(priority__plan=plan, ref="1.1")
    assert _audit_links(_objective_section(page, objective)) == [_round_link(section_175)]
    assert client.get(_round_link(section_175)[1]).status_code == 200
    assert client.get(_round_link(section_11)[1]).status_code == 404  # which is why it is not linked
    k1 = KPI.objects.get(objective__priority__plan=plan, ref="3.3.K1")
    assert _audit_links(client.get(k1.get_absolute_url()).content.decode()) == []


@pytest.fixture
def linked(action):
    """The active plan's objective linked to a standard of a Section 11 framework, and a KPI of it computed from
    Section 11 returns; no round yet."""
    objective = action.objective
    standard = StandardFactory(framework=FrameworkFactory(kind="section_11"))
    standard.objectives.add(objective)
    kpi = KPIFactory(objective=objective, value_source=KPI.Source.AUDITS)
    AuditMeasureFactory(kpi=kpi, kind="section_11")
    return objective, standard, kpi


def _links_on(client, objective, kpi):
    plan_page = client.get(objective.priority.plan.get_absolute_url()).content.decode()
    return _audit_links(_objective_section(plan_page, objective)), _audit_links(
        client.get(kpi.get_absolute_url()).content.decode()
    )


def test_the_link_is_to_the_latest_round_of_the_kind_that_has_opened(client, viewer, linked):
    objective, standard, kpi = linked
    client.force_login(viewer)
    assert _links_on(client, objective, kpi) == ([], [])  # linked, but no round has run
    framework = standard.framework
    RoundFactory(
        framework=framework,
        title="Section 11 audit 2013/14",
        closes_on=datetime.date(2013, 11, 30),
        opens_on=datetime.date(2013, 9, 1),
    )
    latest = RoundFactory(framework=framework, title="Section 11 audit 2015/16")
    RoundFactory(
        framework=FrameworkFactory(kind="section_175"),
        title="Section 175 audit 2016/17",
        opens_on=datetime.date(2016, 9, 1),
        closes_on=datetime.date(2016, 11, 30),
    )
    next_year = datetime.date.today().year + 1
    RoundFactory(
        framework=framework,
        title="Not open yet",
        opens_on=datetime.date(next_year, 6, 1),
        closes_on=datetime.date(next_year, 9, 30),
    )
    assert _links_on(client, objective, kpi) == ([_round_link(latest)], [_round_link(latest)])


def test_nothing_is_linked_where_no_standard_is_linked(client, viewer, linked):
    objective, standard, kpi = linked
    RoundFactory(framework=standard.framework)
    standard.objectives.clear()
    kpi.audit_measure.delete()
    KPI.objects.filter(pk=kpi.pk).update(value_source=KPI.Source.ENTERED)
    client.force_login(viewer)
    plan_page = client.get(objective.priority.plan.get_absolute_url()).content.decode()
    assert "Evidence from audits" not in plan_page
    assert "Evidence from audits" not in client.get(kpi.get_absolute_url()).content.decode()


def test_two_standards_of_one_kind_give_one_link(client, viewer, linked):
    objective, standard, kpi = linked
    StandardFactory(framework=standard.framework).objectives.add(objective)
    round = RoundFactory(framework=standard.framework)
    client.force_login(viewer)
    assert _links_on(client, objective, kpi)[0] == [_round_link(round)]


@pytest.mark.parametrize("persona", ["viewer", "chair", "other_chair", "manager", "admin"])
def test_every_reader_who_is_no_contact_is_linked(client, persona, linked, request):
    objective, standard, kpi = linked
    round = RoundFactory(framework=standard.framework)
    client.force_login(request.getfixturevalue(persona))
    assert _links_on(client, objective, kpi) == ([_round_link(round)], [_round_link(round)])
    assert client.get(_round_link(round)[1]).status_code == 200


def test_a_manager_who_is_also_a_contact_is_linked_to_every_round(client, manager, linked):
    objective, standard, kpi = linked
    round = RoundFactory(framework=standard.framework)
    ReturnFactory(
        round=RoundFactory(framework=FrameworkFactory(kind="section_175")), organisation=make_school(), contact=manager
    )
    client.force_login(manager)
    assert _links_on(client, objective, kpi) == ([_round_link(round)], [_round_link(round)])


def test_a_contact_is_linked_to_the_latest_round_of_their_own(client, linked):
    objective, standard, kpi = linked
    round = RoundFactory(framework=standard.framework)
    contact = ReturnFactory(round=round).contact
    substitute = ReturnFactory(round=round, substitute=UserFactory()).substitute
    later = RoundFactory(framework=standard.framework, title="A later round, of other organisations")
    ReturnFactory(round=later)
    for user in (contact, substitute):
        client.force_login(user)
        assert _links_on(client, objective, kpi) == ([_round_link(round)], [_round_link(round)])
        assert client.get(_round_link(later)[1]).status_code == 404


def test_a_kpi_linked_to_a_standard_links_the_latest_round_of_each_kind_it_is_linked_to(client, viewer):
    kpi = KPIFactory()
    section_11 = FrameworkFactory(kind="section_11")
    section_175 = FrameworkFactory(kind="section_175")
    client.force_login(viewer)
    assert _audit_links(client.get(kpi.get_absolute_url()).content.decode()) == []
    StandardFactory(framework=section_11).kpis.add(kpi)
    StandardFactory(framework=section_11).kpis.add(kpi)  # a second standard of the same kind: still one link
    older = RoundFactory(framework=section_11, opens_on=datetime.date(2014, 6, 1), closes_on=datetime.date(2014, 9, 30))
    latest = RoundFactory(framework=section_11, closes_on=datetime.date(2015, 9, 30))
    RoundFactory(framework=section_175)  # a kind the KPI is not linked to
    assert _audit_links(client.get(kpi.get_absolute_url()).content.decode()) == [_round_link(latest)]
    assert older != latest
    StandardFactory(framework=section_175).kpis.add(kpi)
    links = _audit_links(client.get(kpi.get_absolute_url()).content.decode())
    assert links[0] == _round_link(latest) and len(links) == 2


def test_the_plan_page_asks_once_for_its_audit_links_however_many_there_are(
    client, viewer, linked, django_assert_num_queries
):
    objective, _, _ = linked
    plan = objective.priority.plan
    client.force_login(viewer)

    def grow(times):
        for _ in range(times):
            more = ObjectiveFactory(priority=objective.priority)
            for kind in ("section_11", "section_175"):
                framework = FrameworkFactory(kind=kind)
                StandardFactory(framework=framework).objectives.add(more, objective)
                RoundFactory(framework=framework)

    grow(1)
    # session, user (with their roles: manager?), plan, periods, actions with status, co-leads, supporting, objectives,
    # KPIs with their owners, lead subgroups for the filter, and the audit links of every objective
    with django_assert_num_queries(11):
        small = client.get(plan.get_absolute_url())
    grow(10)
    with django_assert_num_queries(11):
        large = client.get(plan.get_absolute_url())
    assert small.content.count(b"Evidence from audits") == 2
    assert large.content.count(b"Evidence from audits") == 12


def test_the_kpi_page_asks_once_for_its_audit_link(client, viewer, linked, django_assert_num_queries):
    _, standard, kpi = linked
    client.force_login(viewer)

    def grow(times):
        for _ in range(times):
            round = RoundFactory(framework=standard.framework)
            ReturnFactory(round=round, organisation=make_school())

    grow(1)
    # session, user (with their roles: manager?, for the plan), the KPI (with its objective, priority, plan and owner),
    # periods, values, value history, KPI history, and the latest round it is computed from (no query of who may
    # write: nobody enters it)
    with django_assert_num_queries(8):
        client.get(kpi.get_absolute_url())
    grow(10)
    with django_assert_num_queries(8):
        response = client.get(kpi.get_absolute_url())
    assert len(_audit_links(response.content.decode())) == 1


def test_the_plan_and_kpi_pages_show_whatever_their_slots_are_given(client, viewer, linked, monkeypatch):
    """Priorities and kpis know nothing of audits: with their slots empty the pages show no line and ask nothing;
    with a finder registered they show what it gives."""
    from kpis import evidence as kpi_evidence
    from priorities import evidence as plan_evidence

    objective, standard, kpi = linked
    RoundFactory(framework=standard.framework)
    monkeypatch.setattr(plan_evidence, "AUDIT_LINK_FINDERS", [])
    monkeypatch.setattr(kpi_evidence, "AUDIT_LINK_FINDERS", [])
    client.force_login(viewer)
    assert _links_on(client, objective, kpi) == ([], [])
    plan_evidence.register_audit_link_finder(lambda ids, user: {objective.pk: [("Audit A", "/audits/7/")]})
    kpi_evidence.register_audit_link_finder(lambda found, user: [("Audit B", "/audits/8/")] if found == kpi else [])
    assert _links_on(client, objective, kpi) == (
        [("Audit A (summary)", "/audits/7/")],
        [("Audit B (summary)", "/audits/8/")],
    )
