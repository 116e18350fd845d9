"""The reports' risk register section: the register as it stood at the end of the report's day, on screen, in the
PDF and in Excel, and kept as it was in an issued report."""

import datetime
import io
import json
import re
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import IssuedReport
from reports.services import report_issue
from risks.models import Risk
from tests.factories import RiskFactory
from tests.reports.test_reports import executive_url, pdf_pages, squash

pytestmark = pytest.mark.django_db

# The demo's current scores after each Safeguarding Executive meeting (17 June, 17 August, 19 October 2015).
HIGH_AFTER_PERIOD_3 = ["R2", "R4", "R6", "R1", "R3"]  # Very high 16, 16; then High 15, 12, 12


def section(text):
    return text.split('id="risk-register"', 1)[1].split("</section>", 1)[0]


def table(text, table_id):
    """A table's body rows, each a list of its cells' text (tags dropped, whitespace collapsed)."""
    body = text.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in rows
    ]


def references(rows):
    return [row[0].split(" ", 1)[0] for row in rows]


def heat_map_cells(text):
    """{(likelihood, impact): "R1, R3"} for the cells with risks in them."""
    found = re.findall(r'data-cell="(\d)x(\d)">(.*?)</td>', text, re.S)
    cells = {}
    for likelihood, impact, cell in found:
        words = " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
        if ": " in words:
            cells[(int(likelihood), int(impact))] = words.split(": ", 1)[1]
    return cells


