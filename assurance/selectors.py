"""The reads of the inspection map, each a fixed number of queries whatever the number of requirements and
evidence: the date the map is read as at, the coverage of every requirement, a requirement's evidence, the pack."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from dscb.querydate import QueryDate
from plans.models import BusinessPlan

from .coverage import Coverage, carried_sources, coverage, is_stale
from .models import Evidence, Requirement, RequirementFramework, SelfGrade

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# The pack shows at most this many pieces of evidence per requirement (the newest), and says how many more.
PACK_EVIDENCE_LIMIT = 40
# The requirement page lists at most this many pieces of evidence, the newest first.
PAGE_EVIDENCE_LIMIT = 200
FRAMEWORK_LIMIT = 20
REPORT_HEAVY_FIELDS = [
    f"report__{name}" for name in ["body_html", "pdf", "pdf_document", "pdf_page_css", "xlsx", "data"]
]
EVIDENCE_JOINS = [
    "added_by",
    "action__objective",
    "update__action",
    "update__period",
    "kpi",
    "kpi_value__kpi",
    "kpi_value__period",
    "meeting__body",
    "meeting_item__meeting__body",
    "risk",
    "risk_review__risk",
    "round",
    "report",
]


def current_plan():
    """The plan being delivered, else the latest plan in use (None before any)."""
    plans = BusinessPlan.objects.exclude(status=BusinessPlan.Status.DRAFT).order_by("status", "-starts_on")
    # "active" sorts before "closed": the active plan first, else the latest closed one.
    return plans.first()


def default_as_at(plan, today=None):
    """Today, or the end of the current plan's year if that is earlier (a past year reads as it did then)."""
    today = today or timezone.localdate()
    if plan is not None and plan.ends_on < today:
        return plan.ends_on
    return today


def as_at_chosen(query, plan, today=None):
    """The as-at date in the query (dscb.querydate: the date boxes, or ?as_at=YYYY-MM-DD), between 2000 and 2100;
    the default (default_as_at) when none is given. `error` says what is wrong with one that cannot be used."""
    chosen = QueryDate(query, "as_at", label="date")
    bounds = "The date must be between 2000 and 2100"
    chosen.check_between(EARLIEST, LATEST, too_early=bounds, too_late=bounds)
    if chosen.date is None and not chosen.error:
        chosen.date = default_as_at(plan, today)
    return chosen


@dataclass
class RequirementRow:
    requirement: Requirement
    coverage: Coverage
    grade: SelfGrade | None
    evidence: list = field(default_factory=list)
    more: int = 0
    proposed: int = 0


@dataclass
class FrameworkRows:
    framework: RequirementFramework
    rows: list


def _carries():
    through = Requirement.carries_from.through.objects.all()
    carries = {}
    for later, earlier in through.values_list("from_requirement_id", "to_requirement_id"):
        carries.setdefault(later, []).append(earlier)
    return carries


def coverage_map(as_at):
    """[FrameworkRows] of every framework (the current first) with each requirement's coverage and grade. Queries:
    the frameworks, the requirements with their grades, the mappings, the evidence's dates."""
    return _coverage_map(as_at)[0]


def _coverage_map(as_at):
    frameworks = list(RequirementFramework.objects.all()[:FRAMEWORK_LIMIT])
    requirements = list(
        Requirement.objects.filter(framework__in=frameworks)
        .select_related("self_grade")
        .order_by("framework", "number")
    )
    carries = _carries()
    evidence = Evidence.objects.values_list("requirement_id", "status", "evidence_on")
    covered = coverage([r.pk for r in requirements], evidence, carries, as_at)
    by_framework = {}
    for requirement in requirements:
        grade = getattr(requirement, "self_grade", None) if _has_grade(requirement) else None
        by_framework.setdefault(requirement.framework_id, []).append(
            RequirementRow(requirement, covered[requirement.pk], grade)
        )
    return [FrameworkRows(framework, by_framework.get(framework.pk, [])) for framework in frameworks], carries


def _has_grade(requirement):
    try:
        requirement.self_grade  # noqa: B018 (loaded by select_related; absent raises)
    except SelfGrade.DoesNotExist:
        return False
    return True


def evidence_rows(requirement_ids):
    """Evidence of the requirements with every source joined, newest first (reports without their heavy fields)."""
    return (
        Evidence.objects.filter(requirement_id__in=requirement_ids)
        .select_related("requirement__framework", *EVIDENCE_JOINS)
        .defer(*REPORT_HEAVY_FIELDS)
        .order_by("-evidence_on", "-pk")
    )


@dataclass
class EvidenceLine:
    evidence: Evidence
    is_stale: bool
    is_future: bool
    carried: bool


def requirement_page(pk, as_at):
    """(requirement, its coverage, its grade or None, [EvidenceLine], how many more). Queries: the requirement with
    its framework and grade, the mappings, the evidence of it and of what it carries from."""
    requirement = Requirement.objects.select_related("framework", "self_grade").get(pk=pk)
    carries = _carries()
    sources = carried_sources([requirement.pk], carries)[requirement.pk]
    rows = list(evidence_rows(sources)[: PAGE_EVIDENCE_LIMIT + 1])
    more = max(len(rows) - PAGE_EVIDENCE_LIMIT, 0)
    rows = rows[:PAGE_EVIDENCE_LIMIT]
    dates = [(requirement.pk, row.status, row.evidence_on) for row in rows]
    covered = coverage([requirement.pk], dates, {}, as_at)[requirement.pk]
    lines = [
        EvidenceLine(
            row, is_stale(row.evidence_on, as_at), row.evidence_on > as_at, row.requirement_id != requirement.pk
        )
        for row in rows
    ]
    grade = requirement.self_grade if _has_grade(requirement) else None
    return requirement, covered, grade, lines, more


def pack(as_at):
    """The whole map as at a date for the pack: every framework and requirement, its coverage, grade and newest
    accepted evidence (at most PACK_EVIDENCE_LIMIT each) with how many proposed links await acceptance (counted,
    not listed: the pack is what an inspector reads). Queries: those of coverage_map and one for the evidence."""
    frameworks, carries = _coverage_map(as_at)
    ids = [row.requirement.pk for framework in frameworks for row in framework.rows]
    sources = carried_sources(ids, carries)
    wanted = set().union(*sources.values()) if sources else set()
    by_requirement, proposed = {}, {}
    for row in evidence_rows(wanted).filter(evidence_on__lte=as_at):
        if row.status == Evidence.Status.ACCEPTED:
            by_requirement.setdefault(row.requirement_id, []).append(row)
        else:
            proposed[row.requirement_id] = proposed.get(row.requirement_id, 0) + 1
    for framework in frameworks:
        for row in framework.rows:
            found = sorted(
                (e for source in sources[row.requirement.pk] for e in by_requirement.get(source, ())),
                key=lambda e: (e.evidence_on, e.pk),
                reverse=True,
            )
            row.more = max(len(found) - PACK_EVIDENCE_LIMIT, 0)
            row.proposed = sum(proposed.get(source, 0) for source in sources[row.requirement.pk])
            row.evidence = [
                EvidenceLine(e, is_stale(e.evidence_on, as_at), False, e.requirement_id != row.requirement.pk)
                for e in found[:PACK_EVIDENCE_LIMIT]
            ]
    return frameworks
