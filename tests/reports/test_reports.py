"""The Safeguarding Executive and Board reports: figures against the database, the PDF and Excel files opened
and read back, and issued reports that never change."""

import datetime
import io
import re
import subprocess
from collections import Counter
from functools import partial

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from kpis.models import KPI, KPIValue
from priorities.models import STATUS_KEY, Action, ProgressUpdate, Status
from reports.data import plan_progress
from reports.models import IssuedReport
from reports.render import draft_marking, render_body, render_pdf, report_context
from reports.templatetags import report_tags
from risks.models import Escalation, Review, Risk
from subgroups.models import Subgroup
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    EscalationFactory,
    KPIFactory,
    KPIValueFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    ReviewFactory,
    RiskFactory,
    StrategicPriorityFactory,
)

pytestmark = pytest.mark.django_db


def executive_url(plan, number, suffix=""):
    name = {
        "": "reports:executive-report",
        "pdf": "reports:executive-report-pdf",
        "xlsx": "reports:executive-report-xlsx",
    }
    return reverse(name[suffix], args=[plan.slug, number])


def expected_statuses(plan, number):
    """Each action's status for the period, worked out from the rows, independently of the report code."""
    statuses = {}
    for action in Action.objects.filter(objective__priority__plan=plan):
        status = Status.NO_UPDATE
        for update in (
            ProgressUpdate.objects.filter(action=action, period__number__lte=number)
            .exclude(state="draft")
            .order_by("period__number")
        ):
            if update.period.number == number:
                status = Status(update.status)
            elif update.status == Status.COMPLETE:
                status = Status.COMPLETE
            else:
                status = Status.NO_UPDATE
        statuses[action.code] = status
    return statuses


