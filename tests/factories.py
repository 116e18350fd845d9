"""One factory per model; each makes a valid, saved object with no arguments."""

import datetime
import hashlib
import secrets

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from assurance.models import Evidence, PackPDF, Requirement, RequirementFramework, SelfGrade
from audits.models import (
    AuditKind,
    AuditMeasure,
    ChallengeEvent,
    Criterion,
    CriterionAnswer,
    Framework,
    Organisation,
    Return,
    Round,
    ScaleLevel,
    Standard,
)
from dscb.models import SentEmail, TaskWorker
from kpis.models import KPI, KPIValue
from meetings.models import (
    Agency,
    Attendance,
    AttendanceMeasure,
    CalendarFeed,
    Deputy,
    Meeting,
    MeetingItem,
    QuorumRule,
    Seat,
)
from planfile.models import PendingImport
from plans.models import BusinessPlan, ReportingPeriod
from plans.services import plan_create_periods
from priorities.models import Action, Objective, ProgressUpdate, Status, StrategicPriority
from progress.models import EmailPreference
from reports.models import DraftPDF, IssuedReport, PDFDrawFailure
from risks.models import Control, Escalation, Review, Risk
from selfassessment.models import Answer, Invitation, Question, Questionnaire, Response, Window
from subgroups.models import Membership, Subgroup
from subgroups.roles import BOARD_MANAGER, VIEWER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def add_role(user, role):
    user.groups.add(Group.objects.get(name=role))
    return user


def make_manager(**kwargs):
    return add_role(UserFactory(**kwargs), BOARD_MANAGER)


def make_viewer(**kwargs):
    return add_role(UserFactory(**kwargs), VIEWER)


class SubgroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subgroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Subgroup {n} sub")
    slug = factory.Sequence(lambda n: f"subgroup-{n}")

    @factory.post_generation
    def chair(obj, create, extracted, **kwargs):
        if create:
            MembershipFactory(subgroup=obj, user=extracted or UserFactory(), role=Membership.Role.CHAIR)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    subgroup = factory.SubFactory(SubgroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class BusinessPlanFactory(factory.django.DjangoModelFactory):
    """With no arguments, the plan most tests want: active, with its six bi-monthly periods, the first open.

    `bare=True` (what the other factories' plans are): closed, with no periods, so that a test adds the periods
    it needs and as many plans as it likes. `periods=False` leaves out the periods alone.
    """

    class Meta:
        model = BusinessPlan
        skip_postgeneration_save = True

    class Params:
        bare = factory.Trait(status=BusinessPlan.Status.CLOSED, periods=False)

    slug = factory.Sequence(lambda n: f"{2030 + n}-{(31 + n) % 100:02d}")
    title = factory.LazyAttribute(lambda plan: f"Business Plan {plan.slug}")
    year_label = factory.LazyAttribute(lambda plan: plan.slug.replace("-", "/"))
    starts_on = datetime.date(2015, 4, 1)
    ends_on = datetime.date(2016, 3, 31)
    status = BusinessPlan.Status.ACTIVE

    @factory.post_generation
    def periods(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            plan_create_periods(plan=obj)
            obj.periods.filter(number=1).update(state=ReportingPeriod.State.OPEN)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    plan = factory.SubFactory(BusinessPlanFactory, bare=True)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = datetime.date(2015, 4, 1)
    ends_on = datetime.date(2015, 5, 31)
    deadline = datetime.date(2015, 6, 10)
    state = ReportingPeriod.State.OPEN


class StrategicPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPriority

    plan = factory.SubFactory(BusinessPlanFactory, bare=True)
    ref = factory.Sequence(lambda n: f"{n + 1}")
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    priority = factory.SubFactory(StrategicPriorityFactory)
    ref = factory.LazyAttributeSequence(lambda o, n: f"{o.priority.ref}.{n + 1}")
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence")
    evidence = factory.Faker("paragraph")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    ref = factory.LazyAttributeSequence(lambda o, n: f"{o.objective.ref}.{n + 1}")
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")
    lead = factory.SubFactory(SubgroupFactory)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    period = factory.SubFactory(ReportingPeriodFactory, plan=factory.SelfAttribute("..action.objective.priority.plan"))
    status = Status.GREEN
    progress = factory.Faker("paragraph")
    impact = factory.Faker("paragraph")
    next_steps = factory.Faker("sentence")
    author = factory.SubFactory(UserFactory)


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    objective = factory.SubFactory(ObjectiveFactory)
    ref = factory.LazyAttributeSequence(lambda o, n: f"{o.objective.ref}.K{n + 1}")
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Faker("sentence")
    kind = KPI.Kind.PERCENTAGE
    owner = factory.SubFactory(SubgroupFactory)


class KPIValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPIValue

    kpi = factory.SubFactory(KPIFactory)
    period = factory.SubFactory(ReportingPeriodFactory, plan=factory.SelfAttribute("..kpi.objective.priority.plan"))
    numerator = 3
    denominator = 4
    value = 75
    entered_by = factory.SubFactory(UserFactory)


class IssuedReportFactory(factory.django.DjangoModelFactory):
    """A Safeguarding Executive report issued for period 1 (its files stand-ins: tests that read them issue one)."""

    class Meta:
        model = IssuedReport

    plan = factory.SubFactory(BusinessPlanFactory, bare=True)
    kind = IssuedReport.Kind.EXECUTIVE
    period_number = 1
    version = factory.Sequence(lambda n: n + 1)
    title = "Safeguarding Executive report: Period 1"
    meeting = "Safeguarding Executive"
    issued_by = factory.SubFactory(UserFactory)
    issued_at = factory.LazyFunction(timezone.now)
    body_html = '<article class="app-report"></article>'
    pdf = b"%PDF-1.7"
    xlsx = b"PK"
    data = factory.LazyAttribute(lambda report: {"kind": report.kind, "plan": report.plan.slug, "actions": []})


class OneBoardReportFactory(factory.django.DjangoModelFactory):
    """Rows kept for one draft report (reports.models.OneReport): here the Board report as at 1 December 2015."""

    class Meta:
        abstract = True

    plan = factory.SubFactory(BusinessPlanFactory, bare=True)
    kind = IssuedReport.Kind.BOARD
    as_at = datetime.date(2015, 12, 1)


class DraftPDFFactory(OneBoardReportFactory):
    class Meta:
        model = DraftPDF

    fingerprint = factory.LazyAttribute(lambda draft: hashlib.sha256(draft.pdf).hexdigest())
    pdf = b"%PDF-1.7"
    built_at = factory.LazyFunction(timezone.now)
    build_ms = 1200


class PDFDrawFailureFactory(OneBoardReportFactory):
    class Meta:
        model = PDFDrawFailure

    fingerprint = "0" * 64
    failed_at = factory.LazyFunction(timezone.now)
    reason = "The PDF took longer than 60 seconds to draw."


class PendingImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingImport

    uploaded_by = factory.SubFactory(UserFactory)
    filename = "plan.csv"
    content = b"Type,Ref,Text\nPlan,slug,2030-31\n"
    sha256 = factory.LazyAttribute(lambda pending: hashlib.sha256(pending.content).hexdigest())


class TaskWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskWorker

    worker_id = factory.Sequence(lambda n: f"worker-{n}")
    host = "app1"
    pid = 4242
    seen_at = factory.LazyFunction(timezone.now)


class SentEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SentEmail

    key = factory.Sequence(lambda n: f"set-password:{n}:request-{n}")
    to = "someone@example.org"
    subject = "Your account"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"A{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = Agency.Kind.HEALTH
    is_statutory = True


class SeatFactory(factory.django.DjangoModelFactory):
    """A member sitting on a subgroup for an agency since 1 April 2015."""

    class Meta:
        model = Seat

    body = factory.SubFactory(SubgroupFactory)
    person_name = factory.Faker("name")
    agency = factory.SubFactory(AgencyFactory)
    role = Seat.Role.MEMBER
    starts_on = datetime.date(2015, 4, 1)


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    seat = factory.SubFactory(SeatFactory)
    name = factory.Faker("name")


class QuorumRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuorumRule

    body = factory.SubFactory(SubgroupFactory)
    kind = QuorumRule.Kind.MEMBERS
    number = 3


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(SubgroupFactory)
    date = datetime.date(2015, 5, 14)
    starts_at = datetime.time(14, 0)
    place = "Council House, Dudley"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    seat = factory.SubFactory(SeatFactory, body=factory.SelfAttribute("..meeting.body"))
    status = Attendance.Status.PRESENT


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
    secret = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class MeetingItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = MeetingItem.Kind.ACTION
    text = factory.Faker("sentence")
    owner = factory.Faker("name")


class AttendanceMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceMeasure

    kpi = factory.SubFactory(KPIFactory, value_source=KPI.Source.ATTENDANCE)


class EmailPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailPreference

    user = factory.SubFactory(UserFactory)
    weekly_digest = True


class RiskFactory(factory.django.DjangoModelFactory):
    """An open Safeguarding Executive risk, High now (3 x 4), Very high before its controls, Medium at target."""

    class Meta:
        model = Risk

    reference = factory.Sequence(lambda n: f"R{n + 1}")
    title = factory.Sequence(lambda n: f"Risk {n + 1}")
    cause = "Because referrals rose faster than the teams that take them"
    event = "there is a risk that a child at risk of harm is not seen in time"
    effect = "which would leave the child unprotected and the board unable to assure itself"
    category = Risk.Category.PRACTICE
    level = Risk.Level.EXECUTIVE
    lead_body = factory.SubFactory(SubgroupFactory)
    owner_name = factory.Faker("name")
    inherent_likelihood = 4
    inherent_impact = 5
    current_likelihood = 3
    current_impact = 4
    target_likelihood = 2
    target_impact = 3
    opened_on = datetime.date(2015, 4, 1)
    next_review_on = datetime.date(2015, 6, 1)


class ControlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Control

    risk = factory.SubFactory(RiskFactory)
    description = factory.Faker("sentence")
    owner = factory.Faker("name")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    risk = factory.SubFactory(RiskFactory)
    reviewed_on = datetime.date(2015, 6, 17)
    reviewer = factory.SubFactory(UserFactory)
    likelihood = 3
    impact = 4
    direction = Review.Direction.SAME


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    risk = factory.SubFactory(RiskFactory)
    kind = Escalation.Kind.ESCALATED
    on = datetime.date(2015, 8, 19)
    reason = "Partners' funding for the coming year is not agreed and the Executive cannot settle it."
    by = factory.SubFactory(UserFactory)


class FrameworkFactory(factory.django.DjangoModelFactory):
    """A Section 11 framework version (its number above the shipped ones) with no standards."""

    class Meta:
        model = Framework

    kind = AuditKind.SECTION_11
    name = "Section 11 self-assessment"
    version = factory.Sequence(lambda n: n + 100)
    scale = "rag"


class ScaleLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScaleLevel

    framework = factory.SubFactory(FrameworkFactory)
    score = 3
    descriptor = "Fully in place, embedded and evidenced"


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    framework = factory.SubFactory(FrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Standard {n + 1}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    standard = factory.SubFactory(StandardFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Staff receive safeguarding training at the level their role needs."


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An agency in audits' sense (no URN); `school=True`-like rows pass kind, urn and phase."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n + 1}")
    slug = factory.Sequence(lambda n: f"organisation-{n + 1}")
    kind = Organisation.Kind.AGENCY


def make_school(**kwargs):
    n = Organisation.objects.count() + 1
    defaults = {
        "name": f"School {n}",
        "slug": f"school-{n}",
        "kind": "school",
        "urn": f"{100000 + n}",
        "phase": "primary",
    }
    return OrganisationFactory(**(defaults | kwargs))


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    kind = factory.LazyAttribute(lambda row: row.framework.kind)
    title = factory.Sequence(lambda n: f"Section 11 audit {n + 1}")
    framework = factory.SubFactory(FrameworkFactory)
    opens_on = datetime.date(2015, 9, 1)
    closes_on = datetime.date(2015, 11, 30)


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Return

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    contact = factory.SubFactory(UserFactory)


class CriterionAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriterionAnswer

    return_form = factory.SubFactory(ReturnFactory)
    criterion = factory.SubFactory(
        CriterionFactory, standard__framework=factory.SelfAttribute("...return_form.round.framework")
    )
    self_score = 3
    evidence = "Training records for 2015 show 96% of staff trained at the right level."


class ChallengeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChallengeEvent

    return_form = factory.SubFactory(ReturnFactory)
    held_on = datetime.date(2016, 1, 20)
    attended = "Board business manager; the agency's safeguarding lead"
    outcome = "The self-assessment was agreed, with the training standard moderated to Amber."


class AuditMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditMeasure

    kpi = factory.SubFactory(KPIFactory)
    kind = AuditKind.SECTION_11


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """The board effectiveness questionnaire, in a version of its own."""

    class Meta:
        model = Questionnaire

    kind = Questionnaire.Kind.BOARD
    version = factory.Sequence(lambda n: n + 1)
    title = "The board's effectiveness"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"question-{n}")
    text = factory.Sequence(lambda n: f"The board does thing {n} well.")


class WindowFactory(factory.django.DjangoModelFactory):
    """A 2015/16 window of the Board's seats, opened, open from 1 February to 31 March 2016."""

    class Meta:
        model = Window

    year_label = "2015/16"
    plan = factory.SubFactory(BusinessPlanFactory, bare=True)
    body = factory.SubFactory(SubgroupFactory, kind=Subgroup.Kind.BOARD)
    board_questionnaire = factory.SubFactory(QuestionnaireFactory)
    member_questionnaire = factory.SubFactory(QuestionnaireFactory, kind=Questionnaire.Kind.MEMBER)
    opens_on = datetime.date(2016, 2, 1)
    closes_on = datetime.date(2016, 3, 31)
    opened_at = factory.LazyFunction(timezone.now)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    window = factory.SubFactory(WindowFactory)
    seat = factory.SubFactory(SeatFactory, body=factory.SelfAttribute("..window.body"))
    secret = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    invitation = factory.SubFactory(InvitationFactory)
    questionnaire = factory.SelfAttribute("invitation.window.board_questionnaire")


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory, questionnaire=factory.SelfAttribute("..response.questionnaire"))
    score = 4


class RequirementFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementFramework

    name = factory.Sequence(lambda n: f"Inspection framework {n}")
    effective_from = datetime.date(2015, 4, 1)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    framework = factory.SubFactory(RequirementFrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"The board shows requirement {n} is met.")


class EvidenceFactory(factory.django.DjangoModelFactory):
    """An accepted external document dated 1 March 2016; pass kind and a source for another kind."""

    class Meta:
        model = Evidence

    requirement = factory.SubFactory(RequirementFactory)
    kind = Evidence.Kind.DOCUMENT
    document_title = factory.Sequence(lambda n: f"Document {n}")
    document_date = datetime.date(2016, 3, 1)
    evidence_on = factory.LazyAttribute(lambda o: o.document_date or datetime.date(2016, 3, 1))
    status = Evidence.Status.ACCEPTED
    added_by = factory.SubFactory(UserFactory)


class SelfGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfGrade

    requirement = factory.SubFactory(RequirementFactory)
    grade = SelfGrade.Grade.GOOD
    gaps = "Little evidence from children themselves."


class PackPDFFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackPDF

    as_at = factory.Sequence(lambda n: datetime.date(2016, 3, 31) - datetime.timedelta(days=n))
    fingerprint = "0" * 64
    pdf = b"%PDF-1.7"
    built_at = factory.LazyFunction(timezone.now)
