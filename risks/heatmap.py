"""The heat map: the open risks on a 5 x 5 grid of likelihood (rows, 5 at the top) by impact (columns), as the
scores stood at the end of a day, with each risk's movement since an earlier day.

Read from the risks' history in one query, then worked out by pure functions over its rows, so that a report can
keep the result as it was when issued (to_dict / from_dict) and draw it again later unchanged."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .matrix import IMPACT, LIKELIHOOD, SCALE, band_of, bands
from .models import Risk

SCORES = {"inherent": "Inherent", "current": "Current", "target": "Target"}
SCORE_WORDS = {
    "inherent": "before its controls",
    "current": "with the controls in place",
    "target": "at its target",
}
MOVEMENT_WORDS = {"up": "Up", "down": "Down", "same": "No change", "new": "New"}
# What the history rows are read with: enough to place a risk by each of its three scores.
ROW_FIELDS = [
    "id",
    "reference",
    "number",
    "title",
    "status",
    "history_type",
    "history_date",
    *(f"{score}_{axis}" for score in SCORES for axis in ("likelihood", "impact")),
]


@dataclass
class Placed:
    """A risk in its cell, and where it was at the earlier date (None if it was not on the map then), with the bands
    of both as they were when the map was drawn."""

    reference: str
    number: int
    title: str
    likelihood: int
    impact: int
    before: tuple | None = None
    movement: str | None = None  # up, down, same or new; None when the map has no earlier date
    band_code: str = ""
    before_band_code: str = ""

    def __post_init__(self):
        self.band_code = self.band_code or band_of(self.likelihood, self.impact).code
        if self.before and not self.before_band_code:
            self.before_band_code = band_of(*self.before).code

    @property
    def value(self):
        return self.likelihood * self.impact

    @property
    def band(self):
        return _band(self.band_code, self.likelihood, self.impact)

    @property
    def movement_words(self):
        return MOVEMENT_WORDS.get(self.movement, "")

    @property
    def before_band(self):
        return _band(self.before_band_code, *self.before) if self.before else None

    def to_dict(self):
        return {
            "reference": self.reference,
            "number": self.number,
            "title": self.title,
            "likelihood": self.likelihood,
            "impact": self.impact,
            "before": list(self.before) if self.before else None,
            "movement": self.movement,
            "band_code": self.band_code,
            "before_band_code": self.before_band_code,
        }

    @classmethod
    def from_dict(cls, data):
        before = data.get("before")
        return cls(**{**data, "before": tuple(before) if before else None})


def _band(code, likelihood, impact):
    """The band by its code (as a map was drawn), else the matrix's band for the cell today."""
    return next((band for band in bands() if band.code == code), None) or band_of(likelihood, impact)


@dataclass
class Cell:
    likelihood: int
    impact: int
    band_code: str
    risks: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.risks)

    @property
    def band(self):
        """The band the cell was in when the map was drawn (a frozen map keeps its own)."""
        return _band(self.band_code, self.likelihood, self.impact)


@dataclass
class Row:
    likelihood: int
    cells: list

    @property
    def label(self):
        return LIKELIHOOD[self.likelihood][0]


