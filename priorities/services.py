"""Writes to progress updates: recording, submitting and returning them, with conflict detection."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import ReportingPeriod
from subgroups.roles import is_board_manager

from .models import Action, ProgressUpdate, Status

UPDATE_FIELDS = ["status", "progress", "impact", "next_steps", "reason", "evidence_links"]


class UpdateConflict(Exception):
    """Someone else saved this update after the form was opened."""

    def __init__(self, current):
        super().__init__("The update was saved by someone else since you opened it.")
        self.current = current


class PeriodClosed(Exception):
    """The period is not open, and the user is not the board manager."""


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


def update_submission_problems(*, status, reason, progress, rules):
    """What stops an update being submitted, as {field: message} in the chair's words; empty when nothing does.

    The rules of a submitted (not draft) update: a status is chosen; Amber and Red say why; reopening an action
    that was Complete last period says why; any status but Not started says what progress was made. The update
    form shows these messages and update_save refuses what breaks them, so the two cannot disagree.
    """
    problems = {}
    reason, progress = (reason or "").strip(), (progress or "").strip()
    if not status:
        problems["status"] = "Select the action's status for this period"
    elif status in (Status.AMBER, Status.RED) and not reason:
        problems["reason"] = f"Say why the action is {Status(status).label}"
    elif rules.reopening and status != Status.COMPLETE and not reason:
        problems["reason"] = "Say why the action is reopened: it was Complete last period"
    if status and status != Status.NOT_STARTED and not progress:
        problems["progress"] = "Say what progress was made this period"
    return problems


def versioned_row(model, lookup, expected_version):
    """The row to write at its next version; UpdateConflict if anyone saved it since `expected_version`.

    A compare-and-set on the version: of two saves from the same version, only one moves it on.
    """
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        if expected_version != 0:
            raise UpdateConflict(None)
        return model(**lookup, version=1)
    moved = model.objects.filter(pk=row.pk, version=expected_version).update(version=expected_version + 1)
    if not moved:
        row.refresh_from_db()
        raise UpdateConflict(row)
    row.version = expected_version + 1
    return row


def save_versioned(row, lookup, user):
    """Save a row from versioned_row, attributed to `user`; two first saves at once make one row and a conflict."""
    row._history_user = user
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise UpdateConflict(type(row).objects.filter(**lookup).first()) from None
    return row


def check_period_writable(period, user):
    """Refuse writes to a closed plan, and (but for the board manager) to a period that is not open."""
    if period.plan.is_closed:
        raise PeriodClosed(f"{period.plan} is closed: nothing in it can be changed.")
    if not period.is_open and not is_board_manager(user):
        raise PeriodClosed(f"{period} is {period.get_state_display().lower()}: nothing in it can be changed.")


def period_writable(period, user):
    """Whether check_period_writable would let the user write in the period: for showing forms or read-only pages."""
    try:
        check_period_writable(period, user)
    except PeriodClosed:
        return False
    return True


@transaction.atomic
def update_save(*, action: Action, period: ReportingPeriod, user, data: dict, expected_version: int, submit: bool):
    """Record (submit=True) or keep as a draft the action's update for the period.

    `expected_version` is the version the form was opened at (0 for a new update); if someone has saved
    since, nothing is written and UpdateConflict carries what they saved. A submission that breaks
    update_submission_problems' rules raises ValidationError with its messages, and nothing is written.
    """
    check_period_writable(ReportingPeriod.objects.select_related("plan").get(pk=period.pk), user)
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
def update_return(*, update: ProgressUpdate, user, reason: str):
    """The board business manager returns a submitted update to its subgroup, with the reason."""
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state != ProgressUpdate.State.SUBMITTED:
        raise ValueError("Only a submitted update can be returned.")
    update.state = ProgressUpdate.State.RETURNED
    update.returned_reason = reason
    update.returned_by = user
    update.returned_at = timezone.now()
    update.version += 1
    update._history_user = user
    update.save()
    return update


@transaction.atomic
def plan_renumber(*, plan, user=None):
    """Number priorities, objectives and actions 1, 2, 3 ... in their present order, keeping numbers unique.

    Every row first moves out of the way (numbers from 10000), so that swapping two numbers never collides.
    """
    from .models import Objective, StrategicPriority

    changed = 0
    groups = [list(StrategicPriority.objects.filter(plan=plan).order_by("number", "pk"))]
    for priority in groups[0]:
        objectives = list(Objective.objects.filter(priority=priority).order_by("number", "pk"))
        groups.append(objectives)
        for objective in objectives:
            groups.append(list(Action.objects.filter(objective=objective).order_by("number", "pk")))
    for group in groups:
        wrong = [(row, position) for position, row in enumerate(group, start=1) if row.number != position]
        for row, _ in wrong:
            type(row).objects.filter(pk=row.pk).update(number=row.number + 10000)
        for row, position in wrong:
            row.number = position
            row._history_user = user
            row.save(update_fields=["number"])
        changed += len(wrong)
    return changed
