"""A percentage KPI's value is its numerator over its denominator: the service works it out, and the model checks
it with the same rule, so that not even the Django admin can store a value that disagrees."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPIValue
from kpis.services import kpi_value_disagreement, kpi_value_percentage, kpi_value_save
from tests.factories import KPIValueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(3, 4, "75.00"), (41, 60, "68.33"), (2, 3, "66.67"), (0, 7, "0.00"), (7, 7, "100.00")],
)
def test_the_value_is_the_percentage_to_the_hundredth(numerator, denominator, expected):
    assert kpi_value_percentage(numerator, denominator) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "problem"),
    [
        (Decimal("75"), 3, 4, None),
        (Decimal("68.33"), 41, 60, None),
        (Decimal("72.5"), None, None, None),  # a percentage entered alone
        (None, None, None, None),  # an answer, not a number
        (Decimal("80"), 3, 4, "The value must be 75.00: 3 out of 4 as a percentage"),
        (Decimal("68.3"), 41, 60, "The value must be 68.33: 41 out of 60 as a percentage"),
        (None, 3, 4, "The value must be 75.00: 3 out of 4 as a percentage"),
        (Decimal("50"), 1, 0, None),  # the table's own constraint refuses a denominator of zero
        (Decimal("50"), 5, 4, None),  # and a numerator above the denominator
    ],
)
def test_a_value_disagrees_only_with_its_own_numerator_and_denominator(value, numerator, denominator, problem):
    assert kpi_value_disagreement(value=value, numerator=numerator, denominator=denominator) == problem


def test_the_service_works_the_value_out_whatever_it_is_given(chair, kpi, period):
    values = {"numerator": 1, "denominator": 3, "value": Decimal("50"), "note": ""}
    saved = kpi_value_save(kpi=kpi, period=period, user=chair, values=values, expected_version=0)
    assert KPIValue.objects.get(pk=saved.pk).value == Decimal("33.33")


def admin_post(client, url, **changes):
    """Post the admin's own form for `url` back with `changes`, as a person editing it would."""
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in {**data, **changes}.items()}
    return client.post(url, data)


def test_the_admin_cannot_change_a_value_to_disagree(admin_client, chair, kpi, period):
    value = KPIValueFactory(kpi=kpi, period=period, numerator=3, denominator=4, value=75, entered_by=chair)
    url = reverse("admin:kpis_kpivalue_change", args=[value.pk])

    refused = admin_post(admin_client, url, value="80")
    assert refused.status_code == 200
    assert "The value must be 75.00: 3 out of 4 as a percentage" in refused.content.decode()
    refused = admin_post(admin_client, url, numerator="1")
    assert "The value must be 25.00: 1 out of 4 as a percentage" in refused.content.decode()
    assert KPIValue.objects.get().value == Decimal("75")

    accepted = admin_post(admin_client, url, numerator="1", value="25")
    assert accepted.status_code == 302
    assert (KPIValue.objects.get().numerator, KPIValue.objects.get().value) == (1, Decimal("25"))


def test_the_admin_cannot_add_a_value_that_disagrees(admin_client, chair, kpi, period):
    url = reverse("admin:kpis_kpivalue_add")
    fields = {"kpi": kpi.pk, "period": period.pk, "entered_by": chair.pk, "numerator": "41", "denominator": "60"}

    refused = admin_post(admin_client, url, **fields, value="68.3")
    assert "The value must be 68.33: 41 out of 60 as a percentage" in refused.content.decode()
    assert not KPIValue.objects.exists()

    assert admin_post(admin_client, url, **fields, value="68.33").status_code == 302
    assert KPIValue.objects.get().value == Decimal("68.33")
    # A percentage with no numerator and denominator has nothing to disagree with.
    assert (
        admin_post(
            admin_client,
            reverse("admin:kpis_kpivalue_change", args=[KPIValue.objects.get().pk]),
            numerator="",
            denominator="",
            value="70",
        ).status_code
        == 302
    )
