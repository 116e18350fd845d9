"""The board's self-assessment: versioned questionnaires (the board's effectiveness, a member's own contribution),
a yearly window with an invitation for each seat on the Board, and the answers.

Who has responded (Invitation.responded_at) is kept apart from what they answered (Response and Answer). The
answers keep no history, as a history row would name who gave them; the questionnaires, windows and invitations
do."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from simple_history.models import HistoricalRecords

from meetings.models import Seat
from plans.models import BusinessPlan
from priorities.models import text_fits
from subgroups.models import Subgroup

TITLE_LIMIT = 200
QUESTION_LIMIT = 300
KEY_LIMIT = 40
COMMENT_LIMIT = 1000
SECRET_LIMIT = 64

DONT_KNOW = 0
SCALE = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
]
SCORE_WORDS = {DONT_KNOW: "Don't know", **dict(SCALE)}


class Questionnaire(models.Model):
    """One version of a questionnaire. Once a window has responses to it, its questions are frozen: a change is a
    new version (selfassessment.services.questionnaire_new_version)."""

    class Kind(models.TextChoices):
        BOARD = "board", "The board's effectiveness"
        MEMBER = "member", "A member's own contribution"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=TITLE_LIMIT)
    introduction = models.TextField(blank=True, help_text="Shown above the questions (at most 1,000 characters).")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_questionnaire_version_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=["board", "member"]), name="questionnaire_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="questionnaire_title_not_blank"),
            models.CheckConstraint(condition=Q(version__gte=1), name="questionnaire_version_from_one"),
            models.CheckConstraint(condition=text_fits("introduction", 1000), name="questionnaire_intro_fits"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    @property
    def is_frozen(self):
        """True once anyone has answered it: its questions may no longer change."""
        return self.responses.exists()


class Question(models.Model):
    """A statement to agree or disagree with. Its key stays the same across versions and years, so that this
    year's answers can be set beside last year's."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField(default=1)
    key = models.SlugField(max_length=KEY_LIMIT, help_text="Stays the same in later versions of the question.")
    text = models.CharField(max_length=QUESTION_LIMIT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="one_question_key_per_questionnaire"),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_blank"),
            models.CheckConstraint(condition=~Q(key=""), name="question_key_not_blank"),
        ]

    def __str__(self):
        return f"{self.order}. {self.text}"


class WindowQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate `invited` and `responded`: invitations, and those answered (counts only, never who)."""
        return self.annotate(
            invited=models.Count("invitations", distinct=True),
            responded=models.Count("invitations", filter=Q(invitations__responded_at__isnull=False), distinct=True),
        )


class Window(models.Model):
    """A year's self-assessment: the questionnaires, the dates it is open, and the body whose seats are invited."""

    year_label = models.CharField("year", max_length=20, help_text="For example 2015/16.")
    plan = models.OneToOneField(
        BusinessPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_assessment",
        help_text="The plan whose objectives its findings become actions of (none for a year before the plans).",
    )
    body = models.ForeignKey(
        Subgroup, on_delete=models.PROTECT, related_name="self_assessments", help_text="The Board: its seats answer."
    )
    board_questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="board_windows")
    member_questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="member_windows")
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When the invitations were made.")
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    objects = WindowQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="window_closes_after_opening"
            ),
            models.CheckConstraint(condition=~Q(year_label=""), name="window_year_not_blank"),
        ]

    def __str__(self):
        return f"Board self-assessment {self.year_label}"

    def get_absolute_url(self):
        return reverse("selfassessment:window-results", args=[self.pk])

    @property
    def year_dates(self):
        """(first, last day) of the year it looks back on: its plan's, else the twelve months to its closing."""
        if self.plan_id:
            return self.plan.starts_on, self.plan.ends_on
        return self.closes_on - datetime.timedelta(days=364), self.closes_on

    def is_open_on(self, day):
        return self.opened_at is not None and self.opens_on <= day <= self.closes_on


class Invitation(models.Model):
    """A seat's invitation to a window, with the secret of its personal link (a seat needs no account). When it
    was answered is kept here; what was answered is not."""

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="invitations")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="self_assessment_invitations")
    secret = models.CharField(max_length=SECRET_LIMIT, unique=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["window", "seat__person_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["window", "seat"], name="one_invitation_per_seat_per_window"),
            models.CheckConstraint(condition=GreaterThanOrEqual(Length("secret"), 32), name="invitation_secret_long"),
        ]

    def __str__(self):
        return f"{self.seat.person_name}, {self.window}"

    def get_absolute_url(self):
        return reverse("selfassessment:respond", args=[self.window_id, self.secret])


class Response(models.Model):
    """One invitation's answers to one questionnaire: answering again edits it."""

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save: a form opened at an older one is refused."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "questionnaire"], name="one_response_per_invitation_per_questionnaire"
            )
        ]

    def __str__(self):
        return f"Response to {self.questionnaire}"


class Answer(models.Model):
    """One question's answer: 1 (strongly disagree) to 5 (strongly agree), or 0 for don't know; a comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(choices=[(DONT_KNOW, "Don't know"), *SCALE])
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question_per_response"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=5), name="answer_score_in_range"),
            models.CheckConstraint(condition=text_fits("comment", COMMENT_LIMIT), name="answer_comment_fits"),
        ]

    def __str__(self):
        return f"{self.question.key}: {SCORE_WORDS.get(self.score, self.score)}"


MIN_GROUP_DEFAULT = 5


def min_group():
    return getattr(settings, "SELF_ASSESSMENT_MIN_GROUP", MIN_GROUP_DEFAULT)
