"""The audits' demo data (called by planfile.demo after the meetings' demo made the agencies): a Section 11 round
for 2015/16 with the agencies' returns (one late, one not returned, some moderated, one challenge event) and a
Section 175 round with six schools, each organisation's contact account `contact-<organisation slug>`, and KPIs
3.3.K1 and 3.3.K2 computed from them."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from kpis.models import KPI, KPIValue
from meetings.models import Agency
from priorities.models import Objective

from .models import ChallengeEvent, Criterion, CriterionAnswer, Framework, Organisation, Return, Round
from .services import audit_kpis_update, audit_measure_set

SCHOOLS = [
    ("Oakfield Primary School", "oakfield-primary", "103824", "primary"),
    ("Castle High School", "castle-high", "103871", "secondary"),
    ("Netherton Park Nursery School", "netherton-park-nursery", "103790", "nursery"),
    ("Brook Valley Academy", "brook-valley-academy", "138120", "all_through"),
    ("Sandfields Special School", "sandfields-special", "103895", "special"),
    ("Kates Hill Primary School", "kates-hill-primary", "103812", "primary"),
]
LEFT_OUT = {"lay-members"}  # lay members sit on the Board for no agency: no Section 11 duty
NOT_RETURNED = {"section_11": "crc", "section_175": "sandfields-special"}
LATE = {"section_11": "voluntary-sector"}
MODERATED = {"childrens-services", "police", "acute-trust", "education", "oakfield-primary", "castle-high"}
CHALLENGED = "police"
# Standards that give evidence for the plan's objectives: listening to children for 1.1 (the child's voice),
# inter-agency working and information sharing for 3.3 (the board's own effectiveness).
LINKED_OBJECTIVES = {"section_11": [(3, "1.1"), (7, "3.3"), (8, "3.3")], "section_175": [(8, "1.1")]}
KPI_OF = {"section_11": "3.3.K1", "section_175": "3.3.K2"}
CONTACT_NAMES = [
    ("Alison", "Reeves"),
    ("Bilal", "Aziz"),
    ("Carmen", "Lopez"),
    ("Derek", "Hollis"),
    ("Esther", "Mwangi"),
    ("Frank", "Oduya"),
    ("Gemma", "Pryce"),
    ("Harun", "Malik"),
    ("Isla", "Conway"),
    ("Jonah", "Webb"),
    ("Kiran", "Bassi"),
    ("Laura", "Nkemelu"),
    ("Martin", "Shaw"),
    ("Nina", "Kowalski"),
    ("Oscar", "Hale"),
    ("Petra", "Lind"),
    ("Quentin", "Ross"),
]


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _score(org_index, criterion_index):
    """Mostly Green, some Amber, the odd Red; the same every load."""
    value = (org_index * 7 + criterion_index * 3) % 11
    return 1 if value == 0 else 2 if value in (1, 5, 8) else 3


def demo_audits_load(*, plan, manager, password):
    """Load the audit demo once; return the contact accounts by username."""
    if Round.objects.filter(is_demo=True).exists():
        return {}
    User = get_user_model()
    since = timezone.now()
    contacts = {}
    organisations = {"section_11": [], "section_175": []}
    for agency in Agency.objects.exclude(slug__in=LEFT_OUT).order_by("name"):
        organisation, _ = Organisation.objects.get_or_create(
            slug=agency.slug, defaults={"name": agency.name, "agency": agency, "is_demo": True}
        )
        organisations["section_11"].append(organisation)
    for name, slug, urn, phase in SCHOOLS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": "school", "urn": urn, "phase": phase, "is_demo": True}
        )
        organisations["section_175"].append(organisation)
    year = plan.starts_on.year
    windows = {
        "section_11": (datetime.date(year, 6, 1), datetime.date(year, 9, 30), f"Section 11 audit {plan.year_label}"),
        "section_175": (datetime.date(year, 6, 1), datetime.date(year, 9, 30), f"Section 175 audit {plan.year_label}"),
    }
    for index, organisation in enumerate(organisations["section_11"] + organisations["section_175"]):
        first, last = CONTACT_NAMES[index % len(CONTACT_NAMES)]
        username = f"contact-{organisation.slug}"
        user, made = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if made:
            user.set_password(password)
            user.save()
        contacts[username] = user
    for kind, organisation_list in organisations.items():
        opens_on, closes_on, title = windows[kind]
        framework = Framework.objects.filter(kind=kind).order_by("version").first()
        round = Round(kind=kind, title=title, framework=framework, opens_on=opens_on, closes_on=closes_on, is_demo=True)
        round._history_user = manager
        round._history_date = _at(opens_on, 9) - datetime.timedelta(days=14)
        round.save()
        criteria = list(Criterion.objects.filter(standard__framework=framework).select_related("standard"))
        for standard_number, objective_ref in LINKED_OBJECTIVES.get(kind, []):
            objective = Objective.objects.filter(priority__plan=plan, ref=objective_ref).first()
            if objective is not None:
                framework.standards.get(number=standard_number).objectives.add(objective)
        for org_index, organisation in enumerate(organisation_list):
            _demo_return(round, organisation, contacts[f"contact-{organisation.slug}"], criteria, org_index, manager)
        kpi = KPI.objects.filter(objective__priority__plan=plan, ref=KPI_OF[kind]).first()
        if kpi is not None:
            audit_measure_set(kpi=kpi, kind=kind, user=manager)
            KPI.history.filter(id=kpi.pk, history_date__gte=since).update(history_date=round._history_date)
            when = round.returns.exclude(submitted_at=None).latest("submitted_at").submitted_at
            when += datetime.timedelta(hours=6)  # worked out that evening
            for value in audit_kpis_update(round=round, user=manager):
                KPIValue.objects.filter(pk=value.pk).update(created_at=when, updated_at=when)
                KPIValue.history.filter(id=value.pk).update(history_date=when, created_at=when, updated_at=when)
    return contacts


def _demo_return(round, organisation, contact, criteria, org_index, manager):
    kind = round.kind
    row = Return(round=round, organisation=organisation, contact=contact, is_demo=True)
    not_returned = NOT_RETURNED.get(kind) == organisation.slug
    late = LATE.get(kind) == organisation.slug
    answered = criteria[: len(criteria) // 2] if not_returned else criteria
    row.state = Return.State.DRAFT if not_returned else Return.State.SUBMITTED
    if not not_returned:
        day = round.closes_on + datetime.timedelta(days=5 if late else -(1 + org_index % 9))
        row.officer_name = f"{contact.first_name} {contact.last_name}"
        row.officer_role = "Headteacher" if kind == "section_175" else "Director, safeguarding lead"
        row.signed_off_at = row.submitted_at = _at(day, 11)
        row.receipt = f"{'S11' if kind == 'section_11' else 'S175'}-DEMO-{organisation.pk:03d}"
    row._history_user = contact
    row._history_date = row.submitted_at or _at(round.closes_on, 16)
    row.save()
    moderated = organisation.slug in MODERATED and not not_returned
    for criterion_index, criterion in enumerate(answered):
        score = _score(org_index, criterion_index)
        answer = CriterionAnswer(
            return_form=row,
            criterion=criterion,
            self_score=score,
            evidence=f"{organisation.name}: {criterion.standard.title.lower()}, evidenced by the 2015 internal audit.",
        )
        if score < 3:
            answer.improvement_area = "Not yet embedded across every team"
            answer.improvement_action = f"Close the gap on {criterion.standard.title.lower()}"
            answer.action_owner = "Safeguarding lead"
            answer.action_due_on = round.closes_on + datetime.timedelta(days=60 + 30 * (criterion_index % 4))
        answer._history_user = contact
        answer._history_date = row._history_date
        answer.save()
        if moderated:  # by the manager, a fortnight after the returns closed
            answer.moderated_score = max(score - 1, 1) if criterion_index % 4 == 0 else score
            if answer.moderated_score != score:
                answer.moderation_note = "The evidence shows the policy, not yet the practice."
            answer._history_user = manager
            answer._history_date = _at(round.closes_on + datetime.timedelta(days=14), 10)
            answer.save()
    if organisation.slug == CHALLENGED:
        event = ChallengeEvent(
            return_form=row,
            held_on=round.closes_on + datetime.timedelta(days=21),
            attended="Helen Morris (board business manager); the agency's safeguarding lead; the QA sub chair",
            outcome="The return was discussed criterion by criterion; two scores were moderated down to Amber.",
            agreed_actions="Supervision audit to be shared with the Quality Assurance sub by January.",
        )
        event._history_user = manager
        event._history_date = _at(event.held_on, 15)
        event.save()
