"""Read a plan file (.xlsx or .csv) and check every row, collecting every problem before anything is written."""

import csv
import datetime
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl

from subgroups.models import Subgroup, subgroup_slug

from .layout import (
    COLUMNS,
    DIRECTIONS,
    KPI_KINDS,
    LEAD_SEPARATOR,
    PLAN_SETTINGS,
    REQUIRED_COLUMNS,
    ROW_TYPES,
    SUPPORTING_SEPARATOR,
)

PRIORITY_REF = re.compile(r"^(\d+)$")
OBJECTIVE_REF = re.compile(r"^(\d+)\.(\d+)$")
ACTION_REF = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
KPI_REF = re.compile(r"^(\d+)\.(\d+)\.K(\d+)$", re.IGNORECASE)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"]


class PlanFileError(Exception):
    """The file could not be read at all (wrong type, not a spreadsheet, no header)."""


@dataclass
class Problem:
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ParsedPlan:
    settings: dict = field(default_factory=dict)
    priorities: dict = field(default_factory=dict)  # number -> {title}
    objectives: dict = field(default_factory=dict)  # (p, o) -> {title, evidence}
    actions: dict = field(default_factory=dict)  # (p, o, a) -> {text, leads, supporting, due, milestones}
    kpis: dict = field(default_factory=dict)  # (p, o, k) -> {name, owner, kind, target, ...}
    subgroup_names: list = field(default_factory=list)  # every subgroup name used, first use first
    new_subgroups: list = field(default_factory=list)  # names not yet in the database
    problems: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.problems


