"""What the risk register's pages read: the register's rows, a risk with everything its page shows, its history as
people read it, and the Board meeting a heat map's movement is measured from."""

import datetime

from django.db.models import BooleanField as BooleanOutput
from django.db.models import Case, CharField, OuterRef, Subquery, Value, When

from dscb.history import HISTORY_SHOWN, newest_entries, recent_records, with_previous
from meetings.models import Meeting
from subgroups.models import Subgroup

from .filters import overdue
from .matrix import IMPACT, LIKELIHOOD
from .models import Control, Review, Risk


def register_rows(today=None):
    """The register's risks with their lead body and owner, the direction of their last review and whether their
    review is overdue, escalated risks first: one query."""
    last_review = Review.objects.filter(risk=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    return (
        Risk.objects.select_related("lead_body", "owner_agency")
        .annotate(
            last_direction=Subquery(last_review.values("direction")[:1]),
            is_overdue=Case(When(overdue(today), then=Value(True)), default=Value(False), output_field=BooleanOutput()),
        )
        .order_by("-is_escalated", "number")
    )


def direction_label(code):
    return Review.Direction(code).label if code else ""


def risk_page(reference):
    """A risk with its links, controls, reviews and escalations, each read once: six queries after the risk's."""
    risk = Risk.objects.select_related("lead_body", "owner_agency", "owner_user").get(reference=reference)
    return {
        "objectives": list(risk.objectives.select_related("priority__plan")),
        "actions": list(risk.actions.select_related("objective__priority__plan")),
        "kpis": list(risk.kpis.select_related("objective__priority__plan")),
        "controls": list(risk.controls.all()),
        "reviews": list(risk.reviews.select_related("meeting__body", "reviewer").order_by("-reviewed_on", "-pk")),
        "escalations": list(risk.escalations.select_related("by").order_by("-on", "-pk")),
    }, risk


def board_meeting_dates():
    """The dates of the Board's meetings (not cancelled), oldest first: the days a heat map is most often asked
    for, and the days its movement is measured from."""
    return list(
        Meeting.objects.filter(body__kind=Subgroup.Kind.BOARD)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )


def previous_board_meeting(before, dates):
    """The last of the Board meeting dates before the day, or None."""
    return next((day for day in reversed(dates) if day < before), None)


# A risk's fields a reader of its history needs, with their labels; the rest is bookkeeping.
RISK_FIELDS = {
    "title": "Title",
    "cause": "Cause",
    "event": "Event",
    "effect": "Effect",
    "category": "Category",
    "level": "Level",
    "lead_body_id": "Lead body",
    "owner_name": "Owner",
    "treatment": "Treatment",
    "inherent_likelihood": "Inherent likelihood",
    "inherent_impact": "Inherent impact",
    "current_likelihood": "Current likelihood",
    "current_impact": "Current impact",
    "target_likelihood": "Target likelihood",
    "target_impact": "Target impact",
    "status": "Status",
    "closed_on": "Closed on",
    "closed_reason": "Why it was closed",
    "last_reviewed_on": "Last reviewed",
    "next_review_on": "Next review",
    "is_escalated": "Escalated to the Board",
    "review_suggested": "Review suggested",
}
CONTROL_FIELDS = {"description": "Control", "owner": "Owner", "effectiveness": "Effectiveness"}
CHOICES = {
    "category": Risk.Category,
    "level": Risk.Level,
    "treatment": Risk.Treatment,
    "status": Risk.Status,
    "effectiveness": Control.Effectiveness,
}


def _words(field, value, bodies):
    if value is None or value == "":
        return "(blank)"
    if field in CHOICES:
        try:
            return CHOICES[field](value).label
        except ValueError:
            return str(value)
    if field == "lead_body_id":
        return bodies.get(value, "(a body since removed)")
    if field.endswith("_likelihood"):
        return f"{value} {LIKELIHOOD[value][0]}"
    if field.endswith("_impact"):
        return f"{value} {IMPACT[value][0]}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)


# A risk's links as its history shows them: the field, its label and the linked row's field in the kept links.
# The linked row's plan is named when a risk's history spans more than one (next year's plan, rolled over, has the
# same refs).
LINKS = {
    "objectives": ("Objectives", "objective", "objective__priority__plan__year_label"),
    "actions": ("Actions", "action", "action__objective__priority__plan__year_label"),
    "kpis": ("KPIs", "kpi", "kpi__objective__priority__plan__year_label"),
}


def _ref_order(ref):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in ref.split(".")]


