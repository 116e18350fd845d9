"""The plan's side of the audits: an objective or KPI linked to a standard, and a KPI computed from a kind of round
(3.3.K1, 3.3.K2), link the summary of the latest round of that kind. Priorities and kpis sit below audits and ask
through their slots (priorities.evidence, kpis.evidence); AuditsConfig.ready() fills them with these."""

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from dscb.prepared import PreparedQuery
from subgroups.roles import is_board_manager

from .models import AuditMeasure, Return, Round, Standard


def _rounds_seen_by(manager, user_id, today):
    """The rounds that have opened by `today` and that the user sees, as a filter to use inside one query: the rule
    of access.visible_rounds (a contact sees only their own organisation's rounds) without asking for the user's
    returns first."""
    rounds = Round.objects.filter(opens_on__lte=today)
    if manager:
        return rounds
    theirs = Return.objects.filter(Q(contact=user_id) | Q(substitute=user_id))
    return rounds.filter(~Exists(theirs) | Exists(theirs.filter(round=OuterRef("pk"))))


def _latest(rounds, kind):
    return rounds.filter(kind=kind).order_by("-closes_on", "-pk")


def _link(round_pk, title):
    return (title, reverse("audits:round-detail", args=[round_pk]))


@PreparedQuery
def _objective_link_rows(manager, *, objective_ids, today, user_id=None):
    latest = _latest(_rounds_seen_by(manager, user_id, today), OuterRef("kind"))
    return (
        Standard.objectives.through.objects.filter(objective_id__in=objective_ids)
        .annotate(kind=F("standard__framework__kind"))
        .annotate(round_pk=Subquery(latest.values("pk")[:1]), round_title=Subquery(latest.values("title")[:1]))
        .values_list("objective_id", "kind", "round_pk", "round_title")
        .order_by("objective_id", "kind")
        .distinct()
    )


def objective_audit_links(objective_ids, user):
    """{objective id: [(round title, address)]}: for each objective linked to a standard, the latest round of that
    standard's kind, one link per kind. One query, however many objectives, standards and rounds, built once per
    process for each number of objectives (dscb.prepared): the plan page asks it on every view. The manager check
    is cached on the user, already asked by the page to find its plan."""
    if not user.is_authenticated:
        return {}
    manager = is_board_manager(user)
    rows = _objective_link_rows.rows(
        manager,
        objective_ids=list(objective_ids),
        today=timezone.localdate(),
        **({} if manager else {"user_id": user.pk}),
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
    latest = _latest(_rounds_seen_by(is_board_manager(user), user.pk, timezone.localdate()), OuterRef("kind"))
    rows = (
        Round.objects.filter(Q(kind__in=computed_from) | Q(kind__in=linked))
        .values("kind")
        .distinct()
        .annotate(round_pk=Subquery(latest.values("pk")[:1]), round_title=Subquery(latest.values("title")[:1]))
        .values_list("kind", "round_pk", "round_title")
        .order_by("kind")
    )
    return [_link(round_pk, title) for _, round_pk, title in rows if round_pk is not None]
