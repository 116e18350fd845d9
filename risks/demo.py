"""The demo's risk register: eight risks drawn from the 2015/16 plan's own concerns, at Board and Safeguarding
Executive level, reviewed at the Safeguarding Executive meetings of periods 1 to 3, one escalated to the Board and
one linked to an action that went Red. Loaded by planfile's demo, which sits above this app.

Every row is dated in the plan year, as if the board business manager had kept the register as the year went: the
risks added on the plan's first morning, each review and each change of score on the evening of its meeting, so
that the heat map "as at" an earlier date shows the scores then.
"""

import datetime

from django.utils import timezone

from dscb.history import links_recorded, links_set
from kpis.models import KPI
from meetings.models import Meeting, Seat
from priorities.models import Action, Objective
from subgroups.models import Subgroup

from .matrix import band_of
from .models import Control, Escalation, Review, Risk
from .schedule import next_review_on

BOARD = "dscb"
EXECUTIVE = "safeguarding-executive"
REVIEWED_IN = (1, 2, 3)  # the periods whose Safeguarding Executive meeting reviewed the register
ESCALATED = "R4"
ESCALATED_AT = 2  # the period whose meeting escalated it
ESCALATION_REASON = (
    "Partners' contributions for 2016/17 are not agreed and the Safeguarding Executive cannot settle them: the "
    "Board is asked to take it up with the chief officers."
)
# The risk flagged for review by a linked KPI whose period 4 figure, entered after the last review, is Red.
SUGGESTED = {"R3": ("3.3.K4", 4)}

