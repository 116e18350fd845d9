"""Every task of the product does the same on two backends: the one that runs a task as it is enqueued, and the
database queue run by django-tasks-db's worker. So the tasks depend on Django's Tasks API alone, and move to
another queue (README: Outgrowing the database queue) by changing TASKS_BACKEND.

Each task is run on one backend, what it did is read (its result, the emails it sent, the rows it wrote), all of
it is rolled back, and it is run on the other; both must have done the same, and done their work."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks.base import Task

from accounts.tasks import SET, password_email_send
from assurance.models import PackPDF
from assurance.tasks import pack_pdf_draw
from audits.models import Return
from audits.tasks import invitation_send as audit_invitation_send
from audits.tasks import receipt_send, reminder_send
from dscb.models import SentEmail
from meetings.models import Meeting
from meetings.tasks import meeting_reminder_send
from plans.models import ReportingPeriod
from plans.tasks import overdue_periods_lock
from priorities.models import Action, Status
from progress.tasks import reminder_email_send
from reports.models import DraftPDF, IssuedReport
from reports.services import report_issue
from reports.tasks import draft_pdf_draw, issued_pdf_draw, plan_draft_pdfs_draw
from risks.models import Risk
from risks.tasks import review_suggestions_daily
from selfassessment.models import Invitation
from selfassessment.tasks import invitation_send as self_assessment_invitation_send
from tests.tasks.jobs import DATABASE, IMMEDIATE, run_worker_batch

pytestmark = pytest.mark.django_db

SITE = "https://plans.example.org"
ROOT = Path(settings.BASE_DIR)


def sent_emails():
    return sorted(SentEmail.objects.exclude(sent_at=None).values_list("key", "to"))


def periods():
    return list(ReportingPeriod.objects.order_by("plan_id", "number").values_list("number", "state"))


def drafts():
    return sorted(DraftPDF.objects.exclude(pdf=None).values_list("kind", "period_number", "as_at"))


def review_reasons():
    return sorted(Risk.objects.values_list("reference", "review_suggested"))


def meeting_args(plan, users):
    meeting = Meeting.objects.exclude(status=Meeting.Status.CANCELLED).order_by("date").last()
    return {
        "key": "meeting-reminder:test",
        "to": "member@example.org",
        "meeting_id": meeting.pk,
        "date": meeting.date.isoformat(),
        "subject": "Reminder",
        "body": "The meeting is soon.",
    }


def self_assessment_args(plan, users):
    invitation = Invitation.objects.exclude(seat__email="", seat__user=None).order_by("pk").first()
    return {"key": "sa-invitation:test", "invitation_id": invitation.pk, "kind": "invitation", "site_url": SITE}


def audit_invitation_args(plan, users):
    return_form = Return.objects.exclude(contact=None).order_by("pk").first()
    return {
        "key": "audit-invitation:test",
        "user_id": return_form.contact_id,
        "return_id": return_form.pk,
        "site_url": SITE,
    }


def audit_reminder_args(plan, users):
    outstanding = Return.objects.filter(state__in=[Return.State.NOT_STARTED, Return.State.DRAFT]).exclude(contact=None)
    return_form = outstanding.order_by("pk").first()
    return {
        "key": "audit-reminder:test",
        "to": return_form.contact.email,
        "return_id": return_form.pk,
        "subject": "Your return is due",
        "body": "Please send it.",
    }


def risk_args(plan, users):
    """An open risk linked to an action not complete, due by a day before the task's."""
    risk = Risk.objects.filter(status=Risk.Status.OPEN).order_by("pk").first()
    action = Action.objects.filter(objective__priority__plan=plan).exclude(updates__status=Status.COMPLETE).first()
    Action.objects.filter(pk=action.pk).update(due="31 March 2016")
    Risk.objects.filter(pk=risk.pk).update(last_reviewed_on=None)
    risk.actions.add(action)
    return {"today": "2016-06-30"}


def issued_args(plan, users):
    issued = report_issue(
        plan=plan,
        kind=IssuedReport.Kind.EXECUTIVE,
        period=plan.periods.get(number=3),
        user=users["manager"],
        meeting="M",
    )
    return {"issued_id": issued.pk}


def redraw_result(result):
    """The reports the redraw asked for, without the ids of the tasks (which differ from run to run)."""
    return [name for name, _task in result]


