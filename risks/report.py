"""The risk register as the reports print it: as it stood at the end of a day (the report's date), the heat map of
the open risks' current scores, the Very high and High risks with their direction of travel, the risks escalated to
the Board and the reviews overdue.

Read from the risks' history (as the heat map is) in two queries however many risks there are, and kept as plain
data (to_dict / from_dict), so that an issued report holds it as it was when issued."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from dscb.prepared import PreparedQuery

from .heatmap import ROW_FIELDS, HeatMap, end_of, heat_map_from_rows, standing_at
from .matrix import band_of
from .models import Escalation, Review, Risk

HIGH_BANDS = ("very_high", "high")
PARTS = ("high", "escalated", "overdue")
# The history's fields the tables need beyond the heat map's.
TABLE_FIELDS = ["level", "lead_body__name", "owner_name", "is_escalated", "next_review_on", "last_reviewed_on"]


@dataclass
class ReportedRisk:
    """One risk as the report prints it."""

    reference: str
    number: int
    title: str
    level: str  # its label: Board, Safeguarding Executive or Subgroup
    lead_body: str
    owner: str
    likelihood: int
    impact: int
    direction: str = ""  # the direction of travel at its last review by then, in words; "" if never reviewed
    last_reviewed_on: datetime.date | None = None
    next_review_on: datetime.date | None = None
    escalated_on: datetime.date | None = None
    escalation_reason: str = ""

    @property
    def value(self):
        return self.likelihood * self.impact

    @property
    def band(self):
        return band_of(self.likelihood, self.impact)

    @property
    def score_words(self):
        return f"{self.likelihood} x {self.impact} = {self.value}"

    def to_dict(self):
        return {
            name: (value.isoformat() if isinstance(value, datetime.date) else value)
            for name, value in self.__dict__.items()
        }

    @classmethod
    def from_dict(cls, data):
        dates = ("last_reviewed_on", "next_review_on", "escalated_on")
        return cls(**{k: (datetime.date.fromisoformat(v) if k in dates and v else v) for k, v in data.items()})


@dataclass
class RiskSection:
    as_at: datetime.date
    heat_map: HeatMap
    high: list = field(default_factory=list)  # Very high and High, highest first
    escalated: list = field(default_factory=list)
    overdue: list = field(default_factory=list)  # the review due earliest first

    @property
    def count(self):
        return self.heat_map.count

    def to_dict(self):
        return {
            "as_at": self.as_at.isoformat(),
            "heat_map": self.heat_map.to_dict(),
            "high": [risk.to_dict() for risk in self.high],
            "escalated": [risk.to_dict() for risk in self.escalated],
            "overdue": [risk.to_dict() for risk in self.overdue],
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            as_at=datetime.date.fromisoformat(data["as_at"]),
            heat_map=HeatMap.from_dict(data["heat_map"]),
            **{part: [ReportedRisk.from_dict(risk) for risk in data[part]] for part in PARTS},
        )


def _latest(model, moment, **conditions):
    """The risk's latest row of the model written before the moment: for a Subquery."""
    return model.objects.filter(risk=OuterRef("pk"), created_at__lt=moment, **conditions)


@PreparedQuery
def _history_rows(*, moment):
    """Every risk's history written before the moment, oldest first: what the heat map and the tables read."""
    return (
        Risk.history.filter(history_date__lt=moment)
        .order_by("history_date", "history_id")
        .values(*ROW_FIELDS, *TABLE_FIELDS)
    )


@PreparedQuery
def _said_by_then(*, risk_ids, moment, as_at):
    """What the reviews and escalations written by the moment said of the risks: the last review's direction, the
    last escalation."""
    reviews = _latest(Review, moment, reviewed_on__lte=as_at).order_by("-reviewed_on", "-pk")
    escalations = _latest(Escalation, moment, on__lte=as_at).order_by("-on", "-pk")
    return (
        Risk.objects.filter(pk__in=risk_ids)
        .annotate(
            direction=Subquery(reviews.values("direction")[:1]),
            escalated_on=Subquery(escalations.values("on")[:1]),
            escalation_kind=Subquery(escalations.values("kind")[:1]),
            escalation_reason=Subquery(escalations.values("reason")[:1]),
        )
        .values("pk", "direction", "escalated_on", "escalation_kind", "escalation_reason")
    )


def risk_section(as_at):
    """The register as it stood at the end of `as_at`, as the reports print it: two queries, each built once per
    process (dscb.prepared), as every report page asks."""
    moment = end_of(as_at)
    rows = _history_rows.rows(moment=moment)
    heat_map = heat_map_from_rows(rows, as_at=as_at, score="current")
    standing = {risk_id: row for risk_id, row in standing_at(rows, moment).items() if row["status"] == Risk.Status.OPEN}
    extras = {risk["pk"]: risk for risk in _said_by_then.rows(risk_ids=list(standing), moment=moment, as_at=as_at)}
    reported = []
    for risk_id, row in sorted(standing.items(), key=lambda item: item[1]["number"]):
        extra = extras.get(risk_id, {})
        escalated = row["is_escalated"] and extra.get("escalation_kind") == Escalation.Kind.ESCALATED
        reported.append(
            (
                row,
                ReportedRisk(
                    reference=row["reference"],
                    number=row["number"],
                    title=row["title"],
                    level=Risk.Level(row["level"]).label,
                    lead_body=row["lead_body__name"] or "",
                    owner=row["owner_name"],
                    likelihood=row["current_likelihood"],
                    impact=row["current_impact"],
                    direction=Review.Direction(extra["direction"]).label if extra.get("direction") else "",
                    last_reviewed_on=row["last_reviewed_on"],
                    next_review_on=row["next_review_on"],
                    escalated_on=extra.get("escalated_on") if escalated else None,
                    escalation_reason=extra.get("escalation_reason", "") if escalated else "",
                ),
            )
        )
    high = [risk for _, risk in reported if risk.band.code in HIGH_BANDS]
    return RiskSection(
        as_at=as_at,
        heat_map=heat_map,
        high=sorted(high, key=lambda risk: (-risk.band.order, -risk.value, risk.number)),
        escalated=[risk for row, risk in reported if row["is_escalated"]],
        overdue=sorted(
            (risk for _, risk in reported if risk.next_review_on and risk.next_review_on < as_at),
            key=lambda risk: (risk.next_review_on, risk.number),
        ),
    )
