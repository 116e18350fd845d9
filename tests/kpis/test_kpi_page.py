"""A KPI's own page, open to every reader of its plan: its values with their RAG and who entered them, the trend
chart with the same figures in words, and the history of every change."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dscb.history import HISTORY_SHOWN
from kpis.services import kpi_value_save
from tests.factories import (
    KPIFactory,
    ObjectiveFactory,
    ReportingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def save(kpi, period, user, version=0, **values):
    return kpi_value_save(
        kpi=kpi,
        period=period,
        user=user,
        values={"value": None, "numerator": None, "denominator": None, "received": None, "note": "", **values},
        expected_version=version,
    )


def two_periods(kpi):
    plan = kpi.objective.priority.plan
    first = ReportingPeriodFactory(plan=plan, number=1, state="open")
    second = ReportingPeriodFactory(
        plan=plan,
        number=2,
        state="open",
        starts_on=datetime.date(2015, 6, 1),
        ends_on=datetime.date(2015, 7, 31),
        deadline=datetime.date(2015, 8, 10),
    )
    return first, second


def test_a_reader_sees_each_periods_value_with_its_rag_who_entered_it_and_the_history(client, viewer, chair, kpi):
    kpi.definition = "Children seen within 10 working days"
    kpi.save()
    first, second = two_periods(kpi)
    chair.first_name, chair.last_name = "Ann", "Chair"
    chair.save()
    save(kpi, first, chair, numerator=3, denominator=4)
    save(kpi, first, chair, version=1, numerator=9, denominator=10, note="From the quarterly audit")
    save(kpi, second, chair, numerator=1, denominator=2)
    first.state = "locked"
    first.save()
    client.force_login(viewer)
    response = client.get(kpi.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert kpi.name in text and "Children seen within 10 working days" in text
    assert kpi.owner.name in text and "80% (higher is better)" in text
    rows = re.findall(r'<tr class="govuk-table__row app-kpi-value-row">(.*?)</tr>', text, re.S)
    assert len(rows) == 2
    assert "Period 1" in rows[0] and "90%" in rows[0] and "app-status--green" in rows[0]
    assert "From the quarterly audit" in rows[0]
    assert "Period 2" in rows[1] and "50%" in rows[1] and "app-status--red" in rows[1]
    assert "Down from 90% last period (worse)" in rows[1]
    today = datetime.date.today()
    assert f"Ann Chair, {today.day} {today:%B %Y}" in rows[1]
    # This period's value at the top: period 2 is the open period the plan is reporting.
    assert re.search(r'id="kpi-current-value">\s*50%', text)
    # The chart names itself and says its figures in words; the target is a line named in words too.
    # Two drawings of it, one shown on wide screens and one on a phone, each named by its own title and description.
    wide, narrow = re.findall(r"<svg .*?</svg>", text, re.S)
    for svg, css, ids in ((wide, "app-chart--wide", "kpi-trend"), (narrow, "app-chart--narrow", "kpi-trend-narrow")):
        assert 'role="img"' in svg and "Target 80%" in svg and css in svg
        assert f'aria-labelledby="{ids}-title {ids}-desc"' in svg
        assert "Period 1: Apr–May 2015: 90%; Period 2: Jun–Jul 2015: 50%" in svg
    assert 'viewBox="0 0 640 ' in wide and 'viewBox="0 0 360 ' in narrow
    # The history: who changed what, when.
    assert "Changed: Value for Period 1: Apr–May 2015" in text
    assert "Value: 75% → 90%" in text
    assert "Entered: Value for Period 2: Jun–Jul 2015" in text
    assert "Note: (blank) → From the quarterly audit" in text
    # A reader who may not write sees no way to enter a value.
    assert reverse("kpis:value-edit", args=[kpi.pk, 2]) not in text


def test_the_owner_is_offered_to_enter_and_change_values_in_open_periods(client, chair, kpi):
    first, _ = two_periods(kpi)
    save(kpi, first, chair, value=Decimal(70))
    first.state = "locked"
    first.save()
    client.force_login(chair)
    text = client.get(kpi.get_absolute_url()).content.decode()
    assert reverse("kpis:value-edit", args=[kpi.pk, 1]) not in text  # locked
    assert f'href="{reverse("kpis:value-edit", args=[kpi.pk, 2])}?next=' in text
    assert 'Enter<span class="govuk-visually-hidden"> the value for Period 2' in text


def test_a_kpi_without_a_target_or_a_number_has_no_rag_and_no_chart(client, viewer, chair, action):
    report = KPIFactory(objective=action.objective, owner=action.lead, kind="report", target=None)
    first, _ = two_periods(report)
    save(report, first, chair, received=True, note="Report to the Board in May")
    client.force_login(viewer)
    text = client.get(report.get_absolute_url()).content.decode()
    assert "Received" in text and "Report to the Board in May" in text
    assert "<svg" not in text and "app-status--" not in text


def test_a_draft_plans_kpi_is_hidden_from_readers(client, viewer, manager):
    kpi = KPIFactory(objective=ObjectiveFactory(priority__plan__status="draft"))
    client.force_login(viewer)
    assert client.get(kpi.get_absolute_url()).status_code == 404
    client.force_login(manager)
    assert client.get(kpi.get_absolute_url()).status_code == 200


def test_query_count_does_not_grow_with_periods_and_values(client, chair, kpi, django_assert_num_queries):
    plan = kpi.objective.priority.plan
    client.force_login(chair)

    def add_periods(first, count):
        for number in range(first, first + count):
            period = ReportingPeriodFactory(plan=plan, number=number, state="open")
            save(kpi, period, UserFactory(), numerator=number, denominator=10)
            save(kpi, period, chair, version=1, numerator=number + 1, denominator=10)

    add_periods(1, 1)
    # session, user (with their roles: manager?), the KPI (with its objective, priority, plan and owner), periods,
    # values (with who entered them), the user's subgroups (who may write), value history, KPI history, and the
    # audit rounds it is computed from or linked to by a standard (none here, but it is asked)
    with django_assert_num_queries(9):
        client.get(kpi.get_absolute_url())
    add_periods(2, 5)
    with django_assert_num_queries(9):
        response = client.get(kpi.get_absolute_url())
    assert response.content.decode().count('class="govuk-table__row app-kpi-value-row"') == 6


def test_the_history_shows_the_most_recent_changes_alone(client, viewer, chair, manager, kpi):
    """Each save of a value is a change: at most dscb.history.HISTORY_SHOWN are read and shown, and the page says
    there are earlier ones."""
    first, _ = two_periods(kpi)
    for version in range(HISTORY_SHOWN + 5):
        save(kpi, first, chair, version=version, value=Decimal(version + 1), numerator=version + 1, denominator=100)
    client.force_login(viewer)
    page = client.get(kpi.get_absolute_url()).content.decode()
    history = page[page.index('id="history"') :]
    assert history.count('class="app-history__entry"') == HISTORY_SHOWN
    assert f"The {HISTORY_SHOWN} most recent changes, newest first. Earlier changes are kept." in page
    assert "Entered" not in history
    client.force_login(manager)
    assert "Earlier changes are kept in the admin's history." in client.get(kpi.get_absolute_url()).text
