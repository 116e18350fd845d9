"""A KPI value's RAG rating against its target, and its trend against the previous period: computed, never typed."""

from dataclasses import dataclass
from decimal import Decimal

from .models import KPI


@dataclass(frozen=True)
class Rating:
    code: str  # green, amber, red
    label: str

    @property
    def css(self):
        return self.code


GREEN = Rating("green", "Green")
AMBER = Rating("amber", "Amber")
RED = Rating("red", "Red")


@dataclass(frozen=True)
class Trend:
    arrow: str
    words: str
    better: bool | None


def rate(kpi: KPI, value):
    """Green at or beyond target, Amber within the tolerance, else Red; None without a target or value."""
    if kpi.target is None or value is None or kpi.kind not in (KPI.Kind.PERCENTAGE, KPI.Kind.COUNT):
        return None
    tolerance = kpi.amber_tolerance or Decimal(0)
    gap = (value - kpi.target) if kpi.direction == KPI.Direction.HIGHER else (kpi.target - value)
    if gap >= 0:
        return GREEN
    if -gap <= tolerance:
        return AMBER
    return RED


def trend(kpi: KPI, value, previous):
    """Up, down or the same as the previous period, and whether that is better for this KPI."""
    if value is None or previous is None or kpi.kind not in (KPI.Kind.PERCENTAGE, KPI.Kind.COUNT):
        return None
    if value == previous:
        return Trend("→", "No change since last period", None)
    went_up = value > previous
    better = went_up == (kpi.direction == KPI.Direction.HIGHER)
    was = f"{previous.normalize():f}{'%' if kpi.kind == KPI.Kind.PERCENTAGE else ''}"
    return Trend(
        "↑" if went_up else "↓",
        f"{'Up' if went_up else 'Down'} from {was} last period ({'better' if better else 'worse'})",
        better,
    )
