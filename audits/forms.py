from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.utils.html import format_html

from dscb.forms import Form
from plans.forms import DayMonthYearField
from plans.versioning import STALE_PAGE

from .models import LINKS_LIMIT, REASON_LIMIT, SHORT_LIMIT, TEXT_LIMIT

FIRST_YEAR, LAST_YEAR = 2000, 2099


def _text(label, limit, *, textarea=True, required=False, help_text="", what=None):
    what = what or label.lower()
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput,
        error_messages={
            "max_length": f"The {what} must be {limit} characters or fewer",
            "required": f"Enter the {what}",
        },
    )


def _helper(*fields, button=None, name="save"):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, *([Button(name, button)] if button else []))
    return helper


def _check_year(form, name, day):
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        form.add_error(name, f"The year must be between {FIRST_YEAR} and {LAST_YEAR}")


def score_choices(framework, *, blank):
    choices = [Choice(str(score), label, hint=descriptor) for score, label, descriptor in framework.levels]
    return ([Choice("", "Not scored yet")] if blank else []) + choices


def _named(prefix, messages):
    return [message if message.startswith(prefix) else prefix + message for message in messages]


class ReturnForm(Form):
    """The contact's return: for each criterion, the self score (radios with the scale's descriptors), evidence,
    an area for improvement with an action, its owner and due date. Everything may be left for later (a draft);
    what is typed is bounded and checked."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE)

    def __init__(self, *args, criteria, framework, answers=None, **kwargs):
        answers = answers or {}
        initial = kwargs.pop("initial", {})
        for criterion in criteria:
            answer = answers.get(criterion.pk)
            if answer is not None:
                for name in ("evidence", "evidence_links", "improvement_area", "improvement_action", "action_owner"):
                    initial[f"c{criterion.pk}-{name}"] = getattr(answer, name)
                initial[f"c{criterion.pk}-self_score"] = "" if answer.self_score is None else str(answer.self_score)
                initial[f"c{criterion.pk}-action_due_on"] = answer.action_due_on
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        layout = [Field("version")]
        current_standard = None
        for criterion in criteria:
            p = f"c{criterion.pk}-"
            self.fields[p + "self_score"] = forms.ChoiceField(
                label="Score",
                choices=score_choices(framework, blank=True),
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[p + "evidence"] = _text("Evidence", TEXT_LIMIT, help_text="What you would show an inspector.")
            self.fields[p + "evidence_links"] = _text(
                "Links to evidence (optional)", LINKS_LIMIT, help_text="One address a line.", what="links"
            )
            self.fields[p + "improvement_area"] = _text("Area for improvement", REASON_LIMIT)
            self.fields[p + "improvement_action"] = _text("Improvement action", REASON_LIMIT)
            self.fields[p + "action_owner"] = _text(
                "Who owns the action", SHORT_LIMIT, textarea=False, what="action's owner"
            )
            self.fields[p + "action_due_on"] = DayMonthYearField(
                name="action's due date", label="Action due by", required=False, help_text="For example 31 3 2016"
            )
            if criterion.standard_id != current_standard:
                current_standard = criterion.standard_id
                layout.append(HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', str(criterion.standard))))
            answer = answers.get(criterion.pk)
            marker = (
                '<strong class="govuk-tag govuk-tag--grey">Pre-filled from the previous round</strong>'
                if answer is not None and answer.prefilled
                else ""
            )
            layout.append(
                Fieldset(
                    HTML(format_html('<p class="govuk-body">{}</p>', marker) if marker else ""),
                    HTML(format_html('<p class="govuk-hint">{}</p>', criterion.guidance) if criterion.guidance else ""),
                    Field.radios(p + "self_score"),
                    Field.textarea(p + "evidence", rows=4),
                    Field.textarea(p + "evidence_links", rows=2),
                    Field.textarea(p + "improvement_area", rows=2),
                    Field.textarea(p + "improvement_action", rows=2),
                    Field.text(p + "action_owner", field_width=20),
                    Field(p + "action_due_on"),
                    legend=f"{criterion.code} {criterion.text}",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(*layout)

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            p = f"c{criterion.pk}-"
            _check_year(self, p + "action_due_on", cleaned.get(p + "action_due_on"))
            action, owner = cleaned.get(p + "improvement_action", ""), cleaned.get(p + "action_owner", "")
            if action.strip() and not owner.strip() and p + "action_owner" not in self.errors:
                self.add_error(p + "action_owner", "Name who owns the improvement action")
        self._name_the_criteria()
        return cleaned

    def _name_the_criteria(self):
        """Each criterion's messages say which criterion they are about: the summary lists them far from their boxes,
        and every criterion's boxes have the same labels."""
        for criterion in self.criteria:
            prefix = f"{criterion.code}: "
            for name, errors in self._errors.items():
                if name.startswith(f"c{criterion.pk}-"):
                    self._errors[name] = self.error_class(_named(prefix, errors), renderer=self.renderer)
                    # A date's day, month and year keep their own copies of its messages (crispy-forms-gds).
                    for part in getattr(self.fields[name], "fields", ()):
                        if getattr(part.widget, "errors", None):
                            part.widget.errors = _named(prefix, part.widget.errors)

    def answers(self):
        """{criterion id: {field: value}} from the cleaned data."""
        rows = {}
        for criterion in self.criteria:
            p = f"c{criterion.pk}-"
            score = self.cleaned_data.get(p + "self_score")
            rows[criterion.pk] = {
                "self_score": int(score) if score not in (None, "") else None,
                "evidence": self.cleaned_data.get(p + "evidence", ""),
                "evidence_links": self.cleaned_data.get(p + "evidence_links", ""),
                "improvement_area": self.cleaned_data.get(p + "improvement_area", ""),
                "improvement_action": self.cleaned_data.get(p + "improvement_action", ""),
                "action_owner": self.cleaned_data.get(p + "action_owner", ""),
                "action_due_on": self.cleaned_data.get(p + "action_due_on"),
            }
        return rows


