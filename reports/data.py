"""What the reports say, gathered in a fixed number of queries whatever the plan's size.

The same figures feed the screen, the PDF and the Excel workbook, and are what an issued report freezes. The rows
(an ActionRow per action, a KPIRow per KPI) are read by progress.selectors, the one read model for progress; this
module groups and counts them as the reports print them.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from priorities.models import Status
from progress.selectors import plan_rows
from risks.report import risk_section

STATUS_ORDER = [Status.RED, Status.AMBER, Status.NO_UPDATE, Status.NOT_STARTED, Status.GREEN, Status.COMPLETE]
EXCEPTIONS = (Status.RED, Status.AMBER, Status.NO_UPDATE)


@dataclass
class Counts:
    counts: Counter = field(default_factory=Counter)
    previous: Counter = field(default_factory=Counter)

    def add_rows(self, rows):
        """Count the ActionRows' statuses, this period's and the one before (ActionRow.status, .previous_status), read
        from their paths at once: a 600-action report counts every row twice."""
        paths = [row.path for row in rows]
        self.counts.update(path[-1] if path else Status.NO_UPDATE for path in paths)
        self.previous.update(path[-2] for path in paths if len(path) > 1)

    @property
    def total(self):
        return sum(self.counts.values())

    def rows(self):
        """(status, this period, change since the previous period) for every status, in report order."""
        return [(status, self.counts[status], self.counts[status] - self.previous[status]) for status in STATUS_ORDER]


@dataclass
class PlanProgress:
    plan: object
    periods: list  # the periods covered, oldest first
    period: object  # the last of them
    generated_at: datetime.datetime
    # [{"priority", "counts", "objectives": [{"objective", "actions": [ActionRow], "kpis": [KPIRow]}]}]
    priorities: list
    counts: Counts
    outstanding: list  # [(subgroup, missing, led)] for the last period, most missing first
    risks: object = None  # risks.report.RiskSection for a report's risk register section, else None

    @property
    def actions(self):
        return [row for item in self.priorities for block in item["objectives"] for row in block["actions"]]

    @property
    def kpis(self):
        return [row for item in self.priorities for block in item["objectives"] for row in block["kpis"]]

    @property
    def exceptions(self):
        rows = [row for row in self.actions if row.status in EXCEPTIONS]
        return sorted(rows, key=lambda row: EXCEPTIONS.index(row.status))

    @property
    def completed(self):
        return [row for row in self.actions if row.status == Status.COMPLETE]


def risks_as_at(period, as_at=None):
    """The day a report's risk register section is as at: the Board report's date; for the Safeguarding Executive
    report, the day of the meeting its period reports to (the period's last day if it has none), so that it shows
    the reviews made at that meeting."""
    return as_at or period.meeting_on or period.ends_on


def plan_progress(plan, period, *, now=None, evidence=False, drafts=False, risks_on=None):
    """The plan's progress in every period up to and including `period`, grouped as the reports print it.

    The rows come from progress.selectors.plan_rows (which see for `evidence` and `drafts`, and for the queries: seven,
    however large the plan); the grouping and counting here cost none. With `risks_on` (a date), the risk register as
    it stood at the end of that day too (risks.report.risk_section: two queries more).
    """
    read = plan_rows(plan, period, evidence=evidence, drafts=drafts)
    action_rows, kpi_rows = read.actions, read.kpis
    counts = Counts()
    priorities = []
    for objective in read.objectives.values():
        if not priorities or priorities[-1]["priority"].pk != objective.priority_id:
            priorities.append({"priority": objective.priority, "counts": Counts(), "objectives": []})
        rows = action_rows.get(objective.pk, [])
        counts.add_rows(rows)
        priorities[-1]["counts"].add_rows(rows)
        priorities[-1]["objectives"].append(
            {"objective": objective, "actions": rows, "kpis": kpi_rows.get(objective.pk, [])}
        )

    led, missing, subgroups = Counter(), Counter(), {}
    for rows in action_rows.values():
        for row in rows:
            for subgroup in row.action.leads:
                subgroups[subgroup.pk] = subgroup
                led[subgroup.pk] += 1
                if row.status == Status.NO_UPDATE:
                    missing[subgroup.pk] += 1
    outstanding = sorted(
        ((subgroups[pk], missing[pk], led[pk]) for pk in missing),
        key=lambda item: (-item[1], item[0].name),
    )
    return PlanProgress(
        plan=plan,
        periods=read.periods,
        period=period,
        generated_at=now or timezone.now(),
        priorities=priorities,
        counts=counts,
        outstanding=outstanding,
        risks=risk_section(risks_on) if risks_on else None,
    )


def period_as_at(plan, as_at, periods=None):
    """The last period that has ended by `as_at`: a Board report covers whole periods (else the first).

    `periods`: the plan's periods in order, when the caller has read them already."""
    periods = list(plan.periods.all()) if periods is None else periods
    ended = [p for p in periods if p.ends_on <= as_at]
    return ended[-1] if ended else (periods[0] if periods else None)


# The Board meets quarterly (PRODUCT.md: the plan is "reported at every Board meeting"; the Board's meetings are
# quarterly). The product keeps no Board meeting dates, so a Board report is as at the end of a quarter of the
# plan year: for a plan from 1 April, 30 June, 30 September, 31 December and 31 March.
QUARTER_MONTHS = 3


def _month_after(day, months):
    """The first day of the month `months` after `day`'s month."""
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def board_meeting_dates(plan):
    """The dates the Board's quarterly reports are as at: the last day of each quarter of the plan year (the
    last one the day the plan ends), oldest first."""
    dates, quarter = [], 1
    while True:
        ends = _month_after(plan.starts_on, QUARTER_MONTHS * quarter) - datetime.timedelta(days=1)
        if ends >= plan.ends_on:
            return [*dates, plan.ends_on]
        dates.append(ends)
        quarter += 1


def board_report_default_date(plan, periods, today=None):
    """The date a Board report is as at when no one chose one: the Board meeting next due to hear the period
    being reported (the reporting period's end, or today if that is earlier), else the plan year's last one.

    So in the year it is the next quarterly meeting; after the year, or for a plan whose reporting stopped at a
    period (a demo, a closed plan), the meeting that period's updates went to, not one with every later period
    showing "No update"."""
    today = today or timezone.localdate()
    meetings = board_meeting_dates(plan)
    current = plan.reporting_period_from(periods) if periods else None
    if current is None:  # nothing reported yet: the year's first meeting
        return meetings[0]
    anchor = min(today, current.ends_on)
    return next((day for day in meetings if day >= anchor), meetings[-1])


def board_quarter(plan, as_at):
    """The quarter (1 to 4) whose Board meeting's report is as at `as_at`, or None for another date."""
    meetings = board_meeting_dates(plan)
    return meetings.index(as_at) + 1 if as_at in meetings else None


def board_report_latest_date(plan):
    """The latest date a Board report may be as at: a year after the plan ends (later reports are of another
    year's plan)."""
    ends = plan.ends_on
    try:
        return ends.replace(year=ends.year + 1)
    except ValueError:  # 29 February
        return ends.replace(year=ends.year + 1, day=28)
