"""A round's summary as an Excel workbook: every text cell written formula-safe (dscb.spreadsheets)."""

from io import BytesIO

from openpyxl import Workbook

from dscb.spreadsheets import BOLD, put_text


def _row(sheet, values, *, bold=False):
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        cell = put_text(sheet.cell(row=row, column=column), value)
        if bold:
            cell.font = BOLD


def summary_workbook(summary):
    """The bytes of the workbook: organisations (state, % Green, optimism), standards (% Green), every criterion's
    self and moderated score, and the improvement actions overdue."""
    round = summary.round
    framework = round.framework
    book = Workbook()
    sheet = book.active
    sheet.title = "Organisations"
    _row(sheet, [round.title])
    _row(sheet, [f"Returns received: {summary.received} of {summary.expected}"])
    _row(sheet, ["Organisation", "URN", "Phase", "State", "Submitted", "% Green", "Optimism gap"], bold=True)
    for row in summary.returns:
        _row(
            sheet,
            [
                row.organisation.name,
                row.organisation.urn,
                row.organisation.get_phase_display(),
                row.get_state_display(),
                row.submitted_at.date() if row.submitted_at else None,
                row.green,
                row.optimism,
            ],
        )
    standards = book.create_sheet("Standards")
    _row(standards, ["Standard", "% Green"], bold=True)
    for standard in summary.standards:
        _row(standards, [str(standard), standard.green])
    scores = book.create_sheet("Scores")
    _row(scores, ["Organisation", "Criterion", "Self score", "Moderated score", "Moderation note"], bold=True)
    for row in summary.returns:
        for standard in summary.standards:
            for criterion in standard.criteria.all():
                answer = row.answer_by_criterion.get(criterion.pk)
                if answer is None:
                    continue
                _row(
                    scores,
                    [
                        row.organisation.name,
                        f"{standard.number}.{criterion.number} {criterion.text}",
                        framework.label_of(answer.self_score),
                        framework.label_of(answer.moderated_score) if answer.moderated_score is not None else "",
                        answer.moderation_note,
                    ],
                )
    overdue = book.create_sheet("Overdue actions")
    _row(overdue, ["Organisation", "Action", "Owner", "Due"], bold=True)
    for answer in summary.overdue:
        _row(overdue, [answer.organisation_name, answer.improvement_action, answer.action_owner, answer.action_due_on])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
