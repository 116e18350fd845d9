"""Import and export of whole plans through the plan file."""

from dataclasses import dataclass

from django.db import transaction

from kpis.models import KPI
from plans.models import BusinessPlan
from plans.services import plan_create_periods
from priorities.models import Action, Objective, StrategicPriority
from subgroups.models import Subgroup, subgroup_slug

from .reader import ParsedPlan, PlanFileError, Problem, parse, read_rows


@dataclass
class ImportResult:
    parsed: ParsedPlan
    plan: BusinessPlan | None = None

    @property
    def problems(self):
        return self.parsed.problems

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
        return lines


def plan_file_check(*, content, filename):
    """Read and check a plan file without writing anything."""
    try:
        header, rows = read_rows(content, filename)
    except PlanFileError as error:
        parsed = ParsedPlan()
        parsed.problems.append(Problem(None, None, str(error)))
        return ImportResult(parsed)
    parsed = parse(header, rows)
    slug = parsed.settings.get("slug")
    if slug and BusinessPlan.objects.filter(slug=slug).exists():
        parsed.problems.insert(
            0,
            Problem(
                None,
                None,
                f"A plan with the slug '{slug}' already exists; change the slug row to import it as a new plan.",
            ),
        )
    return ImportResult(parsed)


@transaction.atomic
def plan_import(*, content, filename, dry_run=False, activate=False):
    """Import a plan file as a new plan, all of it or (on any problem) none of it."""
    result = plan_file_check(content=content, filename=filename)
    if result.problems or dry_run:
        return result
    parsed = result.parsed
    subgroups = _subgroups_for(parsed.subgroup_names)
    plan = BusinessPlan.objects.create(
        **parsed.settings, status=BusinessPlan.Status.ACTIVE if activate else BusinessPlan.Status.DRAFT
    )
    plan_create_periods(plan=plan)
    priorities = {
        number: StrategicPriority.objects.create(plan=plan, number=number, title=item["title"])
        for number, item in sorted(parsed.priorities.items())
    }
    objectives = {
        key: Objective.objects.create(
            priority=priorities[key[0]], number=key[1], title=item["title"], evidence=item["evidence"]
        )
        for key, item in sorted(parsed.objectives.items())
    }
    for (p, o, number), item in sorted(parsed.actions.items()):
        leads = [subgroups[name.lower()] for name in item["leads"]]
        action = Action.objects.create(
            objective=objectives[(p, o)],
            number=number,
            text=item["text"],
            lead=leads[0],
            due=item["due"],
            milestones=item["milestones"],
        )
        action.co_leads.set(leads[1:])
        action.supporting.set([subgroups[name.lower()] for name in item["supporting"]])
    for (p, o, number), item in sorted(parsed.kpis.items()):
        KPI.objects.create(
            objective=objectives[(p, o)],
            number=number,
            name=item["name"],
            kind=item["kind"],
            owner=subgroups[item["owner"].lower()],
            target=item["target"],
            direction=item["direction"],
            amber_tolerance=item["amber_tolerance"],
            frequency=item["frequency"],
            definition=item["definition"],
        )
    result.plan = plan
    return result


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
