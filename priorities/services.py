"""Writes to progress updates: recording, submitting and returning them, with conflict detection."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import ReportingPeriod
from plans.services import PeriodClosed, period_for_writing
from plans.versioning import UpdateConflict, save_versioned, versioned_row

from .models import REF_MAX_LENGTH, TEXT_LIMITS, Action, ProgressUpdate, Status

UPDATE_FIELDS = ["status", "progress", "impact", "next_steps", "reason", "evidence_links"]


@dataclass
class UpdateRules:
    """What the form must check for this action in this period, from the periods before it."""

    previous: ProgressUpdate | None

    @property
    def reopening(self):
        """True when the action was Complete last period, so a new status needs a reason."""
        return self.previous is not None and self.previous.status == Status.COMPLETE


def update_rules(*, action: Action, period: ReportingPeriod):
    """The previous reported update, which the form shows beside itself and checks against."""
    previous = (
        ProgressUpdate.objects.reported()
        .filter(action=action, period__plan_id=period.plan_id, period__number__lt=period.number)
        .select_related("period", "author")
        .order_by("-period__number")
        .first()
    )
    return UpdateRules(previous=previous)


# The fields' names as the update form labels them, for the messages below.
TEXT_NAMES = {
    "progress": "Progress this period",
    "impact": "Impact on children and young people",
    "next_steps": "Next steps",
    "reason": "Reason",
    "evidence_links": "Evidence links",
    "returned_reason": "The reason for returning the update",
}


def text_length_problem(name, text, limit):
    """The GOV.UK character-count message when `text` is over `limit` characters, else None."""
    if len(text or "") <= limit:
        return None
    return f"{name} must be {limit:,} characters or fewer: it has {len(text):,}"


def update_length_problems(data):
    """Which of an update's written fields are too long, as {field: message}: for a draft and a submission alike.

    The update form shows these messages and update_save and update_return refuse what breaks them (as does a
    check constraint in the database); a bounded update keeps every report quick to draw."""
    problems = {}
    for field, limit in TEXT_LIMITS.items():
        problem = text_length_problem(TEXT_NAMES[field], data.get(field), limit)
        if problem:
            problems[field] = problem
    return problems


def update_submission_problems(*, status, reason, progress, rules):
    """What stops an update being submitted, as {field: message} in the chair's words; empty when nothing does.

    The rules of a submitted (not draft) update: a status is chosen; Amber and Red say why; reopening an action
    that was Complete last period says why; any status but Not started says what progress was made. Every
    problem at once: with no status chosen, the progress is asked for too (unless it is written), as every status
    but Not started needs it. The update form shows these messages and update_save refuses what breaks them, so
    the two cannot disagree.
    """
    problems = {}
    reason, progress = (reason or "").strip(), (progress or "").strip()
    if not status:
        problems["status"] = "Select the action's status for this period"
    elif status in (Status.AMBER, Status.RED) and not reason:
        problems["reason"] = f"Say why the action is {Status(status).label}"
    elif rules.reopening and status != Status.COMPLETE and not reason:
        problems["reason"] = "Say why the action is reopened: it was Complete last period"
    if status != Status.NOT_STARTED and not progress:
        problems["progress"] = (
            "Say what progress was made this period"
            if status
            else "Say what progress was made this period (not needed if the status is Not started)"
        )
    return problems


@transaction.atomic
def update_save(*, action: Action, period: ReportingPeriod, user, data: dict, expected_version: int, submit: bool):
    """Record (submit=True) or keep as a draft the action's update for the period.

    `expected_version` is the version the form was opened at (0 for a new update); if someone has saved
    since, nothing is written and UpdateConflict carries what they saved. A submission that breaks
    update_submission_problems' rules, or any text over update_length_problems' limits (draft or not), raises
    ValidationError with its messages, and nothing is written.
    """
    period_for_writing(period=period, user=user)
    too_long = update_length_problems({field: data.get(field) for field in UPDATE_FIELDS})
    if too_long:
        raise ValidationError(too_long)
    if submit:
        problems = update_submission_problems(
            status=data.get("status"),
            reason=data.get("reason"),
            progress=data.get("progress"),
            rules=update_rules(action=action, period=period),
        )
        if problems:
            raise ValidationError(problems)
    lookup = {"action": action, "period": period}
    update = versioned_row(ProgressUpdate, lookup, expected_version)
    update.author = user
    for field in UPDATE_FIELDS:
        setattr(update, field, data.get(field, "") or "")
    if submit:
        update.state = ProgressUpdate.State.SUBMITTED
        update.submitted_at = timezone.now()
        update.returned_reason = ""
    elif update.state != ProgressUpdate.State.RETURNED:
        update.state = ProgressUpdate.State.DRAFT
    save_versioned(update, lookup, user)
    return update


@transaction.atomic
def update_return(*, update: ProgressUpdate, user, reason: str, expected_version=None):
    """The board business manager returns a submitted update to its subgroup, with the reason.

    `expected_version`: the update's version when the manager read it; UpdateConflict if the subgroup has saved it
    since (the manager would return words they have not read). PeriodClosed unless the period is open: in a locked
    period the subgroup could not revise it. The chair's own time of saving is kept ("last saved"): the return has
    its own (returned_at, returned_by).
    """
    too_long = update_length_problems({"returned_reason": reason})
    if too_long:
        raise ValidationError(too_long)
    update = ProgressUpdate.objects.select_for_update(of=("self",)).get(pk=update.pk)
    if expected_version is not None and update.version != expected_version:
        raise UpdateConflict(update)
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise ValueError("Only a submitted update can be returned.")
    period = ReportingPeriod.objects.get(pk=update.period_id)
    if not period.is_open:
        raise PeriodClosed(
            f"{period} is {period.get_state_display().lower()}: the subgroup could not revise a returned update. "
            "Open the period again on the reporting periods page first."
        )
    update.state = ProgressUpdate.State.RETURNED
    update.returned_reason = reason
    update.returned_by = user
    update.returned_at = timezone.now()
    update.version += 1
    update._history_user = user
    update.save(update_fields=["state", "returned_reason", "returned_by", "returned_at", "version"])
    return update


@transaction.atomic
def plan_reorder(*, plan, user=None):
    """Set the positions of priorities, objectives and actions to 1, 2, 3 ... in their present order.

    References are the board's own text and are left as they are; only the order's numbers are tidied.
    """
    from .models import Objective, StrategicPriority

    changed = 0
    groups = [list(StrategicPriority.objects.filter(plan=plan).order_by("position", "pk"))]
    for priority in groups[0]:
        objectives = list(Objective.objects.filter(priority=priority).order_by("position", "pk"))
        groups.append(objectives)
        for objective in objectives:
            groups.append(list(Action.objects.filter(objective=objective).order_by("position", "pk")))
    for group in groups:
        for position, row in enumerate(group, start=1):
            if row.position != position:
                row.position = position
                row._history_user = user
                row.save(update_fields=["position"])
                changed += 1
    return changed


ACTION_TEXT_LIMIT = 2000


@transaction.atomic
def action_add(*, objective, user, text, lead, due=""):
    """Add an action to the objective, at its end, with the next free "<objective>.<n>" reference (references are
    unique across the plan); attributed to `user` in the history. The objective's actions are locked while the
    reference is chosen, so two people adding at once get two references."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter what the action is"})
    if len(text) > ACTION_TEXT_LIMIT:
        raise ValidationError({"text": f"The action must be {ACTION_TEXT_LIMIT:,} characters or fewer"})
    siblings = list(Action.objects.select_for_update().filter(objective=objective).values_list("position", flat=True))
    plan_id = objective.priority.plan_id
    taken = set(Action.objects.filter(objective__priority__plan_id=plan_id).values_list("ref", flat=True))
    number = len(siblings) + 1
    while True:
        suffix = f".{number}"
        ref = objective.ref[: REF_MAX_LENGTH - len(suffix)] + suffix
        if ref not in taken:
            break
        number += 1
    action = Action(
        objective=objective, ref=ref, position=max(siblings, default=0) + 1, text=text, lead=lead, due=due[:60]
    )
    action._history_user = user
    action.save()
    return action
