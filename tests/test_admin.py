"""The Django admin is where the plan is edited: every list and edit page opens, with history."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from dscb.admin_widgets import ROWS_NOT_UNDERSTOOD
from priorities.models import Action, Objective
from tests.project import project_model_admins

pytestmark = pytest.mark.django_db

APPS = {"plans", "priorities", "subgroups", "kpis", "meetings", "risks", "assurance"}
MODELS = [model for model in admin.site._registry if model._meta.app_label in APPS]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_list_add_and_change_page_opens(admin_client, rf, admin_user, demo, model):
    info = (model._meta.app_label, model._meta.model_name)
    request = rf.get("/admin/")
    request.user = admin_user
    adds = admin.site._registry[model].has_add_permission(request)  # reviews and escalations: read only
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "safeguarding"}).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == (200 if adds else 403)
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


def _has_autocomplete(model):
    model_admin = admin.site._registry[model]
    return bool(model_admin.autocomplete_fields) or any(inline.autocomplete_fields for inline in model_admin.inlines)


WITH_AUTOCOMPLETE = [model for model in [*MODELS, get_user_model()] if _has_autocomplete(model)]


@pytest.mark.parametrize("model", WITH_AUTOCOMPLETE, ids=lambda model: model.__name__)
def test_an_autocomplete_search_for_control_characters_is_a_search_for_the_words(admin_client, demo, model):
    """A NUL typed into the autocomplete's address, which PostgreSQL cannot take (the admin answered 500): the
    search is for the words around it."""
    request = admin_client.get("/").wsgi_request
    model_admin = admin.site._registry[model]
    boxes = [(model_admin, name) for name in model_admin.get_autocomplete_fields(request)]
    for inline in model_admin.get_inline_instances(request):
        boxes += [(inline, name) for name in inline.get_autocomplete_fields(request)]
    assert boxes
    for owner, name in boxes:
        source = owner.model._meta
        answer = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": source.app_label, "model_name": source.model_name, "field_name": name, "term": "a\x00"},
        )
        assert answer.status_code == 200, (source.model_name, name)
        assert isinstance(answer.json()["results"], list)


@pytest.mark.parametrize("model", WITH_AUTOCOMPLETE, ids=lambda model: model.__name__)
def test_a_tampered_autocomplete_value_is_a_form_error_not_a_server_error(admin_client, demo, model):
    """Every autocomplete field, in the form and in its inlines, given a value that is no id: the form again."""
    info = (model._meta.app_label, model._meta.model_name)
    url = reverse("admin:{}_{}_change".format(*info), args=[model.objects.first().pk])
    response = admin_client.get(url)
    data = {}
    forms = [response.context["adminform"].form] + [
        form for formset in response.context["inline_admin_formsets"] for form in formset.formset.forms
    ]
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
    tampered = 0
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or callable(value):
                value = ""
            if isinstance(value, list | tuple):
                value = [getattr(item, "pk", item) for item in value]
            data[form.add_prefix(name)] = getattr(value, "pk", value)
            if (
                "Autocomplete" in type(field.widget).__name__
                or "Autocomplete" in type(getattr(field.widget, "widget", None)).__name__
            ):
                data[form.add_prefix(name)] = "not-an-id"
                tampered += 1
    assert tampered, f"{model.__name__}'s admin lists autocomplete fields, but none was found in its forms"
    response = admin_client.post(url, {key: value for key, value in data.items() if value is not None})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("model", [model for model, _ in project_model_admins()], ids=lambda model: model.__name__)
def test_a_bulk_action_on_rows_that_are_no_ids_is_refused_in_words(admin_client, demo, model):
    """Rows of the list chosen by values that are no ids (typed into the request): the list again, with nothing
    changed, where Django's admin answered 500."""
    model_admin = admin.site._registry[model]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    request = admin_client.get(url).wsgi_request
    # An admin without bulk actions (reviews and escalations are recorded on the risk's page) is sent one anyway:
    # its list reads no action at all.
    actions = list(model_admin.get_actions(request))
    before = model.objects.count()
    for chosen in ["not-an-id", "1.5", "", "99999999999999999999", "-1e3"]:
        response = admin_client.post(
            url,
            {"action": actions[0] if actions else "delete_selected", "_selected_action": [chosen], "index": 0},
            follow=True,
        )
        assert response.status_code == 200, chosen
        assert (ROWS_NOT_UNDERSTOOD in response.content.decode()) == bool(actions), chosen
    assert model.objects.count() == before
