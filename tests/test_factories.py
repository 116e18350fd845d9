"""tests/factories.py has a factory for every model of the project's apps, each making a valid, saved row."""

from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.conf import settings
from simple_history.models import HistoricalChanges

from plans.models import BusinessPlan, ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db

PROJECT_MODELS = sorted(
    (
        model
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR  # the project's own apps, not those installed in .venv/
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges)
    ),
    key=lambda model: model._meta.label,
)
FACTORIES = {
    value._meta.model: value
    for value in vars(factories).values()
    if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory) and value._meta.model
}


def test_the_project_models_are_found():
    labels = {model._meta.label for model in PROJECT_MODELS}
    assert {"plans.BusinessPlan", "reports.IssuedReport", "reports.DraftPDF", "subgroups.Membership"} <= labels


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model._meta.label)
def test_every_model_has_a_factory_that_saves_a_valid_row(model):
    assert model in FACTORIES, f"tests/factories.py has no factory for {model._meta.label}"
    row = FACTORIES[model]()
    row.full_clean()
    assert model.objects.filter(pk=row.pk).exists()


def test_a_plan_with_no_arguments_is_active_with_six_periods_the_first_open():
    plan = factories.BusinessPlanFactory()
    assert plan.status == BusinessPlan.Status.ACTIVE
    assert [(period.number, period.state) for period in plan.periods.all()] == [
        (1, ReportingPeriod.State.OPEN),
        *((number, ReportingPeriod.State.UPCOMING) for number in range(2, 7)),
    ]
    bare = factories.BusinessPlanFactory(bare=True)
    assert bare.status == BusinessPlan.Status.CLOSED and not bare.periods.exists()
