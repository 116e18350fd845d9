"""Writes to the inspection map, each in a transaction and attributed to the acting user in the history: a
framework made from a plan's Ofsted requirements, evidence linked, accepted and removed, a self-grade with its gaps
(refused when someone saved it since the form was opened), and a gap made into a plan action."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dscb.history import attributed_save
from priorities.services import action_add

from .models import (
    DESCRIPTION_LIMIT,
    GAPS_LIMIT,
    KIND_PHRASES,
    NAME_LIMIT,
    NOTE_LIMIT,
    OWNER_LIMIT,
    REQUIREMENTS_PER_FRAMEWORK,
    SOURCES,
    TEXT_LIMIT,
    URL_LIMIT,
    Evidence,
    Requirement,
    RequirementFramework,
    SelfGrade,
)

EARLIEST = datetime.date(2000, 1, 1)


class GradeChanged(Exception):
    """Someone saved the self-grade since the form was opened."""

    def __init__(self, current_version):
        super().__init__("The self-grade was saved by someone else since the form was opened.")
        self.current_version = current_version


def framework_name_for(plan):
    return f"Ofsted requirements for LSCBs ({plan.year_label})"


@transaction.atomic
def framework_from_plan(*, plan, user, is_demo=False):
    """The framework of a plan's Ofsted requirements, made (with one requirement per paragraph) the first time;
    asked again it is the same framework, unchanged."""
    found = RequirementFramework.objects.filter(plan=plan).first()
    if found is not None:
        return found, False
    texts = plan.ofsted_requirement_list[:REQUIREMENTS_PER_FRAMEWORK]
    if not texts:
        raise ValidationError("The plan has no Ofsted requirements to make a framework from.")
    name = framework_name_for(plan)[:NAME_LIMIT]
    if RequirementFramework.objects.filter(name=name).exists():
        raise ValidationError(f"A framework is already called {name}: rename it in the admin first.")
    framework = attributed_save(
        RequirementFramework(
            name=name,
            description=f"The Ofsted requirements as the {plan.year_label} business plan lists them."[
                :DESCRIPTION_LIMIT
            ],
            effective_from=plan.starts_on,
            plan=plan,
            is_demo=is_demo,
        ),
        user,
    )
    for number, text in enumerate(texts, start=1):
        attributed_save(Requirement(framework=framework, number=number, text=text[:TEXT_LIMIT], is_demo=is_demo), user)
    return framework, True


def evidence_date(kind, source, *, document_date=None, today=None):
    """The date a piece of evidence speaks for: its source's own date where it has one (an update's period end, a
    KPI value's period end, a meeting's date, a review's date, a round's close, a report's issue); for an action,
    a KPI or a risk, its latest update, value or review; else the day it is linked."""
    today = today or timezone.localdate()
    if kind == Evidence.Kind.DOCUMENT:
        return document_date
    if kind in (Evidence.Kind.UPDATE, Evidence.Kind.KPI_VALUE):
        return source.period.ends_on
    if kind == Evidence.Kind.MEETING:
        return source.date
    if kind == Evidence.Kind.MEETING_ITEM:
        return source.meeting.date
    if kind == Evidence.Kind.RISK_REVIEW:
        return source.reviewed_on
    if kind == Evidence.Kind.ROUND:
        return source.closes_on
    if kind == Evidence.Kind.REPORT:
        return timezone.localtime(source.issued_at).date()
    if kind == Evidence.Kind.RISK:
        return source.last_reviewed_on or source.opened_on
    if kind == Evidence.Kind.ACTION:
        latest = source.updates.select_related("period").order_by("-period__ends_on").first()
        return latest.period.ends_on if latest else today
    if kind == Evidence.Kind.KPI:
        latest = source.values.select_related("period").order_by("-period__ends_on").first()
        return latest.period.ends_on if latest else today
    raise ValueError(f"No such kind of evidence: {kind}")


def _check_text(field, label, text, limit, required=False):
    if required and not (text or "").strip():
        raise ValidationError({field: f"Enter {label}"})
    if len(text or "") > limit:
        raise ValidationError({field: f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"})


@transaction.atomic
def evidence_add(
    *,
    requirement,
    user,
    kind,
    source=None,
    note="",
    document_title="",
    document_url="",
    document_owner="",
    document_date=None,
    status=Evidence.Status.PROPOSED,
    is_demo=False,
):
    """Link a piece of evidence to a requirement, proposed unless said. ValidationError says what is wrong, in the
    user's words (a source linked already, text too long, a document without its title or date)."""
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": "Choose what kind of evidence it is"})
    _check_text("note", "the note", note, NOTE_LIMIT)
    evidence = Evidence(requirement=requirement, kind=kind, note=note or "", status=status, added_by=user)
    evidence.is_demo = is_demo
    today = timezone.localdate()
    if kind == Evidence.Kind.DOCUMENT:
        _check_text("document_title", "the document's title", document_title, NAME_LIMIT, required=True)
        _check_text("document_url", "the link", document_url, URL_LIMIT)
        _check_text("document_owner", "the owner", document_owner, OWNER_LIMIT)
        if document_date is None:
            raise ValidationError({"document_date": "Enter the document's date"})
        if not EARLIEST <= document_date <= today:
            raise ValidationError({"document_date": "The document's date must be between 2000 and today"})
        evidence.document_title = document_title.strip()
        evidence.document_url = document_url or ""
        evidence.document_owner = document_owner or ""
        evidence.document_date = document_date
    else:
        field, model, _ = SOURCES[kind]
        if not isinstance(source, model):
            raise ValidationError({"source": f"Choose the {KIND_PHRASES[kind][0]}"})
        if Evidence.objects.filter(requirement=requirement, **{field: source}).exists():
            raise ValidationError({"source": f"That {KIND_PHRASES[kind][0]} is already evidence of this requirement"})
        setattr(evidence, field, source)
    evidence.evidence_on = evidence_date(kind, source, document_date=document_date, today=today)
    try:
        with transaction.atomic():
            attributed_save(evidence, user)
    except IntegrityError:
        raise ValidationError({"source": "That is already evidence of this requirement"}) from None
    return evidence


