"""KPI values: who enters them, the checks in the user's words, and the RAG and trend computed from them."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, KPIValue
from kpis.rag import rate, trend
from tests.factories import KPIFactory, KPIValueFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def url(kpi, number=1):
    return reverse("kpis:value-edit", args=[kpi.pk, number])


VALUE_TABLE = [
    ("chair", 200, 302),
    ("member", 200, 302),
    ("manager", 200, 302),
    ("supporter", 403, 403),
    ("other_chair", 403, 403),
    ("viewer", 403, 403),
    ("anon", 302, 302),
]


@pytest.mark.parametrize(("persona_name", "get_status", "post_status"), VALUE_TABLE)
def test_permission_table(client, persona, kpi, period, persona_name, get_status, post_status):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    assert client.get(url(kpi)).status_code == get_status
    response = client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0"})
    assert response.status_code == post_status
    entered = KPIValue.objects.filter(kpi=kpi).first()
    if post_status == 302 and user:
        assert (entered.value, entered.entered_by) == (Decimal("75.00"), user)
    else:
        assert entered is None


@pytest.mark.parametrize(
    ("kind", "posted", "message"),
    [
        ("percentage", {"numerator": "5", "denominator": "4"}, "The numerator cannot be more than the denominator"),
        ("percentage", {"numerator": "1", "denominator": "0"}, "The denominator must be more than zero"),
        ("percentage", {"numerator": "3"}, "Enter the denominator too"),
        ("percentage", {"percentage": "120"}, "The percentage must be between 0 and 100"),
        *(
            ("percentage", {"percentage": typed}, "Enter a percentage from 0 to 100 with no more than 2 decimal places")
            for typed in ("33.3333333", "1e-30", "1e308", "12345.5")
        ),
        ("percentage", {"numerator": "-1", "denominator": "4"}, "The numerator cannot be negative"),
        ("percentage", {}, "Enter the numerator and denominator, or the percentage"),
        ("count", {"count": "-3"}, "The count cannot be negative"),
        ("count", {"count": "lots"}, "Enter the count as a whole number"),
        ("yes_no", {}, "Select yes or no"),
        ("report", {}, "Select whether the report was received"),
    ],
)
def test_bad_values_are_refused_in_the_users_words(client, chair, action, period, kind, posted, message):
    kpi = KPIFactory(objective=action.objective, owner=action.lead, kind=kind, target=None)
    client.force_login(chair)
    response = client.post(url(kpi), {**posted, "note": "Kept note", "version": "0"})
    text = response.content.decode()
    assert response.status_code == 200
    assert message in text and "Kept note" in text
    assert not KPIValue.objects.exists()


@pytest.mark.parametrize(
    ("kind", "posted", "stored"),
    [
        ("percentage", {"numerator": "41", "denominator": "60"}, {"value": Decimal("68.33"), "numerator": 41}),
        ("percentage", {"percentage": "72.5"}, {"value": Decimal("72.5"), "numerator": None}),
        ("count", {"count": "12"}, {"value": Decimal("12")}),
        ("yes_no", {"answer": "no"}, {"received": False}),
        ("report", {"answer": "yes", "note": "Six-monthly report to Board"}, {"received": True}),
    ],
)
def test_each_kind_is_stored(client, chair, action, period, kind, posted, stored):
    kpi = KPIFactory(objective=action.objective, owner=action.lead, kind=kind, target=None)
    client.force_login(chair)
    assert client.post(url(kpi), {**posted, "version": "0"}).status_code == 302
    value = KPIValue.objects.get()
    for field, expected in stored.items():
        assert getattr(value, field) == expected


def test_a_stale_form_does_not_overwrite(client, chair, member, kpi, period):
    client.force_login(chair)
    client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0"})
    client.force_login(member)
    response = client.post(url(kpi), {"numerator": "1", "denominator": "4", "version": "0"})
    assert response.status_code == 409
    assert "Someone else saved this value" in response.content.decode()
    assert KPIValue.objects.get().numerator == 3


def test_a_locked_period_refuses_chairs(client, chair, kpi, period):
    period.state = "locked"
    period.save()
    client.force_login(chair)
    assert "is locked" in client.get(url(kpi)).content.decode()
    assert client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0"}).status_code == 403
    assert not KPIValue.objects.exists()


class TestRatingAndTrend:
    @pytest.mark.parametrize(
        ("direction", "value", "expected"),
        [
            ("higher", "80", "green"),
            ("higher", "90", "green"),
            ("higher", "76", "amber"),
            ("higher", "75", "amber"),
            ("higher", "74.9", "red"),
            ("lower", "80", "green"),
            ("lower", "84", "amber"),
            ("lower", "86", "red"),
        ],
    )
    def test_rag_against_target_with_tolerance(self, action, direction, value, expected):
        kpi = KPIFactory(objective=action.objective, target=80, amber_tolerance=5, direction=direction)
        assert rate(kpi, Decimal(value)).code == expected

    def test_no_target_no_rag(self, action):
        kpi = KPIFactory(objective=action.objective, target=None)
        assert rate(kpi, Decimal("50")) is None
        report = KPIFactory(objective=action.objective, kind=KPI.Kind.REPORT, target=None)
        assert rate(report, None) is None

    def test_trend_says_whether_the_change_is_better(self, action):
        higher = KPIFactory(objective=action.objective, direction="higher")
        lower = KPIFactory(objective=action.objective, direction="lower")
        assert (trend(higher, Decimal(60), Decimal(50)).arrow, trend(higher, Decimal(60), Decimal(50)).better) == (
            "↑",
            True,
        )
        assert trend(lower, Decimal(60), Decimal(50)).better is False
        assert trend(lower, Decimal(50), Decimal(50)).arrow == "→"
        assert trend(higher, Decimal(50), None) is None

    def test_trend_names_the_previous_value_in_the_kpis_own_unit(self, action):
        percentage = KPIFactory(objective=action.objective, kind=KPI.Kind.PERCENTAGE, direction="higher")
        count = KPIFactory(objective=action.objective, kind=KPI.Kind.COUNT, direction="lower")
        assert trend(percentage, Decimal("70"), Decimal("74.74")).words == "Down from 74.74% last period (worse)"
        assert trend(count, Decimal("12"), Decimal("9")).words == "Up from 9 last period (worse)"

    def test_my_work_shows_the_computed_rating_and_trend(self, client, chair, kpi, period):
        later = ReportingPeriodFactory(plan=period.plan, number=2, state="open")
        KPIValueFactory(kpi=kpi, period=period, numerator=9, denominator=10, value=90)
        KPIValueFactory(kpi=kpi, period=later, numerator=3, denominator=4, value=75)
        client.force_login(chair)
        text = client.get(reverse("progress:my-work") + "?period=2").content.decode()
        assert "75% against a target of 80%: Amber" in text
        assert "↓ Down from 90% last period (worse)" in text


def test_two_forms_open_in_place_on_my_work_have_ids_of_their_own(client, chair, kpi, period):
    """Found on a walk: two forms open at once shared id_note and id_save, so a link to one box reached the other."""
    other = KPIFactory(objective=kpi.objective, owner=kpi.owner, kind=KPI.Kind.COUNT)
    client.force_login(chair)
    ids = []
    for each in (kpi, other):
        in_place = reverse("progress:kpi-value-in-place", args=[each.pk, period.number])
        fragment = client.get(in_place, headers={"HX-Request": "true"}).content.decode()
        found = re.findall(r' id="([^"]+)"', fragment)
        assert f"id_kpi{each.pk}_note" in found and f"id_kpi{each.pk}_save" in found
        ids += found
    assert len(ids) == len(set(ids)), sorted(ident for ident in ids if ids.count(ident) > 1)
    # The KPI's own value page keeps the plain ids.
    page = client.get(reverse("kpis:value-edit", args=[kpi.pk, period.number])).content.decode()
    assert 'id="id_note"' in page and 'id="id_save"' in page


def test_htmx_enters_a_value_in_place_on_my_work(client, chair, kpi, period):
    in_place = reverse("progress:kpi-value-in-place", args=[kpi.pk, period.number])
    client.force_login(chair)
    my_work = client.get(reverse("progress:my-work")).content.decode()
    assert 'data-hx-get="' + in_place + '"' in my_work
    slug = kpi.owner.slug
    assert f'<p class="govuk-body" id="done-{slug}">0 of 2 done.</p>' in my_work  # an action and this KPI
    fragment = client.get(in_place, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'data-hx-post="' + in_place + '"' in fragment
    refused = client.post(
        in_place, {"numerator": "5", "denominator": "4", "version": "0"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in refused.content.decode()
    assert "The numerator cannot be more than the denominator" in refused.content.decode()
    assert "data-hx-swap-oob" not in refused.content.decode()
    saved = client.post(
        in_place, {"numerator": "3", "denominator": "4", "version": "0"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    text = saved.content.decode()
    assert "Saved:</strong> 75% (Amber)" in text
    assert KPIValue.objects.get().value == Decimal("75.00")
    # The row's tag and the subgroup's count on My work are swapped in out of band: they agree without a reload.
    assert f'<p class="govuk-body" id="done-{slug}" data-hx-swap-oob="true">1 of 2 done.</p>' in text
    tag = re.search(
        rf'<div class="govuk-task-list__status" id="kpi-{slug}-{kpi.pk}-status" data-hx-swap-oob="true">'
        r"(.*?)</div>",
        text,
        re.S,
    )
    assert tag.group(1).strip() == '<strong class="govuk-tag govuk-tag--turquoise">Entered</strong>'


@pytest.mark.parametrize(
    ("next_given", "lands_on"),
    [("/my/?period=1", "/my/?period=1"), ("", "plan"), ("my-work", "plan")],
)
def test_saving_a_value_goes_back_where_the_chair_came_from(client, chair, kpi, period, next_given, lands_on):
    client.force_login(chair)
    page = client.get(url(kpi) + (f"?next={next_given}" if next_given else "")).content.decode()
    assert ('type="hidden" name="next" value="/my/' in page) is (lands_on != "plan")
    response = client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0", "next": next_given})
    assert response.status_code == 302
    assert response["Location"] == (kpi.get_absolute_url() if lands_on == "plan" else lands_on)


def test_saving_a_value_twice_says_you_already_saved_it(client, chair, kpi, period):
    client.force_login(chair)
    assert client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0"}).status_code == 302
    response = client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0"})
    assert response.status_code == 409
    assert "You already saved this value" in response.content.decode()
    assert "Someone else" not in response.content.decode()
    inline = client.post(url(kpi), {"numerator": "3", "denominator": "4", "version": "0"}, HTTP_HX_REQUEST="true")
    assert "You already saved a value" in inline.content.decode()


@pytest.mark.parametrize(
    ("kind", "inputs"),
    [
        ("percentage", {"numerator": "numeric", "denominator": "numeric", "percentage": "decimal"}),
        ("count", {"count": "numeric"}),
    ],
)
def test_number_inputs_are_govuk_inputs_with_a_number_keypad(client, chair, action, period, kind, inputs):
    """GOV.UK text inputs (40px high, a touch target above WCAG 2.2's 24px) that bring up the phone's keypad,
    rather than unstyled browser number boxes."""
    kpi = KPIFactory(objective=action.objective, owner=action.lead, kind=kind, target=None)
    client.force_login(chair)
    for page in (client.get(url(kpi)), client.get(url(kpi), headers={"HX-Request": "true"})):
        text = page.content.decode()
        for name, mode in inputs.items():
            field = re.search(rf'<input [^>]*name="{name}"[^>]*>', text).group(0)
            assert 'type="text"' in field and f'inputmode="{mode}"' in field
            assert 'class="govuk-input govuk-input--width-5"' in field
