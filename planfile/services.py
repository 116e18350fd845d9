"""Import and export of whole plans through the plan file: a new plan, or an existing one updated in place."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kpis.models import KPI
from plans.models import BusinessPlan
from plans.services import plan_create_periods
from priorities.models import Action, Objective, StrategicPriority
from subgroups.models import Subgroup, subgroup_slug

from .layout import KPI_KIND_LABELS, LEAD_SEPARATOR, PLAN_SETTINGS, SUPPORTING_SEPARATOR
from .models import PendingImport
from .reader import ParsedPlan, PlanFileError, Problem, parse, read_rows

# Settings that may change on an existing plan; its dates made its reporting periods, so they may not.
UPDATABLE_SETTINGS = [name for _, name, _ in PLAN_SETTINGS if name not in ("slug", "starts_on", "ends_on")]
SETTING_LABELS = {name: label for label, name, _ in PLAN_SETTINGS}


@dataclass
class Change:
    """One thing the import creates, changes, or leaves alone."""

    kind: str  # "create", "change", "unchanged", "not in file"
    what: str  # "Action 1.1.2"
    fields: list = field(default_factory=list)  # (label, old, new) for a change


@dataclass
class ImportResult:
    parsed: ParsedPlan
    plan: BusinessPlan | None = None  # the plan the file updates (or, once imported, the plan)
    changes: list = field(default_factory=list)
    is_update: bool = False  # the file is for a plan that exists already

    @property
    def problems(self):
        return self.parsed.problems

    def count(self, kind):
        return sum(change.kind == kind for change in self.changes)

    def summary(self):
        parsed = self.parsed
        lines = [
            f"Plan {parsed.settings.get('slug', '?')}: {parsed.settings.get('title', '')}",
            f"{len(parsed.priorities)} priorities, {len(parsed.objectives)} objectives, "
            f"{len(parsed.actions)} actions, {len(parsed.kpis)} KPIs",
        ]
        if parsed.new_subgroups:
            lines.append(f"New subgroups ({len(parsed.new_subgroups)}): {', '.join(parsed.new_subgroups)}")
        else:
            lines.append("New subgroups: none")
        if self.is_update:
            lines.append(
                f"Updates the existing plan: {self.count('create')} to create, {self.count('change')} to change, "
                f"{self.count('unchanged')} unchanged, {self.count('not in file')} not in the file (left alone)"
            )
            for change in self.changes:
                if change.kind in ("create", "change"):
                    lines.append(f"  {change.kind.capitalize()}: {change.what}")
                    lines.extend(f"    {label}: {old!r} → {new!r}" for label, old, new in change.fields)
        return lines


def plan_file_preview(*, content, filename):
    """Read and check a plan file, and work out what importing it would do, without writing anything."""
    try:
        header, rows = read_rows(content, filename)
    except PlanFileError as error:
        parsed = ParsedPlan()
        parsed.problems.append(Problem(None, None, str(error)))
        return ImportResult(parsed)
    parsed = parse(header, rows)
    result = ImportResult(parsed)
    slug = parsed.settings.get("slug")
    existing = BusinessPlan.objects.filter(slug=slug).first() if slug else None
    if existing is not None:
        result.plan, result.is_update = existing, True
        _check_existing(parsed, existing)
    if not parsed.problems:
        result.changes = _changes(parsed, existing)
    return result


def _check_existing(parsed, plan):
    if plan.status == BusinessPlan.Status.CLOSED:
        parsed.problems.insert(
            0,
            Problem(None, None, f"The plan '{plan.slug}' is closed and cannot be changed; import it under a new slug."),
        )
    for name in ("starts_on", "ends_on"):
        value = parsed.settings.get(name)
        if value and value != getattr(plan, name):
            parsed.problems.append(
                Problem(
                    None,
                    None,
                    f"The plan's {SETTING_LABELS[name]} date cannot change once the plan exists (its reporting periods "
                    f"were made from it): it is {getattr(plan, name):%Y-%m-%d}, the file says {value:%Y-%m-%d}.",
                )
            )


def _text(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _compare(what, pairs):
    fields = [(label, _text(old), _text(new)) for label, old, new in pairs if _text(old) != _text(new)]
    return Change("change" if fields else "unchanged", what, fields)


def _action_fields(item):
    return {
        "Text": item["text"],
        "Lead subgroup": f" {LEAD_SEPARATOR} ".join(item["leads"]),
        "Supporting subgroups": f"{SUPPORTING_SEPARATOR} ".join(item["supporting"]),
        "Due": item["due"],
        "Milestones": item["milestones"],
    }


def _kpi_fields(item):
    return {
        "Text": item["name"],
        "Owner": item["owner"],
        "KPI kind": KPI_KIND_LABELS[item["kind"]],
        "Target": item["target"],
        "Direction": item["direction"],
        "Amber tolerance": item["amber_tolerance"],
        "Frequency": item["frequency"],
        "Definition": item["definition"],
    }


def _changes(parsed, plan):
    """What the file would create or change, compared with the plan as it is (everything is new for a new plan)."""
    priorities, objectives, actions, kpis = {}, {}, {}, {}
    if plan is not None:
        priorities = {p.number: p for p in StrategicPriority.objects.filter(plan=plan)}
        objectives = {
            (o.priority.number, o.number): o
            for o in Objective.objects.filter(priority__plan=plan).select_related("priority")
        }
        actions = {(a.objective.priority.number, a.objective.number, a.number): a for a in Action.objects.in_plan(plan)}
        kpis = {
            (k.objective.priority.number, k.objective.number, k.number): k
            for k in KPI.objects.filter(objective__priority__plan=plan, archived=False).select_related(
                "objective__priority", "owner"
            )
        }
    changes = []
    if plan is not None:
        pairs = [
            (SETTING_LABELS[name], getattr(plan, name), parsed.settings.get(name, "")) for name in UPDATABLE_SETTINGS
        ]
        changes.append(_compare("Plan settings", pairs))
    for number, item in sorted(parsed.priorities.items()):
        what = f"Priority {number}"
        old = priorities.get(number)
        changes.append(Change("create", what) if old is None else _compare(what, [("Text", old.title, item["title"])]))
    for key, item in sorted(parsed.objectives.items()):
        what = f"Objective {key[0]}.{key[1]}"
        old = objectives.get(key)
        pairs = [("Text", old.title, item["title"]), ("Evidence", old.evidence, item["evidence"])] if old else None
        changes.append(Change("create", what) if old is None else _compare(what, pairs))
    for key, item in sorted(parsed.actions.items()):
        what = f"Action {'.'.join(map(str, key))}"
        old = actions.get(key)
        if old is None:
            changes.append(Change("create", what))
            continue
        current = {
            "Text": old.text,
            "Lead subgroup": old.lead_names,
            "Supporting subgroups": f"{SUPPORTING_SEPARATOR} ".join(s.name for s in old.supporting.all()),
            "Due": old.due,
            "Milestones": old.milestones,
        }
        new = _action_fields(item)
        changes.append(_compare(what, [(label, current[label], new[label]) for label in new]))
    for key, item in sorted(parsed.kpis.items()):
        what = f"KPI {key[0]}.{key[1]}.K{key[2]}"
        old = kpis.get(key)
        if old is None:
            changes.append(Change("create", what))
            continue
        current = {
            "Text": old.name,
            "Owner": old.owner.name,
            "KPI kind": KPI_KIND_LABELS[old.kind],
            "Target": old.target,
            "Direction": old.direction,
            "Amber tolerance": old.amber_tolerance,
            "Frequency": old.frequency,
            "Definition": old.definition,
        }
        new = _kpi_fields(item)
        changes.append(_compare(what, [(label, current[label], new[label]) for label in new]))
    for label, existing, wanted in [
        ("Action", actions, parsed.actions),
        ("KPI", kpis, parsed.kpis),
    ]:
        for key in sorted(set(existing) - set(wanted)):
            code = ".".join(map(str, key[:2])) + ("." if label == "Action" else ".K") + str(key[2])
            changes.append(Change("not in file", f"{label} {code}"))
    return changes


@transaction.atomic
def plan_import(*, content, filename, dry_run=False, activate=False, user=None):
    """Import a plan file, all of it or (on any problem) none of it.

    A new slug makes a new plan; the slug of an existing plan updates it in place, matched by numbers:
    nothing in it is deleted and no progress is touched.
    """
    result = plan_file_preview(content=content, filename=filename)
    if result.problems or dry_run:
        return result
    parsed = result.parsed
    subgroups = _subgroups_for(parsed.subgroup_names)
    plan = result.plan
    if plan is None:
        status = BusinessPlan.Status.ACTIVE if activate else BusinessPlan.Status.DRAFT
        plan = BusinessPlan(**parsed.settings, status=status)
    else:
        for name in UPDATABLE_SETTINGS:
            setattr(plan, name, parsed.settings.get(name, ""))
        if activate:
            plan.status = BusinessPlan.Status.ACTIVE
    plan._history_user = user
    plan.save()
    plan_create_periods(plan=plan)
    priorities = {}
    for number, item in sorted(parsed.priorities.items()):
        priorities[number] = _upsert(
            StrategicPriority, user, {"plan": plan, "number": number}, {"title": item["title"]}
        )
    objectives = {}
    for key, item in sorted(parsed.objectives.items()):
        lookup = {"priority": priorities[key[0]], "number": key[1]}
        objectives[key] = _upsert(Objective, user, lookup, {"title": item["title"], "evidence": item["evidence"]})
    for (p, o, number), item in sorted(parsed.actions.items()):
        leads = [subgroups[name.lower()] for name in item["leads"]]
        action = _upsert(
            Action,
            user,
            {"objective": objectives[(p, o)], "number": number},
            {"text": item["text"], "lead": leads[0], "due": item["due"], "milestones": item["milestones"]},
        )
        action.co_leads.set(leads[1:])
        action.supporting.set([subgroups[name.lower()] for name in item["supporting"]])
    for (p, o, number), item in sorted(parsed.kpis.items()):
        _upsert(
            KPI,
            user,
            {"objective": objectives[(p, o)], "number": number},
            {
                "name": item["name"],
                "kind": item["kind"],
                "owner": subgroups[item["owner"].lower()],
                "target": item["target"],
                "direction": item["direction"],
                "amber_tolerance": item["amber_tolerance"],
                "frequency": item["frequency"],
                "definition": item["definition"],
            },
        )
    result.plan = plan
    return result


def _upsert(model, user, lookup, values):
    """Create the row, or change only what differs (so that an unchanged row gets no history entry)."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
    elif all(getattr(instance, name) == value for name, value in values.items()):
        return instance
    else:
        for name, value in values.items():
            setattr(instance, name, value)
    instance._history_user = user
    instance.save()
    return instance