C = Control.Effectiveness
# Each risk: reference, level, lead body, title, cause, event, effect, category, owner (a demo seat's person),
# treatment, inherent, score when added, target, the score at each review (periods 1 to 3) with its comment, the
# plan's objectives, actions and KPIs it is linked to, and its controls (what, owner, how effective).
RISKS = [
    {
        "reference": "R1",
        "level": Risk.Level.EXECUTIVE,
        "title": "Child sexual exploitation not identified early",
        "cause": "Because the signs of child sexual exploitation are not yet recognised consistently across "
        "agencies, and return interviews for children who go missing are not always held within 72 hours,",
        "event": "there is a risk that children being sexually exploited are not identified early",
        "effect": "which would leave them exposed to serious harm and the board unable to show an effective "
        "multi-agency response to one of its key risks.",
        "category": Risk.Category.PRACTICE,
        "owner": "Lisa Moran",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (5, 5),
        "opened": (4, 4),
        "target": (2, 4),
        "reviews": [
            ((4, 4), "CSE strategy drafted; return interviews within 72 hours still below target."),
            ((3, 4), "CSE screening tool in use by all partners; likelihood reduced."),
            ((3, 4), "Reviewed, no change: return interviews still short of target."),
        ],
        "objectives": ["1.2"],
        "actions": ["1.2.1"],
        "kpis": ["1.2.K2", "1.2.K3"],
        "controls": [
            ("Multi-agency CSE panel meets monthly and tracks every child identified at risk.", "Lisa Moran", C.PARTLY),
            ("CSE screening tool used by all partner agencies.", "Vulnerable Children strategic group", C.EFFECTIVE),
            ("Return interviews for missing children commissioned within 72 hours.", "David Clarke", C.NOT_EFFECTIVE),
        ],
    },
    {
        "reference": "R2",
        "level": Risk.Level.EXECUTIVE,
        "title": "Early help lead officer post vacant",
        "cause": "Because the lead officer post for early help has been vacant since the summer and no cover has "
        "been agreed,",
        "event": "there is a risk that the pathway of safeguarding services and the early help offer are not "
        "delivered this year",
        "effect": "which would mean children and families do not get support at the earliest opportunity and "
        "needs escalate to statutory services.",
        "category": Risk.Category.WORKFORCE,
        "owner": "David Clarke",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (4, 4),
        "opened": (2, 3),
        "target": (2, 3),
        "reviews": [
            ((2, 3), "Reviewed, no change: the post holder is in place and the pathway is on track."),
            ((3, 3), "The post holder has left; recruitment has begun. Likelihood raised."),
            ((4, 4), "Post still vacant and the pathway action is Red: no cover agreed."),
        ],
        "objectives": ["2.3"],
        "actions": ["2.3.1"],
        "kpis": ["2.3.K1"],
        "controls": [
            (
                "Recruitment to the lead officer post, with interim cover from the early help team.",
                "David Clarke",
                C.NOT_EFFECTIVE,
            ),
            ("Early help update reported to the Board every six months.", "Safeguarding Executive", C.PARTLY),
        ],
    },
    {
        "reference": "R3",
        "level": Risk.Level.BOARD,
        "title": "Partner agencies do not attend the Board and its groups",
        "cause": "Because some partner agencies send apologies or no one to the Board, the Safeguarding Executive "
        "and the subgroups,",
        "event": "there is a risk that decisions are taken without the agencies that must carry them out",
        "effect": "which would weaken the partnership's accountability and the board's challenge to partners.",
        "category": Risk.Category.PARTNERSHIP,
        "owner": "Margaret Ellis",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (4, 3),
        "opened": (3, 3),
        "target": (2, 3),
        "reviews": [
            ((3, 3), "Reviewed, no change: attendance just under 100%."),
            ((4, 3), "Probation absent from the Safeguarding Executive twice running; the Chair to write."),
            ((4, 3), "Reviewed, no change: probation absent again; the Chair has written to the agency."),
        ],
        "objectives": ["3.3"],
        "actions": ["3.3.5"],
        "kpis": ["3.3.K4"],
        "controls": [
            ("Attendance reported to every Board meeting by agency.", "Helen Morris", C.EFFECTIVE),
            ("The Chair writes to any agency absent from two meetings in a row.", "Margaret Ellis", C.PARTLY),
            ("Named deputies for every seat on the Board.", "Margaret Ellis", C.PARTLY),
        ],
    },
    {
        "reference": "R4",
        "level": Risk.Level.EXECUTIVE,
        "title": "Partner funding for the board not agreed",
        "cause": "Because partners' budgets are under pressure and contributions to the board are agreed a year "
        "at a time,",
        "event": "there is a risk that the board's budget for 2016/17 is not agreed in time",
        "effect": "which would mean cutting the business unit, training and case reviews the board must carry out.",
        "category": Risk.Category.RESOURCES,
        "owner": "Anita Shah",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (4, 4),
        "opened": (3, 4),
        "target": (2, 3),
        "reviews": [
            ((3, 4), "Reviewed, no change: contributions for 2015/16 received."),
            ((4, 4), "Two partners have said they cannot confirm 2016/17 contributions. Escalated to the Board."),
            ((4, 4), "Reviewed, no change: with the Board."),
        ],
        "objectives": ["3.3"],
        "actions": ["3.3.5"],
        "kpis": [],
        "controls": [
            ("Funding formula agreed by the statutory partners.", "Anita Shah", C.PARTLY),
            ("Budget monitored at each Safeguarding Executive.", "Helen Morris", C.EFFECTIVE),
        ],
    },
    {
        "reference": "R5",
        "level": Risk.Level.EXECUTIVE,
        "title": "Information not shared in the MASH",
        "cause": "Because the information sharing protocol and thresholds are not yet understood by every agency "
        "in the Multi-Agency Safeguarding Hub,",
        "event": "there is a risk that information about a child is not shared in time",
        "effect": "which would mean a child at risk of harm is not protected, or a family is drawn into "
        "statutory services it does not need.",
        "category": Risk.Category.INFORMATION,
        "owner": "Imran Hussain",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (4, 5),
        "opened": (3, 4),
        "target": (2, 3),
        "reviews": [
            ((3, 4), "Reviewed, no change: protocol being rewritten."),
            ((3, 3), "Protocol and thresholds relaunched; impact reduced."),
            ((2, 3), "Briefings held for all partners; referrals to single assessment on target."),
        ],
        "objectives": ["2.1", "2.2"],
        "actions": ["2.1.2", "2.2.1", "2.2.4"],
        "kpis": ["2.2.K3", "2.2.K4"],
        "controls": [
            ("Information sharing protocol and thresholds relaunched.", "Safeguarding Executive", C.EFFECTIVE),
            ("Multi-agency briefing sessions on the protocol.", "Workforce Development strategic group", C.PARTLY),
            ("MASH dashboard reported to the Safeguarding Executive.", "Imran Hussain", C.EFFECTIVE),
        ],
    },
    {
        "reference": "R6",
        "level": Risk.Level.EXECUTIVE,
        "title": "Neglect not recognised and acted on",
        "cause": "Because thresholds for neglect are applied differently across agencies and the neglect "
        "strategy is not yet embedded,",
        "event": "there is a risk that children living with neglect are not recognised early",
        "effect": "which would mean long-term harm to those children and repeat referrals.",
        "category": Risk.Category.PRACTICE,
        "owner": "Jo Whitfield",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (4, 4),
        "opened": (3, 4),
        "target": (2, 4),
        "reviews": [
            ((3, 4), "Reviewed, no change."),
            ((3, 4), "Reviewed, no change: neglect strategy out for consultation."),
            ((3, 5), "Neglect strategy delayed (Amber); a case review has found neglect missed. Impact raised."),
        ],
        "objectives": ["1.2"],
        "actions": ["1.2.3"],
        "kpis": ["1.2.K4"],
        "controls": [
            ("Neglect strategy and toolkit for practitioners.", "Vulnerable Children strategic group", C.PARTLY),
            ("Multi-agency audit of neglect cases.", "Quality Assurance sub", C.PARTLY),
        ],
    },
    {
        "reference": "R7",
        "level": Risk.Level.BOARD,
        "title": "The board cannot assure itself of agencies' safeguarding",
        "cause": "Because Section 11 and Section 175 audits are not completed by every agency and school,",
        "event": "there is a risk that the board cannot show how well partners fulfil their safeguarding duties",
        "effect": "which would lead to a poor inspection finding and weaknesses going unchallenged.",
        "category": Risk.Category.REPUTATION,
        "owner": "Rachel Turner",
        "treatment": Risk.Treatment.TREAT,
        "inherent": (4, 4),
        "opened": (3, 4),
        "target": (2, 3),
        "reviews": [
            ((3, 4), "Reviewed, no change: audit rounds under way."),
            ((3, 3), "Quality assurance framework agreed; most agencies' Section 11 returns in."),
            ((3, 3), "Reviewed, no change: Section 175 returns still short of target."),
        ],
        "objectives": ["3.3"],
        "actions": ["3.3.1"],
        "kpis": ["3.3.K1", "3.3.K2"],
        "controls": [
            ("Quality assurance framework with a yearly audit timetable.", "Rachel Turner", C.EFFECTIVE),
            ("Reminders and chasers to agencies and schools that have not returned.", "Helen Morris", C.PARTLY),
        ],
    },
    {
        "reference": "R8",
        "level": Risk.Level.BOARD,
        "title": "The public and practitioners do not recognise harm",
        "cause": "Because parents, carers and communities know little of the board and where to raise a concern,",
        "event": "there is a risk that children at risk of harm are not recognised and reported",
        "effect": "which would mean harm continues unseen.",
        "category": Risk.Category.PRACTICE,
        "owner": "Owen Lloyd",
        "treatment": Risk.Treatment.TOLERATE,
        "inherent": (3, 4),
        "opened": (2, 4),
        "target": (1, 3),
        "reviews": [
            ((2, 4), "Reviewed, no change."),
            ((2, 3), "Awareness campaign and the new website launched."),
            ((2, 3), "Reviewed, no change."),
        ],
        "objectives": ["3.1"],
        "actions": ["3.1.1", "3.1.2"],
        "kpis": [],
        "controls": [
            ("Public awareness campaign through social media and events.", "Communication sub", C.EFFECTIVE),
            ("Dudley safeguarding website with how to raise a concern.", "Communication sub", C.PARTLY),
        ],
    },
]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _next_review_on(day, likelihood, impact):
    return next_review_on(day, band_of(likelihood, impact))