def pdf_pages(content, tmp_path, raw=False):
    """Each page's text; `raw` in the order it was drawn (a table cell's lines together), else as laid out."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    texts = [
        subprocess.run(
            ["pdftotext", "-raw" if raw else "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]
    return texts


def squash(text):
    return " ".join(text.split())


class TestExecutiveReport:
    def test_figures_match_the_database_on_the_demo_plan(self, client, demo):
        plan, users = demo
        client.force_login(users["viewer"])
        progress = plan_progress(plan, plan.periods.get(number=3))
        expected = expected_statuses(plan, 3)
        assert {row.action.code: row.status for row in progress.actions} == expected
        assert progress.counts.counts == Counter(expected.values())
        exceptions = {
            code for code, status in expected.items() if status in (Status.RED, Status.AMBER, Status.NO_UPDATE)
        }
        assert {row.action.code for row in progress.exceptions} == exceptions
        text = client.get(executive_url(plan, 3)).content.decode()
        for action in Action.objects.filter(objective__priority__plan=plan):
            assert escape(action.text) in text
        for kpi in KPI.objects.filter(objective__priority__plan=plan):
            assert escape(kpi.name) in text
        assert "Draft" in text and "Exceptions: Red, Amber and No update" in text

    def test_figures_match_the_database_on_generated_data(self, client, manager, action, period):
        plan = period.plan
        statuses = [Status.GREEN, Status.AMBER, Status.RED, Status.COMPLETE, Status.NOT_STARTED]
        for index in range(15):
            new = ActionFactory(objective=action.objective)
            if index % 6:
                status = statuses[index % 5]
                ProgressUpdateFactory(action=new, period=period, status=status, reason="Because" if index else "")
        progress = plan_progress(plan, period)
        assert {row.action.code: row.status for row in progress.actions} == expected_statuses(plan, 1)
        assert progress.counts.total == 16

    def test_change_since_the_previous_period(self, demo):
        plan, _ = demo
        progress = plan_progress(plan, plan.periods.get(number=3))
        before = Counter(row.path[-2] for row in progress.actions)
        for status, count, change in progress.counts.rows():
            assert change == count - before[status]

    def test_the_pdf_has_every_action_and_draft_on_every_page(self, client, demo, tmp_path):
        plan, users = demo
        client.force_login(users["viewer"])
        response = client.get(executive_url(plan, 3, "pdf"))
        assert response["Content-Type"] == "application/pdf"
        pages = pdf_pages(response.content, tmp_path)
        assert len(pages) >= 4  # cover and summary, a page per priority, KPIs
        for number, page in enumerate(pages, start=1):
            assert "DRAFT" in page, f"page {number}"
            assert f"Page {number} of {len(pages)}" in page
            assert "Safeguarding Executive report: Period 3" in page
        whole = squash(" ".join(pages))
        for action in Action.objects.filter(objective__priority__plan=plan):
            assert squash(action.text)[:60] in whole, action.code

    def test_a_long_pdf_keeps_every_row_across_its_page_breaks(self, action, period, tmp_path):
        """Actions run on over page breaks and the tables are laid out at fixed widths: nothing is lost on the way.

        Two more priorities of 24 actions with long updates, half of them Red or Amber and every seventh with no
        update (the exceptions table runs over pages), and 24 KPIs: over 20 pages."""
        plan = period.plan
        words = "review strengthen embed partnership practice children young people families audit assurance"
        long_text = (words + ". ") * 6
        actions, exceptions = [action], {action.code}  # the fixture's action has no update
        for priority_index in range(2):
            objective = ObjectiveFactory(priority=StrategicPriorityFactory(plan=plan))
            for index in range(24):
                new = ActionFactory(objective=objective, text=f"Action {priority_index}-{index}: {words}")
                actions.append(new)
                status = [Status.GREEN, Status.RED, Status.AMBER, Status.COMPLETE][index % 4]
                if index % 7 == 6:
                    exceptions.add(new.code)  # no update
                    continue
                if status in (Status.RED, Status.AMBER):
                    exceptions.add(new.code)
                ProgressUpdateFactory(
                    action=new,
                    period=period,
                    status=status,
                    progress=f"{long_text}Progress of {new.code} ends here.",
                    impact=f"{long_text}Impact of {new.code} ends here.",
                    next_steps=f"Next for {new.code}.",
                    reason=f"Reason for {new.code}." if status in (Status.RED, Status.AMBER) else "",
                )
            for index in range(12):
                KPIValueFactory(
                    kpi=KPIFactory(objective=objective, name=f"Indicator {priority_index}-{index} of the plan"),
                    period=period,
                )
        progress = plan_progress(plan, period)
        assert {row.action.code for row in progress.exceptions} == exceptions
        pdf = render_pdf(IssuedReport.Kind.EXECUTIVE, progress, draft_marking(progress))

        pages = pdf_pages(pdf, tmp_path, raw=True)
        assert len(pages) >= 20
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in page
        whole = squash(" ".join(pages))
        exceptions_table = whole[whole.index("Exceptions: Red, Amber") : whole.index("Strategic priority")]
        for new in actions:
            # Once in the exceptions table if it is one, once in its priority's section.
            assert whole.count(squash(new.text)) == 1 + (new.code in exceptions), new.code
            assert (squash(new.text) in exceptions_table) == (new.code in exceptions), new.code
        for row in progress.actions:
            if row.update and row.update.reason:
                assert whole.count(row.update.reason) == 2  # the exceptions table and the action's block
            if row.update:
                code = row.action.code
                for ending in (f"Progress of {code} ends here.", f"Impact of {code} ends here.", f"Next for {code}."):
                    assert whole.count(ending) == 1, ending
        for kpi in KPI.objects.filter(objective__priority__plan=plan):
            assert whole.count(kpi.name) == 1, kpi.code

    def test_the_excel_file_reads_back_as_the_database(self, client, demo):
        plan, users = demo
        client.force_login(users["viewer"])
        response = client.get(executive_url(plan, 3, "xlsx"))
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Summary", "Exceptions", "Actions", "KPIs", "Outstanding", "Risks"]
        actions = workbook["Actions"]
        assert actions.freeze_panes == "A2" and actions.auto_filter.ref
        rows = {row[0].value: row for row in actions.iter_rows(min_row=2)}
        expected = expected_statuses(plan, 3)
        assert {code: row[3].value for code, row in rows.items()} == {c: s.label for c, s in expected.items()}
        fills = {status.label: key.background.removeprefix("#").upper() for status, key in STATUS_KEY.items()}
        for row in rows.values():
            assert row[3].fill.fgColor.rgb.endswith(fills[row[3].value])
        kpi_codes = [row[0].value for row in workbook["KPIs"].iter_rows(min_row=2)]
        assert kpi_codes == [kpi.code for kpi in KPI.objects.filter(objective__priority__plan=plan)]

    def test_every_workbook_has_its_headers_bold_its_text_wrapped_and_its_colours(self, client, demo):
        """The cell styles are shared by every workbook (dscb.spreadsheets): the second workbook built has them as
        the first had."""
        plan, users = demo
        client.force_login(users["viewer"])
        fills = {status.label: key.background.removeprefix("#").upper() for status, key in STATUS_KEY.items()}
        bands = {"Low": "CCE2D8", "Medium": "FFF7BF", "High": "FCD6C3", "Very high": "F4CDC6"}
        for _ in range(2):
            workbook = openpyxl.load_workbook(io.BytesIO(client.get(executive_url(plan, 3, "xlsx")).content))
            actions = workbook["Actions"]
            assert all(cell.font.bold for cell in actions[1])
            body = [cell for row in actions.iter_rows(min_row=2) for cell in row]
            assert body and not any(cell.font.bold for cell in body)
            assert all(cell.alignment.wrap_text and cell.alignment.vertical == "top" for cell in body)
            statuses = [row[3] for row in actions.iter_rows(min_row=2)]
            assert {cell.value for cell in statuses} >= {"Green", "Amber", "Red"}
            assert all(cell.fill.fgColor.rgb.endswith(fills[cell.value]) for cell in statuses)
            heat_map = [
                cell for row in workbook["Risks"].iter_rows(min_row=4, max_row=8, min_col=2, max_col=6) for cell in row
            ]
            assert len(heat_map) == 25
            for cell in heat_map:
                assert cell.fill.fgColor.rgb.endswith(bands[cell.value.split(":")[0]]), cell.value

    def test_excel_writes_kpi_values_and_targets_as_numbers_that_chart(self, client, demo):
        plan, users = demo
        client.force_login(users["viewer"])
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(executive_url(plan, 3, "xlsx")).content))
        kpis = {kpi.code: kpi for kpi in KPI.objects.filter(objective__priority__plan=plan)}
        values = {
            (value.kpi.code, value.period.number): value
            for value in KPIValue.objects.filter(period__plan=plan).select_related("kpi", "period")
        }
        checked = Counter()
        for row in workbook["KPIs"].iter_rows(min_row=2):
            kpi = kpis[row[0].value]
            for cell, number in [
                (row[3], kpi.target),
                *((row[3 + n], getattr(values.get((kpi.code, n)), "value", None)) for n in (1, 2, 3)),
            ]:
                if kpi.kind == KPI.Kind.PERCENTAGE and number is not None:
                    # 75% is the fraction 0.75 shown as a percentage: a chart of the column reads 75%.
                    assert (cell.data_type, cell.number_format) == ("n", "0.0%")
                    assert cell.value == pytest.approx(float(number) / 100)
                    checked["percentage"] += 1
                elif kpi.kind == KPI.Kind.COUNT and number is not None:
                    assert (cell.data_type, cell.number_format, cell.value) == ("n", "0", int(number))
                    checked["count"] += 1
            for n in (1, 2, 3):
                value = values.get((kpi.code, n))
                if kpi.kind in (KPI.Kind.YES_NO, KPI.Kind.REPORT) and value is not None:
                    assert (row[3 + n].data_type, row[3 + n].value) == ("s", value.display)
                    checked["words"] += 1
                elif value is None:
                    assert row[3 + n].value is None
        assert checked["percentage"] and checked["count"] and checked["words"]

    def test_excel_never_writes_a_formula(self, client, demo):
        plan, users = demo
        update = ProgressUpdate.objects.filter(period__number=3, action__objective__priority__plan=plan).first()
        update.progress = '=HYPERLINK("http://example.org","click")'
        update.next_steps = "+1 more"
        update.save()
        client.force_login(users["viewer"])
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(executive_url(plan, 3, "xlsx")).content))
        cells = [cell for row in workbook["Actions"].iter_rows() for cell in row if isinstance(cell.value, str)]
        dangerous = [cell for cell in cells if cell.value.startswith(("=", "+", "-", "@"))]
        assert {cell.value for cell in dangerous} >= {'=HYPERLINK("http://example.org","click")', "+1 more"}
        assert all(cell.data_type == "s" for cell in dangerous)

    @pytest.mark.parametrize("suffix", ["", "pdf", "xlsx"])
    def test_a_period_the_plan_does_not_have_is_not_found(self, client, demo, suffix):
        plan, users = demo
        # Period 9 is another plan's: the demo plan has six.
        number = ReportingPeriodFactory(plan=BusinessPlanFactory(bare=True, slug="other-plan"), number=9).number
        client.force_login(users["viewer"])
        for asked in (0, number, 2**40):
            response = client.get(executive_url(plan, asked, suffix))
            assert response.status_code == 404
            assert "Page not found" in response.content.decode()

    def test_query_count_is_the_same_at_seed_size_and_ten_times(self, client, demo, django_assert_num_queries):
        plan, users = demo
        client.force_login(users["viewer"])
        # session, user (with their roles), plan, its periods (the period picked from them), objectives, subgroups,
        # joint leads, actions, updates up to the period (this period's text alone), KPIs, KPI values, issued
        # versions; the risk register section: the risks' history, their last reviews and escalations
        with django_assert_num_queries(14):
            client.get(executive_url(plan, 3))
        grow_tenfold(plan, plan.periods.get(number=3))
        risks_tenfold()
        with django_assert_num_queries(14):
            response = client.get(executive_url(plan, 3))
        assert response.content.count(b"(escalated to the Board)") == 9 * 8 + 1  # and the demo's R4
        assert response.content.count(b'class="app-report-action"') == 26 + 9 * 27


def grow_tenfold(plan, period):
    """Nine more priorities of 27 actions (with updates) and three KPIs (with values) each."""
    for number in range(4, 13):
        priority = StrategicPriorityFactory(plan=plan, ref=str(number), position=number)
        for _ in range(3):
            objective = ObjectiveFactory(priority=priority)
            KPIValueFactory(kpi=KPIFactory(objective=objective), period=period)
            for _ in range(9):
                ProgressUpdateFactory(action=ActionFactory(objective=objective), period=period)


def risks_tenfold():
    """Nine times the demo's risks more, Very high, reviewed and escalated, each with its history."""
    body = Subgroup.objects.get(slug="safeguarding-executive")
    for number in range(9 * Risk.objects.count()):
        risk = RiskFactory(
            reference=f"R{100 + number}", lead_body=body, current_likelihood=4, current_impact=5, is_escalated=True
        )
        ReviewFactory(risk=risk, reviewed_on=datetime.date(2015, 6, 17))
        EscalationFactory(risk=risk, on=datetime.date(2015, 6, 17))
    # Written on the day of the meeting, so that the reports as at later dates show them.
    when = datetime.datetime(2015, 6, 17, 16, tzinfo=datetime.UTC)
    Risk.history.filter(number__gte=100).update(history_date=when)
    for model in (Review, Escalation):
        model.objects.filter(risk__number__gte=100).update(created_at=when)


