"""Draft report PDFs are drawn once for what they show and given out again until that changes."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from priorities.models import Action, ProgressUpdate
from reports.models import DraftPDF, IssuedReport
from reports.tasks import plan_draft_pdfs_draw
from tests.reports.test_reports import executive_url, pdf_pages, squash
from tests.tasks.jobs import DATABASE, run_worker_batch

pytestmark = pytest.mark.django_db


def board_url(plan):
    return reverse("reports:board-report-pdf", args=[plan.slug])


def test_a_draft_pdf_is_drawn_once_and_given_out_again_while_nothing_changes(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    first = client.get(executive_url(plan, 3, "pdf"))
    kept = DraftPDF.objects.get()
    assert (kept.plan, kept.kind, kept.period_number, kept.as_at) == (plan, IssuedReport.Kind.EXECUTIVE, 3, None)
    assert bytes(kept.pdf) == first.content and first.content.startswith(b"%PDF")
    assert len(kept.fingerprint) == 64 and kept.build_ms > 0

    second = client.get(executive_url(plan, 3, "pdf"))
    assert second.content == first.content
    assert DraftPDF.objects.get().built_at == kept.built_at


def change_an_update(plan, marker):
    update = ProgressUpdate.objects.filter(period__plan=plan, period__number=3).exclude(state="draft").first()
    update.progress = marker
    update.save()


def change_an_action(plan, marker):
    action = Action.objects.filter(objective__priority__plan=plan).first()
    action.text = marker
    action.save()


@pytest.mark.parametrize("change", [change_an_update, change_an_action], ids=["update saved", "plan edited"])
def test_any_change_to_what_the_report_shows_draws_it_again(client, demo, tmp_path, change):
    plan, users = demo
    client.force_login(users["viewer"])
    before = client.get(executive_url(plan, 3, "pdf")).content
    fingerprint = DraftPDF.objects.get().fingerprint
    marker = "Marker sentence that was not in the report before"
    assert marker not in squash(" ".join(pdf_pages(before, tmp_path)))

    change(plan, marker)
    after = client.get(executive_url(plan, 3, "pdf")).content
    assert marker in squash(" ".join(pdf_pages(after, tmp_path)))
    kept = DraftPDF.objects.get()
    assert kept.fingerprint != fingerprint and bytes(kept.pdf) == after


def test_each_period_and_each_date_has_its_own_pdf(client, demo):
    plan, users = demo
    client.force_login(users["viewer"])
    client.get(executive_url(plan, 2, "pdf"))
    client.get(executive_url(plan, 3, "pdf"))
    client.get(board_url(plan), {"as_at": "2015-10-14"})
    client.get(board_url(plan), {"as_at": "2015-12-01"})
    assert sorted(DraftPDF.objects.values_list("kind", "period_number", "as_at")) == [
        (IssuedReport.Kind.BOARD, None, datetime.date(2015, 10, 14)),
        (IssuedReport.Kind.BOARD, None, datetime.date(2015, 12, 1)),
        (IssuedReport.Kind.EXECUTIVE, 2, None),
        (IssuedReport.Kind.EXECUTIVE, 3, None),
    ]


def build(plan):
    """The redraw a change to the plan asks for, run by the worker: the reports and what became of each."""
    with override_settings(TASKS=DATABASE):
        redraw = plan_draft_pdfs_draw.enqueue(plan_id=plan.pk)
        run_worker_batch()
    asked = DBTaskResult.objects.get(pk=redraw.id).return_value
    return {name: DBTaskResult.objects.get(pk=drawing).return_value for name, drawing in asked}


def states(done):
    return sorted(done.values())


def test_the_plans_redraw_draws_what_changed_and_nothing_else(client, demo, tmp_path):
    plan, users = demo
    old = DraftPDF.objects.create(
        plan=plan,
        kind=IssuedReport.Kind.BOARD,
        as_at=datetime.date(2015, 12, 1),
        fingerprint="0" * 64,
        pdf=b"%PDF old",
        build_ms=1,
        built_at=timezone.now() - datetime.timedelta(days=31),
    )

    current = plan.reporting_period_from(list(plan.periods.all()))
    assert current.number == 4  # the demo plan's open period

    done = build(plan)
    # The Executive report of each period up to the open one, and the Board report people open with no date: as
    # at the end of the quarter in which the open period (4, to 30 November 2015) ends.
    assert states(done) == ["drawn"] * 5
    assert done[f"{plan.slug} Executive report, period 4"] == "drawn"
    assert not any("period 5" in name for name in done)
    assert done[f"{plan.slug} Board report as at 31 December 2015"] == "drawn"
    assert not DraftPDF.objects.filter(pk=old.pk).exists()
    assert DraftPDF.objects.filter(kind=IssuedReport.Kind.EXECUTIVE).count() == 4

    assert states(build(plan)) == ["up to date"] * 5

    change_an_update(plan, "Marker sentence saved after the last build")
    done = build(plan)
    # Only period 3's report prints an update's progress text: the later period and the Board report do not.
    assert states(done) == ["drawn"] + ["up to date"] * 4
    assert done[f"{plan.slug} Executive report, period 3"] == "drawn"

    # The request is given what was built, without drawing it again.
    client.force_login(users["viewer"])
    kept = DraftPDF.objects.get(kind=IssuedReport.Kind.EXECUTIVE, period_number=3)
    response = client.get(executive_url(plan, 3, "pdf"))
    assert response.content == bytes(kept.pdf)
    assert "Marker sentence saved after the last build" in squash(" ".join(pdf_pages(response.content, tmp_path)))
    assert DraftPDF.objects.get(pk=kept.pk).built_at == kept.built_at