def test_the_executive_report_shows_the_register_after_its_meeting(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    text = section(client.get(executive_url(plan, 3)).content.decode())
    assert "The register as it stood at the end of 19 October 2015: 8 open risks." in text
    # The heat map of the current scores, each cell its band in words, its count and its risks.
    assert heat_map_cells(text) == {
        (4, 4): "R2, R4",
        (3, 5): "R6",
        (3, 4): "R1",
        (4, 3): "R3",
        (3, 3): "R7",
        (2, 3): "R5, R8",
    }
    assert re.search(
        r'data-cell="4x4">\s*<strong class="govuk-tag govuk-tag--red app-band-tag">Very high</strong>', text
    )
    # The Very high and High risks, highest first, with the direction of travel at their last review.
    high = table(text, "risks-high")
    assert references(high) == HIGH_AFTER_PERIOD_3
    assert [row[3] for row in high] == ["↑ Up", "No change", "↑ Up", "No change", "No change"]
    assert high[0][2] == "4 x 4 = 16 Very high" and high[0][4] == "19 October 2015"
    assert "(escalated to the Board)" in high[1][0]
    escalated = table(text, "risks-escalated")
    assert [row[:2] for row in escalated] == [["R4 Partner funding for the board not agreed", "17 August 2015"]]
    assert "Partners' contributions for 2016/17 are not agreed" in escalated[0][2]
    # Every risk was reviewed at the meeting: none overdue that day.
    assert "None: every open risk was reviewed when due." in text


def test_the_board_report_as_at_an_earlier_date_shows_the_scores_then(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    url = reverse("reports:board-report", args=[plan.slug])
    text = section(client.get(url, {"as_at": "2015-09-30"}).content.decode())
    # After period 2's meeting: R2 was Medium (3 x 3), not yet Very high, and R6 High at 3 x 4.
    assert references(table(text, "risks-high")) == ["R4", "R1", "R3", "R6"]
    assert heat_map_cells(text)[(3, 3)] == "R2, R5, R7"
    assert Risk.objects.get(reference="R2").current_likelihood == 4  # today's score is another


def test_the_board_report_lists_the_reviews_overdue_at_its_date(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    text = section(
        client.get(reverse("reports:board-report", args=[plan.slug]), {"as_at": "2015-12-31"}).content.decode()
    )
    # Reviewed on 19 October: Very high due a month later, High two months later, Medium not until January.
    overdue = table(text, "risks-overdue")
    assert [(row[0].split(" ", 1)[0], row[2]) for row in overdue] == [
        ("R2", "19 November 2015"),
        ("R4", "19 November 2015"),
        ("R1", "19 December 2015"),
        ("R3", "19 December 2015"),
        ("R6", "19 December 2015"),
    ]
    assert all(row[3] == "19 October 2015" for row in overdue)


def test_before_any_risk_was_added_the_section_says_so(client, demo):
    plan, users = demo
    Risk.history.update(history_date=timezone.make_aware(datetime.datetime(2015, 5, 1, 9)))
    client.force_login(users["viewer"])
    text = section(
        client.get(reverse("reports:board-report", args=[plan.slug]), {"as_at": "2015-04-30"}).content.decode()
    )
    assert "0 open risks" in text and "None: no open risk is Very high or High." in text
    assert "None: no risk is escalated to the Board." in text


def test_the_pdf_has_the_risk_register_section(client, demo, tmp_path):
    plan, users = demo
    client.force_login(users["viewer"])
    pages = pdf_pages(client.get(executive_url(plan, 3, "pdf")).content, tmp_path, raw=True)
    start = next(index for index, page in enumerate(pages) if "The register as it stood" in page)
    text = squash(" ".join(pages[start:]))
    assert "The register as it stood at the end of 19 October 2015: 8 open risks." in text
    assert "Very high and High risks" in text and "Escalated to the Board" in text and "Reviews overdue" in text
    assert "R2 Early help lead officer post vacant" in text and "4 x 4 = 16 Very high" in text
    assert "Partners' contributions for 2016/17 are not agreed" in text


def test_the_workbooks_have_a_risks_sheet_with_no_formulas(client, demo):
    plan, users = demo
    formula = '=HYPERLINK("http://example.org","click")'
    Risk.objects.filter(reference="R1").update(title=formula)
    Risk.history.filter(reference="R1").update(title=formula)
    client.force_login(users["viewer"])
    for url, query in [
        (executive_url(plan, 3, "xlsx"), {}),
        (reverse("reports:board-report-xlsx", args=[plan.slug]), {"as_at": "2015-12-31"}),
    ]:
        sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, query).content))["Risks"]
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[2][:2] == ["Likelihood / impact", "1 Negligible"]
        grid = {row[0]: row[1:6] for row in values[3:8]}
        assert list(grid) == ["5 Almost certain", "4 Likely", "3 Possible", "2 Unlikely", "1 Rare"]
        assert grid["4 Likely"][3] == "Very high: 2 (R2, R4)" and grid["1 Rare"][0] == "Low: 0"
        firsts = [row[0] for row in values]
        for heading in ("Very high and High risks", "Escalated to the Board", "Reviews overdue"):
            assert heading in firsts, heading
        r2 = next(row for row in values if row[0] == "R2")
        assert r2[1] == "Early help lead officer post vacant" and r2[4:6] == [16, "Very high"]
        r1 = next(row for row in sheet.iter_rows() if row[0].value == "R1")
        assert r1[1].value == formula and r1[1].data_type == "s"
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_an_issued_report_keeps_the_scores_it_was_issued_with(client, demo, django_capture_on_commit_callbacks):
    plan, users = demo
    period = plan.periods.get(number=3)
    with django_capture_on_commit_callbacks(execute=True):
        issued = report_issue(
            plan=plan,
            kind=IssuedReport.Kind.EXECUTIVE,
            period=period,
            user=users["manager"],
            meeting="Safeguarding Executive, 19 October 2015",
        )
    frozen = json.loads(json.dumps(issued.data["risks"]))
    assert frozen["as_at"] == "2015-10-19"
    r2 = next(risk for risk in frozen["high"] if risk["reference"] == "R2")
    assert (r2["likelihood"], r2["impact"], r2["direction"]) == (4, 4, "Up")

    # The register is corrected for that meeting afterwards: R2 put at 2 x 2, dated the meeting's evening.
    risk = Risk.objects.get(reference="R2")
    risk.current_likelihood = risk.current_impact = 2
    risk._history_date = timezone.make_aware(datetime.datetime(2015, 10, 19, 20))
    risk._history_user = users["manager"]
    risk.save()

    client.force_login(users["viewer"])
    draft = section(client.get(executive_url(plan, 3)).content.decode())
    assert "R2" not in references(table(draft, "risks-high"))  # the draft shows the change
    page = section(client.get(issued.get_absolute_url()).content.decode())
    assert references(table(page, "risks-high")) == HIGH_AFTER_PERIOD_3  # the issued report does not
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:issued-xlsx", args=[issued.pk])).content))
    assert next(row for row in workbook["Risks"].iter_rows(values_only=True) if row[0] == "R2")[4] == 16
    issued.refresh_from_db()
    assert issued.data["risks"] == frozen


def test_a_risk_never_reviewed_nor_with_its_escalation_recorded_says_so(client, demo):
    plan, users = demo
    RiskFactory(reference="R9", title="Added in October", current_likelihood=5, current_impact=5, is_escalated=True)
    Risk.history.filter(reference="R9").update(history_date=timezone.make_aware(datetime.datetime(2015, 10, 1, 9)))
    client.force_login(users["viewer"])
    text = section(client.get(executive_url(plan, 3)).content.decode())
    r9 = next(row for row in table(text, "risks-high") if row[0].startswith("R9"))
    assert r9[2:] == ["5 x 5 = 25 Very high", "Not reviewed yet", "Not reviewed yet"]
    assert next(row for row in table(text, "risks-escalated") if row[0].startswith("R9"))[1:3] == [
        "Not recorded",
        "Not recorded",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(executive_url(plan, 3, "xlsx")).content))["Risks"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "R9"]
    assert rows[0][4:8] == (25, "Very high", "Not reviewed yet", "Not reviewed yet")
    assert rows[1][2:6] == ("Not recorded", "Not recorded", 25, "Very high")