class TestBoardReport:
    def test_as_at_a_date_shows_each_actions_path_and_impact(self, client, demo):
        plan, users = demo
        client.force_login(users["viewer"])
        response = client.get(reverse("reports:board-report", args=[plan.slug]), {"as_at": "2015-10-14"})
        text = response.content.decode()
        assert "Board progress report as at 14 October 2015" in text
        assert "periods 1 to 3" in text
        assert text.count("app-status--") > 26 * 3
        assert "Evidence of impact on children and young people so far" in text
        completed = [row.action.code for row in plan_progress(plan, plan.periods.get(number=3)).completed]
        assert completed and all(code in text for code in completed)

    def test_a_change_shows_at_once(self, client, demo):
        """Each action's row and evidence are drawn once per content (report_tags.fragment_html): any change,
        however written, shows on the next request."""
        plan, users = demo
        client.force_login(users["viewer"])
        url = reverse("reports:board-report", args=[plan.slug])

        def page():
            text = client.get(url, {"as_at": "2015-10-14"}).content.decode()
            return text[text.index('<section class="app-priority') : text.index('id="kpis-heading"')]

        update = ProgressUpdate.objects.exclude(state="draft").filter(period__plan=plan, period__number=2).first()
        action = update.action
        first = page()
        assert page() == first
        # Written straight to the database: nothing is told of the change.
        ProgressUpdate.objects.filter(pk=update.pk).update(
            impact="Children now say they are heard", status="red", reason="Short of staff"
        )
        Action.objects.filter(pk=action.pk).update(text="A renamed action", lead_officer="Jo Bloggs")
        second = page()
        assert "Children now say they are heard</li>" in second
        assert "A renamed action" in second and "(lead officer: Jo Bloggs)" in second
        row = re.search(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(action.code)} A renamed action.*?</tr>", second, re.S)
        assert row and "app-status--red" in row.group(0)

    def test_query_count_is_the_same_at_seed_size_and_ten_times(self, client, demo, django_assert_num_queries):
        plan, users = demo
        client.force_login(users["viewer"])
        url = reverse("reports:board-report", args=[plan.slug])
        # session, user (with their roles), plan, its periods (read once, for the date and the rows), objectives,
        # subgroups, joint leads, actions, updates up to the period (this period's text, and every period's impact),
        # KPIs, KPI values, issued versions; the risk register section: the risks' history, their last reviews and
        # escalations
        with django_assert_num_queries(14):
            client.get(url, {"as_at": "2015-10-14"})
        grow_tenfold(plan, plan.periods.get(number=3))
        risks_tenfold()
        with django_assert_num_queries(14):
            response = client.get(url, {"as_at": "2015-10-14"})
        assert response.content.count(b"(escalated to the Board)") == 9 * 8 + 1  # and the demo's R4
        assert response.content.count(b"<tr") > 26 + 9 * 27

    def test_a_bad_date_is_refused_in_words(self, client, demo):
        plan, users = demo
        client.force_login(users["viewer"])
        response = client.get(reverse("reports:board-report", args=[plan.slug]), {"as_at": "30/09/2015"})
        assert response.status_code == 400
        assert "Enter a real date, for example 31 12 2015" in response.content.decode()

    def test_pdf_and_excel(self, client, demo, tmp_path):
        plan, users = demo
        client.force_login(users["viewer"])
        url = reverse("reports:board-report-pdf", args=[plan.slug])
        pages = pdf_pages(client.get(url, {"as_at": "2015-12-01"}).content, tmp_path)
        assert all("DRAFT" in page and "Board progress report as at 1 December 2015" in page for page in pages)
        workbook = openpyxl.load_workbook(
            io.BytesIO(
                client.get(reverse("reports:board-report-xlsx", args=[plan.slug]), {"as_at": "2015-12-01"}).content
            )
        )
        assert workbook.sheetnames == ["Summary", "Status by period", "Completed", "Impact evidence", "KPIs", "Risks"]
        header = [cell.value for cell in workbook["Status by period"][1]]
        assert header[3:] == [
            "Apr–May 2015",
            "Jun–Jul 2015",
            "Aug–Sep 2015",
            "Oct–Nov 2015",
            "Lead officer",
            "Carried over from",
        ]


