"""The reports as Excel workbooks: a sheet per section, statuses as words with fills, headers frozen and filtered.

Every cell is written as a value, never as a formula: text that starts with = + - or @ stays text.
"""

import functools
import io

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from dscb.spreadsheets import BOLD, WRAPPED, put_text
from kpis.spreadsheets import put_kpi_number, put_kpi_value
from priorities.models import STATUS_KEY, Status

from .data import STATUS_ORDER


def _put(sheet, row, column, value):
    cell = put_text(sheet.cell(row=row, column=column), value)
    cell.alignment = WRAPPED
    return cell


@functools.cache
def _fill(status):
    """A cell fill in the status's colour (its tag's background, from STATUS_KEY)."""
    return PatternFill("solid", fgColor=STATUS_KEY[status].background.removeprefix("#").upper())


def _status_cell(sheet, row, column, status):
    cell = _put(sheet, row, column, status.label)
    cell.fill = _fill(status)
    return cell


def _sheet(workbook, title, headers, widths):
    sheet = workbook.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        _put(sheet, 1, column, header).font = BOLD
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _finish(sheet):
    sheet.auto_filter.ref = sheet.dimensions


def _summary(workbook, title, progress, marking):
    sheet = _sheet(workbook, "Summary", ["Priority", *(s.label for s in STATUS_ORDER), "Total"], [60] + [12] * 7)
    row = 2
    for item in progress.priorities:
        priority, counts = item["priority"], item["counts"]
        _put(sheet, row, 1, f"{priority.ref}. {priority.title}")
        for column, (_, count, _) in enumerate(counts.rows(), start=2):
            _put(sheet, row, column, count)
        _put(sheet, row, len(STATUS_ORDER) + 2, counts.total)
        row += 1
    _put(sheet, row, 1, "Overall").font = BOLD
    for column, (_, count, _) in enumerate(progress.counts.rows(), start=2):
        _put(sheet, row, column, count)
    _put(sheet, row, len(STATUS_ORDER) + 2, progress.counts.total)
    _finish(sheet)
    for offset, text in enumerate([title, progress.plan.title, f"{marking.label}: {marking.detail}"]):
        _put(sheet, row + 2 + offset, 1, text)
    return sheet


def _kpis(workbook, progress):
    headers = ["KPI", "Name", "Owner", "Target", *(p.label for p in progress.periods), "RAG", "Trend"]
    sheet = _sheet(workbook, "KPIs", headers, [10, 60, 28, 10] + [12] * len(progress.periods) + [10, 30])
    for row, kpi_row in enumerate(progress.kpis, start=2):
        _put(sheet, row, 1, kpi_row.kpi.code)
        _put(sheet, row, 2, kpi_row.kpi.name)
        _put(sheet, row, 3, kpi_row.kpi.owner.name)
        kpi = kpi_row.kpi
        put_kpi_number(_put(sheet, row, 4, None), kpi.kind, kpi.target)
        for column, (_, value) in enumerate(kpi_row.series, start=5):
            put_kpi_value(_put(sheet, row, column, None), kpi, value)
        after = 5 + len(kpi_row.series)
        rating = kpi_row.rating
        cell = _put(sheet, row, after, rating.label if rating else "Not rated")
        if rating:
            cell.fill = _fill(Status(rating.code))
        _put(sheet, row, after + 1, kpi_row.trend.words if kpi_row.trend else "")
    _finish(sheet)


BAND = object()  # in a row of the risk tables: the risk's band, in words on its colour
BAND_FILLS = {"low": "CCE2D8", "medium": "FFF7BF", "high": "FCD6C3", "very_high": "F4CDC6"}


@functools.cache
def _band_fill(code):
    return PatternFill("solid", fgColor=BAND_FILLS.get(code, "FFFFFF"))


def _band_cell(sheet, row, column, text, band):
    cell = _put(sheet, row, column, text)
    cell.fill = _band_fill(band.code)
    return cell


