"""The Django admin is where the plan is edited: every list and edit page opens, with history."""

import pytest
from django.contrib import admin
from django.urls import reverse

from priorities.models import Action, Objective

pytestmark = pytest.mark.django_db

MODELS = [
    model for model in admin.site._registry if model._meta.app_label in {"plans", "priorities", "subgroups", "kpis"}
]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_list_add_and_change_page_opens(admin_client, demo, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "safeguarding"}).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk])).status_code == 200


def test_the_plan_structure_is_reachable_through_inlines(admin_client, demo):
    plan, _ = demo
    page = admin_client.get(reverse("admin:plans_businessplan_change", args=[plan.pk])).content.decode()
    assert "Children and Young People are safe from harm" in page and "Reporting periods" in page
    objective = Objective.objects.get(priority__plan=plan, ref="3.3")
    page = admin_client.get(reverse("admin:priorities_objective_change", args=[objective.pk])).content.decode()
    assert "Undertake a review of board membership and subgroups" in page
    assert "100% Agency attendance" in page


def test_subgroups_autocomplete_for_leads(admin_client, demo):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "quality", "app_label": "priorities", "model_name": "action", "field_name": "lead"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Quality Assurance sub"]


def test_an_edit_in_the_admin_is_attributed_in_history(admin_client, admin_user, demo):
    action = Action.objects.get(ref="1.1.1")
    url = reverse("admin:priorities_action_change", args=[action.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(text="Produce practice standards, revised", co_leads=[], supporting=[])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = action.history.latest()
    assert latest.text == "Produce practice standards, revised" and latest.history_user == admin_user
