"""The inspection map's demo data (called by planfile.demo after the other registers' demo): the 2015/16 plan's
seven Ofsted requirements as the first framework, each linked to evidence from the demo's own rows (KPIs, actions
and their updates, meetings, risks and reviews, audit rounds) and to an external document or two; some evidence is
stale as at the end of the plan year, one requirement is a gap, and two carry a self-grade with the gaps written.
Run again, it changes nothing."""

import datetime

from django.utils import timezone

from audits.models import Round
from kpis.models import KPI, KPIValue
from meetings.models import Meeting
from priorities.models import Action, ProgressUpdate
from risks.models import Review, Risk
from subgroups.models import Subgroup

from .models import Evidence, Requirement, RequirementFramework, SelfGrade
from .services import evidence_accept, evidence_add, framework_from_plan, self_grade_save

ACCEPTED, PROPOSED = True, False
# The requirement that has only stale evidence: a gap.
GAP_REQUIREMENT = 4
DOCUMENTS = {
    3: ("Case audit findings report to the local authority 2013/14", "2014-01-31", ACCEPTED),
    4: ("Core group practitioners' practice audit 2013/14", "2014-02-28", ACCEPTED),
    7: ("DSCB annual report 2014/15", "2015-09-30", ACCEPTED),
}
STALE_DOCUMENT = (7, "DSCB annual report 2013/14", "2014-09-30", ACCEPTED)
GRADES = {
    4: (
        SelfGrade.Grade.REQUIRES_IMPROVEMENT,
        "No practice audit has involved core group practitioners since early 2014; the audit programme for this "
        "year does not yet ask them in.",
    ),
    6: (
        SelfGrade.Grade.GOOD,
        "Training is well attended; its impact on practice is evidenced only by course evaluations, not by audit.",
    ),
}


def _rows(plan):
    """The demo rows each requirement is linked to: (requirement number, kind, row, accepted)."""
    in_plan = {"objective__priority__plan": plan}
    kpi = {ref: KPI.objects.filter(ref=ref, **in_plan).first() for ref in ("3.3.K4", "1.1.K1", "3.3.K1", "3.3.K2")}
    board = Subgroup.objects.filter(kind=Subgroup.Kind.BOARD).first()
    board_meeting = (
        Meeting.objects.filter(is_demo=True, body=board, status=Meeting.Status.HELD).order_by("-date").first()
        if board
        else None
    )
    executive_meeting = (
        Meeting.objects.filter(is_demo=True, status=Meeting.Status.HELD, period__isnull=False).order_by("date").first()
    )
    update = (
        ProgressUpdate.objects.filter(action__objective__priority__plan=plan, state=ProgressUpdate.State.SUBMITTED)
        .order_by("period__number", "action__ref")
        .first()
    )
    training = Action.objects.filter(text__icontains="training", **in_plan).order_by("ref").first()
    value = (
        KPIValue.objects.filter(kpi=kpi["1.1.K1"]).select_related("period").order_by("-period__ends_on").first()
        if kpi["1.1.K1"]
        else None
    )
    escalated = (
        Risk.objects.filter(is_demo=True, is_escalated=True).first() or Risk.objects.filter(is_demo=True).first()
    )
    review = Review.objects.filter(is_demo=True).order_by("-reviewed_on").first()
    section_11 = Round.objects.filter(is_demo=True, kind="section_11").first()
    section_175 = Round.objects.filter(is_demo=True, kind="section_175").first()
    return [
        (1, "meeting", board_meeting, ACCEPTED),
        (1, "kpi", kpi["3.3.K4"], ACCEPTED),
        (1, "risk", escalated, PROPOSED),
        (2, "round", section_11, ACCEPTED),
        (2, "kpi", kpi["3.3.K1"], ACCEPTED),
        (3, "round", section_175, ACCEPTED),
        (3, "kpi", kpi["3.3.K2"], PROPOSED),
        (5, "meeting", executive_meeting, ACCEPTED),
        (5, "risk_review", review, ACCEPTED),
        (5, "kpi_value", value, PROPOSED),
        (6, "action", training, ACCEPTED),
        (6, "update", update, ACCEPTED),
    ]


def demo_assurance_load(*, plan, manager):
    """The framework from the plan's Ofsted requirements and its demo evidence and grades; once."""
    if not plan.ofsted_requirement_list:
        return None
    framework, _ = framework_from_plan(plan=plan, user=manager, is_demo=True)
    requirements = {requirement.number: requirement for requirement in framework.requirements.all()}
    if Evidence.objects.filter(requirement__framework=framework, is_demo=True).exists():
        return framework
    for number, kind, row, accepted in _rows(plan):
        if row is None or number not in requirements:
            continue
        _linked(requirements[number], manager, accepted, kind=kind, source=row)
    for number, (title, day, accepted) in DOCUMENTS.items():
        if number in requirements:
            _document(requirements[number], manager, accepted, title, day)
    number, title, day, accepted = STALE_DOCUMENT
    if number in requirements:
        _document(requirements[number], manager, accepted, title, day)
    for number, (grade, gaps) in GRADES.items():
        if number in requirements and not SelfGrade.objects.filter(requirement=requirements[number]).exists():
            made = self_grade_save(
                requirement=requirements[number], user=manager, grade=grade, gaps=gaps, expected_version=0
            )
            SelfGrade.objects.filter(pk=made.pk).update(is_demo=True)
    _dated_in_the_plan_year(plan, framework)
    return framework


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _dated_in_the_plan_year(plan, framework):
    """As if the manager had kept the map as the year went: the framework made on the plan's first day, each piece
    of evidence linked (and accepted) on its own date or the plan's first day, whichever is later, the self-grades
    written at the year's end."""
    made = _at(plan.starts_on, 9)
    RequirementFramework.history.filter(id=framework.pk).update(history_date=made)
    Requirement.history.filter(framework_id=framework.pk).update(history_date=made)
    for evidence in Evidence.objects.filter(requirement__framework=framework, is_demo=True):
        linked = _at(min(max(evidence.evidence_on, plan.starts_on), plan.ends_on), 10)
        Evidence.objects.filter(pk=evidence.pk).update(added_at=linked)
        Evidence.history.filter(id=evidence.pk).update(history_date=linked)
    graded = _at(plan.ends_on - datetime.timedelta(days=10), 11)
    grades = SelfGrade.objects.filter(requirement__framework=framework)
    SelfGrade.history.filter(id__in=list(grades.values_list("pk", flat=True))).update(history_date=graded)
    grades.update(updated_at=graded)


def _linked(requirement, manager, accepted, **fields):
    evidence = evidence_add(requirement=requirement, user=manager, is_demo=True, **fields)
    if accepted:
        evidence_accept(evidence=evidence, user=manager)
    return evidence


def _document(requirement, manager, accepted, title, day):
    return _linked(
        requirement,
        manager,
        accepted,
        kind="document",
        document_title=title,
        document_owner="DSCB business unit",
        document_date=datetime.date.fromisoformat(day),
    )