@transaction.atomic
def evidence_accept(*, evidence, user):
    """Accept proposed evidence: from now it counts towards the requirement's coverage."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.status != Evidence.Status.ACCEPTED:
        evidence.status = Evidence.Status.ACCEPTED
        attributed_save(evidence, user, "Accepted")
    return evidence


@transaction.atomic
def evidence_remove(*, evidence, user):
    """Unlink a piece of evidence; the history keeps that it was linked, and who removed it."""
    evidence = Evidence.objects.filter(pk=evidence.pk).first()
    if evidence is None:
        return
    evidence._history_user = user
    evidence.delete()


@transaction.atomic
def self_grade_save(*, requirement, user, grade, gaps, expected_version):
    """The board's grade of a requirement and the gaps it sees, unless someone saved them since `expected_version`
    (GradeChanged)."""
    if grade not in SelfGrade.Grade.values:
        raise ValidationError({"grade": "Choose a grade, or not graded"})
    _check_text("gaps", "the gaps", gaps, GAPS_LIMIT)
    current = SelfGrade.objects.select_for_update().filter(requirement=requirement).first()
    if current is None:
        if expected_version not in (None, 0):
            raise GradeChanged(0)
        current = SelfGrade(requirement=requirement, version=0)
    elif expected_version is not None and current.version != expected_version:
        raise GradeChanged(current.version)
    current.grade = grade
    current.gaps = gaps or ""
    current.updated_by = user
    current.version += 1
    return attributed_save(current, user)


@transaction.atomic
def gap_action_create(*, requirement, objective, lead, text, user):
    """Make a requirement's gap a plan action under `objective` (through the plan's own service, attributed), and
    link the action to the requirement as proposed evidence."""
    if objective.priority.plan.is_closed:
        raise ValidationError({"objective": "The plan is closed: choose an objective of the current plan"})
    # One at a time per requirement, so that the same form sent twice makes one action, not two.
    Requirement.objects.select_for_update().filter(pk=requirement.pk).first()
    said = " ".join((text or "").split()).casefold()
    made = Evidence.objects.filter(
        requirement=requirement, kind=Evidence.Kind.ACTION, action__objective=objective
    ).select_related("action")
    for evidence in made:
        if " ".join(evidence.action.text.split()).casefold() == said:
            raise ValidationError(
                {
                    "text": f"Action {evidence.action.code} already says this under objective {objective.code}, made "
                    "from this requirement: change the text to make another action"
                }
            )
    action = action_add(objective=objective, text=text, lead=lead, user=user)
    evidence = evidence_add(
        requirement=requirement,
        user=user,
        kind=Evidence.Kind.ACTION,
        source=action,
        note="Made from the requirement's gap.",
    )
    return action, evidence
