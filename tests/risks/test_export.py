"""The register as an Excel workbook: every risk a row, the filters of the page applied, and nothing anyone typed
turned into a formula."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import ReviewFactory, RiskFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("risks:risk-export")


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="risk-register-')
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows(book):
    sheet = book["Risk register"]
    header, *body = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in body]


def test_every_open_risk_is_a_row_with_its_scores_bands_and_last_review(client, viewer):
    risk = RiskFactory(reference="R2", title="Lead officer post vacant")
    ReviewFactory(risk=risk, direction="down")
    RiskFactory(reference="R1", level="board")
    RiskFactory(reference="R3", status="closed", closed_on=datetime.date(2015, 9, 1), closed_reason="Filled.")
    client.force_login(viewer)
    exported = rows(workbook(client.get(EXPORT)))
    assert [row["Reference"] for row in exported] == ["R1", "R2"]
    second = exported[1]
    assert second["Title"] == "Lead officer post vacant"
    assert second["Level"] == "Safeguarding Executive"
    assert (second["Inherent score"], second["Inherent band"]) == (20, "Very high")
    assert (second["Current likelihood"], second["Current impact"], second["Current score"]) == (3, 4, 12)
    assert second["Current band"] == "High" and (second["Target score"], second["Target band"]) == (6, "Medium")
    assert second["Last review's direction"] == "Down"
    assert second["Next review"] == datetime.datetime(2015, 6, 1)
    assert second["Review overdue"] == "Yes" and second["Escalated to the Board"] == "No"


def test_the_export_is_filtered_like_the_page(client, viewer):
    RiskFactory(reference="R1", level="board")
    RiskFactory(reference="R2")
    RiskFactory(reference="R3", status="closed", closed_on=datetime.date(2015, 9, 1), closed_reason="Filled.")
    client.force_login(viewer)
    assert [row["Reference"] for row in rows(workbook(client.get(EXPORT, {"level": "board"})))] == ["R1"]
    assert [row["Reference"] for row in rows(workbook(client.get(EXPORT, {"status": ""})))] == ["R1", "R2", "R3"]
    assert rows(workbook(client.get(EXPORT, {"likelihood": "99", "level": "board"})))[0]["Reference"] == "R1"


def test_text_that_looks_like_a_formula_stays_text(client, viewer):
    typed = '=HYPERLINK("http://evil.example","Click")'
    RiskFactory(title=typed, owner_name="+44 1384 000000", cause="-1 officers", event="@SUM(A1:A2)")
    client.force_login(viewer)
    book = workbook(client.get(EXPORT))
    sheet = book["Risk register"]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    exported = rows(book)[0]
    assert exported["Title"] == typed and exported["Owner"] == "+44 1384 000000"
    assert exported["Cause"] == "-1 officers" and exported["Event"] == "@SUM(A1:A2)"


def test_the_export_costs_the_same_queries_with_ten_times_the_risks(client, viewer, django_assert_num_queries):
    client.force_login(viewer)
    for number in range(1, 4):
        RiskFactory(reference=f"R{number}")
    client.get(EXPORT)
    # The session, the user, the risks with their last review's direction.
    with django_assert_num_queries(3):
        client.get(EXPORT)
    for number in range(4, 31):
        RiskFactory(reference=f"R{number}")
    with django_assert_num_queries(3):
        response = client.get(EXPORT)
    assert len(rows(workbook(response))) == 30
