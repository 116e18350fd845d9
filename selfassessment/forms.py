from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from dscb.forms import Form
from plans.forms import DayMonthYearField
from plans.models import BusinessPlan
from plans.versioning import STALE_PAGE

from .models import COMMENT_LIMIT, DONT_KNOW, SCALE, Questionnaire

ANSWER_CHOICES = [(str(value), words) for value, words in SCALE] + [(str(DONT_KNOW), "Don't know")]
ACTION_LIMIT = 2000
COMMENT_NEEDS_ANSWER = "Choose an answer for the question you commented on, or choose Don't know"


def _helper(*fields):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


class ResponseForm(Form):
    """A questionnaire's answers: for each question the agreement scale (or don't know) and an optional comment.
    Any question may be left unanswered; only the questionnaire's own questions are read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False, error_messages=STALE_PAGE)

    def __init__(self, *args, questions, answers=None, own=False, **kwargs):
        answers = answers or {}
        comment_hint = (
            "Seen by you and the Board's chair." if own else "Shown only beside the totals, never with your name."
        )
        initial = kwargs.pop("initial", {})
        for question in questions:
            answer = answers.get(question.pk)
            if answer is not None:
                initial[f"q{question.pk}-score"] = str(answer.score)
                initial[f"q{question.pk}-comment"] = answer.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.questions = questions
        layout = [Field("version")]
        for number, question in enumerate(questions, start=1):
            p = f"q{question.pk}-"
            self.fields[p + "score"] = forms.ChoiceField(
                label="Your answer",
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": "Choose one of the answers given"},
            )
            self.fields[p + "comment"] = forms.CharField(
                label="Comment (optional)",
                help_text=comment_hint,
                max_length=COMMENT_LIMIT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"The comment must be {COMMENT_LIMIT} characters or fewer"},
            )
            layout.append(
                Fieldset(
                    Field.radios(p + "score", legend_size=Size.SMALL),
                    Field.textarea(p + "comment", rows=2, max_characters=COMMENT_LIMIT),
                    legend=f"{number}. {question.text}",
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = _helper(*layout)

    def clean(self):
        """A comment needs an answer beside it (Don't know will do): refused by its question, never dropped."""
        cleaned = super().clean()
        for question in self.questions:
            p = f"q{question.pk}-"
            if (
                (cleaned.get(p + "comment") or "").strip()
                and not cleaned.get(p + "score")
                and p + "score" not in self.errors
            ):
                self.add_error(p + "score", COMMENT_NEEDS_ANSWER)
        return cleaned

    def answers(self):
        """{question id: (score or None, comment)} from the cleaned form."""
        found = {}
        for question in self.questions:
            p = f"q{question.pk}-"
            score = self.cleaned_data.get(p + "score")
            found[question.pk] = (
                int(score) if score not in (None, "") else None,
                self.cleaned_data.get(p + "comment", ""),
            )
        return found


NO_FREE_PLAN = (
    "Every plan year already has a self-assessment. Add next year's plan first (the plan is rolled over to the next "
    "year from the plans page), then set up its self-assessment here."
)
NO_QUESTIONNAIRE = "There is no {} questionnaire yet: add one in the admin first."


class WindowForm(Form):
    """Set up a year's self-assessment: the plan, the questionnaires and the dates it is open. Only a plan year without
    a self-assessment can be chosen; `missing` says, in words, what must be added first when nothing can be."""

    year_label = forms.CharField(
        label="Year",
        max_length=20,
        help_text="The year it assesses, as the plan writes it, for example 2016/17",
        error_messages={
            "required": "Enter the year, for example 2016/17",
            "max_length": "The year must be 20 characters or fewer, for example 2016/17",
        },
    )
    plan = forms.ModelChoiceField(
        label="Plan year",
        queryset=BusinessPlan.objects.filter(self_assessment__isnull=True).order_by("-starts_on"),
        empty_label=None,
        help_text="Only the plan years without a self-assessment are listed",
        error_messages={
            "required": "Choose the plan year",
            "invalid_choice": "Choose one of the plan years listed: that one has a self-assessment already",
        },
    )
    board_questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.filter(kind=Questionnaire.Kind.BOARD),
        empty_label=None,
        label="Board effectiveness questionnaire",
        error_messages={
            "required": "Choose the board effectiveness questionnaire",
            "invalid_choice": "Choose one of the board effectiveness questionnaires listed",
        },
    )
    member_questionnaire = forms.ModelChoiceField(
        queryset=Questionnaire.objects.filter(kind=Questionnaire.Kind.MEMBER),
        empty_label=None,
        label="Member's own contribution questionnaire",
        error_messages={
            "required": "Choose the member's own contribution questionnaire",
            "invalid_choice": "Choose one of the member's own contribution questionnaires listed",
        },
    )
    opens_on = DayMonthYearField(name="opening date", label="Opens on", help_text="For example 1 2 2016")
    closes_on = DayMonthYearField(name="closing date", label="Closes on", help_text="For example 29 2 2016")

    def missing(self):
        """What has to be added before a self-assessment can be set up, in words (empty when the form can be used).
        Three small queries."""
        found = []
        if not self.fields["plan"].queryset.exists():
            found.append(NO_FREE_PLAN)
        for name, words in (("board_questionnaire", "board effectiveness"), ("member_questionnaire", "member's own")):
            if not self.fields[name].queryset.exists():
                found.append(NO_QUESTIONNAIRE.format(words))
        return found

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("year_label", field_width=10),
            Field.select("plan"),
            Field.select("board_questionnaire"),
            Field.select("member_questionnaire"),
            Field("opens_on"),
            Field("closes_on"),
        )

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        for name in ("opens_on", "closes_on"):
            day = cleaned.get(name)
            if day is not None and not 2000 <= day.year <= 2099:
                self.add_error(name, "The year must be between 2000 and 2099")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return cleaned


class FindingActionForm(Form):
    """A finding the board chooses to act on, as a plan action under an objective of the plan."""

    question = forms.ChoiceField(label="Finding", error_messages={"required": "Choose the finding"})
    objective = forms.ChoiceField(label="Objective", error_messages={"required": "Choose the objective"})
    text = forms.CharField(
        label="The action",
        max_length=ACTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the action",
            "max_length": f"The action must be {ACTION_LIMIT} characters or fewer",
        },
    )

    def __init__(self, *args, questions, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "Choose a finding")] + [(q.key, q.text) for q in questions]
        self.fields["objective"].choices = [("", "Choose an objective")] + [(str(o.pk), str(o)) for o in objectives]
        self.objectives = {str(o.pk): o for o in objectives}
        self.helper = _helper(Field.select("question"), Field.select("objective"), Field.textarea("text", rows=3))

    def clean_objective(self):
        return self.objectives[self.cleaned_data["objective"]]