def _links_by_record(risk, record_ids):
    """{history record id: {label: the linked objectives', actions' and KPIs' refs, in plan order}} for the records of
    the risk's history with these ids: one query."""
    history = Risk.history.model
    kinds = [
        getattr(history, name)
        .model.objects.filter(risk_id=risk.pk, history_id__in=record_ids)
        .values_list("history_id", f"{target}__ref", year, Value(label, output_field=CharField()))
        for name, (label, target, year) in LINKS.items()
    ]
    rows = list(kinds[0].union(*kinds[1:], all=True))
    years = {year for _, ref, year, _ in rows if ref is not None}
    links = {}
    for record_id, ref, year, label in rows:
        named = "(since removed)" if ref is None else f"{ref} ({year})" if len(years) > 1 else ref
        links.setdefault(record_id, {}).setdefault(label, []).append((year or "", _ref_order(ref or ""), named))
    return {
        record_id: {label: ", ".join(named for *_, named in sorted(refs)) for label, refs in by_label.items()}
        for record_id, by_label in links.items()
    }


def _link_changes(record, previous, links):
    """What a record did to the risk's links: each kind of link that differs from the record before (or, for the
    record that added the risk, each kind it was added with)."""
    if record.history_type == "-" or (previous is None and record.history_type != "+"):
        return []  # a removed risk's links go with it; a record before the first known one is not compared
    now = links.get(record.history_id, {})
    if previous is None:
        return [{"field": label, "old": None, "new": now[label]} for label, *_ in LINKS.values() if label in now]
    before = links.get(previous.history_id, {})
    return [
        {"field": label, "old": before.get(label, "(none)"), "new": now.get(label, "(none)")}
        for label, *_ in LINKS.values()
        if before.get(label) != now.get(label)
    ]


def _entries(records, fields, bodies, title, links=None):
    entries = []
    for record, previous in with_previous(records):
        changes = []
        for name, label in fields.items():
            new = getattr(record, name)
            if previous is None:
                if record.history_type == "+" and new not in (None, "", False):
                    changes.append({"field": label, "old": None, "new": _words(name, new, bodies)})
                continue
            old = getattr(previous, name)
            if old != new:
                changes.append({"field": label, "old": _words(name, old, bodies), "new": _words(name, new, bodies)})
        if links is not None:
            changes += _link_changes(record, previous, links)
        if not changes and record.history_type == "~":
            continue
        kind = {"+": "Added", "~": "Changed", "-": "Removed"}[record.history_type]
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": kind,
                "title": title(record),
                "changes": changes,
            }
        )
    return entries


def risk_history(risk, limit=HISTORY_SHOWN):
    """Who changed what on the risk (its links too) and its controls, and when: the most recent `limit` changes,
    newest first, and whether there are earlier ones not shown, as the page's history context
    (dscb.history.newest_entries). Four queries, each reading at
    most `limit` + 1 records of the risk and of each control, however many there are."""
    risk_records = recent_records(risk.history.select_related("history_user"), limit)
    control_records = recent_records(Control.history.filter(risk_id=risk.pk).select_related("history_user"), limit)
    body_ids = {record.lead_body_id for record in risk_records}
    bodies = dict(Subgroup.objects.filter(pk__in=body_ids).values_list("pk", "name"))
    links = _links_by_record(risk, [record.history_id for record in risk_records])
    entries = _entries(risk_records, RISK_FIELDS, bodies, lambda record: f"Risk {record.reference}", links=links)
    entries += _entries(control_records, CONTROL_FIELDS, bodies, lambda record: "Control")
    return newest_entries(entries, [*risk_records, *control_records], limit)
