"""Read a plan file (.xlsx or .csv) and check every row, collecting every problem before anything is written."""

import codecs
import csv
import datetime
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import openpyxl
from openpyxl.utils import get_column_letter

from dscb.spreadsheets import from_csv_text
from kpis.models import KPI
from plans.converters import RESERVED_PLAN_SLUGS
from plans.models import BusinessPlan
from priorities.models import LEAD_OFFICER_MAX_LENGTH, REF_MAX_LENGTH, Action
from subgroups.models import Subgroup, subgroup_slug

from .layout import (
    COLUMNS,
    DIRECTIONS,
    KPI_KINDS,
    LEAD_SEPARATOR,
    PARENT_TYPES,
    PLAN_SETTINGS,
    REQUIRED_COLUMNS,
    ROW_TYPES,
    SUPPORTING_SEPARATOR,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"]

# The most a plan file may hold. A plan has hundreds of rows, not thousands; the limits bound the time and memory
# one upload can take, whatever the file claims about itself (README, Security).
MAX_ROWS = 5_000  # below the header
MAX_COLUMNS = 50
MAX_CELL_LENGTH = 10_000  # characters
MAX_UNZIPPED_BYTES = 25 * 1024 * 1024  # a workbook is a zip: the sum of its parts' sizes once unpacked
# The dates a plan may start and end on: a typing slip (2105, 1015) would make hundreds of reporting periods.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


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
    """A checked plan file. Each of priorities, objectives, actions and kpis maps a Ref, as the board wrote it, to
    the row's values, in the file's order, with "row" (its row number), "position" (its place among its
    neighbours, from 1) and, below priorities, "parent" (the Ref of its priority or objective)."""

    settings: dict = field(default_factory=dict)
    priorities: dict = field(default_factory=dict)  # ref -> {title}
    objectives: dict = field(default_factory=dict)  # ref -> {title, evidence}
    actions: dict = field(default_factory=dict)  # ref -> {text, leads, lead_officer, supporting, due, milestones}
    kpis: dict = field(default_factory=dict)  # ref -> {name, owner, kind, target, ...}
    subgroup_names: list = field(default_factory=list)  # every subgroup name used, first use first
    new_subgroups: list = field(default_factory=list)  # names not yet in the database
    subgroups: dict = field(default_factory=dict)  # lower-case name -> Subgroup, those already in the database
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # worth a look, but the file imports

    @property
    def is_valid(self):
        return not self.problems


def read_rows(uploaded, filename):
    """Return the header and data rows of a plan file as lists of strings, with Excel's row numbers.

    The work is bounded whatever the file claims: at most MAX_ROWS rows below the header and MAX_COLUMNS columns
    with anything in them, and a workbook that unpacks to more than MAX_UNZIPPED_BYTES is refused unopened.
    """
    name = filename.lower()
    data = uploaded.read() if hasattr(uploaded, "read") else uploaded
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data, filename)
    elif name.endswith(".csv"):
        rows = _csv_rows(data, filename)
    else:
        raise PlanFileError(f"{filename} is not a plan file: upload an .xlsx or .csv file.")
    if not rows:
        raise PlanFileError(f"{filename} is empty.")
    header = [value.strip() for value in rows[0]]
    return header, [(number, row) for number, row in enumerate(rows[1:], start=2)]


