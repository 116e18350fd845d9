"""The register in the Django admin: every page of its four models opens, with history, and a risk saved there gets
its next review date from its current band, attributed to the admin."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from risks.models import Control, Escalation, Review, Risk
from tests.factories import ControlFactory, EscalationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

MODELS = [Risk, Control, Review, Escalation]
EDITABLE = [Risk, Control]  # reviews and escalations are recorded on the risk's pages, and only read here


@pytest.fixture
def rows(risk):
    ControlFactory(risk=risk)
    ReviewFactory(risk=risk)
    EscalationFactory(risk=risk)
    return risk


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_list_add_change_and_history_page_opens(admin_client, rows, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "R3"}).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == (200 if model in EDITABLE else 403)
    obj = model.objects.first()
    assert admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk])).status_code == 200


def _posted(form):
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or callable(value):
            value = ""
        if isinstance(value, list | tuple):
            value = [getattr(item, "pk", item) for item in value]
        data[name] = getattr(value, "pk", value)
    return data


def test_a_risk_changed_in_the_admin_gets_its_next_review_from_its_band(admin_client, admin_user, risk):
    url = reverse("admin:risks_risk_change", args=[risk.pk])
    response = admin_client.get(url)
    data = _posted(response.context["adminform"].form)
    data.update({"current_likelihood": 5, "current_impact": 5, "opened_on": "2015-01-31"})
    data.update({"controls-TOTAL_FORMS": 0, "controls-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    risk.refresh_from_db()
    assert risk.next_review_on == datetime.date(2015, 2, 28)
    assert risk.history.latest().history_user == admin_user


@pytest.mark.parametrize("model", [Review, Escalation], ids=lambda model: model.__name__)
def test_reviews_and_escalations_are_read_in_the_admin_never_changed(admin_client, rows, model):
    info = (model._meta.app_label, model._meta.model_name)
    obj = model.objects.get()
    before = model.objects.values().get()
    response = admin_client.post(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), {"comment": "x"})
    assert response.status_code == 403
    assert (
        admin_client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert model.objects.values().get() == before


@pytest.mark.parametrize("model", EDITABLE, ids=lambda model: model.__name__)
def test_a_tampered_autocomplete_value_is_a_form_error(admin_client, rows, model):
    info = (model._meta.app_label, model._meta.model_name)
    url = reverse("admin:{}_{}_change".format(*info), args=[model.objects.first().pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = _posted(form)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
    tampered = list(admin.site._registry[model].autocomplete_fields)
    assert tampered
    data.update(dict.fromkeys(tampered, "not-an-id"))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
