"""The plan's side of the audits: an objective or KPI linked to a standard, and a KPI computed from a kind of round
(3.3.K1, 3.3.K2), link the summary of the latest round of that kind. Priorities and kpis sit below audits and ask
through their slots (priorities.evidence, kpis.evidence); AuditsConfig.ready() fills them with these."""

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from subgroups.roles import is_board_manager

from .models import AuditMeasure, Return, Round, Standard


def _rounds_seen_by(user):
    """The rounds that have opened and that the user sees, as a filter to use inside one query: the rule of
    access.visible_rounds (a contact sees only their own organisation's rounds) without asking for the user's
    returns first. The manager check is cached on the user, already asked by the page to find its plan."""
    rounds = Round.objects.filter(opens_on__lte=timezone.localdate())
    if is_board_manager(user):
        return rounds
    theirs = Return.objects.filter(Q(contact=user) | Q(substitute=user))
    return rounds.filter(~Exists(theirs) | Exists(theirs.filter(round=OuterRef("pk"))))


def _latest(rounds, kind):
    return rounds.filter(kind=kind).order_by("-closes_on", "-pk")


def _link(round_pk, title):
    return (title, reverse("audits:round-detail", args=[round_pk]))


def objective_audit_links(objective_ids, user):
    """{objective id: [(round title, address)]}: for each objective linked to a standard, the latest round of that
    standard's kind, one link per kind. One query, however many objectives, standards and rounds."""
    if not user.is_authenticated:
        return {}
    latest = _latest(_rounds_seen_by(user), OuterRef("kind"))
    rows = (
        Standard.objectives.through.objects.filter(objective_id__in=objective_ids)
        .annotate(kind=F("standard__framework__kind"))
        .annotate(round_pk=Subquery(latest.values("pk")[:1]), round_title=Subquery(latest.values("title")[:1]))
        .values_list("objective_id", "kind", "round_pk", "round_title")
        .order_by("objective_id", "kind")
        .distinct()
    )
    links = {}
    for objective_id, _, round_pk, title in rows:
        if round_pk is not None:
            links.setdefault(objective_id, []).append(_link(round_pk, title))
    return links


def kpi_audit_links(kpi, user):
    """[(round title, address)]: the latest round of each kind the KPI is computed from (3.3.K1, 3.3.K2) or gives
    evidence for through a linked standard, one link per kind. One query."""
    if not user.is_authenticated:
        return []
    computed_from = AuditMeasure.objects.filter(kpi=kpi).values("kind")
    linked = Standard.kpis.through.objects.filter(kpi=kpi).values("standard__framework__kind")
    latest = _latest(_rounds_seen_by(user), OuterRef("kind"))
    rows = (
        Round.objects.filter(Q(kind__in=computed_from) | Q(kind__in=linked))
        .values("kind")
        .distinct()
        .annotate(round_pk=Subquery(latest.values("pk")[:1]), round_title=Subquery(latest.values("title")[:1]))
        .values_list("kind", "round_pk", "round_title")
        .order_by("kind")
    )
    return [_link(round_pk, title) for _, round_pk, title in rows if round_pk is not None]
