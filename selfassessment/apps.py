from django.apps import AppConfig


class SelfAssessmentConfig(AppConfig):
    """The board's self-assessment: a room of its own beside the risk register and the audits, as its
    questionnaires, windows and answers are a yearly cycle of their own whose privacy rules (totals only, for
    groups large enough; a member's own assessment for them and the chair) no other app should have to know."""

    name = "selfassessment"
    verbose_name = "Board self-assessment"
