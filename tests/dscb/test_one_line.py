"""A line break in a one-line box is read as a space (dscb.forms), in every form and in the admin."""

from urllib.parse import urlencode

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse

from dscb.admin_widgets import SentInputAdminMixin
from dscb.forms import Form, OneLineTextMixin
from priorities.models import Action
from tests.project import project_form_classes, project_model_admins


class Note(Form):
    title = forms.CharField(max_length=20)
    email = forms.EmailField(required=False)
    body = forms.CharField(widget=forms.Textarea)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Head of\nQuality", "Head of Quality"),
        ("Head of \r\n  Quality", "Head of Quality"),
        ("Head of\n\n\nQuality", "Head of Quality"),
        ("Head of  Quality", "Head of  Quality"),
        ("\nHead\n", "Head"),
    ],
)
def test_a_line_break_in_a_one_line_box_is_a_space(typed, read):
    sent = QueryDict(urlencode({"title": typed, "body": "One\nTwo", "secret": "a\nb"}))
    form = Note(sent)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == read
    # A text area keeps its lines, and a password is what was typed.
    assert form.cleaned_data["body"] == "One\nTwo"
    assert form.cleaned_data["secret"] == "a\nb"
    assert sent["title"] == typed  # the request's own data is left as it came


def test_what_is_checked_is_what_is_shown_again():
    """The box's length is checked on the text as it is kept, and a refused form shows that text."""
    form = Note(
        {"note-title": "Nineteen letters \r\n  XY", "note-body": "", "note-email": "a@\nexample.org"}, prefix="note"
    )
    assert not form.is_valid()
    assert form["title"].value() == "Nineteen letters XY"  # 19 characters kept of the 23 sent: within the 20
    assert "title" not in form.errors
    assert form["email"].value() == "a@ example.org" and "email" in form.errors
    assert "body" in form.errors


def test_every_form_of_the_project_reads_a_one_line_box_on_one_line():
    classes = project_form_classes()
    assert len(classes) >= 30
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, OneLineTextMixin)] == []


def test_every_admin_page_of_the_project_reads_what_is_sent_as_the_forms_do(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    checked = []
    for model, model_admin in project_model_admins():
        assert isinstance(model_admin, SentInputAdminMixin), type(model_admin).__name__
        for owner in [model_admin, *model_admin.get_inline_instances(request)]:
            made = owner.get_form(request) if owner is model_admin else owner.get_formset(request).form
            checked.append(f"{model.__name__}: {type(owner).__name__}")
            assert issubclass(made, OneLineTextMixin), checked[-1]
    assert len(checked) >= 40


@pytest.mark.django_db
def test_the_admin_keeps_a_title_pasted_from_word_on_one_line(admin_client, demo):
    """Word's manual line break (a vertical tab) in the lead officer's box is a space; in the action's text, a
    line break."""
    action = Action.objects.get(ref="1.1.1")
    url = reverse("admin:priorities_action_change", args=[action.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(lead_officer="Head of\vSafeguarding", text="Produce practice standards\vby March", co_leads=[])
    data.update(supporting=[])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.lead_officer == "Head of Safeguarding"
    assert action.text == "Produce practice standards\nby March"
    assert 'value="Head of Safeguarding"' in admin_client.get(url).content.decode()
