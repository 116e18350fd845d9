"""The project's own apps, forms and admin pages, for tests that hold a rule over all of them."""

import importlib
import pkgutil
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin


def project_apps():
    """The apps in this project's folder, not those installed in .venv."""
    return [config for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR]


def project_form_classes():
    """Every form class defined in the project's apps (their forms, views and admin modules imported first)."""
    for config in project_apps():
        for module in pkgutil.iter_modules([config.path]):
            if module.name in {"forms", "views", "admin"}:
                importlib.import_module(f"{config.name}.{module.name}")
    found, todo = [], list(forms.BaseForm.__subclasses__())
    packages = {config.name for config in project_apps()}
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in packages and not cls.__module__.startswith("tests"):
            found.append(cls)
    return found


def project_model_admins():
    """(model, ModelAdmin) for each admin page registered by the project's apps."""
    packages = {config.name for config in project_apps()}
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if type(model_admin).__module__.split(".")[0] in packages
    ]