class SubmitForm(Form):
    """Sign-off by a named accountable officer, and submission."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages=STALE_PAGE)
    officer_name = _text(
        "Accountable officer's name",
        SHORT_LIMIT,
        textarea=False,
        required=True,
        what="accountable officer's name",
        help_text="The senior person who signs the return off for the organisation.",
    )
    officer_role = _text("Their role", SHORT_LIMIT, textarea=False, required=False, what="role")
    confirm = forms.BooleanField(
        label="The accountable officer has read the return and signs it off as a true account",
        error_messages={"required": "Confirm that the accountable officer signs the return off"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("version"),
            Field.text("officer_name", field_width=20),
            Field.text("officer_role", field_width=20),
            Field.checkbox("confirm"),
            button="Sign off and submit",
        )


class ModerateForm(Form):
    """The manager's moderated score and note for each criterion, beside the self score."""

    def __init__(self, *args, criteria, framework, answers, **kwargs):
        initial = {}
        for criterion in criteria:
            answer = answers.get(criterion.pk)
            if answer is not None:
                score = answer.moderated_score
                initial[f"c{criterion.pk}-score"] = "" if score is None else str(score)
                initial[f"c{criterion.pk}-note"] = answer.moderation_note
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = [criterion for criterion in criteria if criterion.pk in answers]
        layout = []
        for criterion in self.criteria:
            answer = answers[criterion.pk]
            p = f"c{criterion.pk}-"
            self.fields[p + "score"] = forms.ChoiceField(
                label="Moderated score",
                choices=score_choices(framework, blank=True),
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[p + "note"] = _text("Moderation note", REASON_LIMIT, what="note")
            layout.append(
                Fieldset(
                    HTML(
                        format_html(
                            '<p class="govuk-body">Self score: <strong>{}</strong></p>',
                            framework.label_of(answer.self_score),
                        )
                    ),
                    Field.radios(p + "score", inline=True),
                    Field.textarea(p + "note", rows=2),
                    legend=f"{criterion.code} {criterion.text}",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(*layout, button="Save moderation")

    def scores(self):
        rows = {}
        for criterion in self.criteria:
            p = f"c{criterion.pk}-"
            score = self.cleaned_data.get(p + "score")
            rows[criterion.pk] = (
                int(score) if score not in (None, "") else None,
                self.cleaned_data.get(p + "note", ""),
            )
        return rows


class SendBackForm(Form):
    reason = _text(
        "Why it is sent back",
        REASON_LIMIT,
        required=True,
        what="reason",
        help_text="The contact sees this, changes the return and submits it again.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", rows=3), button="Send the return back", name="send-back")


class ChallengeForm(Form):
    held_on = DayMonthYearField(name="date of the challenge event", label="Date", help_text="For example 20 1 2016")
    attended = _text("Who attended", REASON_LIMIT, required=True, what="people who attended")
    outcome = _text("Outcome", TEXT_LIMIT, required=True)
    agreed_actions = _text("Agreed actions (optional)", TEXT_LIMIT, what="agreed actions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("held_on"),
            Field.textarea("attended", rows=2),
            Field.textarea("outcome", rows=3),
            Field.textarea("agreed_actions", rows=3),
            button="Record the challenge event",
            name="record-challenge",
        )

    def clean(self):
        cleaned = super().clean()
        _check_year(self, "held_on", cleaned.get("held_on"))
        return cleaned
