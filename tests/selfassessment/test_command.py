"""The daily reminders command: --dry-run says who, and sends nothing; a run sends each reminder once."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def closing(board):
    window = board.window
    window.opens_on, window.closes_on = datetime.date(2016, 2, 1), datetime.date(2016, 3, 18)
    window.save()
    for invitation in board.invitations:
        invitation.seat.email = f"seat-{invitation.pk}@example.org"
        invitation.seat.save()
    return board


def test_dry_run_names_who_would_be_reminded_and_sends_nothing(closing, capsys):
    call_command("self_assessment_reminders", "--dry-run", "--today", "2016-03-14")
    out = capsys.readouterr().out
    assert all(f"Would remind {inv.seat.person_name}" in out for inv in closing.invitations)
    assert mail.outbox == []


def test_a_run_sends_once_however_often_it_runs(closing, capsys):
    for _ in range(2):
        call_command("self_assessment_reminders", "--today", "2016-03-14")
    assert len(mail.outbox) == len(closing.invitations) + 1  # and the chair, at their account's address
    assert "Reminder: the board self-assessment 2015/16 closes on 18 March 2016" in mail.outbox[0].subject
    assert closing.invitations[0].secret in " ".join(message.body for message in mail.outbox)


def test_a_bad_day_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("self_assessment_reminders", "--today", "14/03/2016")
