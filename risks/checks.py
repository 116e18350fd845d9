from django.conf import settings
from django.core.checks import Error, register

from .matrix import matrix_problems


@register()
def risk_matrix_check(app_configs, **kwargs):
    """The risk matrix and review frequencies in settings are whole and use known bands."""
    return [
        Error(problem, id="risks.E001")
        for problem in matrix_problems(settings.RISK_MATRIX, settings.RISK_REVIEW_MONTHS)
    ]
