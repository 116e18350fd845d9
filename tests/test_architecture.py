"""The shape of the house: imports point one way, and no two apps answer the same address."""

import ast
import importlib
import re
import types
from pathlib import Path

import pytest
from django.urls import Resolver404, URLPattern, URLResolver
from django.urls.resolvers import RegexPattern

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import from its own app and from apps in earlier layers, never from a later
# one; apps in the same layer are separate rooms and do not import each other.
LAYERS = [
    ["dscb"],
    ["subgroups"],
    ["accounts"],
    ["plans"],
    ["priorities"],
    ["kpis"],
    ["meetings"],
    ["risks", "audits", "selfassessment"],
    ["progress"],
    ["planfile", "yearend", "reports"],
    ["assurance", "annualreport"],
]
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}
# The wiring: settings and the root URLconf name every app, as their job is to put the house together.
WIRING = {"dscb/settings.py", "dscb/urls.py"}


def imported_apps(source):
    """The project apps a module's source imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in LAYER_OF]
    return found


def violations(app, path, source):
    """Every import in the source that points to a later layer, or sideways into another app of its layer."""
    wrong = []
    for target, line in imported_apps(source):
        if target != app and LAYER_OF[target] >= LAYER_OF[app]:
            wrong.append(f"{path}:{line} imports {target} ({app} may use only {', '.join(allowed_below(app))})")
    return wrong


def allowed_below(app):
    return [name for name in LAYER_OF if LAYER_OF[name] < LAYER_OF[app]] or ["nothing of the project"]


def test_every_project_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYER_OF)


def test_no_module_imports_from_an_app_above_it():
    wrong = []
    for app in LAYER_OF:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in WIRING:
                wrong += violations(app, relative, path.read_text())
    assert wrong == []


@pytest.mark.parametrize(
    ("app", "source", "points_up"),
    [
        ("plans", "from priorities.models import Action", True),
        ("plans", "import kpis.rag", True),
        ("priorities", "from progress.selectors import plan_progress", True),
        ("reports", "from planfile.writer import plan_rows", True),  # a room of the same layer
        ("dscb", "from accounts.audit import log_event", True),
        ("kpis", "from priorities.models import Objective", False),
        ("reports", "from progress import selectors", False),
        ("plans", "from .models import BusinessPlan", False),
        ("plans", "from django.db import models", False),
    ],
)
def test_the_check_finds_an_import_that_points_up(app, source, points_up):
    assert bool(violations(app, "example.py", source)) is points_up


def _sample_paths(resolver, prefix=""):
    """One address for every named pattern below the resolver, with made-up values for its parameters."""
    paths = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            paths += _sample_paths(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            converters = entry.pattern.converters

            def value(match, converters=converters):
                converter = converters[match.group(1)]
                return getattr(converter, "sample", None) or ("3" if converter.regex == "[0-9]+" else "2015-16")

            paths.append("/" + prefix + re.sub(r"<(?:\w+:)?(\w+)>", value, str(entry.pattern)))
    return paths


def _project_includes():
    """The root URLconf's includes of the project's own apps, each app's URLconf with it."""
    return [
        (entry, entry.urlconf_module)
        for entry in importlib.import_module("dscb.urls").urlpatterns
        if isinstance(entry, URLResolver) and getattr(entry.urlconf_module, "__name__", "").split(".")[0] in LAYER_OF
    ]


def _resolver(patterns):
    """A root URLconf made of these patterns alone."""
    module = types.ModuleType("urlconf")
    module.urlpatterns = patterns
    return URLResolver(RegexPattern(r"^/"), module)


def test_no_two_apps_answer_the_same_address():
    includes = _project_includes()
    clashes = []
    for entry, module in includes:
        for path in _sample_paths(entry, str(entry.pattern)):
            for other, other_module in includes:
                if other_module is module:
                    continue
                try:
                    match = _resolver([other]).resolve(path)
                except Resolver404:
                    continue
                clashes.append(f"{path} ({module.__name__}) also matches {other_module.__name__}: {match.view_name}")
    assert clashes == []


def test_the_root_urlconf_works_in_any_order():
    root = importlib.import_module("dscb.urls").urlpatterns
    as_written, reordered = _resolver(root), _resolver(list(reversed(root)))
    paths = [path for entry, _ in _project_includes() for path in _sample_paths(entry, str(entry.pattern))]
    assert "/plans/import/" in paths
    for path in paths:
        assert reordered.resolve(path).func == as_written.resolve(path).func, path


def test_a_plan_cannot_take_the_address_of_another_page():
    from django.core.exceptions import ValidationError

    from plans.converters import RESERVED_PLAN_SLUGS
    from plans.models import BusinessPlan

    validators = BusinessPlan._meta.get_field("slug").validators
    for slug in RESERVED_PLAN_SLUGS:
        with pytest.raises(ValidationError, match="used by another page"):
            for validator in validators:
                validator(slug)