def _risks(workbook, section):
    """The risk register as at the report's day: the heat map of current scores, then the Very high and High risks,
    those escalated to the Board and the reviews overdue, one table under another."""
    if section is None:
        return
    heat_map = section.heat_map
    title = f"Risk register as at {section.as_at.day} {section.as_at:%B %Y}"
    sheet = _sheet(workbook, "Risks", [title], [30, 22, 22, 22, 22, 22])
    sheet.freeze_panes = None
    _put(sheet, 2, 1, f"{heat_map.score_label} scores of the {heat_map.count} open risks: likelihood by impact")
    _put(sheet, 3, 1, "Likelihood / impact").font = BOLD
    for column, (number, label) in enumerate(heat_map.impacts, start=2):
        _put(sheet, 3, column, f"{number} {label}").font = BOLD
    row = 4
    for grid_row in heat_map.rows:
        _put(sheet, row, 1, f"{grid_row.likelihood} {grid_row.label}").font = BOLD
        for column, cell in enumerate(grid_row.cells, start=2):
            references = ", ".join(risk.reference for risk in cell.risks)
            text = f"{cell.band.label}: {cell.count}" + (f" ({references})" if references else "")
            _band_cell(sheet, row, column, text, cell.band)
        row += 1
    parts = [
        (
            "Very high and High risks",
            ["Risk", "Title", "Lead body", "Owner", "Score", "Band", "Direction of travel", "Last reviewed"],
            section.high,
            lambda risk: [
                risk.lead_body,
                risk.owner,
                risk.value,
                BAND,
                risk.direction or "Not reviewed yet",
                risk.last_reviewed_on or "Not reviewed yet",
            ],
        ),
        (
            "Escalated to the Board",
            ["Risk", "Title", "Escalated on", "Why", "Score", "Band"],
            section.escalated,
            lambda risk: [
                risk.escalated_on or "Not recorded",
                risk.escalation_reason or "Not recorded",
                risk.value,
                BAND,
            ],
        ),
        (
            "Reviews overdue",
            ["Risk", "Title", "Lead body", "Review due by", "Last reviewed"],
            section.overdue,
            lambda risk: [risk.lead_body, risk.next_review_on, risk.last_reviewed_on or "Not reviewed yet"],
        ),
    ]
    for heading, headers, risks, columns in parts:
        row += 1
        _put(sheet, row, 1, heading).font = BOLD
        row += 1
        for column, header in enumerate(headers, start=1):
            _put(sheet, row, column, header).font = BOLD
        if not risks:
            _put(sheet, row + 1, 1, "None")
            row += 2
            continue
        for risk in risks:
            row += 1
            _put(sheet, row, 1, risk.reference)
            _put(sheet, row, 2, risk.title)
            for column, value in enumerate(columns(risk), start=3):
                if value is BAND:
                    _band_cell(sheet, row, column, risk.band.label, risk.band)
                else:
                    cell = _put(sheet, row, column, value)
                    if hasattr(value, "year"):
                        cell.number_format = "d mmmm yyyy"
        row += 1


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def executive_xlsx(title, progress, marking):
    """The Safeguarding Executive report: summary, exceptions, actions, KPIs, outstanding updates."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _summary(workbook, title, progress, marking)
    headers = ["Action", "Text", "Lead", "Status", "Reason", "Lead officer"]
    sheet = _sheet(workbook, "Exceptions", headers, [10, 60, 30, 12, 50, 24])
    for row, action_row in enumerate(progress.exceptions, start=2):
        _put(sheet, row, 1, action_row.action.code)
        _put(sheet, row, 2, action_row.action.text)
        _put(sheet, row, 3, action_row.action.lead_names)
        _status_cell(sheet, row, 4, action_row.status)
        _put(sheet, row, 5, action_row.update.reason if action_row.update else "No update")
        _put(sheet, row, 6, action_row.action.lead_officer)
    _finish(sheet)
    headers = ["Action", "Text", "Lead", "Status", *(f"P{p.number}" for p in progress.periods)]
    headers += ["Reason", "Progress", "Impact on children and young people", "Next steps", "Lead officer"]
    widths = [10, 50, 28, 12] + [10] * len(progress.periods) + [30, 40, 40, 30, 24]
    sheet = _sheet(workbook, "Actions", headers, widths)
    for row, action_row in enumerate(progress.actions, start=2):
        _put(sheet, row, 1, action_row.action.code)
        _put(sheet, row, 2, action_row.action.text)
        _put(sheet, row, 3, action_row.action.lead_names)
        _status_cell(sheet, row, 4, action_row.status)
        for column, status in enumerate(action_row.path, start=5):
            _status_cell(sheet, row, column, status)
        update = action_row.update
        for column, field in enumerate(["reason", "progress", "impact", "next_steps"], start=5 + len(action_row.path)):
            _put(sheet, row, column, getattr(update, field) if update else "")
        _put(sheet, row, 9 + len(action_row.path), action_row.action.lead_officer)
    _finish(sheet)
    _kpis(workbook, progress)
    sheet = _sheet(workbook, "Outstanding", ["Subgroup", "Updates outstanding", "Actions led"], [40, 20, 14])
    for row, (subgroup, missing, led) in enumerate(progress.outstanding, start=2):
        _put(sheet, row, 1, subgroup.name)
        _put(sheet, row, 2, missing)
        _put(sheet, row, 3, led)
    _finish(sheet)
    _risks(workbook, progress.risks)
    return _save(workbook)


def board_xlsx(title, progress, marking):
    """The Board progress report: summary, each action's path, completed actions, impact evidence, KPIs."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _summary(workbook, title, progress, marking)
    headers = ["Action", "Text", "Lead", *(p.label for p in progress.periods), "Lead officer", "Carried over from"]
    sheet = _sheet(workbook, "Status by period", headers, [10, 60, 30] + [14] * len(progress.periods) + [24])
    for row, action_row in enumerate(progress.actions, start=2):
        _put(sheet, row, 1, action_row.action.code)
        _put(sheet, row, 2, action_row.action.text)
        _put(sheet, row, 3, action_row.action.lead_names)
        for column, status in enumerate(action_row.path, start=4):
            _status_cell(sheet, row, column, status)
        _put(sheet, row, 4 + len(action_row.path), action_row.action.lead_officer)
        carried = action_row.action.carried_from
        _put(sheet, row, 5 + len(progress.periods), f"{carried.year_label} {carried.code}" if carried else "")
    _finish(sheet)
    sheet = _sheet(workbook, "Completed", ["Action", "Text", "Lead", "Lead officer"], [10, 70, 30, 24])
    for row, action_row in enumerate(progress.completed, start=2):
        _put(sheet, row, 1, action_row.action.code)
        _put(sheet, row, 2, action_row.action.text)
        _put(sheet, row, 3, action_row.action.lead_names)
        _put(sheet, row, 4, action_row.action.lead_officer)
    _finish(sheet)
    sheet = _sheet(
        workbook, "Impact evidence", ["Action", "Period", "Impact on children and young people"], [10, 18, 90]
    )
    row = 2
    for action_row in progress.actions:
        for period in progress.periods:
            update = action_row.updates.get(period.number)
            if update and update.impact:
                _put(sheet, row, 1, action_row.action.code)
                _put(sheet, row, 2, period.label)
                _put(sheet, row, 3, update.impact)
                row += 1
    _finish(sheet)
    _kpis(workbook, progress)
    _risks(workbook, progress.risks)
    return _save(workbook)