class TestIssuing:
    def issue(self, client, plan, **data):
        return client.post(
            reverse("reports:report-issue", args=[plan.slug]),
            {
                "kind": IssuedReport.Kind.EXECUTIVE,
                "period": "3",
                "meeting": "Safeguarding Executive, 17 December 2015",
                **data,
            },
        )

    @pytest.mark.parametrize("username", ["viewer", "chair-quality-assurance"])
    def test_only_the_manager_issues(self, client, demo, username):
        plan, users = demo
        client.force_login(users[username])
        assert self.issue(client, plan).status_code == 403
        assert not IssuedReport.objects.exists()

    def test_an_issued_report_never_changes_and_reissuing_makes_a_new_version(
        self, client, demo, tmp_path, django_capture_on_commit_callbacks
    ):
        plan, users = demo
        client.force_login(users["manager"])
        # The issued PDF is drawn by a task enqueued when the issue commits (the immediate backend: at once).
        with django_capture_on_commit_callbacks(execute=True):
            response = self.issue(client, plan)
        issued = IssuedReport.objects.get()
        assert response["Location"] == issued.get_absolute_url()
        pdf = client.get(reverse("reports:issued-pdf", args=[issued.pk])).content
        xlsx = client.get(reverse("reports:issued-xlsx", args=[issued.pk])).content
        page = client.get(issued.get_absolute_url()).content.decode()
        pages = pdf_pages(pdf, tmp_path)
        assert all("ISSUED" in text for text in pages)
        assert "Issued (version 1) to Safeguarding Executive, 17 December 2015" in squash(pages[0])

        action = Action.objects.filter(objective__priority__plan=plan).first()
        action.text = "Rewritten after the meeting"
        action.save()
        ProgressUpdate.objects.filter(action=action).update(progress="Changed after the meeting")

        client.force_login(users["viewer"])
        assert client.get(reverse("reports:issued-pdf", args=[issued.pk])).content == pdf
        assert client.get(reverse("reports:issued-xlsx", args=[issued.pk])).content == xlsx
        frozen = client.get(issued.get_absolute_url()).content.decode()
        assert "Rewritten after the meeting" not in frozen and "Changed after the meeting" not in frozen
        assert issued.body_html in frozen and issued.body_html in page

        client.force_login(users["manager"])
        self.issue(client, plan)
        second = IssuedReport.objects.get(version=2)
        assert "Rewritten after the meeting" in second.body_html
        listing = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
        assert listing.count("Safeguarding Executive report: Period 3") == 2

    def test_a_board_report_is_issued_for_its_date(self, client, demo):
        plan, users = demo
        client.force_login(users["manager"])
        self.issue(client, plan, kind=IssuedReport.Kind.BOARD, as_at="2015-10-15", meeting="Board, 15 October 2015")
        issued = IssuedReport.objects.get()
        assert (issued.kind, issued.as_at, issued.version) == (IssuedReport.Kind.BOARD, datetime.date(2015, 10, 15), 1)
        assert issued.data["counts"] and len(issued.data["actions"]) == 26

    @pytest.mark.parametrize(
        ("as_at", "message"),
        [
            ("0001-01-01", "The date must be on or after 1 April 2015, when the 2015/16 plan starts"),
            ("2014-01-01", "The date must be on or after 1 April 2015, when the 2015/16 plan starts"),
            ("9999-12-31", "The date must be on or before 31 March 2017, a year after the 2015/16 plan ends"),
        ],
    )
    def test_a_board_report_is_issued_only_for_a_date_its_page_shows(self, client, demo, as_at, message):
        plan, users = demo
        client.force_login(users["manager"])
        response = self.issue(client, plan, kind=IssuedReport.Kind.BOARD, as_at=as_at, back="/reports/")
        assert response.status_code == 302
        assert not IssuedReport.objects.exists()
        page = client.get(reverse("reports:report-list", args=[plan.slug])).content.decode()
        assert f"{message}. The report was not issued." in page

    @pytest.mark.parametrize(
        ("meeting", "message", "kept"),
        [
            ("", "Say which meeting the report is issued to", ""),
            ("   ", "Say which meeting the report is issued to", "   "),
            ("M" * 201, "The meeting must be 200 characters or fewer", "M" * 201),
        ],
    )
    def test_a_meeting_left_out_is_the_meeting_boxs_own_error_with_what_was_typed(
        self, client, demo, meeting, message, kept
    ):
        plan, users = demo
        client.force_login(users["manager"])
        page_url = reverse("reports:executive-report", args=[plan.slug, 3])
        response = self.issue(client, plan, meeting=meeting, back=page_url)
        assert response.status_code == 302 and response["Location"] == page_url
        assert not IssuedReport.objects.exists()
        page = client.get(page_url).content.decode()
        assert page.count(message) == 2  # in the summary, linked to the box, and beside the box
        assert f'<li><a href="#id_meeting">{message}</a></li>' in page
        assert '<details class="govuk-details" open>' in page and 'aria-invalid="true"' in page
        described = 'aria-describedby="id_meeting_hint id_meeting_error" aria-invalid="true"'
        assert f'name="meeting" type="text" {described} value="{kept}"' in page
        assert "<title>Error: " in page
        # Shown once: the page opened again is the report, not the refusal.
        assert message not in client.get(page_url).content.decode()

    def test_a_refused_issue_is_shown_only_on_the_page_it_was_sent_from(self, client, demo):
        plan, users = demo
        client.force_login(users["manager"])
        sent_from = reverse("reports:executive-report", args=[plan.slug, 3])
        self.issue(client, plan, meeting="", back=sent_from)
        other = client.get(reverse("reports:executive-report", args=[plan.slug, 1])).content.decode()
        assert "Say which meeting the report is issued to" not in other and '<details class="govuk-details">' in other


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [("chair", 200), ("member", 200), ("viewer", 200), ("manager", 200), ("other_chair", 200), ("anon", 302)],
)
def test_every_board_member_reads_the_reports(client, persona, action, period, persona_name, expected):
    user = persona(persona_name)
    if user:
        client.force_login(user)
    plan = period.plan
    for url in [
        reverse("reports:report-list", args=[plan.slug]),
        executive_url(plan, 1),
        reverse("reports:board-report", args=[plan.slug]) + "?as_at=2015-05-01",
    ]:
        assert client.get(url).status_code == expected, url


