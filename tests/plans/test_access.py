"""The one helper per way a view reaches a plan: 404 outside what the user may read, 403 for what they may not run."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from plans.access import plan_for_manager, plan_for_reader
from tests.factories import BusinessPlanFactory

pytestmark = pytest.mark.django_db


def test_a_draft_plan_is_not_found_for_anyone_but_the_manager(manager, viewer, chair):
    draft = BusinessPlanFactory(status="draft")
    assert plan_for_reader(manager, draft.slug) == plan_for_manager(manager, draft.slug) == draft
    for user in (viewer, chair):
        with pytest.raises(Http404):
            plan_for_reader(user, draft.slug)
        with pytest.raises(Http404):
            plan_for_manager(user, draft.slug)


def test_a_published_plan_is_read_by_everyone_and_managed_by_the_manager_alone(manager, viewer, chair):
    plan = BusinessPlanFactory(status="closed")
    assert plan_for_manager(manager, plan.slug) == plan
    for user in (viewer, chair):
        assert plan_for_reader(user, plan.slug) == plan
        with pytest.raises(PermissionDenied, match="Only the board business manager issues reports"):
            plan_for_manager(user, plan.slug, refusal="Only the board business manager issues reports.")
    with pytest.raises(Http404):
        plan_for_reader(viewer, "no-such-plan")


def test_no_one_signed_out_reads_a_plan_and_no_address_is_more_than_not_found(manager, viewer):
    from django.contrib.auth.models import AnonymousUser

    plan = BusinessPlanFactory(status="closed")
    with pytest.raises(Http404):
        plan_for_reader(AnonymousUser(), plan.slug)
    # Addresses typed by hand: far longer than any plan's, with quotes, percent signs and placeholders in them.
    for slug in ("x" * 5000, "2015-16'; --", "%s%%", "$1", plan.slug[:-1], f"{plan.slug} "):
        for user in (manager, viewer):
            with pytest.raises(Http404):
                plan_for_reader(user, slug)


def test_the_active_plan_comes_with_its_periods_as_a_prefetch_leaves_them(django_assert_num_queries):
    from plans.access import active_plan_with_periods
    from plans.models import BusinessPlan, ReportingPeriod

    assert active_plan_with_periods() is None
    BusinessPlanFactory(status="closed")
    plan = BusinessPlanFactory(status="active")
    expected = BusinessPlan.objects.prefetch_related("periods").get(pk=plan.pk)
    with django_assert_num_queries(2):
        found = active_plan_with_periods()
    with django_assert_num_queries(0):
        periods = list(found.periods.all())
        assert [period.plan for period in periods] == [found] * 6
    assert found == plan
    assert [vars(period) | {"_state": None} for period in periods] == [
        vars(period) | {"_state": None} for period in expected.periods.all()
    ]
    # Read afresh on each call: a period opened since is seen.
    ReportingPeriod.objects.filter(plan=plan, number=4).update(state=ReportingPeriod.State.OPEN)
    states = [period.state for period in active_plan_with_periods().periods.all()]
    assert states[3] == "open"
    assert states == list(ReportingPeriod.objects.filter(plan=plan).order_by("number").values_list("state", flat=True))