def _bounded(rows, filename):
    """The rows (each a sequence of cell values, row 1 first, gaps as empty rows), cut at their last filled column;
    refused when something lies beyond MAX_COLUMNS or below row MAX_ROWS + 1."""
    kept = []
    for number, row in enumerate(rows, start=1):
        filled = [column for column, value in enumerate(row, start=1) if value not in (None, "")]
        if not filled:
            if number <= MAX_ROWS + 1:
                kept.append([])
            continue
        if number > MAX_ROWS + 1:
            raise PlanFileError(
                f"{filename} has something in row {number:,}: a plan file has at most {MAX_ROWS:,} rows below the "
                "header. Delete what is below the plan, or split the file."
            )
        if filled[-1] > MAX_COLUMNS:
            raise PlanFileError(
                f"{filename} has something in column {get_column_letter(filled[-1])} of row {number:,}: a plan file "
                f"uses at most {MAX_COLUMNS} columns. Delete what is to the right of the plan."
            )
        kept.append(list(row[: filled[-1]]))
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _xlsx_rows(data, filename):
    _check_archive(data, filename)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise PlanFileError(f"{filename} could not be opened as an Excel workbook ({error}).") from error
    try:
        sheet = _plan_sheet(workbook, filename)
        # Read-only mode trusts the sheet's declared <dimension>: a huge one pads every row to thousands of cells
        # and the sheet to a million rows; one too small drops the rows below it. Read the rows that are there.
        sheet.reset_dimensions()
        rows = _bounded(([_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)), filename)
    except PlanFileError:
        raise
    except Exception as error:  # a damaged sheet: openpyxl and the XML parser raise many types
        raise PlanFileError(f"{filename} could not be read as an Excel workbook ({error}).") from error
    finally:
        workbook.close()
    return rows


def _check_archive(data, filename):
    """Refuse, before openpyxl opens it, a workbook that unpacks to more than MAX_UNZIPPED_BYTES (a zip bomb) or
    whose XML declares a document type or entities (never in a workbook Excel saved; the way to the XML attacks)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise PlanFileError(f"{filename} could not be opened as an Excel workbook ({error}).") from error
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
            raise PlanFileError(
                f"{filename} unpacks to more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB, far more than a plan "
                "needs: save the plan on its own, without pictures or other sheets, or as CSV."
            )
        for member in members:
            try:
                declares = _declares_a_document_type(archive, member)
            except Exception as error:  # damaged, encrypted or oddly compressed parts raise many types
                raise PlanFileError(f"{filename} could not be opened as an Excel workbook ({error}).") from error
            if declares:
                raise PlanFileError(
                    f"{filename} holds XML with a document type or entity declaration ({member.filename}), which a "
                    "plan file never needs: save it again from Excel, without pictures, or as CSV."
                )


_DECLARATIONS = [
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]


def _declares_a_document_type(archive, member):
    overlap = max(len(marker) for marker in _DECLARATIONS)
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(1024 * 1024):
            window = tail + chunk
            if any(marker in window for marker in _DECLARATIONS):
                return True
            tail = window[-overlap:]
    return False


def _plan_sheet(workbook, filename):
    """The worksheet named Plan, else the first worksheet; a chart sheet has no rows to read."""
    worksheets = workbook.worksheets  # worksheets only, never chart sheets
    for sheet in worksheets:
        if sheet.title == "Plan":
            return sheet
    if "Plan" in workbook.sheetnames:
        raise PlanFileError(
            f"In {filename} the sheet named Plan is a chart, not the plan's rows: put the rows in a worksheet "
            "named Plan."
        )
    if not worksheets:
        raise PlanFileError(f"{filename} has only charts: put the plan's rows in a worksheet named Plan.")
    return worksheets[0]


def _csv_rows(data, filename):
    # Excel's "Unicode text" is UTF-16 with a byte-order mark; its CSV files are UTF-8 or Windows text.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PlanFileError(f"{filename} could not be read as text: save it as CSV UTF-8.")
    reader = csv.reader(io.StringIO(text))
    try:
        # Each row is cut to its filled cells as it is read, so that a row of a million commas costs nothing kept.
        return _bounded((([from_csv_text(value.strip()) for value in row]) for row in reader), filename)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = f"a cell is longer than {MAX_CELL_LENGTH:,} characters (the most a cell may hold)"
        else:
            message = f"it is not laid out as CSV ({error})"
        raise PlanFileError(f"{filename} could not be read from line {reader.line_num:,}: {message}.") from error


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
    if not _cells_can_be_stored(parsed, 1, header, header):
        return parsed
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
    above = {}  # row type -> the Ref of the last row of that type so far

    for number, raw in rows:
        if not _cells_can_be_stored(parsed, number, header, raw):
            continue
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
        if matched != "Plan":
            ref = _check_ref(parsed, number, row, matched)
            if ref is None or _duplicate(parsed, first_row, (matched, ref), number, f"{matched} {ref}"):
                continue
            row["Ref"] = ref
            if matched in PARENT_TYPES:
                row["above"] = above.get(PARENT_TYPES[matched])
            above[matched] = ref
        _ROW_PARSERS[matched](parsed, lookup, number, row, first_row)

    _check_whole_plan(parsed, first_row)
    parsed.new_subgroups = [name for name in parsed.subgroup_names if lookup.is_new(name)]
    parsed.subgroups = lookup.existing_subgroups
    for name in parsed.new_subgroups:
        parsed.warnings.extend(_subgroup_name_warnings(name, *lookup.first_use[name.lower()]))
    parsed.warnings.sort(key=lambda problem: (problem.row or 0, problem.column or ""))
    return parsed


def _cells_can_be_stored(parsed, number, header, cells):
    """Whether every cell of the row is short enough, and free of NUL characters (which PostgreSQL cannot store)."""
    ok = True
    for i, value in enumerate(cells):
        column = header[i] if i < len(header) and header[i] and len(header[i]) <= 40 else get_column_letter(i + 1)
        if len(value) > MAX_CELL_LENGTH:
            parsed.problems.append(
                Problem(number, column, f"the cell has {len(value):,} characters; a cell may hold {MAX_CELL_LENGTH:,}.")
            )
            ok = False
        elif "\x00" in value:
            parsed.problems.append(
                Problem(number, column, "the cell holds a NUL character, which cannot be stored: delete it.")
            )
            ok = False
    return ok


def _check_length(parsed, number, column, value, model, field_name, what):
    """Whether the text fits the model field it is stored in; a problem in the user's words if not."""
    limit = model._meta.get_field(field_name).max_length
    if len(value) <= limit:
        return True
    parsed.problems.append(
        Problem(number, column, f"write {what} in at most {limit} characters (it has {len(value):,}).")
    )
    return False


