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
