"""Section 11 (agencies) and Section 175 (schools) audits: versioned frameworks of standards and criteria, rounds
run on one framework version, the organisations in scope with their contacts, each organisation's return with its
self-assessment per criterion, the manager's moderation beside it, and the challenge event."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kpis.models import KPI
from meetings.models import Agency
from priorities.models import Objective, text_fits

NAME_LIMIT = 200
TEXT_LIMIT = 4000
LINKS_LIMIT = 2000
SHORT_LIMIT = 120
REASON_LIMIT = 1000
URN_LENGTH = 6


class AuditKind(models.TextChoices):
    SECTION_11 = "section_11", "Section 11"
    SECTION_175 = "section_175", "Section 175"


class Scale(models.TextChoices):
    """How a criterion is scored: Red / Amber / Green (1-3), or 0-3 (0 Not met to 3 Fully met)."""

    RAG = "rag", "Red, Amber, Green"
    ZERO_TO_THREE = "0-3", "0 to 3"


# The words of each score on each scale; the top score counts as "Green" in the results.
SCALE_LEVELS = {
    Scale.RAG: [(1, "Red"), (2, "Amber"), (3, "Green")],
    Scale.ZERO_TO_THREE: [(0, "0 Not met"), (1, "1 Partly met"), (2, "2 Mostly met"), (3, "3 Fully met")],
}
TOP_SCORE = 3


def default_scale():
    """The scale of a new framework version: the AUDIT_SCALE setting."""
    return settings.AUDIT_SCALE


class Framework(models.Model):
    """One version of an audit framework. Rounds point at the version they were run on; a change to the
    framework is a new version, so the rounds already run on the old one stay as they were."""

    kind = models.CharField(max_length=12, choices=AuditKind)
    name = models.CharField(max_length=NAME_LIMIT)
    version = models.PositiveSmallIntegerField(default=1)
    scale = models.CharField(max_length=4, choices=Scale, default=default_scale)
    introduction = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_framework_version_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=["section_11", "section_175"]), name="framework_kind_valid"),
            models.CheckConstraint(condition=Q(scale__in=["rag", "0-3"]), name="framework_scale_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="framework_name_not_blank"),
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_from_1"),
            models.CheckConstraint(condition=text_fits("introduction", TEXT_LIMIT), name="framework_intro_fits"),
        ]

    def __str__(self):
        return f"{self.name}, version {self.version}"

    @property
    def levels(self):
        """(score, label, descriptor) of each score, lowest first."""
        descriptors = {level.score: level.descriptor for level in self.scale_levels.all()}
        return [(score, label, descriptors.get(score, "")) for score, label in SCALE_LEVELS[self.scale]]

    def label_of(self, score):
        return dict(SCALE_LEVELS[self.scale]).get(score, "Not scored")


class ScaleLevel(models.Model):
    """What a score means in this framework version, shown beside its radio."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="scale_levels")
    score = models.PositiveSmallIntegerField()
    descriptor = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "score"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "score"], name="one_descriptor_per_score"),
            models.CheckConstraint(condition=Q(score__lte=TOP_SCORE), name="scale_level_score_in_range"),
            models.CheckConstraint(condition=~Q(descriptor=""), name="scale_level_descriptor_not_blank"),
        ]

    def __str__(self):
        return f"{self.score}: {self.descriptor}"


class Standard(models.Model):
    """A standard of a framework version (for example Section 11's "children's views"), linked to the plan's
    objectives and KPIs it gives evidence for."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=NAME_LIMIT)
    description = models.TextField(blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="audit_standards")
    kpis = models.ManyToManyField(KPI, blank=True, related_name="audit_standards", verbose_name="KPIs")
    history = HistoricalRecords(m2m_fields=[objectives, kpis])

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="one_standard_number_per_framework"),
            models.CheckConstraint(condition=~Q(title=""), name="standard_title_not_blank"),
            models.CheckConstraint(condition=text_fits("description", TEXT_LIMIT), name="standard_description_fits"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Criterion(models.Model):
    """One thing an organisation scores itself on, under a standard."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True, help_text="What evidence would show it, for the person filling it in.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard__number", "number"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="one_criterion_number_per_standard"),
            models.CheckConstraint(condition=~Q(text=""), name="criterion_text_not_blank"),
            models.CheckConstraint(condition=text_fits("text", REASON_LIMIT), name="criterion_text_fits"),
            models.CheckConstraint(condition=text_fits("guidance", TEXT_LIMIT), name="criterion_guidance_fits"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:80]}"

    @property
    def code(self):
        return f"{self.standard.number}.{self.number}"


