"""Write a plan as a plan file, row for row what the reader expects."""

import csv
import io

import openpyxl

from dscb.spreadsheets import BOLD, WRAPPED, csv_text, put_text
from kpis.models import KPI, KPIValue
from kpis.spreadsheets import put_kpi_value
from priorities.models import PLAN_ORDER, Action, Objective, ProgressUpdate, StrategicPriority

from .layout import COLUMNS, KPI_KIND_LABELS, LEAD_SEPARATOR, PLAN_SETTINGS, SUPPORTING_SEPARATOR


def _number(value):
    return "" if value is None else f"{value.normalize():f}"


def _carried_over_from(action):
    """The plan year and action an action was carried over from, unfinished: "2015/16 1.2.3"."""
    if action.carried_over_from is None:
        return ""
    return f"{action.carried_over_plan.year_label} {action.carried_over_from.code}"


def plan_rows(plan):
    """Every row of the plan file for this plan, as lists of strings in column order."""
    rows = []

    def add(**cells):
        rows.append([cells.get(column.lower().replace(" ", "_"), "") for column in COLUMNS])

    for name, field_name, _ in PLAN_SETTINGS:
        value = getattr(plan, field_name)
        add(type="Plan", ref=name, text=value.isoformat() if hasattr(value, "isoformat") else value)
    objectives = Objective.objects.filter(priority__plan=plan).select_related("priority")
    actions = Action.objects.in_plan(plan).with_carried_over_from()
    kpis = KPI.objects.filter(objective__priority__plan=plan, archived=False).select_related(
        "objective__priority", "owner"
    )
    actions_by_objective, kpis_by_objective = {}, {}
    for action in actions:
        actions_by_objective.setdefault(action.objective_id, []).append(action)
    for kpi in kpis:
        kpis_by_objective.setdefault(kpi.objective_id, []).append(kpi)
    objectives_by_priority = {}
    for objective in objectives:
        objectives_by_priority.setdefault(objective.priority_id, []).append(objective)
    for priority in StrategicPriority.objects.filter(plan=plan):
        add(type="Priority", ref=priority.ref, text=priority.title)
        for objective in objectives_by_priority.get(priority.pk, []):
            add(type="Objective", ref=objective.code, text=objective.title, evidence=objective.evidence)
            for action in actions_by_objective.get(objective.pk, []):
                add(
                    type="Action",
                    ref=action.code,
                    text=action.text,
                    lead_subgroup=f" {LEAD_SEPARATOR} ".join(s.name for s in action.leads),
                    lead_officer=action.lead_officer,
                    supporting_subgroups=f"{SUPPORTING_SEPARATOR} ".join(s.name for s in action.supporting.all()),
                    due=action.due,
                    milestones=action.milestones,
                    carried_over_from=_carried_over_from(action),
                )
            for kpi in kpis_by_objective.get(objective.pk, []):
                add(
                    type="KPI",
                    ref=kpi.code,
                    text=kpi.name,
                    lead_subgroup=kpi.owner.name,
                    kpi_kind=KPI_KIND_LABELS[kpi.kind],
                    target=_number(kpi.target),
                    direction=kpi.direction.capitalize(),
                    amber_tolerance=_number(kpi.amber_tolerance),
                    frequency=kpi.frequency,
                    definition=kpi.definition,
                )
    return rows


def plan_to_csv(plan):
    """The plan file as CSV text (UTF-8 with a byte-order mark so that Excel reads it correctly); a cell that a
    spreadsheet would take for a formula starts with an apostrophe, which the reader takes off."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([csv_text(value) for value in row] for row in plan_rows(plan))
    return "\ufeff" + buffer.getvalue()


def _fill_sheet(sheet, header, rows):
    """Header in bold, frozen and filtered; every cell plain text, so "=..." is never taken for a formula."""
    sheet.append(header)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = put_text(sheet.cell(row=number, column=column), value)
            cell.alignment = WRAPPED
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def plan_to_xlsx(plan):
    """The plan file as an Excel workbook's bytes: one sheet named Plan, header frozen and filtered."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    _fill_sheet(sheet, COLUMNS, plan_rows(plan))
    widths = {"A": 10, "B": 18, "C": 70, "D": 50, "E": 30, "F": 24, "G": 30, "H": 12, "I": 30, "J": 18, "P": 18}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_with_progress_to_xlsx(plan):
    """The plan file, plus a sheet of every reported progress update and one of every KPI value."""
    workbook = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(plan)))
    kpi_values = list(
        KPIValue.objects.filter(kpi__objective__priority__plan=plan)
        .select_related("kpi__objective__priority", "period", "entered_by")
        .order_by(*(f"kpi__{name}" for name in PLAN_ORDER), "period__number")
    )
    sheets = {
        "Progress": (
            [
                "Action",
                "Period",
                "Status",
                "Reason",
                "Progress",
                "Impact on children and young people",
                "Next steps",
                "Recorded by",
                "Saved",
            ],
            [
                [
                    update.action.code,
                    update.period.label,
                    update.get_status_display(),
                    update.reason,
                    update.progress,
                    update.impact,
                    update.next_steps,
                    update.author.get_full_name() or update.author.username,
                    update.updated_at.strftime("%Y-%m-%d %H:%M"),
                ]
                for update in ProgressUpdate.objects.reported()
                .filter(action__objective__priority__plan=plan)
                .select_related("action__objective__priority", "period", "author")
                .order_by(*(f"action__{name}" for name in PLAN_ORDER), "period__number")
            ],
        ),
        "KPI values": (
            ["KPI", "Period", "Value", "Numerator", "Denominator", "Note", "Entered by"],
            [
                [
                    value.kpi.code,
                    value.period.label,
                    value.display,
                    value.numerator,
                    value.denominator,
                    value.note,
                    value.entered_by.get_full_name() or value.entered_by.username,
                ]
                for value in kpi_values
            ],
        ),
    }
    for title, (header, rows) in sheets.items():
        _fill_sheet(workbook.create_sheet(title), header, rows)
    # A percentage or a count as a number with its kind's number format, so that it sorts and charts.
    for number, value in enumerate(kpi_values, start=2):
        put_kpi_value(workbook["KPI values"].cell(row=number, column=3), value.kpi, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
