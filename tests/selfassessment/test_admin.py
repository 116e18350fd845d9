"""The questionnaires in the admin: editable until answered, then read-only, changed by a new version."""

import pytest
from django.urls import reverse

from selfassessment.models import Questionnaire

pytestmark = pytest.mark.django_db


def test_an_answered_questionnaire_is_read_only_and_a_new_version_is_made_from_it(client, board):
    client.force_login(board.users["admin"])
    admin_client = client
    questionnaire = board.window.board_questionnaire
    url = reverse("admin:selfassessment_questionnaire_change", args=[questionnaire.pk])
    before = admin_client.get(url).content.decode()
    assert 'name="questions-0-text"' in before and 'name="title"' in before

    board.answer(0, [4, 4, 4])
    after = admin_client.get(url).content.decode()
    assert 'name="questions-0-text"' not in after and 'name="title"' not in after
    assert "The board does scrutiny well." in after

    changelist = reverse("admin:selfassessment_questionnaire_changelist")
    admin_client.post(changelist, {"action": "make_new_version", "_selected_action": [questionnaire.pk]})
    newer = Questionnaire.objects.get(kind=questionnaire.kind, version=questionnaire.version + 1)
    assert list(newer.questions.values_list("key", flat=True)) == ["scrutiny", "challenge", "impact"]
    assert newer.history.get().history_user.username == "admin"
    editable = admin_client.get(reverse("admin:selfassessment_questionnaire_change", args=[newer.pk])).content.decode()
    assert 'name="questions-0-text"' in editable


def test_the_manager_edits_questionnaires_in_the_admin_but_never_sees_answers(client, board):
    client.force_login(board.users["manager"])
    board.users["manager"].is_staff = True
    board.users["manager"].save()
    assert client.get(reverse("admin:selfassessment_questionnaire_add")).status_code == 200
    change = reverse("admin:selfassessment_questionnaire_change", args=[board.window.board_questionnaire.pk])
    assert client.get(change).status_code == 200
    from django.urls import NoReverseMatch

    for model in ("answer", "response", "invitation"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:selfassessment_{model}_changelist")