def test_the_reports_link_each_kpi_to_its_page_with_its_value_and_rag(client, viewer, kpi, period):
    KPIValueFactory(kpi=kpi, period=period, numerator=3, denominator=4, value=75)
    link = f'<a class="govuk-link" href="{kpi.get_absolute_url()}">{kpi.code} {escape(kpi.name)}</a>'
    client.force_login(viewer)
    executive = client.get(executive_url(period.plan, 1)).content.decode()
    progress = plan_progress(period.plan, period)
    board = render_body(IssuedReport.Kind.BOARD, progress, draft_marking(progress), as_at=period.ends_on)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    for text in (executive, board, dashboard):
        row = re.search(r"<tr [^>]*>\s*<t[dh] [^>]*>" + re.escape(link) + "(.*?)</tr>", text, re.S)
        assert row, "no link to the KPI's page"
        assert "75%" in row.group(1) and "app-status--amber" in row.group(1)
    # The PDF prints the KPI's name without a link.
    pdf_body = render_to_string(
        "reports/_executive_body.html", report_context(IssuedReport.Kind.EXECUTIVE, progress, None, for_pdf=True)
    )
    assert f"{kpi.code} {escape(kpi.name)}" in pdf_body and kpi.get_absolute_url() not in pdf_body


class TestActionBlocksDrawnOncePerContent:
    """The Executive report draws each action's block once per content (report_tags.action_block_html): whatever
    changes, by any path, shows on the next request."""

    def blocks(self, client, plan, number):
        text = client.get(executive_url(plan, number)).content.decode()
        return text[text.index('<div class="app-report-action">') : text.index('id="kpis-heading"')]

    def test_a_change_shows_at_once(self, client, viewer, action, period):
        plan = period.plan
        client.force_login(viewer)
        update = ProgressUpdateFactory(action=action, period=period, status=Status.GREEN, progress="First words")
        first = self.blocks(client, plan, 1)
        assert "First words" in first and "Green" in first
        assert self.blocks(client, plan, 1) == first

        # Written straight to the database: nothing is told of the change, the content itself is the key.
        ProgressUpdate.objects.filter(pk=update.pk).update(progress="Second words", status=Status.RED, reason="Late")
        second = self.blocks(client, plan, 1)
        assert "Second words" in second and "First words" not in second
        assert "Red" in second and "Late" in second

        Action.objects.filter(pk=action.pk).update(text="Renamed action", lead_officer="Jo Bloggs")
        third = self.blocks(client, plan, 1)
        assert "Renamed action" in third and "(lead officer: Jo Bloggs)" in third

        ProgressUpdate.objects.filter(pk=update.pk).update(state=ProgressUpdate.State.DRAFT)
        assert "No update was recorded for this period." in self.blocks(client, plan, 1)

    def test_the_same_block_as_drawn_afresh(self, demo):
        plan, _ = demo
        progress = plan_progress(plan, plan.periods.get(number=3))
        context = report_context(IssuedReport.Kind.EXECUTIVE, progress, draft_marking(progress))
        report_tags.action_block_html.cache_clear()
        cold = render_to_string("reports/_executive_body.html", context)
        warm = render_to_string("reports/_executive_body.html", context)
        assert report_tags.action_block_html.cache_info().hits >= len(progress.actions)
        assert warm == cold

    def test_the_pdfs_blocks_drawn_once_per_content_and_changed_at_once(self, demo):
        plan, _ = demo
        period = plan.periods.get(number=3)
        pdf_body = partial(render_to_string, "reports/_executive_body.html")
        progress = plan_progress(plan, period)
        context = report_context(IssuedReport.Kind.EXECUTIVE, progress, draft_marking(progress), for_pdf=True)
        report_tags.plain_action_block_html.cache_clear()
        cold = pdf_body(context)
        assert pdf_body(context) == cold
        assert report_tags.plain_action_block_html.cache_info().hits >= len(progress.actions)
        # The PDF's plain blocks, not the screen's.
        assert cold.count('<div class="app-report-action">') == len(progress.actions)
        assert "app-report-update" not in cold and "<b>Progress:</b>" in cold
        update = ProgressUpdate.objects.filter(period=period).exclude(state="draft").first()
        ProgressUpdate.objects.filter(pk=update.pk).update(progress="Words written <after> the first drawing")
        progress = plan_progress(plan, period)
        context = report_context(IssuedReport.Kind.EXECUTIVE, progress, draft_marking(progress), for_pdf=True)
        assert "<b>Progress:</b> Words written &lt;after&gt; the first drawing</p>" in pdf_body(context)


