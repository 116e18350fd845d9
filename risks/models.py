"""The risk register: the board's risks at Board and Safeguarding Executive level (a subgroup may hold its own),
each scored before and with its controls and at its target, with the controls in place, dated reviews (at a meeting
or not) and escalation to the Board. Scores are likelihood 1-5 x impact 1-5; the band comes from risks.matrix."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kpis.models import KPI
from meetings.models import Agency, Meeting
from priorities.models import Action, Objective, text_fits
from subgroups.models import Subgroup

from .matrix import band_of

TITLE_LIMIT = 200
TEXT_LIMIT = 2000
NAME_LIMIT = 120
REFERENCE_LIMIT = 12


def score_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 to 5."
    )


def score_in_range(prefix):
    return models.CheckConstraint(
        condition=Q(**{f"{prefix}_likelihood__gte": 1, f"{prefix}_likelihood__lte": 5})
        & Q(**{f"{prefix}_impact__gte": 1, f"{prefix}_impact__lte": 5}),
        name=f"risk_{prefix}_score_in_range",
    )


class Score:
    """A likelihood x impact score and its band."""

    def __init__(self, likelihood, impact):
        self.likelihood = likelihood
        self.impact = impact

    @property
    def value(self):
        return self.likelihood * self.impact

    @property
    def band(self):
        return band_of(self.likelihood, self.impact)

    def __eq__(self, other):
        return isinstance(other, Score) and (self.likelihood, self.impact) == (other.likelihood, other.impact)

    def __hash__(self):
        return hash((self.likelihood, self.impact))

    def __str__(self):
        return f"{self.likelihood} x {self.impact} = {self.value} ({self.band.label})"


class Risk(models.Model):
    class Level(models.TextChoices):
        BOARD = "board", "Board"
        EXECUTIVE = "executive", "Safeguarding Executive"
        SUBGROUP = "subgroup", "Subgroup"

    class Category(models.TextChoices):
        PRACTICE = "practice", "Safeguarding practice"
        PARTNERSHIP = "partnership", "Partnership and governance"
        WORKFORCE = "workforce", "Workforce and capacity"
        RESOURCES = "resources", "Funding and resources"
        INFORMATION = "information", "Information sharing"
        REPUTATION = "reputation", "Reputation and assurance"

    class Treatment(models.TextChoices):
        TREAT = "treat", "Treat"
        TOLERATE = "tolerate", "Tolerate"
        TRANSFER = "transfer", "Transfer"
        TERMINATE = "terminate", "Terminate"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(
        max_length=REFERENCE_LIMIT,
        unique=True,
        validators=[RegexValidator(r"^R[1-9][0-9]{0,4}$", "A reference is R and a number, for example R7.")],
        help_text="R and a number, as the board numbers its risks, for example R7.",
    )
    number = models.PositiveIntegerField(editable=False, help_text="The number in the reference, for sorting.")
    title = models.CharField(max_length=TITLE_LIMIT)
    cause = models.TextField(help_text="Because of ... (the cause).")
    event = models.TextField(help_text="There is a risk that ... (the event).")
    effect = models.TextField(help_text="Which would mean ... (the effect on children and the board).")
    category = models.CharField(max_length=12, choices=Category.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.EXECUTIVE)
    lead_body = models.ForeignKey(
        Subgroup,
        on_delete=models.PROTECT,
        related_name="risks",
        help_text="The body that holds the risk: the Board, the Safeguarding Executive or a subgroup.",
    )
    owner_name = models.CharField("owner", max_length=NAME_LIMIT, help_text="The person who owns the risk.")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_risks",
        help_text="The owner's account, if they have one.",
    )
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_risks", verbose_name="agency"
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="risks")
    actions = models.ManyToManyField(Action, blank=True, related_name="risks")
    kpis = models.ManyToManyField(KPI, blank=True, related_name="risks", verbose_name="KPIs")
    treatment = models.CharField(max_length=10, choices=Treatment.choices, default=Treatment.TREAT)
    inherent_likelihood = score_field("inherent likelihood")
    inherent_impact = score_field("inherent impact")
    current_likelihood = score_field("current likelihood")
    current_impact = score_field("current impact")
    target_likelihood = score_field("target likelihood")
    target_impact = score_field("target impact")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField("why it was closed", blank=True)
    opened_on = models.DateField("added to the register")
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    next_review_on = models.DateField(
        editable=False, help_text="From the last review (or the date it was added) and its current band."
    )
    is_escalated = models.BooleanField("escalated to the Board", default=False, editable=False)
    review_suggested = models.TextField(
        blank=True,
        editable=False,
        help_text="Why a review is suggested (a linked KPI turned Red, a linked action Red or past due); "
        "cleared by the next review.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised by every save: a form opened at an older one is refused."
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[objectives, actions, kpis])

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="risk_title_not_blank"),
            models.CheckConstraint(condition=Q(level__in=["board", "executive", "subgroup"]), name="risk_level_valid"),
            models.CheckConstraint(
                condition=Q(
                    category__in=["practice", "partnership", "workforce", "resources", "information", "reputation"]
                ),
                name="risk_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(treatment__in=["treat", "tolerate", "transfer", "terminate"]), name="risk_treatment_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="risk_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_on__isnull=False) & ~Q(closed_reason="")),
                name="a_closed_risk_has_a_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_escalated=False) | Q(level="executive"), name="only_executive_risks_are_escalated"
            ),
            score_in_range("inherent"),
            score_in_range("current"),
            score_in_range("target"),
            *[
                models.CheckConstraint(condition=text_fits(name, TEXT_LIMIT), name=f"risk_{name}_fits")
                for name in ["cause", "event", "effect", "closed_reason", "review_suggested"]
            ],
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        if self.reference and self.reference[1:].isdigit():
            self.number = int(self.reference[1:])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("risks:risk-detail", args=[self.reference])

    @property
    def inherent(self):
        return Score(self.inherent_likelihood, self.inherent_impact)

    @property
    def current(self):
        return Score(self.current_likelihood, self.current_impact)

    @property
    def target(self):
        return Score(self.target_likelihood, self.target_impact)

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class Control(models.Model):
    """What is in place to reduce a risk, who owns it and how well it works."""

    class Effectiveness(models.TextChoices):
        EFFECTIVE = "effective", "Effective"
        PARTLY = "partly", "Partly effective"
        NOT_EFFECTIVE = "not_effective", "Not effective"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    description = models.TextField()
    owner = models.CharField(max_length=NAME_LIMIT, blank=True)
    effectiveness = models.CharField(max_length=14, choices=Effectiveness.choices, default=Effectiveness.PARTLY)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="control_description_not_blank"),
            models.CheckConstraint(condition=text_fits("description", TEXT_LIMIT), name="control_description_fits"),
            models.CheckConstraint(
                condition=Q(effectiveness__in=["effective", "partly", "not_effective"]),
                name="control_effectiveness_valid",
            ),
        ]

    def __str__(self):
        return self.description[:80]


class Review(models.Model):
    """A risk looked at on a date, at a meeting or not: the current score then, which way it moved, and a comment.
    "Reviewed, no change" is a review."""

    class Direction(models.TextChoices):
        UP = "up", "Up"
        DOWN = "down", "Down"
        SAME = "same", "No change"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("date of the review")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_reviews",
        help_text="The meeting it was reviewed at, if any.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_reviews", verbose_name="reviewed by"
    )
    likelihood = score_field("current likelihood")
    impact = score_field("current impact")
    direction = models.CharField("direction of travel", max_length=4, choices=Direction.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "reviewed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="review_score_in_range",
            ),
            models.CheckConstraint(condition=Q(direction__in=["up", "down", "same"]), name="review_direction_valid"),
            models.CheckConstraint(condition=text_fits("comment", TEXT_LIMIT), name="review_comment_fits"),
        ]

    def __str__(self):
        return f"{self.risk.reference} reviewed {self.reviewed_on:%-d %B %Y}"

    @property
    def score(self):
        return Score(self.likelihood, self.impact)


class Escalation(models.Model):
    """A Safeguarding Executive risk escalated to the Board, or de-escalated back: when, why and by whom."""

    class Kind(models.TextChoices):
        ESCALATED = "escalated", "Escalated to the Board"
        DEESCALATED = "deescalated", "De-escalated"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField("date")
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_escalations")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["escalated", "deescalated"]), name="escalation_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="escalation_reason_not_blank"),
            models.CheckConstraint(condition=text_fits("reason", TEXT_LIMIT), name="escalation_reason_fits"),
        ]

    def __str__(self):
        return f"{self.risk.reference} {self.get_kind_display().lower()} on {self.on:%-d %B %Y}"