class Organisation(models.Model):
    """An organisation audited: a partner agency (Section 11), or a school with its URN and phase (Section 175).
    Kept in audits so that the meetings app needs no school fields; an agency's row points at its Agency."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        SCHOOL = "school", "School"

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        PRU = "pru", "Pupil referral unit"
        POST_16 = "post_16", "Post-16"

    name = models.CharField(max_length=NAME_LIMIT, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.AGENCY)
    agency = models.OneToOneField(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_organisation"
    )
    urn = models.CharField(
        "URN",
        max_length=URN_LENGTH,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{6}$", "A URN is 6 digits, for example 103824")],
        help_text="A school's unique reference number (6 digits).",
    )
    phase = models.CharField(max_length=12, choices=Phase.choices, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="organisation_name_not_blank"),
            models.CheckConstraint(condition=Q(kind__in=["agency", "school"]), name="organisation_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="agency", urn="", phase="")
                | (Q(kind="school") & ~Q(phase="") & Exact(Length("urn"), URN_LENGTH)),
                name="a_school_has_urn_and_phase",
            ),
            models.UniqueConstraint(fields=["urn"], condition=~Q(urn=""), name="one_organisation_per_urn"),
        ]

    def __str__(self):
        return self.name


class Round(models.Model):
    """A Section 11 or Section 175 round: one framework version, a return window, the organisations in scope (one
    return each) and the round whose returns pre-fill this one's."""

    kind = models.CharField(max_length=12, choices=AuditKind)
    title = models.CharField(max_length=NAME_LIMIT)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    opens_on = models.DateField("returns open")
    closes_on = models.DateField("returns close")
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_rounds",
        help_text="The round whose returns pre-fill this one's.",
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="audit_rounds_moderated",
        help_text="The moderation panel: besides the board business manager, who moderates this round's returns.",
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-closes_on", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["section_11", "section_175"]), name="round_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="round_title_not_blank"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="round_closes_after_it_opens"),
            models.CheckConstraint(condition=~Q(previous=F("pk")), name="round_not_its_own_previous"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("audits:round-detail", args=[self.pk])


class Return(models.Model):
    """An organisation's return in a round: in scope from the moment it is made (not started), drafted, signed off
    by a named accountable officer, submitted (with a receipt reference), perhaps sent back with a reason, and
    moderated criterion by criterion."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SIGNED_OFF = "signed_off", "Signed off"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Sent back"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="returns")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_returns")
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_returns_as_substitute",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOT_STARTED)
    officer_name = models.CharField("accountable officer", max_length=SHORT_LIMIT, blank=True)
    officer_role = models.CharField("accountable officer's role", max_length=SHORT_LIMIT, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    receipt = models.CharField("receipt reference", max_length=40, blank=True)
    returned_reason = models.TextField("reason sent back", blank=True)
    prefilled_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="prefilled_returns"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_return_per_organisation_per_round"),
            models.CheckConstraint(
                condition=Q(state__in=["not_started", "draft", "signed_off", "submitted", "returned"]),
                name="return_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["signed_off", "submitted"]) | ~Q(officer_name=""),
                name="a_signed_off_return_names_its_officer",
            ),
            models.CheckConstraint(
                condition=~Q(state="submitted") | Q(submitted_at__isnull=False), name="a_submitted_return_is_dated"
            ),
            models.CheckConstraint(condition=text_fits("returned_reason", REASON_LIMIT), name="return_reason_fits"),
            models.CheckConstraint(condition=~Q(substitute=F("contact")), name="substitute_is_not_the_contact"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.round}"

    def get_absolute_url(self):
        return reverse("audits:return-detail", args=[self.round_id, self.organisation_id])

    @property
    def is_received(self):
        return self.submitted_at is not None and self.state == self.State.SUBMITTED

    @property
    def is_late(self):
        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.round.closes_on

    @property
    def is_editable(self):
        return self.state in (self.State.NOT_STARTED, self.State.DRAFT, self.State.RETURNED)


class CriterionAnswer(models.Model):
    """An organisation's answer to one criterion: its self score and evidence, an area for improvement with an
    action, its owner and due date; and the moderated score and note beside it."""

    return_form = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    self_score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    evidence_links = models.TextField(blank=True, help_text="One address a line.")
    improvement_area = models.TextField("area for improvement", blank=True)
    improvement_action = models.TextField("improvement action", blank=True)
    action_owner = models.CharField(max_length=SHORT_LIMIT, blank=True)
    action_due_on = models.DateField("action due by", null=True, blank=True)
    action_done = models.BooleanField(default=False)
    prefilled = models.BooleanField(default=False, help_text="Copied from the previous round's return.")
    moderated_score = models.PositiveSmallIntegerField(null=True, blank=True)
    moderation_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["return_form", "criterion__standard__number", "criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["return_form", "criterion"], name="one_answer_per_criterion"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__lte=TOP_SCORE), name="self_score_in_range"
            ),
            models.CheckConstraint(
                condition=Q(moderated_score__isnull=True) | Q(moderated_score__lte=TOP_SCORE),
                name="moderated_score_in_range",
            ),
            models.CheckConstraint(condition=text_fits("evidence", TEXT_LIMIT), name="evidence_fits"),
            models.CheckConstraint(condition=text_fits("evidence_links", LINKS_LIMIT), name="evidence_links_fit"),
            models.CheckConstraint(condition=text_fits("improvement_area", REASON_LIMIT), name="area_fits"),
            models.CheckConstraint(condition=text_fits("improvement_action", REASON_LIMIT), name="action_fits"),
            models.CheckConstraint(condition=text_fits("moderation_note", REASON_LIMIT), name="moderation_note_fits"),
            models.CheckConstraint(
                condition=Q(improvement_action="") | ~Q(action_owner=""), name="an_improvement_action_has_an_owner"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.code} of {self.return_form}"


class ChallengeEvent(models.Model):
    """The challenge event with an organisation about its return: when, who came, what came of it."""

    return_form = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="challenges")
    held_on = models.DateField()
    attended = models.TextField("who attended")
    outcome = models.TextField()
    agreed_actions = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["return_form", "held_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(attended=""), name="challenge_attended_not_blank"),
            models.CheckConstraint(condition=~Q(outcome=""), name="challenge_outcome_not_blank"),
            models.CheckConstraint(condition=text_fits("attended", REASON_LIMIT), name="challenge_attended_fits"),
            models.CheckConstraint(condition=text_fits("outcome", TEXT_LIMIT), name="challenge_outcome_fits"),
            models.CheckConstraint(condition=text_fits("agreed_actions", TEXT_LIMIT), name="challenge_actions_fit"),
        ]

    def __str__(self):
        return f"Challenge event on {self.held_on:%-d %B %Y} with {self.return_form.organisation}"


class AuditMeasure(models.Model):
    """A KPI computed from the returns of one kind of round (3.3.K1 from Section 11, 3.3.K2 from Section 175):
    returns received / returns expected over the rounds that close in the period."""

    kpi = models.OneToOneField(KPI, on_delete=models.CASCADE, related_name="audit_measure")
    kind = models.CharField(max_length=12, choices=AuditKind)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["section_11", "section_175"]), name="audit_measure_kind_valid")
        ]

    def __str__(self):
        return f"KPI {self.kpi.code}, computed from {self.get_kind_display()} returns"
