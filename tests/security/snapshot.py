"""The database's content, to prove that a refused or bad request changed nothing."""

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import serializers

# Kept by the sign-in machinery itself, whatever the request: not part of what a form may change.
IGNORED = {Session, *(model for model in apps.get_app_config("axes").get_models())}


def database_snapshot():
    """Every row of every table the app's forms can reach, serialised in primary-key order."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in apps.get_models()
        if model not in IGNORED
    }


def changed_tables(before, after):
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))
