"""The plan tells the risk register when a linked risk wants looking at: a KPI value saved Red, or a progress update
submitted Red, flags each open risk linked to it "review suggested" (risks.services), until its next review."""

from django.db.models.signals import post_save

from kpis.models import KPIValue
from priorities.models import ProgressUpdate, Status

from .models import Risk
from .services import risk_review_suggest


def _period_words(period):
    return f"period {period.number} ({period.label})"


def kpi_value_saved(sender, instance, raw=False, **kwargs):
    """Receiver of post_save for a KPI value: Red against its target flags the open risks linked to its KPI. A value
    whose KPI is at hand and not Red costs no query."""
    if raw:
        return
    if instance._state.fields_cache.get("kpi") is not None and not _is_red(instance):
        return
    risks = list(Risk.objects.filter(kpis=instance.kpi_id, status=Risk.Status.OPEN))
    if not risks or not _is_red(instance):
        return
    reason = f"KPI {instance.kpi.code} was Red in {_period_words(instance.period)}"
    for risk in risks:
        risk_review_suggest(risk=risk, reason=reason, user=instance.entered_by)


def _is_red(value):
    rating = value.rating
    return rating is not None and rating.code == "red"


def progress_update_saved(sender, instance, raw=False, **kwargs):
    """Receiver of post_save for a progress update: submitted Red flags the open risks linked to its action."""
    if raw or instance.state != ProgressUpdate.State.SUBMITTED or instance.status != Status.RED:
        return
    risks = list(Risk.objects.filter(actions=instance.action_id, status=Risk.Status.OPEN))
    if not risks:
        return
    reason = f"Action {instance.action.code} was Red in {_period_words(instance.period)}"
    for risk in risks:
        risk_review_suggest(risk=risk, reason=reason, user=instance.author)


def connect():
    post_save.connect(kpi_value_saved, sender=KPIValue, dispatch_uid="risks.kpi_value_saved")
    post_save.connect(progress_update_saved, sender=ProgressUpdate, dispatch_uid="risks.progress_update_saved")