@pytest.mark.parametrize("kind", list(IssuedReport.Kind))
def test_the_body_with_its_runs_spliced_in_is_the_body_drawn_whole(demo, kind):
    """render_body puts the action blocks and table rows in after the template is drawn (dscb.longpages.Splice): the
    same HTML as the template drawing them in place, whatever the plan's text holds."""
    plan, _ = demo
    period = plan.periods.get(number=3)
    action = Action.objects.filter(objective__priority__plan=plan).first()
    Action.objects.filter(pk=action.pk).update(text="Review <!--0123456789abcdef0123456789abcdef:0--> – it’s ↓ %s")
    as_at = period.ends_on if kind == IssuedReport.Kind.BOARD else None
    progress = plan_progress(plan, period, evidence=kind == IssuedReport.Kind.BOARD)
    marking = draft_marking(progress)
    body = render_body(kind, progress, marking, as_at)
    whole = render_to_string(
        "reports/_executive_body.html" if kind == IssuedReport.Kind.EXECUTIVE else "reports/_board_body.html",
        report_context(kind, progress, marking, as_at),
    )
    assert body == whole
    assert "Review &lt;!--0123456789abcdef0123456789abcdef:0--&gt; – it’s ↓ %s" in body
    assert "<!--" not in body.split("<article", 1)[1]


