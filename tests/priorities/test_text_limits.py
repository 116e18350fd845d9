"""Written fields have a maximum length: the form says so in words and keeps what was typed, the services refuse
too, and the database holds the line (issue 11: updates of 700,000 characters made every report PDF fail)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kpis.models import KPIValue
from kpis.services import kpi_value_save
from priorities.models import TEXT_LIMITS, ProgressUpdate
from priorities.services import update_return, update_save
from tests.factories import KPIFactory, KPIValueFactory, ProgressUpdateFactory
from tests.priorities.test_update_form import GOOD, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("progress", 5000, "Progress this period must be 5,000 characters or fewer: it has 5,001"),
        ("impact", 5000, "Impact on children and young people must be 5,000 characters or fewer: it has 5,001"),
        ("next_steps", 5000, "Next steps must be 5,000 characters or fewer: it has 5,001"),
        ("reason", 2000, "Reason must be 2,000 characters or fewer: it has 2,001"),
    ],
)
@pytest.mark.parametrize("button", ["submit", "save_draft"])
def test_too_long_text_is_refused_in_words_and_kept(client, chair, action, period, field, limit, message, button):
    client.force_login(chair)
    posted = {**GOOD, "next_steps": "Typed text that must survive", field: "x" * (limit + 1), button: ""}
    response = client.post(url(action), posted)
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and message in text
    assert "x" * (limit + 1) in text  # what was typed is in the form again, to be cut down rather than retyped
    if field != "next_steps":
        assert "Typed text that must survive" in text
    assert not ProgressUpdate.objects.exists()


def test_text_at_the_limit_is_saved(client, chair, action, period):
    client.force_login(chair)
    posted = {**GOOD, "progress": "p" * 5000, "impact": "i" * 5000, "reason": "r" * 2000}
    assert client.post(url(action), posted).status_code == 302
    assert len(ProgressUpdate.objects.get().progress) == 5000


def test_the_form_shows_the_character_count(client, chair, action, period):
    client.force_login(chair)
    text = client.get(url(action)).content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="5000"' in text
    assert "You can enter up to 5000 characters" in text
    assert 'data-maxlength="2000"' in text
    assert "maxlength=" not in text.replace("data-maxlength=", "")  # no hard limit that would cut a paste short


def test_the_service_refuses_too_long_text_even_for_a_draft(chair, action, period):
    data = dict.fromkeys(["status", "progress", "impact", "next_steps", "reason", "evidence_links"], "")
    with pytest.raises(ValidationError) as refused:
        update_save(
            action=action,
            period=period,
            user=chair,
            data={**data, "impact": "x" * 700_000},
            expected_version=0,
            submit=False,
        )
    assert "impact" in refused.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_a_return_reason_has_a_limit(client, manager, chair, action, period):
    update = ProgressUpdateFactory(action=action, period=period, author=chair, state="submitted")
    client.force_login(manager)
    return_url = reverse("priorities:update-return", args=[action.pk, 1])
    response = client.post(return_url, {"reason": "y" * 2001, "version": update.version})
    assert "The reason must be 2,000 characters or fewer: it has 2,001" in response.content.decode()
    with pytest.raises(ValidationError):
        update_return(update=update, user=manager, reason="y" * 2001)
    update.refresh_from_db()
    assert update.state == "submitted"


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_the_database_refuses_too_long_update_text(chair, action, period, field):
    update = ProgressUpdateFactory(action=action, period=period, author=chair)
    setattr(update, field, "z" * (TEXT_LIMITS[field] + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()


def test_a_kpi_note_has_a_limit_in_the_form_the_service_and_the_database(client, chair, action, period):
    kpi = KPIFactory(objective=action.objective, owner=action.lead, kind="report", target=None)
    client.force_login(chair)
    posted = {"answer": "yes", "note": "n" * 2001, "version": "0"}
    response = client.post(reverse("kpis:value-edit", args=[kpi.pk, 1]), posted)
    text = response.content.decode()
    assert "The summary must be 2,000 characters or fewer: it has 2,001" in text and "n" * 2001 in text
    assert 'data-maxlength="2000"' in text
    with pytest.raises(ValidationError):
        kpi_value_save(kpi=kpi, period=period, user=chair, values={"note": "n" * 2001}, expected_version=0)
    assert not KPIValue.objects.exists()
    value = KPIValueFactory(kpi=kpi, period=period)
    value.note = "n" * 2001
    with pytest.raises(IntegrityError), transaction.atomic():
        value.save()
