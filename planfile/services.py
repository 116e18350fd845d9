"""Import and export of whole plans through the plan file: a new plan, or an existing one updated in place."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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


# The preview lists this many problems (and as many warnings), then says how many more there are: a file of
# thousands of bad rows makes a page that can be read, and the first problems are usually the cause of the rest.
MAX_LISTED = 200


def _more(items):
    return f"{len(items) - MAX_LISTED:,}" if len(items) > MAX_LISTED else ""


@dataclass
class Change:
    """One thing the import creates, changes, or leaves alone."""

    kind: str  # "create", "change", "unchanged", "not in file"
    what: str  # "Action 1.1.2"
    fields: list = field(default_factory=list)  # (label, old, new) for a change
    details: list = field(default_factory=list)  # (label, value) for a row created: what it will say


@dataclass
class ImportResult:
    parsed: ParsedPlan
    plan: BusinessPlan | None = None  # the plan the file updates (or, once imported, the plan)
    changes: list = field(default_factory=list)
    is_update: bool = False  # the file is for a plan that exists already
    existing: "_Existing | None" = None  # what the plan has now, read once for the preview and the import

    @property
    def problems(self):
        return self.parsed.problems

    @property
    def warnings(self):
        return self.parsed.warnings

    @property
    def problems_shown(self):
        return self.parsed.problems[:MAX_LISTED]

    @property
    def problems_not_shown(self):
        """How many problems the page leaves off, as "1,234"; empty when none is."""
        return _more(self.parsed.problems)

    @property
    def warnings_shown(self):
        return self.parsed.warnings[:MAX_LISTED]

    @property
    def warnings_not_shown(self):
        return _more(self.parsed.warnings)

    @property
    def changed(self):
        """What the import creates or changes, or finds missing: the unchanged rows are only counted."""
        return [change for change in self.changes if change.kind != "unchanged"]

    @property
    def changed_shown(self):
        return self.changed[:MAX_LISTED]

    @property
    def changed_not_shown(self):
        return max(0, len(self.changed) - MAX_LISTED)

    @property
    def counts(self):
        return {
            "create": self.count("create"),
            "change": self.count("change"),
            "unchanged": self.count("unchanged"),
            "missing": self.count("not in file"),
        }

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
        if parsed.warnings:
            lines.append(f"Warnings ({len(parsed.warnings)}), to check before importing:")
            lines.extend(f"  {warning}" for warning in parsed.warnings)
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
        result.existing = _Existing(existing, parsed.subgroups)
        result.changes = _changes(parsed, existing, result.existing)
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


class _Existing:
    """The plan's priorities, objectives, actions and KPIs by Ref, and its actions' joint leads and supporting
    subgroups, in six queries however large the plan (none for a new plan). Archived actions and KPIs are
    included: a file that names one again updates it rather than clashing with it."""

    def __init__(self, plan, subgroups):
        self.subgroups = {subgroup.pk: subgroup for subgroup in subgroups.values()}
        self.priorities, self.objectives, self.actions, self.kpis = {}, {}, {}, {}
        self.joint, self.supporting = {}, {}  # action id -> {subgroup id: through row id}
        if plan is None:
            return
        self.priorities = {p.ref: p for p in StrategicPriority.objects.filter(plan=plan)}
        by_pk = {p.pk: p for p in self.priorities.values()}
        for objective in Objective.objects.filter(priority__plan=plan):
            objective.priority = by_pk[objective.priority_id]
            self.objectives[objective.ref] = objective
        objectives = {o.pk: o for o in self.objectives.values()}
        for model, found in ((Action, self.actions), (KPI, self.kpis)):
            for row in model.objects.filter(objective__priority__plan=plan):
                row.objective = objectives[row.objective_id]
                found[row.ref] = row
        for through, found in ((Action.co_leads.through, self.joint), (Action.supporting.through, self.supporting)):
            rows = through.objects.filter(action__objective__priority__plan=plan).values_list(
                "pk", "action_id", "subgroup_id"
            )
            for pk, action_id, subgroup_id in rows:
                found.setdefault(action_id, {})[subgroup_id] = pk

    def names(self, ids):
        return sorted((self.subgroups[pk].name for pk in ids), key=str.lower)

    def lead_names(self, action):
        return f" {LEAD_SEPARATOR} ".join(
            [self.subgroups[action.lead_id].name, *self.names(self.joint.get(action.pk, {}))]
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
        "Objective": item["parent"],
        "Position": item["position"],
        "Text": item["text"],
        "Lead subgroup": f" {LEAD_SEPARATOR} ".join(item["leads"]),
        "Lead officer": item["lead_officer"],
        "Supporting subgroups": f"{SUPPORTING_SEPARATOR} ".join(sorted(item["supporting"], key=str.lower)),
        "Due": item["due"],
        "Milestones": item["milestones"],
    }


def _kpi_fields(item):
    return {
        "Objective": item["parent"],
        "Position": item["position"],
        "Text": item["name"],
        "Owner": item["owner"],
        "KPI kind": KPI_KIND_LABELS[item["kind"]],
        "Target": item["target"],
        "Direction": item["direction"],
        "Amber tolerance": item["amber_tolerance"],
        "Frequency": item["frequency"],
        "Definition": item["definition"],
    }


# What the preview shows of a row the import creates.
CREATED_DETAILS = {
    "Priority": ["Text"],
    "Objective": ["Text"],
    "Action": ["Text", "Lead subgroup", "Due"],
    "KPI": ["Text", "Owner", "Target"],
}


def _changes(parsed, plan, existing):
    """What the file would create or change, compared with the plan as it is (everything is new for a new plan)."""
    changes = []
    if plan is not None:
        pairs = [
            (SETTING_LABELS[name], getattr(plan, name), parsed.settings.get(name, "")) for name in UPDATABLE_SETTINGS
        ]
        changes.append(_compare("Plan settings", pairs))
    # For each kind of row: its rows in the file, the plan's rows by Ref, and the fields shown, as they stand in
    # the plan and as the file has them.
    kinds = [
        ("Priority", parsed.priorities, existing.priorities, _priority_now, _priority_fields),
        ("Objective", parsed.objectives, existing.objectives, _objective_now, _objective_fields),
        ("Action", parsed.actions, existing.actions, lambda old: _action_now(old, existing), _action_fields),
        ("KPI", parsed.kpis, existing.kpis, lambda old: _kpi_now(old, existing), _kpi_fields),
    ]
    for kind, items, found, now, fields in kinds:
        for ref, item in items.items():
            what, old = f"{kind} {ref}", found.get(ref)
            if old is None:
                wanted = fields(item)
                details = [(label, _text(wanted[label])) for label in CREATED_DETAILS[kind]]
                changes.append(Change("create", what, details=details))
                continue
            current, wanted = now(old), fields(item)
            changes.append(_compare(what, [(label, current[label], wanted[label]) for label in wanted]))
    for label, found, wanted in [("Action", existing.actions, parsed.actions), ("KPI", existing.kpis, parsed.kpis)]:
        for ref, row in found.items():
            if ref not in wanted and not row.archived:
                changes.append(Change("not in file", f"{label} {ref}"))
    return changes


def _priority_now(old):
    return {"Position": old.position, "Text": old.title}


def _priority_fields(item):
    return {"Position": item["position"], "Text": item["title"]}


def _objective_now(old):
    return {"Priority": old.priority.ref, "Position": old.position, "Text": old.title, "Evidence": old.evidence}


def _objective_fields(item):
    return {
        "Priority": item["parent"],
        "Position": item["position"],
        "Text": item["title"],
        "Evidence": item["evidence"],
    }


def _action_now(old, existing):
    return {
        "Objective": old.objective.ref,
        "Position": old.position,
        "Text": old.text,
        "Lead subgroup": existing.lead_names(old),
        "Lead officer": old.lead_officer,
        "Supporting subgroups": f"{SUPPORTING_SEPARATOR} ".join(existing.names(existing.supporting.get(old.pk, {}))),
        "Due": old.due,
        "Milestones": old.milestones,
    }


def _kpi_now(old, existing):
    return {
        "Objective": old.objective.ref,
        "Position": old.position,
        "Text": old.name,
        "Owner": existing.subgroups[old.owner_id].name,
        "KPI kind": KPI_KIND_LABELS[old.kind],
        "Target": old.target,
        "Direction": old.direction,
        "Amber tolerance": old.amber_tolerance,
        "Frequency": old.frequency,
        "Definition": old.definition,
    }


@transaction.atomic
def plan_import(*, content, filename, dry_run=False, activate=False, user=None):
    """Import a plan file, all of it or (on any problem) none of it.

    A new slug makes a new plan; the slug of an existing plan updates it in place, matched by Ref: nothing in it is
    deleted and no progress is touched. Rows are read, created and changed in bulk, so the number of queries does
    not grow with the file; each created or changed row still gets its history entry.
    """
    result = plan_file_preview(content=content, filename=filename)
    if result.problems or dry_run:
        return result
    parsed, existing = result.parsed, result.existing
    subgroups = _subgroups_for(parsed.subgroup_names, parsed.subgroups, user)
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
    plan_create_periods(plan=plan, user=user)
    priorities = _write(
        StrategicPriority,
        user,
        existing.priorities,
        {
            ref: {"plan": plan, "position": item["position"], "title": item["title"]}
            for ref, item in parsed.priorities.items()
        },
    )
    objectives = _write(
        Objective,
        user,
        existing.objectives,
        {
            ref: {
                "priority": priorities[item["parent"]],
                "position": item["position"],
                "title": item["title"],
                "evidence": item["evidence"],
            }
            for ref, item in parsed.objectives.items()
        },
    )
    _write(
        Action,
        user,
        existing.actions,
        {
            ref: {
                "objective": objectives[item["parent"]],
                "position": item["position"],
                "text": item["text"],
                "lead": subgroups[item["leads"][0].lower()],
                "lead_officer": item["lead_officer"],
                "due": item["due"],
                "milestones": item["milestones"],
            }
            for ref, item in parsed.actions.items()
        },
        m2m={
            ref: {
                "co_leads": {subgroups[name.lower()].pk for name in item["leads"][1:]},
                "supporting": {subgroups[name.lower()].pk for name in item["supporting"]},
            }
            for ref, item in parsed.actions.items()
        },
        current_m2m={"co_leads": existing.joint, "supporting": existing.supporting},
    )
    _write(
        KPI,
        user,
        existing.kpis,
        {
            ref: {
                "objective": objectives[item["parent"]],
                "position": item["position"],
                "name": item["name"],
                "kind": item["kind"],
                "owner": subgroups[item["owner"].lower()],
                "target": item["target"],
                "direction": item["direction"],
                "amber_tolerance": item["amber_tolerance"],
                "frequency": item["frequency"],
                "definition": item["definition"],
            }
            for ref, item in parsed.kpis.items()
        },
    )
    result.plan = plan
    return result


def _differs(instance, values):
    """Whether any value differs; related rows are compared by id, so that none is fetched to compare."""
    return any(
        getattr(instance, f"{name}_id") != value.pk if isinstance(value, Model) else getattr(instance, name) != value
        for name, value in values.items()
    )


def _write(model, user, existing, wanted, m2m=None, current_m2m=None):
    """Create the rows the plan lacks and change those that differ, in bulk, each with its history entry; leave
    unchanged rows alone (so they get no history entry). Return every row by Ref.

    `m2m`: for each Ref, the wanted ids of each many-to-many field; `current_m2m`: field -> {row id: {id: through
    row id}} as the plan has them. The join rows are put right in bulk, and each history entry records them.
    """
    rows, created, changed = dict(existing), [], []
    for ref, values in wanted.items():
        instance = existing.get(ref)
        m2m_differs = m2m is not None and any(
            set(current_m2m[name].get(instance.pk, {}) if instance else ()) != ids for name, ids in m2m[ref].items()
        )
        if instance is None:
            instance = model(ref=ref, **values)
            created.append(instance)
        elif _differs(instance, values) or m2m_differs:
            for name, value in values.items():
                setattr(instance, name, value)
            changed.append(instance)
        rows[ref] = instance
    fields = [name for name in next(iter(wanted.values()), {}) if name != "plan"]
    if m2m is None:
        if created:
            bulk_create_with_history(created, model, default_user=user)
        if changed:
            bulk_update_with_history(changed, model, fields, default_user=user)
        return rows
    # The history entries are made here rather than by bulk_create_with_history, which does not return them:
    # each needs its joint leads and supporting subgroups recorded beside it.
    history = model.history
    if created:
        model.objects.bulk_create(created)
    if changed:
        model.objects.bulk_update(changed, fields)
    entries = [
        *(history.bulk_history_create(created, default_user=user) if created else []),
        *(history.bulk_history_create(changed, update=True, default_user=user) if changed else []),
    ]
    written = created + changed
    for name in current_m2m:
        through = getattr(model, name).through
        stale, new = [], []
        for instance in written:
            have = current_m2m[name].get(instance.pk, {})
            want = m2m[instance.ref][name]
            stale += [have[pk] for pk in set(have) - want]
            new += [through(action_id=instance.pk, subgroup_id=pk) for pk in sorted(want - set(have))]
        if stale:
            through.objects.filter(pk__in=stale).delete()
        if new:
            through.objects.bulk_create(new)
        kept = {
            instance.pk: {
                pk: row for pk, row in current_m2m[name].get(instance.pk, {}).items() if pk in m2m[instance.ref][name]
            }
            for instance in written
        }
        for row in new:
            kept[row.action_id][row.subgroup_id] = row.pk
        m2m_history = apps.get_model(model._meta.app_label, f"{history.model.__name__}_{name}")
        m2m_history.objects.bulk_create(
            [
                m2m_history(history=entry, id=row_id, action_id=entry.id, subgroup_id=subgroup_id)
                for entry in entries
                for subgroup_id, row_id in sorted(kept[entry.id].items())
            ]
        )
    return rows


def _subgroups_for(names, existing, user):
    """Every subgroup the file names, by lower-case name: those in the database, and the new ones made in bulk."""
    found = dict(existing)
    new = [name for name in names if name.lower() not in found]
    if not new:
        return found
    taken = set(Subgroup.objects.values_list("slug", flat=True))
    subgroups = []
    for name in new:
        slug = _free_slug(name, taken)
        taken.add(slug)
        subgroups.append(Subgroup(name=name, slug=slug, kind=_guess_kind(name)))
    for subgroup in bulk_create_with_history(subgroups, Subgroup, default_user=user):
        found[subgroup.name.lower()] = subgroup
    return found


def _free_slug(name, taken):
    base = subgroup_slug(name)[:70]
    slug, n = base, 2
    while slug in taken:
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
def pending_import_preview_keep(*, pending, preview, importable, is_update):
    """Keep the preview drawn for a pending upload, so that showing it again does not read the file again."""
    # A NUL the file held can be quoted in a problem; PostgreSQL keeps no NUL in text.
    pending.preview = preview.replace("\x00", "\N{REPLACEMENT CHARACTER}")
    pending.importable, pending.is_update = importable, is_update
    pending.save(update_fields=["preview", "importable", "is_update"])
    return pending


def pending_import_save(*, user, filename, content, replacing=None):
    """Keep an uploaded plan file until its preview is confirmed; clear out uploads left a day or more."""
    if len(content) > PendingImport.MAX_BYTES:
        raise UploadTooLarge(f"{filename} is over {PendingImport.MAX_BYTES // (1024 * 1024)} MB.")
    PendingImport.objects.expired().delete()
    if replacing is not None:
        PendingImport.objects.filter(pk=replacing, uploaded_by=user).delete()
    filename = "".join(character for character in filename if character.isprintable())[:255] or "plan file"
    return PendingImport.objects.create(
        uploaded_by=user, filename=filename, content=content, sha256=hashlib.sha256(content).hexdigest()
    )