class TestTableRowsDrawnOncePerContent:
    """The reports' KPI rows and the Executive report's exceptions are drawn once per content
    (report_tags.table_row_html): whatever changes, by any path, shows on the next request."""

    def section(self, text, start, end):
        begins = text.index(start)
        return text[begins : text.index(end, begins)]

    def test_a_change_shows_at_once(self, client, demo):
        plan, users = demo
        client.force_login(users["viewer"])
        period = plan.periods.get(number=3)
        board_url = reverse("reports:board-report", args=[plan.slug])

        def pages():
            executive = client.get(executive_url(plan, 3)).content.decode()
            board = client.get(board_url, {"as_at": period.ends_on.isoformat()}).content.decode()
            return (
                self.section(executive, 'id="exceptions-heading"', 'class="app-priority'),
                self.section(executive, 'id="kpis-heading"', 'id="outstanding-heading"'),
                self.section(board, 'id="kpis-heading"', "</table>"),
            )

        first = pages()
        assert pages() == first
        value = KPIValue.objects.filter(period=period, value__isnull=False).select_related("kpi").first()
        kpi = value.kpi
        row = ProgressUpdate.objects.filter(period=period, status=Status.RED).exclude(state="draft").first()
        assert f"{row.action.code} {escape(row.action.text)}" in first[0]
        assert f"{kpi.code} {escape(kpi.name)}" in first[1] and f"{kpi.code} {escape(kpi.name)}" in first[2]

        # Written straight to the database: nothing is told of the change, the content itself is the key.
        KPIValue.objects.filter(pk=value.pk).update(value="12345")
        KPI.objects.filter(pk=kpi.pk).update(name="A renamed indicator")
        ProgressUpdate.objects.filter(pk=row.pk).update(reason="Short of staff since the summer")
        exceptions, kpis, board_kpis = pages()
        assert "Short of staff since the summer" in exceptions
        for table in (kpis, board_kpis):
            drawn = re.search(
                rf"<tr[^>]*>\s*<td[^>]*><a [^>]*>{re.escape(kpi.code)} A renamed indicator.*?</tr>", table, re.S
            )
            assert drawn and "12345" in drawn.group(0)
            assert f"{kpi.code} values so far:" in drawn.group(0)

        def exception_row(exceptions):
            code = re.escape(f"{row.action.code} {escape(row.action.text)}")
            return re.search(rf"<tr[^>]*>\s*<td[^>]*>{code}</td>.*?</tr>", exceptions, re.S).group(0)

        assert "Short of staff since the summer" in exception_row(exceptions)
        ProgressUpdate.objects.filter(pk=row.pk).update(state=ProgressUpdate.State.DRAFT)
        drawn = exception_row(pages()[0])
        assert f"No update from {escape(row.action.lead_names)}" in drawn and "Short of staff" not in drawn

    def test_the_same_rows_as_drawn_afresh(self, demo):
        plan, _ = demo
        progress = plan_progress(plan, plan.periods.get(number=3))
        for for_pdf in (False, True):
            context = report_context(IssuedReport.Kind.EXECUTIVE, progress, draft_marking(progress), for_pdf=for_pdf)
            report_tags.table_row_html.cache_clear()
            cold = render_to_string("reports/_executive_body.html", context)
            warm = render_to_string("reports/_executive_body.html", context)
            assert report_tags.table_row_html.cache_info().hits >= len(progress.kpis) + len(progress.exceptions) > 0
            assert warm == cold


