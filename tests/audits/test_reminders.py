"""Reminders and chasers of the audit returns: to the contact and substitute of each return not in, once each."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from audits.reminders import CHASER, REMINDER, audit_reminders_due, audit_reminders_send
from audits.services import return_save_draft
from tests.factories import ReturnFactory, UserFactory, make_school

pytestmark = pytest.mark.django_db

# The round closes on Monday 30 November 2015: five working days before is Monday 23 November.


def test_the_reminder_and_chaser_days(the_return, other_return):
    assert audit_reminders_due(today=datetime.date(2015, 11, 20)) == []
    due = audit_reminders_due(today=datetime.date(2015, 11, 23))
    assert {(letter.kind, letter.person.username) for letter in due} == {
        (REMINDER, "contact-oak-primary"),
        (REMINDER, "contact-elm-primary"),
    }
    chasers = audit_reminders_due(today=datetime.date(2015, 12, 1))
    assert {letter.kind for letter in chasers} == {CHASER}
    assert audit_reminders_due(today=datetime.date(2015, 12, 15)) == []


def test_a_return_in_is_not_chased_and_each_email_goes_once(
    the_return, other_return, contact, django_capture_on_commit_callbacks
):
    the_return.substitute = UserFactory(username="deputy-head")
    the_return.save()
    other_return.state = "submitted"
    other_return.submitted_at = datetime.datetime(2015, 11, 20, tzinfo=datetime.UTC)
    other_return.officer_name = "Head"
    other_return.save()
    return_save_draft(return_form=the_return, user=contact, answers={}, expected_version=1)
    with django_capture_on_commit_callbacks(execute=True):
        queued = audit_reminders_send(today=datetime.date(2015, 12, 1), site_url="http://testserver")
    assert sorted(letter.person.username for letter in queued) == ["contact-oak-primary", "deputy-head"]
    assert len(mail.outbox) == 2
    assert "was due on 30 November 2015" in mail.outbox[0].subject
    assert (
        f"http://testserver/audits/{the_return.round_id}/returns/{the_return.organisation_id}/" in mail.outbox[0].body
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_reminders_send(today=datetime.date(2015, 12, 2), site_url="http://testserver") == []
    assert len(mail.outbox) == 2


def test_send_reminders_dry_run_lists_the_audit_letters(the_return, settings):
    out = __import__("io").StringIO()
    call_command("send_reminders", "--dry-run", "--today", "2015-11-24", stdout=out)
    assert "Audit return reminder to" in out.getvalue()
    assert "Oak Primary School" in out.getvalue()


def test_no_reminder_for_a_round_not_yet_open(round):
    ReturnFactory(round=round, organisation=make_school())
    assert audit_reminders_due(today=datetime.date(2015, 8, 31)) == []