# task, its arguments from the demo plan, what it did besides its result and emails, what it returns when it works
CASES = {
    "password email": (
        password_email_send,
        lambda plan, users: {
            "kind": SET,
            "user_id": users["chair-mash"].pk,
            "site_url": SITE,
            "key": "set-password:test",
        },
        sent_emails,
        "sent",
    ),
    "progress reminder": (
        reminder_email_send,
        lambda plan, users: {
            "key": "reminder:test",
            "user_id": users["chair-mash"].pk,
            "subject": "Due",
            "body": "Update.",
        },
        sent_emails,
        "sent",
    ),
    "meeting reminder": (meeting_reminder_send, meeting_args, sent_emails, "sent"),
    "self-assessment invitation": (self_assessment_invitation_send, self_assessment_args, sent_emails, "sent"),
    "audit invitation": (audit_invitation_send, audit_invitation_args, sent_emails, "sent"),
    "audit receipt": (
        receipt_send,
        lambda plan, users: {
            "key": "audit-receipt:test",
            "to": "contact@example.org",
            "subject": "Received",
            "body": "Thanks",
        },
        sent_emails,
        "sent",
    ),
    "audit reminder": (reminder_send, audit_reminder_args, sent_emails, "sent"),
    "periods locked": (overdue_periods_lock, lambda plan, users: {"today": "2016-06-30"}, periods, None),
    "risk reviews": (review_suggestions_daily, risk_args, review_reasons, None),
    "draft PDF": (
        draft_pdf_draw,
        lambda plan, users: {"plan_id": plan.pk, "kind": "executive", "period_number": 3},
        drafts,
        "drawn",
    ),
    "plan's PDFs redrawn": (plan_draft_pdfs_draw, lambda plan, users: {"plan_id": plan.pk}, drafts, None),
    "issued PDF": (
        issued_pdf_draw,
        issued_args,
        lambda: list(IssuedReport.objects.filter(pdf__isnull=False).values_list("version", "pdf_failure")),
        "drawn",
    ),
    "pack PDF": (
        pack_pdf_draw,
        lambda plan, users: {"as_at": "2016-03-31"},
        lambda: list(PackPDF.objects.exclude(pdf=None).values_list("as_at", flat=True)),
        "drawn",
    ),
}


def run_on(backend, task, arguments, effect):
    """(result, emails, effect) of the task run on the backend; everything it did is then rolled back."""
    mail.outbox = []
    with transaction.atomic(), override_settings(TASKS=backend):
        result = task.enqueue(**arguments)
        if backend is DATABASE:
            run_worker_batch()
            result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
        value = result.return_value
        done = (
            redraw_result(value) if task is plan_draft_pdfs_draw else value,
            sorted((tuple(message.to), message.subject) for message in mail.outbox),
            effect(),
        )
        transaction.set_rollback(True)
    return done


@pytest.mark.parametrize("case", CASES)
def test_each_task_does_the_same_on_either_backend(demo, case):
    plan, users = demo
    task, arguments, effect, works = CASES[case]
    arguments = arguments(plan, users)
    before = effect()
    immediate = run_on(IMMEDIATE, task, arguments, effect)
    assert effect() == before, "rolled back"
    on_the_queue = run_on(DATABASE, task, arguments, effect)
    assert immediate == on_the_queue
    result, emails, after = immediate
    # And each did its work, so that two runs doing nothing cannot pass.
    if works is not None:
        assert result == works
    else:
        assert result and after != before
    if effect is sent_emails:
        assert len(emails) == 1 and after == [(arguments["key"], emails[0][0][0])]
    else:
        assert emails == []


def test_every_task_of_the_product_is_run_on_both_backends():
    """A new task (any `@task` in one of the project's apps' tasks modules) must be added to CASES."""
    found = set()
    for app in apps.get_app_configs():
        if Path(app.path).parent != ROOT:  # the project's own apps, not those installed in .venv
            continue
        try:
            module = importlib.import_module(f"{app.name}.tasks")
        except ModuleNotFoundError as missing:
            if missing.name != f"{app.name}.tasks":
                raise
            continue
        found |= {value.module_path for value in vars(module).values() if isinstance(value, Task)}
    assert found == {task.module_path for task, *_ in CASES.values()}