@dataclass
class HeatMap:
    as_at: datetime.date
    score: str
    since: datetime.date | None
    rows: list  # likelihood 5 down to 1

    @property
    def score_label(self):
        return SCORES[self.score]

    @property
    def score_words(self):
        return SCORE_WORDS[self.score]

    @property
    def impacts(self):
        return [(impact, IMPACT[impact][0]) for impact in SCALE]

    @property
    def placed(self):
        """Every risk on the map, in register order."""
        return sorted((risk for row in self.rows for cell in row.cells for risk in cell.risks), key=lambda r: r.number)

    @property
    def count(self):
        return sum(cell.count for row in self.rows for cell in row.cells)

    def to_dict(self):
        return {
            "as_at": self.as_at.isoformat(),
            "score": self.score,
            "since": self.since.isoformat() if self.since else None,
            "rows": [
                {
                    "likelihood": row.likelihood,
                    "cells": [
                        {
                            "likelihood": cell.likelihood,
                            "impact": cell.impact,
                            "band": cell.band_code,
                            "risks": [risk.to_dict() for risk in cell.risks],
                        }
                        for cell in row.cells
                    ],
                }
                for row in self.rows
            ],
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            as_at=datetime.date.fromisoformat(data["as_at"]),
            score=data["score"],
            since=datetime.date.fromisoformat(data["since"]) if data.get("since") else None,
            rows=[
                Row(
                    likelihood=row["likelihood"],
                    cells=[
                        Cell(
                            likelihood=cell["likelihood"],
                            impact=cell["impact"],
                            band_code=cell["band"],
                            risks=[Placed.from_dict(risk) for risk in cell["risks"]],
                        )
                        for cell in row["cells"]
                    ],
                )
                for row in data["rows"]
            ],
        )


def end_of(day):
    """The first moment after the day, in the board's time zone: history up to it is the day's last word."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def standing_at(rows, moment):
    """Each risk's last history row before the moment, by risk id, leaving out risks deleted by then.

    `rows` are history rows (dicts with ROW_FIELDS) in the order they were written."""
    last = {}
    for row in rows:
        if row["history_date"] < moment:
            last[row["id"]] = row
    return {risk_id: row for risk_id, row in last.items() if row["history_type"] != "-"}


def _movement(now, before):
    if before is None:
        return "new"
    now_value, before_value = now[0] * now[1], before[0] * before[1]
    if now_value > before_value:
        return "up"
    if now_value < before_value:
        return "down"
    return "same"


def heat_map_from_rows(rows, *, as_at, score="current", since=None):
    """The heat map from history rows (dicts with ROW_FIELDS, oldest first): a pure function of them."""
    if score not in SCORES:
        raise ValueError(f"The score is inherent, current or target, not {score!r}")
    then = standing_at(rows, end_of(as_at))
    before = standing_at(rows, end_of(since)) if since else {}
    grid = {
        (likelihood, impact): Cell(likelihood, impact, band_of(likelihood, impact).code)
        for likelihood in SCALE
        for impact in SCALE
    }
    for risk_id, row in sorted(then.items(), key=lambda item: item[1]["number"]):
        if row["status"] != Risk.Status.OPEN:
            continue
        cell = (row[f"{score}_likelihood"], row[f"{score}_impact"])
        earlier = before.get(risk_id)
        was = None
        if earlier is not None and earlier["status"] == Risk.Status.OPEN:
            was = (earlier[f"{score}_likelihood"], earlier[f"{score}_impact"])
        grid[cell].risks.append(
            Placed(
                reference=row["reference"],
                number=row["number"],
                title=row["title"],
                likelihood=cell[0],
                impact=cell[1],
                before=was,
                movement=_movement(cell, was) if since else None,
            )
        )
    return HeatMap(
        as_at=as_at,
        score=score,
        since=since,
        rows=[Row(likelihood, [grid[(likelihood, impact)] for impact in SCALE]) for likelihood in reversed(SCALE)],
    )


def history_rows(*, until, risks=None):
    """The risks' history rows written before the moment, oldest first: one query."""
    records = Risk.history.filter(history_date__lt=until)
    if risks is not None:
        if hasattr(risks, "values"):  # a queryset: a subquery, not a query of its own
            records = records.filter(id__in=risks.values("pk"))
        else:
            records = records.filter(id__in=[risk.pk if isinstance(risk, Risk) else risk for risk in risks])
    return list(records.order_by("history_date", "history_id").values(*ROW_FIELDS))


def heat_map(*, as_at, score="current", risks=None, since=None):
    """The open risks as they stood at the end of `as_at` on the grid of the chosen score, with each one's movement
    since the end of `since` (if given): one query, whatever the number of risks. `risks` limits the map to those
    risks (or their ids)."""
    return heat_map_from_rows(history_rows(until=end_of(as_at), risks=risks), as_at=as_at, score=score, since=since)