def _check_ref(parsed, number, row, row_type):
    """The row's Ref as the board wrote it, or None (and a problem) when it cannot be one."""
    ref = row["Ref"]
    example = "such as 1, 1a, P2, 1.2, 1a.1, 3.3.5 or A1"
    if not ref:
        parsed.problems.append(Problem(number, "Ref", f"the {row_type.lower()} has no Ref; give it one {example}."))
        return None
    if len(ref) > REF_MAX_LENGTH or any(unicodedata.category(char).startswith("C") for char in ref):
        shown = ref[:REF_MAX_LENGTH] + ("…" if len(ref) > REF_MAX_LENGTH else "")
        parsed.problems.append(
            Problem(
                number,
                "Ref",
                f"'{shown}' cannot be a Ref: write at most {REF_MAX_LENGTH} letters, digits or marks, {example}.",
            )
        )
        return None
    return ref


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
    required = {name for name, _, needed in PLAN_SETTINGS if needed}
    if ref in required and not value.strip():
        # A plan with no title (or slug, year, dates) would be listed on the plans page as an empty link.
        parsed.problems.append(Problem(number, "Text", f"the plan's {ref} is empty."))
        return
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
    elif names[ref] == "slug" and value in RESERVED_PLAN_SLUGS:
        parsed.problems.append(
            Problem(number, "Text", f"'{value}' is the address of another page; choose another slug, e.g. 2015-16.")
        )
        return
    if isinstance(value, datetime.date) and not (EARLIEST_DATE <= value <= LATEST_DATE):
        parsed.problems.append(
            Problem(
                number,
                "Text",
                f"'{row['Text']}' is outside the dates a plan may have: "
                f"{EARLIEST_DATE:%Y} to {LATEST_DATE:%Y}. Check the year.",
            )
        )
        return
    model_field = BusinessPlan._meta.get_field(names[ref])
    if model_field.max_length and not _check_length(
        parsed, number, "Text", value, BusinessPlan, names[ref], f"the plan's {ref}"
    ):
        return
    parsed.settings[names[ref]] = value


