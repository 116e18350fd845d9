"""Every email goes from a task: retried while the mail server fails, and never sent twice for one reason."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tasks import RESET, SET, password_email_enqueue, password_email_send
from dscb.mail import email_send_once
from dscb.models import SentEmail
from tests.factories import UserFactory
from tests.tasks.jobs import FlakyEmailBackend, run_worker_batch

pytestmark = pytest.mark.django_db

FLAKY = "tests.tasks.jobs.FlakyEmailBackend"
SITE = "https://plans.example.org"


@pytest.fixture
def person(db):
    return UserFactory(username="nia", email="nia@example.org")


@pytest.fixture
def flaky():
    """A mail server that refuses the first `FlakyEmailBackend.failures` emails."""
    FlakyEmailBackend.refused = 0
    with override_settings(EMAIL_BACKEND=FLAKY, EMAIL_SEND_ATTEMPTS=3):
        yield FlakyEmailBackend
    FlakyEmailBackend.failures = FlakyEmailBackend.refused = 0


def test_the_same_reason_sends_one_email_however_often_its_task_runs(person):
    for _ in range(3):
        password_email_send.enqueue(kind=SET, user_id=person.pk, site_url=SITE, key="set-password:1:abc")
    assert len(mail.outbox) == 1
    record = SentEmail.objects.get(key="set-password:1:abc")
    assert record.sent_at is not None and record.attempts == 1 and record.to == "nia@example.org"

    password_email_send.enqueue(kind=SET, user_id=person.pk, site_url=SITE, key="set-password:1:another-request")
    assert len(mail.outbox) == 2


def test_a_mail_server_error_is_retried_by_the_task_and_the_email_goes_once(person, flaky):
    flaky.failures = 2
    result = password_email_send.enqueue(kind=RESET, user_id=person.pk, site_url=SITE, key="reset:1:abc")
    assert result.status == TaskResultStatus.SUCCESSFUL
    [message] = mail.outbox
    assert message.to == ["nia@example.org"] and "https://plans.example.org/accounts/password/set/" in message.body
    record = SentEmail.objects.get(key="reset:1:abc")
    assert record.attempts == 3 and record.sent_at is not None and record.last_error == ""


def test_after_the_last_attempt_the_task_fails_with_the_error(person, flaky):
    flaky.failures = 10
    result = password_email_send.enqueue(kind=SET, user_id=person.pk, site_url=SITE, key="set:1:abc")
    # The first run enqueued the second, which enqueued the third: that one raised.
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert flaky.refused == 3 and mail.outbox == []
    record = SentEmail.objects.get(key="set:1:abc")
    assert record.sent_at is None and record.attempts == 3 and "SMTPServerDisconnected" in record.last_error


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_on_the_database_queue_a_retry_waits_before_it_runs(person, flaky):
    flaky.failures = 1
    before = timezone.now()
    result = password_email_send.enqueue(kind=SET, user_id=person.pk, site_url=SITE, key="set:1:abc")
    run_worker_batch()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and mail.outbox == []
    retry = DBTaskResult.objects.exclude(pk=result.id).get()
    assert retry.status == TaskResultStatus.READY and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + timedelta(minutes=1)

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker_batch()
    assert len(mail.outbox) == 1


def test_a_rolled_back_request_sends_nothing(person, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        password_email_enqueue(user=person, site_url=SITE, kind=SET)
        raise RuntimeError("the save failed")
    assert callbacks == [] and mail.outbox == []


def test_a_forgotten_password_email_goes_from_a_task_and_its_link_works(
    client, person, django_capture_on_commit_callbacks
):
    person.set_password("an-old-long-passphrase")
    person.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("password_reset"), {"email": "NIA@example.org"})
    assert response.status_code == 302
    assert mail.outbox == [], "nothing is sent in the request"
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["nia@example.org"]
    assert SentEmail.objects.get().key.startswith(f"reset-password:{person.pk}:")
    link = re.search(r"http://testserver(/accounts/password/set/\S+)", message.body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()


def test_the_admin_action_sends_each_person_one_email(admin_client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:auth_user_changelist"), {"action": "send_set_password", "_selected_action": [person.pk]}
        )
    [message] = mail.outbox
    assert message.to == ["nia@example.org"] and "Your username is: nia" in message.body


def test_a_send_cut_off_by_a_killed_worker_is_not_sent_again(person):
    """What a worker killed while the mail server had the email leaves: the row claimed, not marked sent."""
    SentEmail.objects.create(
        key="set-password:1:abc", to="nia@example.org", subject="Set your password", sending_since=timezone.now()
    )
    result = password_email_send.enqueue(kind=SET, user_id=person.pk, site_url=SITE, key="set-password:1:abc")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox == []
    record = SentEmail.objects.get(key="set-password:1:abc")
    assert record.interrupted and record.attempts == 0


def test_of_two_runs_at_once_only_the_one_that_claims_the_email_sends_it(person):
    first = SentEmail.objects.create(key="reason:1", to="nia@example.org", subject="Hello")
    # The other run has claimed the row between this run's read and its send.
    SentEmail.objects.filter(pk=first.pk).update(sending_since=timezone.now())
    assert email_send_once(key="reason:1", to="nia@example.org", subject="Hello", body="Hi") is False
    assert mail.outbox == []


def test_a_refused_email_gives_its_claim_back_for_the_retry(person, flaky):
    flaky.failures = 1
    password_email_send.enqueue(kind=SET, user_id=person.pk, site_url=SITE, key="set:1:abc")
    record = SentEmail.objects.get(key="set:1:abc")
    assert len(mail.outbox) == 1 and record.sent_at is not None and not record.interrupted