def _direction(before, after):
    before, after = before[0] * before[1], after[0] * after[1]
    if after > before:
        return Review.Direction.UP
    return Review.Direction.DOWN if after < before else Review.Direction.SAME


def _saved(row, *, user, when):
    row._history_user = user
    row._history_date = when
    row.save()


def demo_risks(*, plan, periods, users):
    """The demo's eight risks with their controls, reviews and escalation, dated in the plan year; once, and not
    over a register that already uses the demo's references."""
    if Risk.objects.filter(reference__in=[spec["reference"] for spec in RISKS]).exists():
        return []
    bodies = Subgroup.objects.in_bulk([BOARD, EXECUTIVE], field_name="slug")
    meetings = {
        meeting.period.number: meeting
        for meeting in Meeting.objects.filter(body__slug=EXECUTIVE, period__in=periods.values()).select_related(
            "period"
        )
    }
    if len(bodies) < 2 or any(number not in meetings for number in REVIEWED_IN):
        return []
    seats = {seat.person_name: seat for seat in Seat.objects.filter(is_demo=True).select_related("agency", "user")}
    objectives = {o.ref: o for o in Objective.objects.filter(priority__plan=plan)}
    actions = {a.ref: a for a in Action.objects.filter(objective__priority__plan=plan)}
    kpis = {k.ref: k for k in KPI.objects.filter(objective__priority__plan=plan)}
    manager = users["manager"]
    added = _at(plan.starts_on, 9, 45)
    risks = []
    for spec in RISKS:
        body = bodies[BOARD if spec["level"] == Risk.Level.BOARD else EXECUTIVE]
        seat = seats.get(spec["owner"])
        risk = Risk(
            reference=spec["reference"],
            title=spec["title"],
            cause=spec["cause"],
            event=spec["event"],
            effect=spec["effect"],
            category=spec["category"],
            level=spec["level"],
            lead_body=body,
            owner_name=spec["owner"],
            owner_user=seat.user if seat else None,
            owner_agency=seat.agency if seat else None,
            treatment=spec["treatment"],
            inherent_likelihood=spec["inherent"][0],
            inherent_impact=spec["inherent"][1],
            current_likelihood=spec["opened"][0],
            current_impact=spec["opened"][1],
            target_likelihood=spec["target"][0],
            target_impact=spec["target"][1],
            opened_on=plan.starts_on,
            next_review_on=_next_review_on(plan.starts_on, *spec["opened"]),
            is_demo=True,
        )
        _saved(risk, user=manager, when=added)
        links = {
            "objectives": [objectives[ref] for ref in spec["objectives"] if ref in objectives],
            "actions": [actions[ref] for ref in spec["actions"] if ref in actions],
            "kpis": [kpis[ref] for ref in spec["kpis"] if ref in kpis],
        }
        links_set(risk, links)
        links_recorded(risk)  # in the record of the risk being added, as the register's own form does
        for position, (description, owner, effectiveness) in enumerate(spec["controls"]):
            control = Control(
                risk=risk, description=description, owner=owner, effectiveness=effectiveness, position=position
            )
            _saved(control, user=manager, when=added)
        reviewer = seat.user if seat and seat.user else manager
        score = spec["opened"]
        for number, (new_score, comment) in zip(REVIEWED_IN, spec["reviews"], strict=True):
            meeting = meetings[number]
            when = _at(meeting.date, 16, number)
            review = Review(
                risk=risk,
                reviewed_on=meeting.date,
                meeting=meeting,
                reviewer=reviewer,
                likelihood=new_score[0],
                impact=new_score[1],
                direction=_direction(score, new_score),
                comment=comment,
                is_demo=True,
            )
            _saved(review, user=manager, when=when)
            Review.objects.filter(pk=review.pk).update(created_at=when)
            score = new_score
            risk.current_likelihood, risk.current_impact = new_score
            risk.last_reviewed_on = meeting.date
            risk.next_review_on = _next_review_on(meeting.date, *new_score)
            risk.review_suggested = ""
            if spec["reference"] == ESCALATED and number == ESCALATED_AT:
                escalation = Escalation(
                    risk=risk, kind=Escalation.Kind.ESCALATED, on=meeting.date, reason=ESCALATION_REASON, by=reviewer
                )
                _saved(escalation, user=manager, when=when)
                Escalation.objects.filter(pk=escalation.pk).update(created_at=when)
                risk.is_escalated = True
            risk.version += 1
            _saved(risk, user=manager, when=when)
        if spec["reference"] in SUGGESTED:
            ref, number = SUGGESTED[spec["reference"]]
            kpi, period = kpis.get(ref), periods.get(number)
            flagged = _flagged_when(kpi, period)
            if flagged:
                # In the words of risks.signals, which flags it so when a Red value is saved.
                risk.review_suggested = f"KPI {kpi.code} was Red in period {period.number} ({period.label})"
                risk._change_reason = "Review suggested"
                _saved(risk, user=manager, when=flagged)
        risks.append(risk)
    return risks


def _flagged_when(kpi, period):
    """When the KPI's value for the period was entered (the moment the risk was flagged), or None."""
    if kpi is None or period is None:
        return None
    value = kpi.values.filter(period=period).first()
    return value.updated_at if value else None