def _subgroups_for(names):
    found = {subgroup.name.lower(): subgroup for subgroup in Subgroup.objects.all()}
    for name in names:
        if name.lower() not in found:
            found[name.lower()] = Subgroup.objects.create(name=name, slug=_free_slug(name), kind=_guess_kind(name))
    return found


def _free_slug(name):
    base = subgroup_slug(name)[:70]
    slug, n = base, 2
    while Subgroup.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _guess_kind(name):
    lowered = name.lower()
    if lowered.startswith("chair"):
        return Subgroup.Kind.ROLE
    if "strategic group" in lowered:
        return Subgroup.Kind.STRATEGIC_GROUP
    if lowered in {"dscb", "board", "the board"} or lowered.endswith(" board"):
        return Subgroup.Kind.BOARD
    return Subgroup.Kind.SUBGROUP


class UploadTooLarge(Exception):
    """The uploaded file is over PendingImport.MAX_BYTES."""


@transaction.atomic
def pending_import_save(*, user, filename, content, replacing=None):
    """Keep an uploaded plan file until its preview is confirmed; clear out uploads left a day or more."""
    if len(content) > PendingImport.MAX_BYTES:
        raise UploadTooLarge(f"{filename} is over {PendingImport.MAX_BYTES // (1024 * 1024)} MB.")
    PendingImport.objects.expired().delete()
    if replacing is not None:
        PendingImport.objects.filter(pk=replacing, uploaded_by=user).delete()
    return PendingImport.objects.create(
        uploaded_by=user, filename=filename, content=content, sha256=hashlib.sha256(content).hexdigest()
    )