def _parse_priority(parsed, lookup, number, row, first_row):
    if _require_text(parsed, number, row, "priority"):
        parsed.priorities[row["Ref"]] = {"title": row["Text"], "row": number}


def _parse_objective(parsed, lookup, number, row, first_row):
    if _require_text(parsed, number, row, "objective"):
        parsed.objectives[row["Ref"]] = {
            "title": row["Text"],
            "evidence": row.get("Evidence", ""),
            "row": number,
            "above": row["above"],
        }


def _parse_action(parsed, lookup, number, row, first_row):
    ok = _require_text(parsed, number, row, "action")
    lead_officer = " ".join(row.get("Lead officer", "").split())
    if len(lead_officer) > LEAD_OFFICER_MAX_LENGTH:
        parsed.problems.append(
            Problem(number, "Lead officer", f"write the lead officer in at most {LEAD_OFFICER_MAX_LENGTH} characters.")
        )
        ok = False
    lead_cell = row.get("Lead subgroup", "")
    leads = _split(lead_cell, LEAD_SEPARATOR)
    if not leads:
        parsed.problems.append(Problem(number, "Lead subgroup", "every action needs a lead subgroup."))
        ok = False
    supporting = _split(row.get("Supporting subgroups", ""), SUPPORTING_SEPARATOR)
    ok = _check_length(parsed, number, "Due", row.get("Due", ""), Action, "due", "the due date") and ok
    for name in leads:
        ok = lookup.check(name, number, "Lead subgroup") and ok
    for name in supporting:
        ok = lookup.check(name, number, "Supporting subgroups") and ok
    if ok:
        parsed.actions[row["Ref"]] = {
            "text": row["Text"],
            "leads": leads,
            "lead_officer": lead_officer,
            "supporting": [name for name in supporting if name.lower() not in {lead.lower() for lead in leads}],
            "due": row.get("Due", ""),
            "milestones": row.get("Milestones", ""),
            "row": number,
            "above": row["above"],
        }