class TestRiskSectionDrawnOncePerContent:
    """A report's risk register section is drawn once per content (report_tags.risk_section): from the section as
    plain data and the risk matrix, and nothing else."""

    def section(self, plan, as_at):
        period = plan.periods.get(number=3)
        return plan_progress(plan, period, risks_on=as_at).risks

    def test_the_same_section_as_drawn_from_the_register(self, demo):
        plan, _ = demo
        risks_tenfold()
        risks = self.section(plan, datetime.date(2015, 10, 19))
        report_tags.risk_section_html.cache_clear()
        drawn = render_to_string("reports/_risk_section.html", {"risks": risks})
        assert report_tags.risk_section(risks) == drawn
        assert report_tags.risk_section(risks) == drawn
        assert report_tags.risk_section_html.cache_info().hits == 1
        assert drawn.count("(escalated to the Board)") == 9 * 8 + 1

    def test_a_change_to_a_risk_or_the_matrix_shows_at_once(self, demo):
        plan, _ = demo
        as_at = datetime.date(2015, 10, 19)
        first = report_tags.risk_section(self.section(plan, as_at))
        risk = Risk.objects.order_by("number").first()
        assert f"{risk.reference} {escape(risk.title)}" in first
        risk.title = "A renamed <risk>"
        risk.save()
        renamed = report_tags.risk_section(self.section(plan, datetime.date(2099, 1, 1)))
        assert f"{risk.reference} A renamed &lt;risk&gt;" in renamed
        # Every cell Low: the heat map's cells and the risks' tags change with the matrix.
        with override_settings(RISK_MATRIX=[["low"] * 5] * 5):
            low = report_tags.risk_section(self.section(plan, as_at))
        assert low != first
        assert "govuk-tag--red" not in low and "Very high" not in low.split("</table>", 1)[0]