def read_rows(uploaded, filename):
    """Return the header and data rows of a plan file as lists of strings, with Excel's row numbers."""
    name = filename.lower()
    data = uploaded.read() if hasattr(uploaded, "read") else uploaded
    if name.endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a file that is not a workbook
            raise PlanFileError(f"{filename} could not be opened as an Excel workbook ({error}).") from error
        sheet = workbook["Plan"] if "Plan" in workbook.sheetnames else workbook.worksheets[0]
        rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise PlanFileError(f"{filename} could not be read as text: save it as CSV UTF-8.")
        rows = [[value.strip() for value in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise PlanFileError(f"{filename} is not a plan file: upload an .xlsx or .csv file.")
    if not rows:
        raise PlanFileError(f"{filename} is empty.")
    header = [value.strip() for value in rows[0]]
    return header, [(number, row) for number, row in enumerate(rows[1:], start=2)]


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse(header, rows):
    """Check every row against the layout and the database; return a ParsedPlan listing every problem."""
    parsed = ParsedPlan()
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        parsed.problems.append(
            Problem(
                1,
                None,
                f"the header row has no {', '.join(repr(c) for c in missing)} column. "
                f"The first row must name the columns: {', '.join(COLUMNS)}.",
            )
        )
        return parsed
    unknown = [column for column in header if column and column not in COLUMNS]
    if unknown:
        parsed.problems.append(
            Problem(
                1, None, f"unknown column {', '.join(repr(c) for c in unknown)}. The columns are: {', '.join(COLUMNS)}."
            )
        )
    index = {column: header.index(column) for column in COLUMNS if column in header}
    lookup = _SubgroupLookup(parsed)
    first_row = {}

    for number, raw in rows:
        row = {column: (raw[i].strip() if i < len(raw) and raw[i] else "") for column, i in index.items()}
        if not any(row.values()):
            continue
        kind = row["Type"]
        matched = next((t for t in ROW_TYPES if t.lower() == kind.lower()), None)
        if matched is None:
            parsed.problems.append(
                Problem(
                    number,
                    "Type",
                    f"'{kind}' is not a row type; use one of {', '.join(ROW_TYPES)}."
                    if kind
                    else f"the row has no type; use one of {', '.join(ROW_TYPES)}.",
                )
            )
            continue
        _ROW_PARSERS[matched](parsed, lookup, number, row, first_row)

    _check_whole_plan(parsed, first_row)
    parsed.new_subgroups = [name for name in parsed.subgroup_names if lookup.is_new(name)]
    return parsed


def _duplicate(parsed, first_row, key, number, label):
    if key in first_row:
        parsed.problems.append(Problem(number, "Ref", f"{label} appears twice (first on row {first_row[key]})."))
        return True
    first_row[key] = number
    return False


def _require_text(parsed, number, row, what):
    if not row["Text"]:
        parsed.problems.append(Problem(number, "Text", f"the {what} has no text."))
        return False
    return True


def _parse_plan_setting(parsed, lookup, number, row, first_row):
    names = {name: field for name, field, _ in PLAN_SETTINGS}
    ref = row["Ref"].lower()
    if ref not in names:
        parsed.problems.append(
            Problem(number, "Ref", f"'{row['Ref']}' is not a plan setting; use one of {', '.join(names)}.")
        )
        return
    if _duplicate(parsed, first_row, ("plan", ref), number, f"The plan setting '{ref}'"):
        return
    value = row["Text"]
    if names[ref] in ("starts_on", "ends_on") and value:
        date = parse_date(value)
        if date is None:
            parsed.problems.append(
                Problem(number, "Text", f"'{value}' is not a date; write it as 2015-04-01 or 01/04/2015.")
            )
            return
        value = date
    elif names[ref] == "slug" and value and not re.fullmatch(r"[a-z0-9-]+", value):
        parsed.problems.append(
            Problem(
                number,
                "Text",
                f"'{value}' cannot be used in an address; use lower-case letters, digits and hyphens, e.g. 2015-16.",
            )
        )
        return
    parsed.settings[names[ref]] = value


def _parse_priority(parsed, lookup, number, row, first_row):
    match = PRIORITY_REF.match(row["Ref"])
    if not match:
        parsed.problems.append(
            Problem(number, "Ref", f"'{row['Ref']}' is not a priority number; write a whole number such as 1.")
        )
        return
    key = int(match.group(1))
    if _duplicate(parsed, first_row, ("priority", key), number, f"Priority {key}") or not _require_text(
        parsed, number, row, "priority"
    ):
        return
    parsed.priorities[key] = {"title": row["Text"], "row": number}


def _parse_objective(parsed, lookup, number, row, first_row):
    match = OBJECTIVE_REF.match(row["Ref"])
    if not match:
        parsed.problems.append(Problem(number, "Ref", f"'{row['Ref']}' is not an objective number; write it as 1.2."))
        return
    key = tuple(int(part) for part in match.groups())
    if _duplicate(parsed, first_row, ("objective", key), number, f"Objective {row['Ref']}") or not _require_text(
        parsed, number, row, "objective"
    ):
        return
    parsed.objectives[key] = {"title": row["Text"], "evidence": row.get("Evidence", ""), "row": number}


def _parse_action(parsed, lookup, number, row, first_row):
    match = ACTION_REF.match(row["Ref"])
    if not match:
        parsed.problems.append(
            Problem(
                number, "Ref", f"'{row['Ref']}' is not an action number; write it as 1.2.3 (objective 1.2, action 3)."
            )
        )
        return
    key = tuple(int(part) for part in match.groups())
    if _duplicate(parsed, first_row, ("action", key), number, f"Action {row['Ref']}"):
        return
    ok = _require_text(parsed, number, row, "action")
    lead_cell = row.get("Lead subgroup", "")
    leads = _split(lead_cell, LEAD_SEPARATOR)
    if not leads:
        parsed.problems.append(Problem(number, "Lead subgroup", "every action needs a lead subgroup."))
        ok = False
    supporting = _split(row.get("Supporting subgroups", ""), SUPPORTING_SEPARATOR)
    for name in leads:
        ok = lookup.check(name, number, "Lead subgroup") and ok
    for name in supporting:
        ok = lookup.check(name, number, "Supporting subgroups") and ok
    if ok:
        parsed.actions[key] = {
            "text": row["Text"],
            "leads": leads,
            "supporting": [name for name in supporting if name.lower() not in {lead.lower() for lead in leads}],
            "due": row.get("Due", ""),
            "milestones": row.get("Milestones", ""),
            "row": number,
        }


def _parse_kpi(parsed, lookup, number, row, first_row):
    match = KPI_REF.match(row["Ref"])
    if not match:
        parsed.problems.append(
            Problem(number, "Ref", f"'{row['Ref']}' is not a KPI number; write it as 1.2.K1 (objective 1.2, KPI 1).")
        )
        return
    key = tuple(int(part) for part in match.groups())
    if _duplicate(parsed, first_row, ("kpi", key), number, f"KPI {row['Ref']}"):
        return
    ok = _require_text(parsed, number, row, "KPI")
    owner = row.get("Lead subgroup", "")
    if not owner:
        parsed.problems.append(Problem(number, "Lead subgroup", "every KPI needs the subgroup that owns it."))
        ok = False
    elif LEAD_SEPARATOR in owner:
        parsed.problems.append(Problem(number, "Lead subgroup", "a KPI is owned by one subgroup; name only one."))
        ok = False
    else:
        ok = lookup.check(owner, number, "Lead subgroup") and ok
    kind_text = row.get("KPI kind", "")
    kind = KPI_KINDS.get(kind_text.lower())
    if kind is None:
        parsed.problems.append(
            Problem(
                number,
                "KPI kind",
                f"'{kind_text}' is not a KPI kind; use Percentage, Count, Yes/no or Monitoring report."
                if kind_text
                else "say what kind of KPI this is: Percentage, Count, Yes/no or Monitoring report.",
            )
        )
        ok = False
    target = _decimal(parsed, number, row, "Target")
    tolerance = _decimal(parsed, number, row, "Amber tolerance")
    ok = ok and target is not False and tolerance is not False
    if ok and kind == "percentage" and target is not None and not (0 <= target <= 100):
        parsed.problems.append(
            Problem(number, "Target", f"a percentage target must be between 0 and 100, not {target}.")
        )
        ok = False
    if ok and target is not None and kind in ("yes_no", "report"):
        parsed.problems.append(
            Problem(number, "Target", "a yes/no KPI or a monitoring report has no numeric target; leave Target empty.")
        )
        ok = False
    if ok and tolerance is not None and tolerance < 0:
        parsed.problems.append(Problem(number, "Amber tolerance", "the amber tolerance cannot be negative."))
        ok = False
    direction_text = row.get("Direction", "")
    direction = DIRECTIONS.get(direction_text.lower(), None) if direction_text else "higher"
    if direction is None:
        parsed.problems.append(
            Problem(
                number, "Direction", f"'{direction_text}' is not a direction; use Higher or Lower (which is better)."
            )
        )
        ok = False
    if ok:
        parsed.kpis[key] = {
            "name": row["Text"],
            "owner": owner,
            "kind": kind,
            "target": target,
            "direction": direction,
            "amber_tolerance": tolerance,
            "frequency": row.get("Frequency", ""),
            "definition": row.get("Definition", ""),
            "row": number,
        }


_ROW_PARSERS = {
    "Plan": _parse_plan_setting,
    "Priority": _parse_priority,
    "Objective": _parse_objective,
    "Action": _parse_action,
    "KPI": _parse_kpi,
}


def _check_whole_plan(parsed, first_row):
    for name, field_name, required in PLAN_SETTINGS:
        if required and not parsed.settings.get(field_name) and ("plan", name) not in first_row:
            parsed.problems.append(
                Problem(
                    None,
                    None,
                    f"The file has no Plan row for '{name}'. "
                    f"Add a row with Type 'Plan', Ref '{name}' and the value in Text.",
                )
            )
    starts, ends = parsed.settings.get("starts_on"), parsed.settings.get("ends_on")
    if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends <= starts:
        parsed.problems.append(Problem(first_row[("plan", "ends")], "Text", "the plan must end after it starts."))
    for (p, o), objective in parsed.objectives.items():
        if p not in parsed.priorities and ("priority", p) not in first_row:
            parsed.problems.append(
                Problem(
                    objective["row"], "Ref", f"objective {p}.{o} belongs to priority {p}, which the file does not have."
                )
            )
    for rows, label in ((parsed.actions, "action"), (parsed.kpis, "KPI")):
        for key, item in rows.items():
            p, o = key[0], key[1]
            if (p, o) not in parsed.objectives and ("objective", (p, o)) not in first_row:
                parsed.problems.append(
                    Problem(
                        item["row"], "Ref", f"this {label} belongs to objective {p}.{o}, which the file does not have."
                    )
                )
    if not parsed.priorities and not parsed.problems:
        parsed.problems.append(Problem(None, None, "The file has no priorities."))
    parsed.problems.sort(key=lambda problem: (problem.row or 0, problem.column or ""))


def _split(cell, separator):
    return [" ".join(part.split()) for part in cell.split(separator) if part.strip()]


def _decimal(parsed, number, row, column):
    text = row.get(column, "").replace("%", "").replace(",", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        parsed.problems.append(Problem(number, column, f"'{row[column]}' is not a number."))
        return False
    if not value.is_finite():
        parsed.problems.append(Problem(number, column, f"'{row[column]}' is not a number."))
        return False
    return value


def parse_date(text):
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            continue
    return None


def _core(name):
    return subgroup_slug(name).replace("-", " ")


class _SubgroupLookup:
    """Match subgroup names against the database and each other; flag near-misses rather than guess."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.existing = {subgroup.name.lower(): subgroup.name for subgroup in Subgroup.objects.all()}
        self.seen_new = {}

    def is_new(self, name):
        return name.lower() not in self.existing

    def check(self, name, number, column):
        key = name.lower()
        if key in self.existing or key in self.seen_new:
            self._use(self.existing.get(key) or self.seen_new[key])
            return True
        known = list(self.existing.values()) + list(self.seen_new.values())
        similar = _lookalike(name, known)
        if similar:
            where = "the existing" if similar.lower() in self.existing else "the"
            self.parsed.problems.append(
                Problem(
                    number,
                    column,
                    f"'{name}' looks like {where} '{similar}'; use that name or rename the subgroup first.",
                )
            )
            return False
        self.seen_new[key] = name
        self._use(name)
        return True

    def _use(self, name):
        if name not in self.parsed.subgroup_names:
            self.parsed.subgroup_names.append(name)


def _lookalike(name, known):
    core = _core(name)
    for other in known:
        other_core = _core(other)
        if core == other_core:
            return other
        words, other_words = core.split(), other_core.split()
        if len(words) == len(other_words) and all(
            (a[:4] == b[:4] and min(len(a), len(b)) >= 4) or a == b for a, b in zip(words, other_words, strict=True)
        ):
            return other
        if difflib.SequenceMatcher(None, core, other_core).ratio() >= 0.85:
            return other
    return None