def _parse_kpi(parsed, lookup, number, row, first_row):
    ok = _require_text(parsed, number, row, "KPI")
    if row.get("Lead officer"):
        parsed.warnings.append(
            Problem(number, "Lead officer", "a KPI has no lead officer (only actions do); this one is not imported.")
        )
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
    kind = KPI_KINDS.get(kind_text.lower()) if kind_text else "report"
    if not kind_text and row.get("Target"):
        parsed.problems.append(Problem(number, "KPI kind", "a KPI with a target needs a kind: Percentage or Count."))
        ok = False
    elif not kind_text:
        parsed.warnings.append(
            Problem(number, "KPI kind", "no kind given: imported as a monitoring report, with no target.")
        )
    if kind is None:
        parsed.problems.append(
            Problem(
                number,
                "KPI kind",
                f"'{kind_text}' is not a KPI kind; use Percentage, Count, Yes/no or Monitoring report, "
                "or leave it empty for a monitoring report.",
            )
        )
        ok = False
    ok = _check_length(parsed, number, "Frequency", row.get("Frequency", ""), KPI, "frequency", "the frequency") and ok
    target = _decimal(parsed, number, row, "Target", KPI, "target")
    tolerance = _decimal(parsed, number, row, "Amber tolerance", KPI, "amber_tolerance")
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
        parsed.kpis[row["Ref"]] = {
            "name": row["Text"],
            "owner": owner,
            "kind": kind,
            "target": target,
            "direction": direction,
            "amber_tolerance": tolerance,
            "frequency": row.get("Frequency", ""),
            "definition": row.get("Definition", ""),
            "row": number,
            "above": row["above"],
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
    elif isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends >= _add_years(starts, 2):
        parsed.problems.append(
            Problem(
                first_row[("plan", "ends")],
                "Text",
                f"a plan covers a year, two at most; this one runs from {starts:%Y-%m-%d} to {ends:%Y-%m-%d}. "
                "Check the years.",
            )
        )
    _place(parsed, parsed.objectives, "Objective", parsed.priorities, "Priority", first_row)
    _place(parsed, parsed.actions, "Action", parsed.objectives, "Objective", first_row)
    _place(parsed, parsed.kpis, "KPI", parsed.objectives, "Objective", first_row)
    for position, item in enumerate(parsed.priorities.values(), start=1):
        item["position"] = position
    if not parsed.priorities and not parsed.problems:
        parsed.problems.append(Problem(None, None, "The file has no priorities."))
    parsed.problems.sort(key=lambda problem: (problem.row or 0, problem.column or ""))


def _shape(ref):
    """1.9 and 1.1 have the same shape (9.9), as have 1a and 2b (9a): a Ref's pattern, not its values."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d+", "9", ref))


def _place(parsed, items, row_type, parents, parent_type, first_row):
    """Give each row its parent and its position among the parent's rows, in the file's order.

    The parent is the one whose Ref starts this row's Ref (1a.2 belongs to 1a; 1.2.K1 to 1.2), wherever it is in
    the file; failing that, the last one above the row. A Ref that starts like its neighbours' (1.9.1 beside 1.1.1)
    must have that parent: the file is wrong, not the order.
    """
    known = set(parents) | {ref for kind, ref in first_row if kind == parent_type}
    shapes = {_shape(ref) for ref in known}
    counts = {}
    word, parent_word = row_type.lower() if row_type != "KPI" else "KPI", parent_type.lower()
    for ref, item in list(items.items()):
        by_ref = [parent for parent in known if ref.startswith(parent + ".")]
        stated = ref.rsplit(".", 1)[0] if "." in ref else None
        if by_ref:
            parent = max(by_ref, key=len)
        elif stated and _shape(stated) in shapes:
            parsed.problems.append(
                Problem(
                    item["row"],
                    "Ref",
                    f"this {word} belongs to {parent_word} {stated}, which the file does not have.",
                )
            )
            del items[ref]
            continue
        elif item["above"] is not None:
            parent = item["above"]
        else:
            parsed.problems.append(
                Problem(
                    item["row"],
                    "Ref",
                    f"this {word} has no {parent_word}: put it below its {parent_word}'s row, or start its Ref "
                    f"with the {parent_word}'s and a full stop (1.2.3 in 1.2).",
                )
            )
            del items[ref]
            continue
        if parent == ref:
            parsed.problems.append(
                Problem(
                    item["row"],
                    "Ref",
                    f"'{ref}' is the Ref of its {parent_word}; give the {word} its own, such as {ref}.1.",
                )
            )
            del items[ref]
            continue
        del item["above"]
        item["parent"] = parent
        counts[parent] = counts.get(parent, 0) + 1
        item["position"] = counts[parent]


def _split(cell, separator):
    return [" ".join(part.split()) for part in cell.split(separator) if part.strip()]


def _decimal(parsed, number, row, column, model, field_name):
    """The cell's number, rounded to the decimal places of the model field it is stored in; None when empty, False
    (and a problem) when it is not a number or is too large for the field."""
    text = row.get(column, "").replace("%", "").replace(",", "").strip()
    if not text:
        return None
    shown = row[column] if len(row[column]) <= 40 else row[column][:40] + "…"
    try:
        value = Decimal(text)
    except InvalidOperation:
        parsed.problems.append(Problem(number, column, f"'{shown}' is not a number."))
        return False
    if not value.is_finite():
        parsed.problems.append(Problem(number, column, f"'{shown}' is not a number."))
        return False
    model_field = model._meta.get_field(field_name)
    places = model_field.decimal_places
    limit = Decimal(10) ** (model_field.max_digits - places)
    if abs(value) < limit:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if abs(value) >= limit:
        parsed.problems.append(
            Problem(
                number,
                column,
                f"'{shown}' is too large: write a number below {limit:,}, with at most {places} decimal places.",
            )
        )
        return False
    return value


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
        self.existing_subgroups = {subgroup.name.lower(): subgroup for subgroup in Subgroup.objects.all()}
        self.existing = {key: subgroup.name for key, subgroup in self.existing_subgroups.items()}
        self.seen_new = {}
        self.first_use = {}  # lower-case name -> (row, column) where a new name first appears

    def is_new(self, name):
        return name.lower() not in self.existing

    def check(self, name, number, column):
        key = name.lower()
        if key not in self.existing and not subgroup_slug(name):
            self.parsed.problems.append(
                Problem(number, column, f"'{name}' cannot be a subgroup's name: write it with letters or digits.")
            )
            return False
        if key not in self.existing and not _check_length(
            self.parsed, number, column, name, Subgroup, "name", "a subgroup's name"
        ):
            return False
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
        self.first_use[key] = (number, column)
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


# Words that name a body rather than a person: a new name of two or three capitalised words with none of these
# ("Jim Reeves") is more likely a person.
_BODY_WORDS = frozenset(
    re.findall(
        r"\w+",
        "sub subgroup group board executive strategic committee panel team forum partnership service services "
        "council safeguarding children child quality assurance participation communication communications "
        "workforce development health education police trust unit network authority care social learning review "
        "reviews training policy procedures vulnerable audit performance partners partner agency agencies "
        "operational steering task finish working early help school schools hospital nhs local county city borough "
        "community family families youth young people adult adults exploitation missing neglect practice "
        "practitioners practitioner office commissioning voluntary sector public probation court courts housing "
        "prevention protection designated multi",
    )
)
_ROLE = re.compile(
    r"\b(chair(man|woman|person)?|vice[- ]chair|head of|director|manager|officer|co-?ordinator|lead member|"
    r"designated|nurse|doctor|adviser|advisor|administrator|principal social worker|chief)\b",
    re.IGNORECASE,
)
_TITLES = re.compile(r"^(mr|mrs|ms|miss|dr|cllr|councillor|prof)\.?\s", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*$")
_JOINED = re.compile(r"\s(and|&)\s|\s*/\s*", re.IGNORECASE)


def _subgroup_name_warnings(name, row, column):
    """Warnings for a new subgroup's name that looks like a person, a role or two bodies (a lead officer or joint
    leads written in the wrong column). Warnings only: the board may well have a subgroup of that name."""
    words = name.split()
    if _JOINED.search(name):
        how = "joint leads joined with ' & '" if column == "Lead subgroup" else "subgroups separated by ';'"
        yield Problem(
            row,
            column,
            f"'{name}' looks like two bodies in one name; a new subgroup of that name will be created. "
            f"If it is two, write them as {how}.",
        )
    elif _ROLE.search(name):
        yield Problem(
            row,
            column,
            f"'{name}' looks like a role, not a body; a new subgroup of that name will be created. "
            "If a person or role leads the action, name them in Lead officer and the subgroup here.",
        )
    elif _TITLES.match(name) or (
        2 <= len(words) <= 3
        and all(_NAME_WORD.match(word) for word in words)
        and not any(word.lower() in _BODY_WORDS for word in words)
    ):
        yield Problem(
            row,
            column,
            f"'{name}' looks like a person, not a body; a new subgroup of that name will be created. "
            "If a person leads the action, name them in Lead officer and the subgroup here.",
        )
